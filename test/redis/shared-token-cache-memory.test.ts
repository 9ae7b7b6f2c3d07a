/**
 * `SharedTokenCache` (runtime/store/shared-token-cache.ts) over the in-memory token store with a
 * fake clock, so expiries and the waiters' polling can be checked to the millisecond: when a
 * token counts as fresh, when a waiter gives up and fetches, which stored entries it trusts.
 * The same cache on a real redis-server is in redis-store.test.ts and token-cache-race.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SharedTokenCache, tokenCacheKey, type SharedToken, type SharedTokenCacheOptions } from '../../runtime/store/shared-token-cache.js';
import { TokenCipher } from '../../runtime/store/token-cipher.js';
import { MemoryTokenStore } from '../../runtime/store/token-store.js';

const T0 = 1_000_000;
const HOUR = 3_600_000;
const token = (accessToken: string, expiresInMs = HOUR, lifetimeMs = HOUR): SharedToken => ({ accessToken, expiresInMs, lifetimeMs });
/** Lets every pending promise chain run (memory-store calls are microtasks only). */
const drain = () => new Promise((resolve) => setImmediate(resolve));

describe('SharedTokenCache over MemoryTokenStore, fake clock', () => {
  let store: MemoryTokenStore;
  let fetches: { name: string; at: number }[];
  const cache = (options: Partial<SharedTokenCacheOptions> = {}) => new SharedTokenCache({ store, key: 'k', secret: 's', ...options });
  const fetchAs = (name: string, made = token(name)) => async () => (fetches.push({ name, at: Date.now() - T0 }), made);
  /** Another process holds the refresh lock of key `k` and never lets go. */
  const lockedByOther = () => store.lock('token-lock:k', 10 * HOUR);
  /** Stores `plaintext` sealed as the cache for key `k`, secret `s` would. */
  const storeSealed = async (plaintext: object, secret = 's') =>
    store.set('token:k', await new TokenCipher(secret, 'token:k').encrypt(JSON.stringify(plaintext)), HOUR);

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout'] });
    vi.setSystemTime(T0);
    store = new MemoryTokenStore();
    fetches = [];
  });
  afterEach(() => vi.useRealTimers());

  it('polls a held lock after 20, 40, 80, 160 ms, then every 250 ms, and fetches itself exactly at waitMs', async () => {
    await lockedByOther();
    const reads: number[] = [];
    const get = store.get.bind(store);
    vi.spyOn(store, 'get').mockImplementation((key) => (reads.push(Date.now() - T0), get(key)));
    const result = cache({ waitMs: 1_000 }).get(fetchAs('mine'), 0);
    await vi.advanceTimersByTimeAsync(999);
    expect(reads).toEqual([0, 20, 60, 140, 300, 550, 800]);
    expect(fetches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toEqual([0, 20, 60, 140, 300, 550, 800, 1_000]);
    expect(fetches).toEqual([{ name: 'mine', at: 1_000 }]);
    expect((await result).accessToken).toBe('mine');
  });

  it('waits lockMs for the holder when waitMs is not given', async () => {
    await lockedByOther();
    const result = cache({ lockMs: 300 }).get(fetchAs('mine'), 0);
    await vi.advanceTimersByTimeAsync(299);
    expect(fetches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetches).toEqual([{ name: 'mine', at: 300 }]);
    await result;
  });

  it('refreshes a token with exactly the leeway left, and serves one with more without the lock', async () => {
    await cache().get(fetchAs('old', token('old', 60_000)), 0);
    expect((await cache().get(fetchAs('new'), 60_000)).accessToken).toBe('new');
    // 4 s left of a 4 s token: fresh under a 1 s leeway, even while another process holds the lock.
    await cache().invalidate('new');
    await cache().get(fetchAs('short', token('short', 4_000, 4_000)), 0);
    await lockedByOther();
    expect((await cache({ waitMs: 0 }).get(fetchAs('unexpected'), 1_000)).accessToken).toBe('short');
    expect(fetches.map(({ name }) => name)).toEqual(['old', 'new', 'short']);
  });

  it('does not hand out a token with 5 s or less left while another process refreshes it', async () => {
    await cache().get(fetchAs('old', token('old', 5_000)), 0);
    await lockedByOther();
    expect((await cache({ waitMs: 0 }).get(fetchAs('new'), 60_000)).accessToken).toBe('new');
  });

  it('keeps the refresh lock per key: a slow fetch for one key does not hold up another', async () => {
    let release!: () => void;
    const slow = cache().get(async () => (await new Promise<void>((resolve) => (release = resolve)), token('slow')), 0);
    await drain();
    const other = cache({ key: 'other', waitMs: HOUR }).get(fetchAs('other'), 0);
    await drain();
    expect(fetches.map(({ name }) => name)).toEqual(['other']);
    release();
    expect([(await slow).accessToken, (await other).accessToken]).toEqual(['slow', 'other']);
  });

  it('treats an entry without a usable access token as a miss, and drops a scope or lifetime of the wrong type', async () => {
    for (const accessToken of ['', 123]) {
      await storeSealed({ accessToken });
      expect((await cache().get(fetchAs('fetched'), 0)).accessToken).toBe('fetched');
    }
    await storeSealed({ accessToken: 'stored', scope: 42, lifetimeMs: 'soon' });
    expect(await cache().get(fetchAs('unexpected'), 60_000)).toStrictEqual({ accessToken: 'stored', expiresInMs: HOUR });
    expect(fetches).toHaveLength(2);
  });

  it('leaves an entry it cannot open alone when invalidating', async () => {
    await storeSealed({ accessToken: 'theirs' }, 'another-secret');
    await cache().invalidate('theirs');
    expect(await store.get('token:k')).toBeDefined();
  });
});

describe('tokenCacheKey', () => {
  it('is stable across versions (processes of several versions share the cache): m2m: and 8 hex digits of FNV-1a', () => {
    const resource = 'https://default.logto.app/api';
    expect(tokenCacheKey({ resource, scope: 'all' })).toBe('m2m:aae5476b');
    expect(tokenCacheKey({ resource, scope: 's100' })).toBe('m2m:0401a6d0');
    expect(tokenCacheKey({ resource: 'https://other.example/api', scope: 'all' })).not.toBe('m2m:aae5476b');
  });
});
