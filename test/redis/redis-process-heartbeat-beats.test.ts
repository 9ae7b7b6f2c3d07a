/**
 * `ProcessHeartbeat` against a real redis-server: what a beat writes (the process set, the
 * leases of slots in flight), how `seen` weighs a new count against the last one, and `close`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisConnection } from '../../runtime/store/redis-connection.js';
import { LEASE_MS, ProcessHeartbeat, type SlotsInFlight } from '../../runtime/store/redis-process-heartbeat.js';
import { useRedisServer } from './real-redis.js';
import { redisServerPath } from './redis-server.js';

describe.skipIf(!redisServerPath)('ProcessHeartbeat (real redis-server)', () => {
  const redis = useRedisServer();
  const processesKey = '{hb}:live-processes';
  const heartbeat = (inFlight: () => SlotsInFlight[] = () => []) => {
    const connection = new RedisConnection(redis.connect(), { timeoutMs: 2_000 });
    const beating = new ProcessHeartbeat(connection, { processesKey, instance: 'me', inFlight });
    redis.cleanup(() => (beating.close(), connection.close()));
    return beating;
  };
  afterEach(() => void vi.restoreAllMocks());

  it('beats into the process set, renews the leases of slots in flight, and leaves the TTL of a window with none alone', async () => {
    await redis.admin.zadd('{hb}:rl:busy', 1, 'slot-1');
    await redis.admin.zadd('{hb}:rl:idle', 1, 'old');
    await redis.admin.pexpire('{hb}:rl:idle', 100_000);
    const beating = heartbeat(() => [
      { key: '{hb}:rl:busy', windowMs: 500, members: ['slot-1'] },
      { key: '{hb}:rl:idle', windowMs: 500, members: [] },
    ]);
    await beating.beat();
    expect(beating.live).toBe(1);
    expect(await redis.admin.zscore(processesKey, 'me')).not.toBeNull();
    const [seconds] = await redis.admin.time();
    expect(Number(await redis.admin.zscore('{hb}:rl:busy', 'slot-1'))).toBeGreaterThan(Number(seconds) * 1_000 + LEASE_MS - 2_000);
    expect(await redis.admin.pttl('{hb}:rl:busy')).toBeLessThanOrEqual(500 + LEASE_MS);
    expect(await redis.admin.pttl('{hb}:rl:idle')).toBeGreaterThan(50_000);
  });

  it('beats again every second', async () => {
    const beating = heartbeat();
    await vi.waitFor(() => expect(beating.live).toBe(1), { timeout: 2_000, interval: 10 });
    const first = Number(await redis.admin.zscore(processesKey, 'me'));
    await vi.waitFor(async () => expect(Number(await redis.admin.zscore(processesKey, 'me'))).toBeGreaterThan(first), { timeout: 3_000, interval: 50 });
  });

  it('close() takes the process out of the set at once', async () => {
    const beating = heartbeat();
    await beating.beat();
    beating.close();
    await vi.waitFor(async () => expect(await redis.admin.zscore(processesKey, 'me')).toBeNull(), { timeout: 2_000, interval: 10 });
  });

  it('seen: ignores a count that is not positive, takes a larger or equal one at once, and a smaller one only after a lease', async () => {
    let clock = 1_000; // a clock near the epoch (a machine without one) must not matter
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    const beating = heartbeat();
    beating.seen(0); // before the first beat's answer
    expect(beating.live).toBeUndefined();
    beating.seen(2);
    expect(beating.live).toBe(2);
    await beating.beat(); // Redis counts 1: within a lease of the 2
    expect(beating.live).toBe(2);
    beating.seen(3);
    expect(beating.live).toBe(3);
    beating.seen(2);
    expect(beating.live).toBe(3);
    clock += 6_000;
    beating.seen(3); // the same count again: seen now
    clock += 5_000;
    beating.seen(1);
    expect(beating.live).toBe(3); // 5 s after the last 3
    clock += LEASE_MS - 5_000;
    beating.seen(1);
    expect(beating.live).toBe(3); // exactly a lease
    clock += 1;
    beating.seen(1);
    expect(beating.live).toBe(1);
  });
});
