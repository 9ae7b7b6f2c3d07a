/**
 * RedisRateLimitStore against a real redis-server, on its edges: option checks, release and
 * pause without a slot or time left, the heartbeat's lease renewal, and what an outage (a
 * frozen server) leaves in Redis after the replay, and the settling time after it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedisStore, type RedisStore } from '../../runtime/store/redis.js';
import { LEASE_MS } from '../../runtime/store/redis-process-heartbeat.js';
import { useRedisServer } from './real-redis.js';
import { redisServerPath } from './redis-server.js';

const identity = { endpoint: 'http://127.0.0.1:3001', clientId: 'm2m-app-7' };
const prefix = '{t}:';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!redisServerPath)('RedisRateLimitStore edges (real redis-server)', () => {
  const redis = useRedisServer();
  const warn = vi.fn();

  const open = (options: Parameters<typeof createRedisStore>[1] = {}) => {
    const store = createRedisStore(redis.connect(), { prefix, timeoutMs: 2_000, logger: { warn }, ...options });
    redis.cleanup(() => store.close());
    return { store, limiter: store.open(identity).rateLimit };
  };
  /** The window of key `k` in Redis: score per member's sequence number (the part after the instance). */
  const windowScores = async () => {
    const flat = await redis.admin.zrange(`${prefix}rl:k`, '0', '-1', 'WITHSCORES');
    const scores: Record<string, number> = {};
    for (let i = 0; i < flat.length; i += 2) scores[flat[i]!.split(':').pop()!] = Number(flat[i + 1]);
    return scores;
  };
  /** Freezes the server for `ms` while `during` runs (the store must have fallen back by its end); resolves when the store is back. */
  const outage = async (store: RedisStore, during: () => unknown, ms: number) => {
    const frozen = redis.server.freeze(ms);
    await during();
    expect(store.healthy).toBe(false);
    await frozen;
    await vi.waitFor(() => expect(store.healthy).toBe(true), { timeout: 10_000, interval: 20 });
  };

  afterEach(() => {
    vi.restoreAllMocks();
    warn.mockReset();
  });

  it('refuses a fallbackProcesses that is not a positive integer, and takes 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => open({ fallbackProcesses: bad })).toThrow(new RangeError(`createRedisStore: fallbackProcesses must be a positive integer, got ${bad}`));
    }
    expect(() => open({ fallbackProcesses: 1 })).not.toThrow();
  });

  it('a release with no slot in flight, and a pause that ends now, do nothing and keep the store on Redis', async () => {
    const { store, limiter } = open();
    await expect(limiter.release!('k', 1_000)).resolves.toBeUndefined();
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now);
    await limiter.pauseUntil('k', now); // SET PX 0 would be a Redis error, and a switch to the fallback
    vi.restoreAllMocks();
    expect(await redis.admin.exists(`${prefix}pause:k`)).toBe(0);
    expect(store.healthy).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('close leaves the set of live processes', async () => {
    const { store, limiter } = open();
    expect(await limiter.tryAcquire('k', 5, 1_000)).toBe(0);
    expect(await redis.admin.zcard(`${prefix}live-processes`)).toBe(1);
    store.close();
    await vi.waitFor(async () => expect(await redis.admin.zcard(`${prefix}live-processes`)).toBe(0), { timeout: 2_000, interval: 10 });
  });

  it('the heartbeat renews the lease of a slot in flight (and its key), not of one released', async () => {
    const { limiter } = open({ marginMs: 0 });
    expect(await limiter.tryAcquire('k', 5, 5_000)).toBe(0);
    expect(await limiter.tryAcquire('k', 5, 5_000)).toBe(0);
    await limiter.release!('k', 5_000);
    const before = await windowScores();
    await vi.waitFor(async () => expect((await windowScores())['2']).toBeGreaterThan(before['2']!), { timeout: 3_000, interval: 20 });
    expect((await windowScores())['1']).toBe(before['1']); // released: counts from its response, not renewed
    expect(await redis.admin.pttl(`${prefix}rl:k`)).toBeGreaterThan(LEASE_MS + 4_000); // window + lease
  });

  it('after an outage, Redis holds the fallback slots (finished by age, in flight by lease) and not the acquires that timed out', async () => {
    const { store, limiter } = open({ timeoutMs: 100, recheckMs: 50 });
    expect(await limiter.tryAcquire('k', 10, 200)).toBe(0); // 1, on Redis
    await limiter.release!('k', 200);
    await outage(store, async () => {
      await Promise.all([limiter.tryAcquire('k', 10, 200), limiter.tryAcquire('k', 10, 200)]); // 2 and 3 time out
      // The outage's first window keeps to the one slot this process had (one leaves, one may go).
      const acquire = async () => {
        for (let wait = await limiter.tryAcquire('k', 10, 200); wait > 0; wait = await limiter.tryAcquire('k', 10, 200)) await sleep(wait);
      };
      await acquire(); // 4
      await acquire(); // 5, past the first window: the share (10) from now on
      // A longer window, so that 4 is still in it when Redis is back.
      expect(await limiter.tryAcquire('k', 10, 3_000)).toBe(0); // 6
      await limiter.release!('k', 3_000); // 4 finishes; 5 and 6 stay in flight
    }, 1_500);
    const scores = await windowScores();
    const now = Date.now();
    // 1 may have left already (the late acquires pruned the window of 200 ms); 2 and 3 are taken out.
    expect(Object.keys(scores).filter((member) => member !== '1').sort()).toEqual(['4', '5', '6']);
    expect(scores['4']).toBeLessThan(now);
    expect(scores['4']).toBeGreaterThan(now - 3_000);
    expect(scores['5']).toBeGreaterThan(now + LEASE_MS - 2_000);
    expect(scores['6']).toBeGreaterThan(now + LEASE_MS - 2_000);
  });

  it('for a window and two health checks after an outage, a process keeps to its share too', async () => {
    const { store, limiter } = open({ timeoutMs: 100, recheckMs: 1_000, fallbackProcesses: 4 });
    expect(await limiter.tryAcquire('k', 4, 2_000)).toBe(0); // in flight: the share (4 ÷ 4) is spent
    await outage(store, () => limiter.tryAcquire('k', 4, 2_000), 300);
    const now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => now + 3_000); // past the two checks, within the window and them
    expect(await limiter.tryAcquire('k', 4, 2_000)).toBeGreaterThan(0); // Redis has 3 free
    vi.restoreAllMocks();
    expect(await windowScores()).not.toHaveProperty('3');
  });

  it('a refused acquire takes no slot: each release finishes a slot Redis gave', async () => {
    const { limiter } = open();
    expect(await limiter.tryAcquire('k', 1, 1_000)).toBe(0); // 1
    expect(await limiter.tryAcquire('k', 1, 1_000)).toBeGreaterThan(0); // 2, refused
    expect(await limiter.tryAcquire('k', 5, 1_000)).toBe(0); // 3
    await limiter.release!('k', 1_000);
    await limiter.release!('k', 1_000);
    expect((await windowScores())['3']).toBeLessThanOrEqual(Date.now()); // released: no longer held by its lease
  });

  it('pausedUntil answers the local pause when Redis does not answer in time', async () => {
    const { store, limiter } = open({ timeoutMs: 100, recheckMs: 50 });
    const until = Date.now() + 5_000;
    await limiter.pauseUntil('k', until);
    let answer: number | undefined;
    await outage(store, async () => (answer = await limiter.pausedUntil('k')), 300);
    expect(answer).toBe(until);
  });

  it("an outage's first window ends at its end: from then on the fallback gives the share", async () => {
    const { store, limiter } = open({ timeoutMs: 100 });
    await limiter.pausedUntil('k'); // answered: from now on a call has timeoutMs, not the time to connect
    const frozen = redis.server.freeze(1_000);
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now);
    expect(await limiter.tryAcquire('k', 10, 200)).toBe(300); // no slot of its own: none in the first window
    vi.spyOn(Date, 'now').mockReturnValue(now + 300);
    expect(await limiter.tryAcquire('k', 10, 200)).toBe(0); // 10 ÷ 4 (Redis never said how many)
    vi.restoreAllMocks();
    expect(store.healthy).toBe(false);
    await frozen;
  });

  it('the settling time after an outage ends at its end', async () => {
    const { store, limiter } = open({ timeoutMs: 100, recheckMs: 50, fallbackProcesses: 4 });
    expect(await limiter.tryAcquire('k', 4, 200)).toBe(0); // in flight: the share (4 ÷ 4) is spent
    const now = Date.now();
    await outage(store, () => {
      vi.spyOn(Date, 'now').mockReturnValue(now);
      return limiter.tryAcquire('k', 4, 200);
    }, 300);
    vi.spyOn(Date, 'now').mockReturnValue(now + 300 + 2 * 50); // the window (with margin) and two checks
    expect(await limiter.tryAcquire('k', 4, 200)).toBe(0); // on Redis alone again
  });
});
