/**
 * The race the Redis token cache's re-read exists for, provoked on a real `redis-server`:
 * process A reads the shared token (missing), and before A takes the lock, process B takes
 * it, fetches a token, stores it and lets go. When A then gets the lock it must read again
 * and use B's token, not fetch a second one. The two processes are two `SharedTokenCache`s on
 * two Redis connections; A's token store is the real Redis store with one hold-point in
 * `lock`, so the interleaving is forced rather than hoped for.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SharedTokenCache, tokenCacheKey, type SharedToken } from '../../runtime/store/shared-token-cache.js';
import { createRedisStore, type RedisStore } from '../../runtime/store/redis.js';
import type { TokenStore } from '../../runtime/store/token-store.js';
import { redisServerPath, skipReason, startRedisServer, type RedisServer } from './redis-server.js';

const identity = { endpoint: 'https://tenant.example.com', clientId: 'm2m-app' };
const credentials = { resource: 'https://default.logto.app/api', scope: 'all', clientSecret: 'the-client-secret' };
const key = tokenCacheKey(credentials);

describe.skipIf(!redisServerPath)('SharedTokenCache on Redis: a token stored between our read and our lock', () => {
  let server: RedisServer;
  const connections: Redis[] = [];
  const stores: RedisStore[] = [];

  /** One process's view of the shared token store: its own connection and store. */
  const processTokens = (): TokenStore => {
    const redis = new Redis(server.port, '127.0.0.1');
    connections.push(redis);
    const store = createRedisStore(redis, { timeoutMs: 5_000 });
    stores.push(store);
    return store.open(identity).tokens;
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) store.close();
    for (const redis of connections.splice(0)) redis.disconnect();
    const admin = new Redis(server.port, '127.0.0.1');
    await admin.flushall();
    admin.disconnect();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is read again after taking the lock: the late process uses the token the other one fetched', async () => {
    let reachedLock!: () => void;
    const aAtLock = new Promise<void>((resolve) => (reachedLock = resolve));
    let letGo!: () => void;
    const bDone = new Promise<void>((resolve) => (letGo = resolve));
    const aTokens = processTokens();
    // A's store is the real one; only its first `lock` waits until B is done.
    let held = false;
    const aStore: TokenStore = {
      get: (k) => aTokens.get(k),
      set: (k, value, ttlMs) => aTokens.set(k, value, ttlMs),
      delete: (k, ifValue) => aTokens.delete(k, ifValue),
      unlock: (k, lockId) => aTokens.unlock(k, lockId),
      async lock(k, ttlMs) {
        if (!held) {
          held = true;
          reachedLock();
          await bDone;
        }
        return aTokens.lock(k, ttlMs);
      },
    };
    const a = new SharedTokenCache({ store: aStore, key, secret: credentials.clientSecret });
    const b = new SharedTokenCache({ store: processTokens(), key, secret: credentials.clientSecret });

    const fetches: string[] = [];
    const fetchAs = (name: string) => async (): Promise<SharedToken> => {
      fetches.push(name);
      return { accessToken: `token-from-${name}`, scope: 'all', expiresInMs: 3_600_000 };
    };

    const aToken = a.get(fetchAs('A'), 60_000);
    await aAtLock; // A has read (nothing there) and is about to take the lock
    const bToken = await b.get(fetchAs('B'), 60_000);
    letGo();

    expect(bToken.accessToken).toBe('token-from-B');
    expect((await aToken).accessToken).toBe('token-from-B');
    expect(fetches).toEqual(['B']);
    // The lock is free again and the stored token is B's.
    expect(await aTokens.lock(`token-lock:${key}`, 1_000)).toBeTypeOf('string');
    expect((await b.get(fetchAs('C'), 60_000)).accessToken).toBe('token-from-B');
    expect(fetches).toEqual(['B']);
  });

  it('fetches under the lock when the re-read still finds nothing', async () => {
    const a = new SharedTokenCache({ store: processTokens(), key, secret: credentials.clientSecret });
    const fetched = await a.get(async () => ({ accessToken: 'first', expiresInMs: 3_600_000 }), 60_000);
    expect(fetched.accessToken).toBe('first');
    const b = new SharedTokenCache({ store: processTokens(), key, secret: credentials.clientSecret });
    expect((await b.get(async () => ({ accessToken: 'second', expiresInMs: 3_600_000 }), 60_000)).accessToken).toBe('first');
  });
});

if (!redisServerPath) console.warn(`token-cache-race: ${skipReason}`);
