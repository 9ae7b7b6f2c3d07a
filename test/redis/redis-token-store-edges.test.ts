/**
 * `RedisTokenStore` (runtime/store/redis-token-store.ts) against a real redis-server: entries it
 * did not write, a ttl too short for Redis, a delete without a value, and a token call that is
 * the first to find Redis unresponsive.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, defaultPrefix, type RedisStore } from '../../runtime/store/redis.js';
import { redisServerPath, skipReason, startRedisServer, type RedisServer } from './redis-server.js';

const identity = { endpoint: 'https://tenant.example.com', clientId: 'm2m-app' };
const prefix = defaultPrefix(identity);

if (!redisServerPath) console.warn(`redis-token-store-edges: ${skipReason}`);

describe.skipIf(!redisServerPath)('RedisTokenStore edges (real redis-server)', () => {
  let server: RedisServer;
  let admin: Redis;
  const connections: Redis[] = [];
  const stores: RedisStore[] = [];

  const open = (timeoutMs = 2_000, warn?: (message: string) => void) => {
    const redis = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    connections.push(redis);
    const warnings: string[] = [];
    const store = createRedisStore(redis, { timeoutMs, recheckMs: 50, logger: { warn: warn ?? ((message) => void warnings.push(message)) } });
    stores.push(store);
    return { store, warnings, tokens: store.open(identity).tokens };
  };

  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.port, '127.0.0.1');
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) store.close();
    for (const redis of connections.splice(0)) redis.disconnect();
    await admin.flushall();
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it('reads a key without expiry (not written by the store) as missing, and deletes without a value unconditionally', async () => {
    const { tokens } = open();
    await admin.set(`${prefix}foreign`, 'v');
    expect(await tokens.get('foreign')).toBeUndefined();
    await tokens.set('k', 'v', 60_000);
    expect((await tokens.get('k'))?.value).toBe('v');
    await tokens.delete('k');
    expect(await admin.exists(`${prefix}k`)).toBe(0);
    expect(await tokens.get('k')).toBeUndefined();
  });

  it('writes nothing to Redis for a ttl under 1 ms, without taking that for an outage', async () => {
    const { store, warnings, tokens } = open();
    await tokens.set('k', 'v', 0.5);
    expect(await admin.exists(`${prefix}k`)).toBe(0);
    expect(store.healthy).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('answers from the local copy when a token call is the first to find Redis unresponsive', async () => {
    const { store, warnings, tokens } = open(100);
    await tokens.set('k', 'v', 60_000);
    await admin.client('PAUSE', 300, 'ALL');
    expect((await tokens.get('k'))?.value).toBe('v');
    expect(store.healthy).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Redis store unavailable \(no answer within 100 ms\)/);
  });

  it('passes on an error that is not an outage (here the logger failing) instead of answering from the local copy', async () => {
    const { tokens } = open(100, () => {
      throw new Error('logger broke');
    });
    await tokens.set('k', 'v', 60_000);
    await admin.client('PAUSE', 300, 'ALL');
    await expect(tokens.get('k')).rejects.toThrow('logger broke');
  });
});
