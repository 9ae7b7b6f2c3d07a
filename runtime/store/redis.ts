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
   * the same tenant.
   */
  prefix?: string;
  /** Extra time a rate-limit slot stays taken after the window (default 100 ms). */
  marginMs?: number;
  /** Processes to split the budget between while Redis is down (default: as many as Redis saw recently). */
  fallbackProcesses?: number;
}

export interface RedisStore extends LogtoStore {
  /** Whether the store currently talks to Redis (false while on its local fallback). */
  readonly healthy: boolean;
  /** Stops the background health check; the Redis client itself stays yours to close. */
  close(): void;
}

export function createRedisStore(redis: RedisClientLike, options: RedisStoreOptions = {}): RedisStore {
  const connection = new RedisConnection(redis, options);
  const opened = new Map<string, ScopedStore>();
  return {
    get healthy() {
      return connection.healthy;
    },
    open(identity: StoreIdentity): ScopedStore {
      const prefix = options.prefix ?? defaultPrefix(identity);
      let scoped = opened.get(prefix);
      if (!scoped) {
        scoped = scopedStore(
          new RedisRateLimitStore(connection, { ...options, prefix }),
          new RedisTokenStore(connection, { prefix }),
        );
        opened.set(prefix, scoped);
      }
      return scoped;
    },
    close: () => connection.close(),
  };
}

export function defaultPrefix({ endpoint, clientId = '' }: StoreIdentity): string {
  const hash = createHash('sha256').update(`${endpoint.replace(/\/+$/, '')}\n${clientId}`).digest('hex');
  return `logto-mgmt:{${hash.slice(0, 20)}}:`;
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
