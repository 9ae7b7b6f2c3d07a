/**
 * One M2M token shared by every process that uses the same `TokenStore` and key.
 *
 * Protocol (a cross-process single flight): read the entry; if it is missing or about to
 * expire, take the lock (with expiry, so a crashed holder cannot block the others), re-read
 * (another process may have stored a token between our read and our lock), fetch, store,
 * release. Processes that find the lock taken poll with backoff until the token appears or
 * the lock frees up, and fetch on their own only after `waitMs` so no caller hangs.
 *
 * Only `{ accessToken, scope, lifetimeMs }` is stored, encrypted by `TokenCipher` with a key derived from
 * the client secret; the expiry is the store's own TTL (no client clock involved).
 */
import { TokenCipher } from './token-cipher.js';
import type { RateLimitStore } from '../limits/rate-limit-store.js';
import type { ScopedStore } from './store.js';
import type { TokenStore } from './token-store.js';

export interface SharedToken {
  accessToken: string;
  scope?: string;
  /** Lifetime left when it was handed out, in milliseconds. */
  expiresInMs: number;
  /** Its whole lifetime (`expires_in`), in milliseconds; defaults to `expiresInMs`. */
  lifetimeMs?: number;
}

export interface SharedTokenCacheOptions {
  store: TokenStore;
  /** Cache key inside the store (the store adds its own prefix). */
  key: string;
  /** The client secret: only used to derive the encryption key, never stored. */
  secret: string;
  /** Lock expiry: longer than a token request can take (default 30 s). */
  lockMs?: number;
  /** How long to wait for another process's fetch before fetching ourselves (default `lockMs`). */
  waitMs?: number;
}

/**
 * The cache key of the token for one resource and scope (the store's prefix already tells the
 * endpoint and client id apart). FNV-1a: short, stable, no dependency; not a secret anyway.
 */
export function tokenCacheKey({ resource, scope }: { resource: string; scope: string }): string {
  let hash = 0x811c9dc5;
  for (const char of `${resource} ${scope}`) hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
  return `m2m:${hash.toString(16).padStart(8, '0')}`;
}

/** Below this, a token may expire in flight: wait for the refresh instead. */
const STALE_FLOOR_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SharedTokenCache {
  readonly #store: TokenStore;
  readonly #key: string;
  readonly #lockKey: string;
  readonly #cipher: TokenCipher;
  readonly #lockMs: number;
  readonly #waitMs: number;

  constructor(options: SharedTokenCacheOptions) {
    this.#store = options.store;
    this.#key = `token:${options.key}`;
    this.#lockKey = `token-lock:${options.key}`;
    this.#cipher = new TokenCipher(options.secret, this.#key);
    this.#lockMs = options.lockMs ?? 30_000;
    this.#waitMs = options.waitMs ?? this.#lockMs;
  }

  /**
   * A token with more than the leeway left (at most half its lifetime, as in
   * `ClientCredentialsTokenSource`): the shared one, or one that `fetchToken` fetches (at most
   * one process at a time does). `rejectedToken`, a token the API just answered 401 to, is
   * never handed out again. `fetchToken`'s errors reach the caller unchanged.
   */
  async get(fetchToken: () => Promise<SharedToken>, leewayMs: number, rejectedToken?: string): Promise<SharedToken> {
    const deadline = Date.now() + this.#waitMs;
    const usable = (token: SharedToken | undefined): token is SharedToken =>
      token !== undefined && token.accessToken !== rejectedToken;
    const fresh = (token: SharedToken | undefined): boolean =>
      usable(token) && token.expiresInMs > Math.min(leewayMs, (token.lifetimeMs ?? token.expiresInMs) / 2);
    for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
      const entry = await this.#read();
      if (fresh(entry)) return entry!;
      const lockId = await this.#store.lock(this.#lockKey, this.#lockMs);
      if (lockId) {
        try {
          const again = await this.#read();
          return fresh(again) ? again! : await this.#fetchAndStore(fetchToken);
        } finally {
          await this.#store.unlock(this.#lockKey, lockId);
        }
      }
      // Another process is refreshing: a token that is merely inside the leeway still works.
      if (usable(entry) && entry.expiresInMs > STALE_FLOOR_MS) return entry;
      if (Date.now() >= deadline) return this.#fetchAndStore(fetchToken);
      await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
    }
  }

  /** Drops `accessToken` from the store if it is still the shared one (after a 401). */
  async invalidate(accessToken: string): Promise<void> {
    const entry = await this.#store.get(this.#key);
    if (entry && (await this.#open(entry.value))?.accessToken === accessToken) {
      await this.#store.delete(this.#key, entry.value);
    }
  }

  async #read(): Promise<SharedToken | undefined> {
    const entry = await this.#store.get(this.#key);
    if (!entry || entry.ttlMs <= 0) return undefined;
    const token = await this.#open(entry.value);
    return token && { ...token, expiresInMs: entry.ttlMs };
  }

  async #open(sealed: string): Promise<Omit<SharedToken, 'expiresInMs'> | undefined> {
    const plain = await this.#cipher.decrypt(sealed);
    if (plain === undefined) return undefined; // another secret (rotation) or tampered: a miss
    try {
      const { accessToken, scope, lifetimeMs } = JSON.parse(plain) as { accessToken?: unknown; scope?: unknown; lifetimeMs?: unknown };
      if (typeof accessToken !== 'string' || !accessToken) return undefined;
      return {
        accessToken,
        ...(typeof scope === 'string' && { scope }),
        ...(typeof lifetimeMs === 'number' && { lifetimeMs }),
      };
    } catch {
      return undefined;
    }
  }

  async #fetchAndStore(fetchToken: () => Promise<SharedToken>): Promise<SharedToken> {
    const token = await fetchToken();
    const { accessToken, scope, lifetimeMs = token.expiresInMs } = token;
    const sealed = await this.#cipher.encrypt(JSON.stringify({ accessToken, scope, lifetimeMs }));
    await this.#store.set(this.#key, sealed, token.expiresInMs);
    return token;
  }
}

/** A `ScopedStore` over a rate-limit store and a token store, with its token cache. */
export function scopedStore(rateLimit: RateLimitStore, tokens: TokenStore): ScopedStore {
  return {
    rateLimit,
    tokens,
    openTokenCache: (credentials) =>
      new SharedTokenCache({ store: tokens, key: tokenCacheKey(credentials), secret: credentials.clientSecret }),
  };
}
