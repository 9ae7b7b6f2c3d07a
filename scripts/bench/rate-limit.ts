/**
 * Rate-limiter accuracy benchmark (real time, ~20 s): 1 000 calls through a 100 requests / 2 s
 * limit against a loopback HTTP server that timestamps every arrival.
 *
 * - achieved ÷ configured: the steady-state rate the server saw. A rolling window lets the
 *   first `requests` calls go at once, and how they spread (cold connections took up to 0.5 s)
 *   only shifts every later window, so the rate is measured between the mean arrival time of
 *   the first `requests` calls and that of the last `requests` calls:
 *   (calls − requests) ÷ (mean of last − mean of first) — i.e. `requests` ÷ the mean time
 *   from arrival k to arrival k + `requests`. Goal ≥ 0.95.
 * - worst window: the most arrivals the server saw inside any `intervalMs` span (closed
 *   interval, so stricter than a server that counts a half-open one). Goal ≤ requests.
 * - mean latency: a slot is held until `intervalMs` after its response (see rate-limit.ts),
 *   so each window loses about one latency: expect achieved ÷ configured ≈ 1 − latency ÷ interval.
 * - hot path: CPU time of `tryAcquire()` + release with capacity free, per call.
 *
 * `npx tsx scripts/bench/rate-limit.ts` prints the Markdown table; `benchRateLimit()` returns
 * it for the combined benchmark.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { RateLimiter, type RateLimit } from '../../runtime/rate-limit.js';

export interface RateLimitBenchRow {
  scenario: string;
  calls: number;
  requests: number;
  intervalMs: number;
  maxConcurrency: number;
  elapsedMs: number;
  /** Steady-state requests per second at the server. */
  achievedRate: number;
  configuredRate: number;
  /** achievedRate ÷ configuredRate; goal ≥ 0.95. */
  rateRatio: number;
  /** Most arrivals in any closed `intervalMs` span; goal ≤ requests. */
  worstWindow: number;
  /** Mean time from a slot granted to its release (the request's latency), ms. */
  meanLatencyMs: number;
  /** CPU ns per `tryAcquire()` + release when a slot is free. */
  hotPathNsPerCall: number;
}

export interface RateLimitBenchOptions {
  calls?: number;
  rateLimit?: RateLimit;
  maxConcurrency?: number;
}

/** Largest number of timestamps within any closed span of `intervalMs`. */
export function worstWindow(timestamps: number[], intervalMs: number): number {
  const sorted = [...timestamps].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] > intervalMs) i++;
    worst = Math.max(worst, j - i + 1);
  }
  return worst;
}

function hotPathNsPerCall(iterations = 1_000_000): number {
  const limiter = new RateLimiter({ rateLimit: { requests: 1_000_000_000, intervalMs: 1000 }, maxConcurrency: Infinity });
  for (let i = 0; i < 10_000; i++) limiter.tryAcquire()!(); // warm up
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) limiter.tryAcquire()!();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / iterations;
}

export async function benchRateLimit(options: RateLimitBenchOptions = {}): Promise<{ table: string; rows: RateLimitBenchRow[] }> {
  const calls = options.calls ?? 1000;
  const rateLimit = options.rateLimit ?? { requests: 100, intervalMs: 2000 };
  const maxConcurrency = options.maxConcurrency ?? 16;

  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end('[]');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/users`;

  try {
    const limiter = new RateLimiter({ rateLimit, maxConcurrency });
    const started = performance.now();
    let latencyTotal = 0;
    await Promise.all(
      Array.from({ length: calls }, async () => {
        const release = limiter.tryAcquire() ?? (await limiter.acquire());
        const granted = performance.now();
        try {
          const response = await fetch(url);
          await response.arrayBuffer();
          if (!response.ok) throw new Error(`unexpected ${response.status}`);
        } finally {
          latencyTotal += performance.now() - granted;
          release();
        }
      }),
    );
    const elapsedMs = performance.now() - started;

    const sorted = [...arrivals].sort((a, b) => a - b);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const span = mean(sorted.slice(-rateLimit.requests)) - mean(sorted.slice(0, rateLimit.requests));
    const achievedRate = ((calls - rateLimit.requests) / span) * 1000;
    const configuredRate = (rateLimit.requests / rateLimit.intervalMs) * 1000;
    const row: RateLimitBenchRow = {
      scenario: `${calls} calls, ${rateLimit.requests} req / ${rateLimit.intervalMs} ms, ${maxConcurrency} concurrent, loopback`,
      calls,
      requests: rateLimit.requests,
      intervalMs: rateLimit.intervalMs,
      maxConcurrency,
      elapsedMs,
      achievedRate,
      configuredRate,
      rateRatio: achievedRate / configuredRate,
      worstWindow: worstWindow(arrivals, rateLimit.intervalMs),
      meanLatencyMs: latencyTotal / calls,
      hotPathNsPerCall: hotPathNsPerCall(),
    };
    if (arrivals.length !== calls) throw new Error(`server saw ${arrivals.length} requests for ${calls} calls`);
    return { table: toTable([row]), rows: [row] };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function toTable(rows: RateLimitBenchRow[]): string {
  const lines = [
    '| scenario | elapsed | achieved rate | configured rate | achieved ÷ configured (goal ≥ 0.95) | worst rolling window (goal ≤ limit) | mean latency | hot path CPU per call |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.scenario} | ${(row.elapsedMs / 1000).toFixed(2)} s | ${row.achievedRate.toFixed(2)} req/s | ${row.configuredRate.toFixed(2)} req/s | ` +
        `**${row.rateRatio.toFixed(3)}** ${row.rateRatio >= 0.95 ? '✓' : '✗'} | **${row.worstWindow}** / ${row.requests} ${row.worstWindow <= row.requests ? '✓' : '✗'} | ${row.meanLatencyMs.toFixed(1)} ms | ${row.hotPathNsPerCall.toFixed(0)} ns |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { table, rows } = await benchRateLimit();
  console.log(table);
  if (rows.some((row) => row.rateRatio < 0.95 || row.worstWindow > row.requests)) process.exitCode = 1;
}
