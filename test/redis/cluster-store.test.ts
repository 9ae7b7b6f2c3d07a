/**
 * The Redis store on Redis Cluster (3 masters started on loopback by `redis-cluster.ts`), given
 * ioredis `Cluster` clients: the scripts touch several keys at once, which a cluster allows only
 * within one slot, so every key of a client must carry the prefix's hash tag. Two clients stand
 * in for two processes.
 */
import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisStore, defaultPrefix, type RedisStore } from '../../runtime/store/redis.js';
import { SharedTokenCache, type SharedToken } from '../../runtime/store/shared-token-cache.js';
import { redisCliPath, startRedisCluster, type RedisCluster } from './redis-cluster.js';
import { redisServerPath, skipReason } from './redis-server.js';

const identity = { endpoint: 'https://tenant.logto.app', clientId: 'm2m-cluster' };
const token = (accessToken: string): SharedToken => ({ accessToken, scope: 'all', expiresInMs: 3_600_000 });
const available = Boolean(redisServerPath && redisCliPath);

if (!available) console.warn(`Skipping the Redis Cluster tests: ${skipReason}`);

describe.skipIf(!available)('Redis store on a 3-master Redis Cluster', () => {
  let cluster: RedisCluster;
  const clients: Cluster[] = [];
  const stores: RedisStore[] = [];

  const connect = () => {
    const client = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0]! }], {
      clusterRetryStrategy: () => 100,
      redisOptions: { maxRetriesPerRequest: 1 },
    });
    client.on('error', () => {}); // the store reports outages itself
    clients.push(client);
    return client;
  };
  const store = (options: Parameters<typeof createRedisStore>[1] = {}) => {
    const created = createRedisStore(connect(), { timeoutMs: 2_000, logger: { warn: () => {} }, ...options });
    stores.push(created);
    return created;
  };
  const tagOf = (prefix: string) => prefix.slice(prefix.indexOf('{') + 1, prefix.indexOf('}'));

  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterEach(() => {
    for (const created of stores.splice(0)) created.close();
    for (const client of clients.splice(0)) client.disconnect();
    cluster.flushAll(); // closed stores may not have left the live processes yet
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('shares one window, one pause and one token between two Cluster clients, every key in the slot of the prefix', async () => {
    const [a, b] = [store().open(identity), store().open(identity)];
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      for (const limiter of [a.rateLimit, b.rateLimit]) {
        const wait = await limiter.tryAcquire('requests', 10, 5_000);
        if (wait === 0) await limiter.release!('requests', 5_000);
        waits.push(wait);
      }
    }
    expect(waits.filter((wait) => wait === 0)).toHaveLength(10);
    expect(waits.slice(10).every((wait) => wait > 4_000 && wait <= 5_100)).toBe(true);

    const until = Date.now() + 2_000;
    await a.rateLimit.pauseUntil('requests', until);
    expect(Math.abs((await b.rateLimit.pausedUntil('requests')) - until)).toBeLessThan(100);

    let fetches = 0;
    const caches = [a, b].map((scoped) => new SharedTokenCache({ store: scoped.tokens, key: 'm2m', secret: 's3cret' }));
    const tokens = await Promise.all(caches.map((cache) => cache.get(async () => (fetches++, token('cluster-token')), 60_000)));
    expect(fetches).toBe(1);
    expect(tokens.map((shared) => shared.accessToken)).toEqual(['cluster-token', 'cluster-token']);

    const prefix = defaultPrefix(identity);
    const keys = cluster.keys().filter((key) => key.startsWith(prefix));
    expect(keys.map((key) => key.slice(prefix.length)).sort()).toEqual(['live-processes', 'pause:requests', 'rl:requests', 'token:m2m']);
    expect(new Set(keys.map((key) => cluster.keyslot(key)))).toEqual(new Set([cluster.keyslot(tagOf(prefix))]));
  });

  it('makes a prefix without a hash tag one, so its scripts do not fail with CROSSSLOT', async () => {
    const created = store({ prefix: 'my-app:' });
    const { rateLimit } = created.open(identity);
    expect(await rateLimit.tryAcquire('requests', 5, 1_000)).toBe(0);
    await rateLimit.pauseUntil('requests', Date.now() + 1_000);
    expect(await rateLimit.pausedUntil('requests')).toBeGreaterThan(Date.now());
    expect(created.healthy).toBe(true);
    const keys = cluster.keys().filter((key) => key.startsWith('{my-app:}'));
    expect(keys.length).toBeGreaterThanOrEqual(3);
    expect(new Set(keys.map((key) => cluster.keyslot(key))).size).toBe(1);
  });

  it('survives a failover of the master holding its slot like an outage: local fallback, then back on the cluster', { timeout: 60_000 }, async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    const created = store({ timeoutMs: 200, recheckMs: 200, logger: { warn: (message) => warnings.push(message), info: (message) => infos.push(message) } });
    const other = store().open(identity).rateLimit; // a second process, so the share is half
    const { rateLimit, tokens } = created.open(identity);
    const cache = new SharedTokenCache({ store: tokens, key: 'm2m-failover', secret: 's' });
    let fetches = 0;
    const fetchToken = async () => (fetches++, token(`token-${fetches}`));
    expect((await cache.get(fetchToken, 0)).accessToken).toBe('token-1');
    expect(await other.tryAcquire('failover', 10, 1_000)).toBe(0);
    expect(await rateLimit.tryAcquire('failover', 10, 1_000)).toBe(0);
    await rateLimit.release!('failover', 1_000);

    const master = cluster.masterFor(cluster.keyslot(tagOf(defaultPrefix(identity))));
    await cluster.kill(master);
    // The outage's first window: it keeps to the slot it had; then its share, 10 ÷ 2.
    const first = await rateLimit.tryAcquire('failover', 10, 1_000);
    expect(created.healthy).toBe(false);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(1_100);
    await new Promise((resolve) => setTimeout(resolve, 1_150));
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) waits.push(await rateLimit.tryAcquire('failover', 10, 1_000));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
    expect((await cache.get(fetchToken, 0)).accessToken).toBe('token-1'); // the local copy
    expect(warnings).toHaveLength(1);

    await cluster.restart(master);
    await vi.waitFor(() => expect(created.healthy).toBe(true), { timeout: 15_000, interval: 100 });
    expect(infos.some((line) => /reachable again/.test(line))).toBe(true);
    // The restarted master came back empty (no persistence), and the fallback's 5 slots (still
    // in flight) were written into it: a process that starts now finds 5 of 10 left.
    const newcomer = store().open(identity).rateLimit;
    const after: number[] = [];
    for (let i = 0; i < 6; i++) after.push(await newcomer.tryAcquire('failover', 10, 1_000));
    expect(after.filter((wait) => wait === 0)).toHaveLength(5);
    expect(warnings).toHaveLength(1);
  });
});
