/**
 * The Redis store against a real redis-server (one process, several connections standing in
 * for several processes). The multi-process behaviour is in `multi-process.test.ts`.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisStore, defaultPrefix, type NodeRedisLike, type RedisStore } from '../../runtime/store/redis.js';
import { SharedTokenCache, type SharedToken } from '../../runtime/store/shared-token-cache.js';
import { redisServerPath, skipReason, startRedisServer, type RedisServer } from './redis-server.js';

const identity = { endpoint: 'http://127.0.0.1:3001', clientId: 'm2m-app-7' };
const token = (accessToken: string, expiresInMs = 3_600_000): SharedToken => ({ accessToken, scope: 'all', expiresInMs });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (!redisServerPath) console.warn(`Skipping the Redis store tests: ${skipReason}`);

describe.skipIf(!redisServerPath)('Redis store (real redis-server)', () => {
  let server: RedisServer;
  let admin: Redis;
  const clients: Redis[] = [];
  const stores: RedisStore[] = [];

  const connect = () => {
    const client = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => {}); // ioredis reports reconnect attempts here while the server is down
    clients.push(client);
    return client;
  };
  const store = (options: Parameters<typeof createRedisStore>[1] = {}, client: Redis = connect()) => {
    // 2 s: a loaded CI machine must not trip the fallback where a test does not ask for it.
    const created = createRedisStore(client, { timeoutMs: 2_000, logger: { warn: () => {} }, ...options });
    stores.push(created);
    return created;
  };

  beforeAll(async () => {
    server = await startRedisServer();
    admin = connect();
  });
  afterEach(async () => {
    for (const created of stores.splice(0)) created.close();
    vi.restoreAllMocks();
    await admin.flushall();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  describe('rate limit', () => {
    it('shares one rolling window between stores with the same prefix: 10 of 14 acquires get a slot', async () => {
      const a = store().open(identity).rateLimit;
      const b = store().open(identity).rateLimit;
      const waits: number[] = [];
      for (let i = 0; i < 7; i++) {
        waits.push(await a.tryAcquire('requests', 10, 5_000));
        waits.push(await b.tryAcquire('requests', 10, 5_000));
      }
      expect(waits.filter((wait) => wait === 0)).toHaveLength(10);
      expect(waits.slice(10).every((wait) => wait > 4_000 && wait <= 5_100)).toBe(true);
    });

    it('answers the wait until the oldest slot leaves the window (plus the margin), then gives the slot', async () => {
      const limiter = store({ marginMs: 50 }).open(identity).rateLimit;
      for (let i = 0; i < 3; i++) {
        expect(await limiter.tryAcquire('k', 3, 300)).toBe(0);
        await limiter.release!('k', 300); // as the limiter does when the response is in
      }
      const wait = await limiter.tryAcquire('k', 3, 300);
      expect(wait).toBeGreaterThan(250);
      expect(wait).toBeLessThanOrEqual(350);
      await sleep(wait - 60);
      expect(await limiter.tryAcquire('k', 3, 300)).toBeGreaterThan(0);
      await sleep(70);
      expect(await limiter.tryAcquire('k', 3, 300)).toBe(0);
    });

    it('keeps budgets apart per endpoint and client id, and Redis holds neither', async () => {
      const shared = store();
      const mine = shared.open(identity).rateLimit;
      const other = shared.open({ ...identity, clientId: 'another-app' }).rateLimit;
      expect(await mine.tryAcquire('requests', 1, 5_000)).toBe(0);
      expect(await mine.tryAcquire('requests', 1, 5_000)).toBeGreaterThan(0);
      expect(await other.tryAcquire('requests', 1, 5_000)).toBe(0);
      const keys = await admin.keys('*');
      expect(keys.some((key) => key.startsWith(defaultPrefix(identity)))).toBe(true);
      expect(keys.join(' ')).not.toMatch(/m2m-app-7|another-app|127\.0\.0\.1/);
      expect(defaultPrefix(identity)).toBe(defaultPrefix({ ...identity, endpoint: `${identity.endpoint}/` }));
    });

    it("holds back every store under the prefix while one store's 429 pause lasts", async () => {
      const a = store().open(identity).rateLimit;
      const b = store().open(identity).rateLimit;
      // Connected first: a pause crosses the wire as a duration, so time spent connecting
      // (75 ms at a load average of 19) would shift its end.
      await Promise.all([a.pausedUntil('requests'), b.pausedUntil('requests')]);
      const until = Date.now() + 600;
      await a.pauseUntil('requests', until);
      expect(Math.abs((await b.pausedUntil('requests')) - until)).toBeLessThan(50);
      const wait = await b.tryAcquire('requests', 100, 10_000);
      expect(wait).toBeGreaterThan(500);
      expect(wait).toBeLessThanOrEqual(600);
      await a.pauseUntil('requests', Date.now() + 100); // pauses only ever extend
      expect(await b.pausedUntil('requests')).toBeGreaterThan(Date.now() + 400);
      await sleep(650);
      expect(await b.pausedUntil('requests')).toBe(0);
      expect(await b.tryAcquire('requests', 100, 10_000)).toBe(0);
    });

    it("keeps time by the Redis server's clock: a process whose clock is an hour ahead sees the same window and pause", async () => {
      const a = store().open(identity).rateLimit;
      const b = store().open(identity).rateLimit;
      for (let i = 0; i < 3; i++) {
        expect(await a.tryAcquire('requests', 3, 5_000)).toBe(0);
        await a.release!('requests', 5_000);
      }
      await a.pauseUntil('requests', Date.now() + 1_000);
      const realNow = Date.now;
      vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 3_600_000);
      // On B's clock the pause ends an hour after A's value, i.e. in ~1 s on both.
      expect((await b.pausedUntil('requests')) - Date.now()).toBeGreaterThan(800);
      await sleep(1_050);
      const wait = await b.tryAcquire('requests', 3, 5_000);
      expect(wait).toBeGreaterThan(3_000); // A's slots are still in the window
      expect(wait).toBeLessThanOrEqual(4_100);
    });

    it('loads its scripts again after Redis forgot them (SCRIPT FLUSH)', async () => {
      const limiter = store().open(identity).rateLimit;
      expect(await limiter.tryAcquire('requests', 5, 1_000)).toBe(0);
      await admin.script('FLUSH');
      expect(await limiter.tryAcquire('requests', 5, 1_000)).toBe(0);
      expect(await admin.zcard(`${defaultPrefix(identity)}rl:requests`)).toBe(2);
    });

    it('accepts a node-redis client (evalSha/eval with { keys, arguments })', async () => {
      const io = connect();
      await admin.script('FLUSH');
      const calls: string[] = [];
      // The acquire script's calls (its 3 keys tell it from the heartbeat's).
      const record = (method: string, keys: string[]) => keys.length === 3 && calls.push(method);
      const nodeRedisShaped: NodeRedisLike = {
        evalSha: (sha, { keys, arguments: args }) => (record('evalSha', keys), io.evalsha(sha, keys.length, ...keys, ...args)),
        eval: (script, { keys, arguments: args }) => (record('eval', keys), io.eval(script, keys.length, ...keys, ...args)),
      };
      const created = createRedisStore(nodeRedisShaped);
      stores.push(created);
      const { rateLimit } = created.open(identity);
      expect(await rateLimit.tryAcquire('requests', 1, 1_000)).toBe(0);
      expect(await rateLimit.tryAcquire('requests', 1, 1_000)).toBeGreaterThan(0);
      expect(calls).toEqual(['evalSha', 'eval', 'evalSha']); // NOSCRIPT once, then cached
      expect(created.healthy).toBe(true);
    });

    it('refuses a client it cannot drive with a clear error', () => {
      expect(() => createRedisStore({} as never)).toThrow(/ioredis client, a node-redis client or a \{ runScript \} adapter/);
    });
  });

  describe('token cache', () => {
    it('expires entries by Redis TTL, locks exclusively, unlocks and deletes only for the current holder', async () => {
      const tokens = store().open(identity).tokens;
      await tokens.set('t', 'value-1', 300);
      const entry = await tokens.get('t');
      expect(entry?.value).toBe('value-1');
      expect(entry!.ttlMs).toBeGreaterThan(200);
      await tokens.delete('t', 'other-value');
      expect(await tokens.get('t')).toBeDefined();
      await sleep(320);
      expect(await tokens.get('t')).toBeUndefined();

      const lockA = await tokens.lock('l', 5_000);
      expect(lockA).toBeTypeOf('string');
      expect(await store().open(identity).tokens.lock('l', 5_000)).toBeUndefined();
      await tokens.unlock('l', 'not-the-holder');
      expect(await tokens.lock('l', 5_000)).toBeUndefined();
      await tokens.unlock('l', lockA!);
      expect(await tokens.lock('l', 100)).toBeTypeOf('string');
    });

    it('shares one token request among 20 cold caches on separate connections', async () => {
      let fetches = 0;
      const fetchToken = async () => {
        fetches++;
        await sleep(100);
        return token('token-A');
      };
      const caches = Array.from({ length: 20 }, () => new SharedTokenCache({ store: store().open(identity).tokens, key: 'm2m', secret: 's3cret' }));
      const results = await Promise.all(caches.map((cache) => cache.get(fetchToken, 60_000)));
      expect(fetches).toBe(1);
      expect(new Set(results.map((result) => result.accessToken))).toEqual(new Set(['token-A']));
      expect(results.every((result) => result.scope === 'all' && result.expiresInMs > 3_500_000)).toBe(true);
    });

    it('stores neither the client secret nor the access token in a readable form', async () => {
      const secret = 'client-secret-Zq81';
      const cache = new SharedTokenCache({ store: store().open(identity).tokens, key: 'm2m', secret });
      await cache.get(async () => token('eyJhbGciOiJFUzM4NCJ9.access-token-payload'), 60_000);
      const dump: string[] = [];
      for (const key of await admin.keys('*')) {
        dump.push(key, (await admin.dumpBuffer(key)).toString('latin1'));
        if ((await admin.type(key)) === 'string') dump.push((await admin.get(key))!);
      }
      const everything = dump.join('\n');
      expect(everything).toContain('v1.'); // the sealed entry is there
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain('access-token-payload');
      expect(everything).not.toContain('eyJhbGci');

      // Someone without the secret (or after a rotation) cannot use it: a miss, then a fetch.
      let fetched = 0;
      const rotated = new SharedTokenCache({ store: store().open(identity).tokens, key: 'm2m', secret: 'rotated-secret' });
      const fresh = await rotated.get(async () => (fetched++, token('token-after-rotation')), 60_000);
      expect([fetched, fresh.accessToken]).toEqual([1, 'token-after-rotation']);
    });

    it('refreshes a token inside the leeway once, while other processes keep using it until then', async () => {
      const caches = [0, 1, 2].map(() => new SharedTokenCache({ store: store().open(identity).tokens, key: 'm2m', secret: 's' }));
      // An hour-long token with 30 s left: inside a 60 s leeway.
      await caches[0]!.get(async () => ({ ...token('old', 30_000), lifetimeMs: 3_600_000 }), 0);
      let fetches = 0;
      const slowFetch = async () => {
        fetches++;
        await sleep(300);
        return token('new');
      };
      const first = caches[0]!.get(slowFetch, 60_000); // inside a 60 s leeway: refresh
      await sleep(50);
      const started = Date.now();
      expect((await caches[1]!.get(slowFetch, 60_000)).accessToken).toBe('old'); // still valid, not blocked
      expect(Date.now() - started).toBeLessThan(150);
      expect((await first).accessToken).toBe('new');
      expect((await caches[2]!.get(slowFetch, 60_000)).accessToken).toBe('new');
      expect(fetches).toBe(1);
    });

    it('caps the leeway at half the lifetime: a 30 s token is not fetched again on every call under a 60 s leeway', async () => {
      const cache = new SharedTokenCache({ store: store().open(identity).tokens, key: 'm2m', secret: 's' });
      let fetches = 0;
      for (let i = 0; i < 5; i++) await cache.get(async () => (fetches++, token('short', 30_000)), 60_000);
      expect(fetches).toBe(1);
    });

    it('never hands out a token the API just rejected, even while it is still in the store', async () => {
      const cache = new SharedTokenCache({ store: store().open(identity).tokens, key: 'm2m', secret: 's' });
      await cache.get(async () => token('rejected'), 0);
      expect((await cache.get(async () => token('replacement'), 0, 'rejected')).accessToken).toBe('replacement');
      expect((await cache.get(async () => token('unexpected'), 0)).accessToken).toBe('replacement');
    });

    it('invalidates the shared token only while it is still the one that failed', async () => {
      const a = new SharedTokenCache({ store: store().open(identity).tokens, key: 'm2m', secret: 's' });
      const b = new SharedTokenCache({ store: store().open(identity).tokens, key: 'm2m', secret: 's' });
      await a.get(async () => token('first'), 0);
      await b.invalidate('some-older-token');
      expect((await b.get(async () => token('unexpected'), 0)).accessToken).toBe('first');
      await b.invalidate('first');
      expect((await a.get(async () => token('second'), 0)).accessToken).toBe('second');
    });

    it('releases the lock when the token request fails, so the next caller can fetch', async () => {
      const cache = new SharedTokenCache({ store: store().open(identity).tokens, key: 'm2m', secret: 's' });
      await expect(cache.get(async () => Promise.reject(new Error('invalid_client')), 0)).rejects.toThrow('invalid_client');
      const started = Date.now();
      expect((await cache.get(async () => token('ok'), 0)).accessToken).toBe('ok');
      expect(Date.now() - started).toBeLessThan(200);
    });
  });

  describe('when Redis is slow or gone', () => {
    it('falls back with one warning when Redis stops answering: own slots for a window, then its share; replays into Redis when it is back', async () => {
      const warnings: string[] = [];
      const logger = { warn: (message: string) => warnings.push(message), info: (message: string) => warnings.push(`info: ${message}`) };
      const other = store().open(identity).rateLimit;
      expect(await other.tryAcquire('requests', 10, 600)).toBe(0); // two processes are using the budget
      await other.release!('requests', 600);
      const created = store({ timeoutMs: 100, recheckMs: 100, logger, marginMs: 0 });
      const limiter = created.open(identity).rateLimit;
      expect(await limiter.tryAcquire('requests', 10, 600)).toBe(0);
      await limiter.release!('requests', 600);

      await admin.client('PAUSE', 1_500, 'ALL'); // Redis stops answering everyone for 1.5 s
      const started = Date.now();
      const first: number[] = [];
      for (let i = 0; i < 3; i++) first.push(await limiter.tryAcquire('requests', 10, 600));
      expect(Date.now() - started).toBeLessThan(400); // one timeout, then local answers
      expect(created.healthy).toBe(false);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/Redis store unavailable \(no answer within 100 ms\); using the local rate limiter/);
      // The outage's first window: this process had 1 slot in it, and that one is still counted.
      expect(first.every((wait) => wait > 0 && wait <= 600)).toBe(true);
      await sleep(started + 100 + 600 + 50 - Date.now()); // the window from the fallback's start
      // Then its share: 10 ÷ the 2 processes the heartbeats showed.
      const waits: number[] = [];
      for (let i = 0; i < 8; i++) waits.push(await limiter.tryAcquire('requests', 10, 600));
      expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
      expect(await limiter.pausedUntil('requests')).toBe(0);

      await vi.waitFor(() => expect(created.healthy).toBe(true), { timeout: 3_000, interval: 50 });
      expect(warnings).toHaveLength(2);
      expect(warnings[1]).toMatch(/^info: .*reachable again/);
      // Redis now holds the 5 fallback slots (in flight: not released), the acquire that
      // timed out (Redis ran it after the pause) was taken out again: 5 left for everyone.
      const after: number[] = [];
      for (let i = 0; i < 6; i++) after.push(await other.tryAcquire('requests', 10, 600));
      expect(after.filter((wait) => wait === 0)).toHaveLength(5);
      expect(await admin.zcard(`${defaultPrefix(identity)}rl:requests`)).toBe(10);
    });

    it('warns once, not once per blip, when Redis flaps', async () => {
      const warnings: string[] = [];
      const created = store({ timeoutMs: 100, recheckMs: 50, logger: { warn: (message) => warnings.push(message) } });
      const limiter = created.open(identity).rateLimit;
      expect(await limiter.tryAcquire('requests', 100, 1_000)).toBe(0); // connected: from now on a pause is an outage
      for (let outage = 0; outage < 3; outage++) {
        await admin.client('PAUSE', 300, 'ALL');
        await limiter.tryAcquire('requests', 100, 1_000);
        expect(created.healthy).toBe(false);
        await vi.waitFor(() => expect(created.healthy).toBe(true), { timeout: 3_000, interval: 25 });
      }
      expect(warnings).toHaveLength(1);
    });

    it('keeps answering while Redis is killed (local limiter, local token, pauses), and returns when it restarts', async () => {
      const warnings: string[] = [];
      const created = store({ timeoutMs: 150, recheckMs: 100, logger: { warn: (message) => warnings.push(message) } });
      const { rateLimit, tokens } = created.open(identity);
      const cache = new SharedTokenCache({ store: tokens, key: 'm2m', secret: 's' });
      let fetches = 0;
      const fetchToken = async () => (fetches++, token(`token-${fetches}`));
      expect((await cache.get(fetchToken, 0)).accessToken).toBe('token-1');

      await server.stop();
      // It sent nothing in the last window, and cannot know what the others did: it waits for
      // that window to pass, then sends its share.
      const wait = await rateLimit.tryAcquire('requests', 100, 1_000);
      expect(wait).toBeGreaterThan(900);
      expect(wait).toBeLessThanOrEqual(1_100);
      // One ms more: a timer may fire up to 1 ms early against Date.now(), and the window is
      // then 1 ms from over (CI saw `1`, not `0`).
      await sleep(wait + 1);
      expect(await rateLimit.tryAcquire('requests', 100, 1_000)).toBe(0);
      expect((await cache.get(fetchToken, 0)).accessToken).toBe('token-1'); // the local copy, no new request
      await rateLimit.pauseUntil('requests', Date.now() + 3_000);
      expect(await rateLimit.pausedUntil('requests')).toBeGreaterThan(Date.now());
      expect(await rateLimit.tryAcquire('requests', 100, 1_000)).toBeGreaterThan(0);
      await cache.invalidate('token-1');
      expect((await cache.get(fetchToken, 0)).accessToken).toBe('token-2'); // a local token
      expect(created.healthy).toBe(false);
      expect(warnings).toHaveLength(1);

      await server.restart();
      await vi.waitFor(() => expect(created.healthy).toBe(true), { timeout: 5_000, interval: 50 });
      // The pause set during the outage is still in force, now in Redis for everyone.
      const pttl = await admin.pttl(`${defaultPrefix(identity)}pause:requests`);
      expect(pttl).toBeGreaterThan(0);
      await sleep(pttl + 10);
      expect(await rateLimit.tryAcquire('requests', 100, 1_000)).toBe(0);
      expect((await cache.get(fetchToken, 0)).accessToken).toBe('token-3'); // Redis came back empty
      expect(fetches).toBe(3);
    });
  });
});
