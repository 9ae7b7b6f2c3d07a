/**
 * The client's `store` option with the Redis store, in one process: two clients (standing in
 * for two processes, each with its own Redis connection) against the fake Logto.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as users from '../../generated/operations/users.js';
import { createLogtoClient, MemoryRateLimitStore } from '../../runtime/index.js';
import { createRedisStore, type RedisStore } from '../../runtime/store/redis.js';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';
import { redisServerPath, skipReason, startRedisServer, type RedisServer } from './redis-server.js';
import { maxInRollingWindow } from './worker-pool.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (!redisServerPath) console.warn(`Skipping the Redis client-store tests: ${skipReason}`);

describe.skipIf(!redisServerPath)('createLogtoClient({ store: createRedisStore(redis) })', () => {
  let server: RedisServer;
  let fake: FakeLogto;
  const connections: Redis[] = [];
  const stores: RedisStore[] = [];

  const client = (rateLimit = { requests: 200, intervalMs: 10_000 }, fetch?: typeof globalThis.fetch) => {
    const redis = new Redis(server.port, '127.0.0.1');
    connections.push(redis);
    const store = createRedisStore(redis, { timeoutMs: 5_000 });
    stores.push(store);
    return createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, store, rateLimit, ...(fetch && { fetch }) });
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  beforeEach(async () => {
    fake = await startFakeLogto({ logBodies: false });
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) store.close();
    for (const redis of connections.splice(0)) redis.disconnect();
    await fake.close();
    const admin = new Redis(server.port, '127.0.0.1');
    await admin.flushall();
    admin.disconnect();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('shares one token request between clients, and Redis holds neither the token, the secret, the endpoint nor the client id', async () => {
    const [a, b] = [client(), client()];
    await Promise.all([...Array.from({ length: 10 }, () => users.list(a)), ...Array.from({ length: 10 }, () => users.list(b))]);
    expect(fake.counters.tokenRequests).toBe(1);
    expect(fake.requestsTo('/api/users')).toHaveLength(20);

    const admin = new Redis(server.port, '127.0.0.1');
    const dump: string[] = [];
    for (const key of await admin.keys('*')) {
      dump.push(key, (await admin.dumpBuffer(key)).toString('latin1'));
      if ((await admin.type(key)) === 'string') dump.push((await admin.get(key))!);
    }
    admin.disconnect();
    const everything = dump.join('\n');
    const [token] = fake.issuedTokens();
    expect(everything).not.toContain(token!.token);
    expect(everything).not.toContain(fake.clientSecret);
    expect(everything).not.toContain(fake.clientId);
    expect(everything).not.toContain(`127.0.0.1:${fake.port}`);
  });

  it('shares one budget between clients: 5 requests per minute, token request included', async () => {
    const [a, b] = [client({ requests: 5, intervalMs: 60_000 }), client({ requests: 5, intervalMs: 60_000 })];
    const calls = [a, b, a, b, a, b, a, b].map((c) => users.list(c, undefined, { timeoutMs: 1_500 }));
    const settled = await Promise.allSettled(calls);
    expect(fake.counters.requests).toBe(5); // 1 token request + 4 API calls
    expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(4);
    for (const result of settled) {
      if (result.status === 'rejected') expect(String(result.reason)).toMatch(/queued by the rate limiter.*never sent/);
    }
  });

  it('counts a slot until a window after its response: a client stalled between taking slots and sending cannot crowd a window', async () => {
    const rateLimit = { requests: 2, intervalMs: 500 };
    let stallMs = 0;
    const stalled = client(rateLimit, async (input, init) => {
      await sleep(stallMs); // e.g. a GC pause or a descheduled process, after the limiter said go
      return fetch(input, init);
    });
    const other = client(rateLimit);
    await users.list(stalled); // token and connections warm
    await sleep(600);
    fake.clearRequests();
    stallMs = 800;
    const calls = [users.list(stalled), users.list(stalled)];
    await sleep(50);
    calls.push(users.list(other), users.list(other));
    await Promise.all(calls);
    const arrivals = fake.requestsTo('/api/users').map((request) => request.monotonic);
    expect(arrivals).toHaveLength(4);
    // Counted from their start, the stalled client's slots would free at 500 ms and the other
    // client's 2 calls would arrive 200 ms before the stalled ones: 4 in one window.
    expect(maxInRollingWindow(arrivals, 500)).toBeLessThanOrEqual(2);
  });

  it('still accepts a bare RateLimitStore (rate limit only, token per client)', async () => {
    const store = new MemoryRateLimitStore();
    const options = { endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, store };
    await Promise.all([users.list(createLogtoClient(options)), users.list(createLogtoClient(options))]);
    expect(fake.counters.tokenRequests).toBe(2);
  });
});
