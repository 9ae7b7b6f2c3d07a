/**
 * The client's `store` option: where the rate limiter, the 429 pause and the M2M token cache
 * keep their state. In memory by default (one process); `createRedisStore` from
 * `logto-mgmt/redis` shares it between processes and machines.
 */
import type { RateLimitStore } from '../limits/rate-limit-store.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import { scopedStore, type SharedTokenCache } from './shared-token-cache.js';
import { MemoryTokenStore, type TokenStore } from './token-store.js';

/** Who is asking: budgets and tokens are kept apart per Logto endpoint and client id. */
export interface StoreIdentity {
  endpoint: string;
  clientId?: string;
}

export interface ScopedStore {
  rateLimit: RateLimitStore;
  tokens: TokenStore;
  /**
   * The M2M token cache over `tokens` for one set of credentials. The store builds it (see
   * `scopedStore`) so that a client without a store does not bundle the shared-token code.
   */
  openTokenCache(credentials: { resource: string; scope: string; clientSecret: string }): SharedTokenCache;
}

export interface LogtoStore {
  /** The stores for one client; called once when the client is created. */
  open(identity: StoreIdentity): ScopedStore;
}

/** Today's behaviour: state in this process only, fresh for every client. */
export function createMemoryStore(): LogtoStore {
  return { open: () => scopedStore(new MemoryRateLimitStore(), new MemoryTokenStore()) };
}
