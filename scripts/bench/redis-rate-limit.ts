/**
 * Benchmark (not a test): 4 processes share one Logto budget of 100 requests / 2 s.
 *
 * Each process is a real client (`test/redis/worker.ts`) making `calls` API calls against one
 * loopback fake Logto (testing/), which timestamps every arrival. Four rows, run one
 * after the other on the same machine:
 * - "Redis store": every process on `createRedisStore(redis)` against a real redis-server
 *   (started here on a free port, killed at the end), default settings, warm (connected,
 *   token fetched, then released together) and cold (the Redis client, the store and the
 *   Logto client created when the processes are released together, as in a deploy: ioredis
 *   still connecting, no token); and warm with a wider `marginMs` (it trades rate for
 *   headroom against send-time jitter);
 * - "no shared store": the same processes each with their own in-memory limiter — what you
 *   get today without the store: every process spends the whole budget.
 *
 * Measured where Logto counts, at the server:
 * - achieved ÷ configured rate: after the first window's burst, (arrivals − limit) ÷ time from
 *   the first to the last arrival, over limit ÷ window (goal ≥ 0.95, as for the in-process limiter);
 * - the most arrivals in any rolling window (goal ≤ limit).
 *
 *   npx tsx scripts/bench/redis-rate-limit.ts [calls per process, default 500]
 */
import { pathToFileURL } from 'node:url';
import { startFakeLogto } from '../../testing/src/index.js';
import { redisServerPath, startRedisServer } from '../../test/redis/redis-server.js';
import { maxInRollingWindow, startWorkers } from '../../test/redis/worker-pool.js';

export interface RedisRateLimitBenchRow {
  variant: string;
  processes: number;
  calls: number;
  limit: number;
  windowMs: number;
  /** Achieved steady-state rate ÷ configured rate, measured on the server. */
  rateRatio: number;
  /** The most arrivals in any rolling window; the limit is the goal. */
  worstWindow: number;
  /** Processes that fell back to the local limiter at some point. */
  fallbacks: number;
  /** …of which before Redis had ever answered them (what `connectTimeoutMs` prevents). */
  fallbacksWhileConnecting: number;
  /** Calls that failed, or were lost or duplicated on the way (by their call id). */
  failed: number;
  lostOrDuplicated: number;
  durationMs: number;
}

const PROCESSES = 4;
const LIMIT = 100;
const WINDOW_MS = 2_000;

async function runVariant(
  variant: string,
  shared: boolean,
  calls: number,
  redisPort: number,
  { marginMs, coldStart }: { marginMs?: number; coldStart?: boolean } = {},
): Promise<RedisRateLimitBenchRow> {
  const fake = await startFakeLogto({ logBodies: false, validateRequests: false });
  const started = performance.now();
  const pool = await startWorkers(
    Array.from({ length: PROCESSES }, () => ({
      redisPort,
      endpoint: fake.url,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      calls,
      concurrency: 2,
      rateLimit: { requests: LIMIT, intervalMs: WINDOW_MS },
      shared,
      marginMs,
      coldStart,
    })),
  );
  try {
    fake.clearRequests(); // the warm-up requests (warm rows) are not part of the run
    const results = await pool.run();
    const measured = fake.requests.filter((request) => request.headers['x-call-id'] !== undefined);
    const arrivals = measured.map((request) => request.monotonic).sort((a, b) => a - b);
    const spanMs = arrivals[arrivals.length - 1]! - arrivals[0]!;
    const achieved = (arrivals.length - LIMIT) / spanMs;
    const ids = new Set(measured.map((request) => String(request.headers['x-call-id'])));
    return {
      variant,
      processes: PROCESSES,
      calls: PROCESSES * calls,
      limit: LIMIT,
      windowMs: WINDOW_MS,
      rateRatio: achieved / (LIMIT / WINDOW_MS),
      // Every request Logto saw during the run: the cold row's token request takes a slot too.
      worstWindow: maxInRollingWindow(fake.requests.map((request) => request.monotonic), WINDOW_MS),
      fallbacks: results.filter((result) => result.warnings.length !== 0).length,
      fallbacksWhileConnecting: results.filter((result) => result.warnings.some((warning) => /not answered this process yet/.test(warning))).length,
      failed: results.reduce((sum, result) => sum + result.failures.length, 0),
      lostOrDuplicated: Math.abs(PROCESSES * calls - ids.size) + (measured.length - ids.size),
      durationMs: performance.now() - started,
    };
  } finally {
    pool.kill();
    await fake.close();
  }
}

export async function benchRedisRateLimit(options: { calls?: number } = {}): Promise<{ table: string; rows: RedisRateLimitBenchRow[] }> {
  if (!redisServerPath) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const calls = options.calls ?? 500;
  const redis = await startRedisServer();
  try {
    const rows = [
      await runVariant('Redis store, warm start (default settings)', true, calls, redis.port),
      await runVariant('Redis store, cold start: processes started together (default settings)', true, calls, redis.port, { coldStart: true }),
      await runVariant('Redis store, warm, marginMs 250', true, calls, redis.port, { marginMs: 250 }),
      await runVariant('no shared store (memory, per process)', false, calls, redis.port),
    ];
    return { table: renderTable(rows), rows };
  } finally {
    await redis.stop();
  }
}

function renderTable(rows: RedisRateLimitBenchRow[]): string {
  const lines = [
    `${PROCESSES} processes sharing ${LIMIT} requests / ${WINDOW_MS / 1000} s against a loopback fake Logto (counted at the server)`,
    '',
    '| variant | calls | achieved ÷ configured rate (goal ≥ 0.95) | worst rolling window (goal ≤ limit) | processes that fell back (before Redis first answered) | failed | lost or duplicated | wall time |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.variant} | ${row.calls} | ${row.rateRatio.toFixed(3)} | ${row.worstWindow} / ${row.limit} | ${row.fallbacks} / ${row.processes} (${row.fallbacksWhileConnecting}) | ${row.failed} | ${row.lostOrDuplicated} | ${(row.durationMs / 1000).toFixed(1)} s |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const calls = process.argv[2] ? Number(process.argv[2]) : undefined;
  benchRedisRateLimit({ calls })
    .then(({ table }) => {
      console.log(table);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
