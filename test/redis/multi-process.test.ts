/**
 * Several processes, one tenant: worker processes (`worker.ts`) share one budget, one 429
 * pause and one token through a real redis-server, against one loopback Logto that records
 * every arrival. Counting happens on the server side, like Logto's own limit.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';
import { redisServerPath, skipReason, startRedisServer, type RedisServer } from './redis-server.js';
import { maxInRollingWindow, startWorkers, type WorkerPool } from './worker-pool.js';
import type { WorkerConfig } from './worker.js';

if (!redisServerPath) console.warn(`Skipping the multi-process Redis tests: ${skipReason}`);

describe.skipIf(!redisServerPath)('many processes sharing a Redis store', () => {
  let redis: RedisServer;
  let admin: Redis;
  let fake: FakeLogto;
  let pool: WorkerPool | undefined;

  const config = (overrides: Partial<WorkerConfig> = {}): Omit<WorkerConfig, 'worker'> => ({
    redisPort: redis.port,
    endpoint: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    calls: 10,
    concurrency: 4,
    rateLimit: { requests: 200, intervalMs: 10_000 },
    // Generous: on a loaded 2-core machine a 200 ms budget (even 1 s, measured at a load
    // average of 30) can run out inside our own process, and a spurious fallback would hide
    // what these tests look at. The kill test sets its own.
    storeTimeoutMs: 5_000,
    ...overrides,
  });
  /** The measured calls (not the workers' warm-up requests). */
  const apiCalls = () => fake.requests.filter((request) => request.headers['x-call-id'] !== undefined);
  const callIds = () => apiCalls().map((request) => String(request.headers['x-call-id']));

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.port, '127.0.0.1', { retryStrategy: () => 100 });
    admin.on('error', () => {});
  });
  beforeEach(async () => {
    fake = await startFakeLogto({ logBodies: false });
    await admin.flushall();
  });
  afterEach(async () => {
    pool?.kill();
    pool = undefined;
    await fake.close();
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  it('keeps 4 processes × 500 calls within 100 requests per rolling 2 s, counted where they arrive', { timeout: 120_000 }, async () => {
    // Logto counts arrivals; what the store controls is when slots are taken. On a loaded
    // 2-core CI machine a process can be descheduled for hundreds of ms between the two
    // (measured: 102 in a window with 250 ms at a load average of 25), so the margin here is
    // wider than the 100 ms default, which covers a network's jitter.
    pool = await startWorkers(
      Array.from({ length: 4 }, () => config({ calls: 500, concurrency: 2, marginMs: 500, rateLimit: { requests: 100, intervalMs: 2_000 } })),
    );
    const results = await pool.run();
    expect(results.flatMap((result) => result.failures)).toEqual([]);
    expect(results.flatMap((result) => result.warnings)).toEqual([]); // Redis all along
    const ids = callIds();
    expect(ids).toHaveLength(2_000);
    expect(new Set(ids).size).toBe(2_000);
    const arrivals = apiCalls().map((request) => request.monotonic);
    expect(maxInRollingWindow(arrivals, 2_000)).toBeLessThanOrEqual(100);
    // …and the budget is used: after the first burst, 19 more windows of 2 s (+ 1 % limiter
    // guard + 500 ms margin).
    const spanMs = Math.max(...arrivals) - Math.min(...arrivals);
    expect(spanMs).toBeGreaterThan(19 * 2_520 * 0.98);
    expect(spanMs).toBeLessThan(19 * 2_520 * 1.1);
  });

  it('makes exactly 1 token request for 8 processes starting cold at once', { timeout: 90_000 }, async () => {
    pool = await startWorkers(Array.from({ length: 8 }, () => config({ calls: 5, concurrency: 5, warmToken: false })));
    const results = await pool.run();
    expect(results.flatMap((result) => result.failures)).toEqual([]);
    expect(results.flatMap((result) => result.warnings)).toEqual([]);
    expect(fake.counters.tokenRequests).toBe(1);
    expect(apiCalls()).toHaveLength(40);
  });

  it("holds every process back while one process's 429 pause lasts", { timeout: 90_000 }, async () => {
    let refused = false;
    fake.intercept((request) => {
      // The 80th API call, whoever sends it (every process is warm by then), gets Retry-After: 1.
      if (!refused && request.headers['x-call-id'] !== undefined && apiCalls().length === 80) {
        refused = true;
        return { type: 'rate-limit', retryAfter: 1 };
      }
      return undefined;
    });
    pool = await startWorkers(Array.from({ length: 4 }, () => config({ calls: 40, concurrency: 2 })));
    const results = await pool.run();
    expect(results.flatMap((result) => result.failures)).toEqual([]);
    expect(results.flatMap((result) => result.warnings)).toEqual([]);
    const pauses = results.flatMap((result) => result.rateLimited);
    expect(pauses).toHaveLength(1);
    const { at, until } = pauses[0]!;
    expect(until - at).toBeGreaterThan(500);
    // From the moment one process reported the 429 until the pause ends, no process sends
    // anything: every request the server saw was sent (x-sent-at, stamped by each process's
    // fetch) before or after. 100 ms of slack at both ends for a loaded CI machine: the pause
    // is set before the hook runs (so it also ends before `until`) and reaches Redis after.
    const sentAt = apiCalls().map((request) => Number(request.headers['x-sent-at']));
    expect(sentAt.every(Number.isFinite)).toBe(true);
    expect(sentAt.filter((time) => time > at + 100 && time < until - 100).map((time) => `${time - at} of ${until - at}`)).toEqual([]);
    expect(sentAt.filter((time) => time >= until).length).toBeGreaterThan(0);
    expect(apiCalls()).toHaveLength(161);
    expect(new Set(callIds()).size).toBe(160); // the refused call was sent again, once
  });
  // Redis killed, frozen, and processes starting together: startup-and-outages.test.ts.
});
