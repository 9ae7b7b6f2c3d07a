/**
 * Rate-limiter accuracy benchmark (real time, ~20 s): 1 000 calls (`GET /api/users`) made at
 * once through the real client — token request, transport, limiter — with a 100 requests / 2 s
 * limit against the loopback fake Logto, which timestamps every arrival (token request
 * included: it counts against the same budget).
 *
 * - achieved ÷ configured: the steady-state rate the server saw. A rolling window lets the
 *   first `requests` calls go at once, and how they spread (cold connections took up to 0.5 s)
 *   only shifts every later window, so the rate is measured between the mean arrival time of
 *   the first `requests` calls and that of the last `requests` calls:
 *   (calls − requests) ÷ (mean of last − mean of first) — i.e. `requests` ÷ the mean time
 *   from arrival k to arrival k + `requests`. Goal ≥ 0.95.
 * - worst window: the most arrivals the server saw inside any `intervalMs` span (closed
 *   interval, so stricter than a server that counts a half-open one). Goal ≤ requests.
 * - cost per window: a slot is held until `intervalMs` after its response (see rate-limit.ts),
 *   so each window lasts about one latency (plus timer slack) longer than the interval.
 * - hot path: CPU time of `tryAcquire()` + release with capacity free, per call.
 *
 * `npx tsx scripts/bench/rate-limit.ts` prints the Markdown table; `benchRateLimit()` returns
 * it for the combined benchmark.
 */
import { pathToFileURL } from 'node:url';
import { createLogtoClient } from '../../runtime/client/client.js';
import { defineOperation } from '../../runtime/client/operation.js';
import { RateLimiter, type RateLimit } from '../../runtime/limits/rate-limit.js';
import { startFakeLogto } from '../../testing/src/index.js';

const listUsers = defineOperation<{ query?: { page?: number; page_size?: number } }, unknown[]>({
  id: 'ListUsers',
  method: 'GET',
  path: '/api/users',
  security: 'm2m',
  paginated: true,
  body: 'none',
});

export interface RateLimitBenchRow {
  scenario: string;
  calls: number;
  /** Requests the server received: the calls plus the token request. */
  received: number;
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
  /** Mean server-side gap between a request's arrival and the arrival `requests` later, minus the interval, ms: what each window cost. */
  lossPerWindowMs: number;
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

  const fake = await startFakeLogto({ logBodies: false, validateRequests: false });
  try {
    fake.data.seedUsers(5);
    const client = createLogtoClient({
      endpoint: fake.url,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      rateLimit,
      maxConcurrency,
    });
    const started = performance.now();
    await Promise.all(Array.from({ length: calls }, () => listUsers(client)));
    const elapsedMs = performance.now() - started;

    const arrivals = fake.requests.map((request) => request.monotonic).sort((a, b) => a - b);
    const { requests, intervalMs } = rateLimit;
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const span = mean(arrivals.slice(-requests)) - mean(arrivals.slice(0, requests));
    const achievedRate = ((arrivals.length - requests) / span) * 1000;
    const configuredRate = (requests / intervalMs) * 1000;
    const windowsSpanned = (arrivals.length - requests) / requests;
    const row: RateLimitBenchRow = {
      scenario: `${calls} calls at once through the client, ${requests} req / ${intervalMs} ms, ${maxConcurrency} concurrent, loopback fake Logto`,
      calls,
      received: arrivals.length,
      requests,
      intervalMs,
      maxConcurrency,
      elapsedMs,
      achievedRate,
      configuredRate,
      rateRatio: achievedRate / configuredRate,
      worstWindow: worstWindow(arrivals, intervalMs),
      lossPerWindowMs: span / windowsSpanned - intervalMs,
      hotPathNsPerCall: hotPathNsPerCall(),
    };
    if (fake.counters.apiRequests !== calls) throw new Error(`server saw ${fake.counters.apiRequests} API requests for ${calls} calls`);
    return { table: toTable([row]), rows: [row] };
  } finally {
    await fake.close();
  }
}

function toTable(rows: RateLimitBenchRow[]): string {
  const lines = [
    '| scenario | elapsed | achieved rate | configured rate | achieved ÷ configured (goal ≥ 0.95) | worst rolling window (goal ≤ limit) | cost per window | limiter CPU per call (free slot) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.scenario} (${row.received} requests received) | ${(row.elapsedMs / 1000).toFixed(2)} s | ${row.achievedRate.toFixed(2)} req/s | ${row.configuredRate.toFixed(2)} req/s | ` +
        `**${row.rateRatio.toFixed(3)}** ${row.rateRatio >= 0.95 ? '✓' : '✗'} | **${row.worstWindow}** / ${row.requests} ${row.worstWindow <= row.requests ? '✓' : '✗'} | ${row.lossPerWindowMs.toFixed(1)} ms | ${row.hotPathNsPerCall.toFixed(0)} ns |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { table, rows } = await benchRateLimit();
  console.log(table);
  if (rows.some((row) => row.rateRatio < 0.95 || row.worstWindow > row.requests)) process.exitCode = 1;
}
