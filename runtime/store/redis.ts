/**
 * `logto-mgmt/redis`: the Redis store, a separate entry so nothing reaches it by accident.
 * It never imports a Redis library: pass your own `ioredis` or node-redis client.
 *
 * ```ts
 * import Redis from 'ioredis';
 * import { createRedisStore } from 'logto-mgmt/redis';
 * const client = createLogtoClient({ endpoint, clientId, clientSecret, store: createRedisStore(new Redis()) });
 * ```
 */
import { createHash } from 'node:crypto';
import { RedisConnection, type RedisClientLike, type RedisConnectionOptions } from './redis-connection.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';
import { RedisTokenStore } from './redis-token-store.js';
import { scopedStore } from './shared-token-cache.js';
import type { LogtoStore, ScopedStore, StoreIdentity } from './store.js';

export interface RedisStoreOptions extends RedisConnectionOptions {
  /**
   * Key prefix shared by every process that should share one budget and token. Default:
   * `logto-mgmt:{<hash of endpoint + client id>}:` (a hash, so neither appears in Redis; the
   * braces are a Cluster hash tag). Set it to share one budget between several client ids of
   * the same tenant. A prefix without a `{hash tag}` is used as one (`app:` → `{app:}`): the
   * scripts touch several keys at once, which Redis Cluster allows only within one slot.
   */
  prefix?: string;
  /** Extra time a rate-limit slot stays taken after the window (default 100 ms). */
  marginMs?: number;
  /**
   * The fewest processes to split the budget between while Redis is down. Default: as many
   * as were alive (heartbeats) when Redis last answered; 4 when it never did.
   */
  fallbackProcesses?: number;
}

export interface RedisStore extends LogtoStore {
  /** Whether the store currently talks to Redis (false while on its local fallback). */
  readonly healthy: boolean;
  /** Stops the heartbeat and the health check (leaving the live processes); the Redis client stays yours to close. */
  close(): void;
}

export function createRedisStore(redis: RedisClientLike, options: RedisStoreOptions = {}): RedisStore {
  const connection = new RedisConnection(redis, options);
  const opened = new Map<string, ScopedStore>();
  const rateLimitStores: RedisRateLimitStore[] = [];
  return {
    get healthy() {
      return connection.healthy;
    },
    open(identity: StoreIdentity): ScopedStore {
      const prefix = options.prefix === undefined ? defaultPrefix(identity) : withHashTag(options.prefix);
      let scoped = opened.get(prefix);
      if (!scoped) {
        const rateLimit = new RedisRateLimitStore(connection, { ...options, prefix });
        rateLimitStores.push(rateLimit);
        scoped = scopedStore(rateLimit, new RedisTokenStore(connection, { prefix }));
        opened.set(prefix, scoped);
      }
      return scoped;
    },
    close: () => {
      for (const rateLimit of rateLimitStores) rateLimit.close();
      connection.close();
    },
  };
}

export function defaultPrefix({ endpoint, clientId = '' }: StoreIdentity): string {
  const hash = createHash('sha256').update(`${endpoint.replace(/\/+$/, '')}\n${clientId}`).digest('hex');
  return `logto-mgmt:{${hash.slice(0, 20)}}:`;
}

/** `prefix` if it holds a Redis Cluster hash tag (the first `{…}`, not empty), else `{prefix}`. */
export function withHashTag(prefix: string): string {
  if (prefix === '') throw new RangeError('createRedisStore: prefix must not be empty');
  const open = prefix.indexOf('{');
  const close = open === -1 ? -1 : prefix.indexOf('}', open + 1);
  return close > open + 1 ? prefix : `{${prefix}}`;
}

export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from './redis-rate-limit-store.js';
export { RedisTokenStore } from './redis-token-store.js';
export {
  RedisConnection,
  RedisUnavailableError,
  defineScript,
  type IoRedisLike,
  type NodeRedisLike,
  type RedisClientLike,
  type RedisConnectionOptions,
  type RedisScript,
  type RedisScriptRunner,
  type StoreLogger,
} from './redis-connection.js';
export type { LogtoStore, ScopedStore, StoreIdentity } from './store.js';
export type { StoredToken, TokenStore } from './token-store.js';
