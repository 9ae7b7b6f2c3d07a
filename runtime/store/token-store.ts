/**
 * Where access tokens are cached, so several processes can share one token: a string store
 * with per-entry expiry plus a lock with expiry (only the lock holder fetches a new token).
 *
 * The values are opaque to the store: `SharedTokenCache` encrypts them before they get here.
 * `MemoryTokenStore` is the one-process default; the Redis one lives in `store/redis-token-store.ts`.
 */
export interface StoredToken {
  value: string;
  /** Milliseconds until the entry expires, measured by the store (not by a client clock). */
  ttlMs: number;
}

export interface TokenStore {
  get(key: string): Promise<StoredToken | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Deletes `key`; with `ifValue`, only while it still holds that value (compare-and-delete). */
  delete(key: string, ifValue?: string): Promise<void>;
  /** Takes the lock `key` for `ttlMs`; resolves to a lock id when taken, `undefined` when held by someone else. */
  lock(key: string, ttlMs: number): Promise<string | undefined>;
  /** Releases the lock if `lockId` still holds it (an expired lock taken over by another process stays). */
  unlock(key: string, lockId: string): Promise<void>;
}

export function randomId(): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();

  async get(key: string): Promise<StoredToken | undefined> {
    const entry = this.#live(key);
    return entry && { value: entry.value, ttlMs: entry.expiresAt - Date.now() };
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (ttlMs > 0) this.#entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    else this.#entries.delete(key);
  }

  async delete(key: string, ifValue?: string): Promise<void> {
    if (ifValue === undefined || this.#live(key)?.value === ifValue) this.#entries.delete(key);
  }

  async lock(key: string, ttlMs: number): Promise<string | undefined> {
    if (this.#live(key)) return undefined;
    const lockId = randomId();
    this.#entries.set(key, { value: lockId, expiresAt: Date.now() + ttlMs });
    return lockId;
  }

  async unlock(key: string, lockId: string): Promise<void> {
    await this.delete(key, lockId);
  }

  #live(key: string) {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
