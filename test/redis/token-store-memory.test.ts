/**
 * `MemoryTokenStore` (runtime/store/token-store.ts): the one-process token store, and the Redis
 * store's local fallback. Expiry is checked against a fake clock, to the millisecond.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryTokenStore, randomId } from '../../runtime/store/token-store.js';

describe('MemoryTokenStore', () => {
  let store: MemoryTokenStore;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    store = new MemoryTokenStore();
  });
  afterEach(() => vi.useRealTimers());

  it('keeps an entry until its expiry and not a millisecond longer', async () => {
    await store.set('k', 'v', 100);
    vi.setSystemTime(1_000_099);
    expect(await store.get('k')).toEqual({ value: 'v', ttlMs: 1 });
    vi.setSystemTime(1_000_100);
    expect(await store.get('k')).toBeUndefined();
    vi.setSystemTime(1_000_000); // gone for good, even if the clock steps back
    expect(await store.get('k')).toBeUndefined();
  });

  it('stores nothing for a ttl that is not positive (0, negative, NaN), even after the clock steps back', async () => {
    for (const ttlMs of [0, -5, Number.NaN]) {
      await store.set('k', 'old', 1_000);
      await store.set('k', 'v', ttlMs);
      vi.setSystemTime(999_990);
      expect(await store.get('k')).toBeUndefined();
      vi.setSystemTime(1_000_000);
    }
  });

  it('deletes unconditionally without ifValue, and with it only while the entry holds that value', async () => {
    await store.set('k', 'v', 1_000);
    await store.delete('k', 'other');
    expect((await store.get('k'))?.value).toBe('v');
    await store.delete('k', 'v');
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', 'v', 1_000);
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
  });

  it('locks exclusively until the lock expires or its holder unlocks', async () => {
    const first = await store.lock('l', 1_000);
    expect(first).toMatch(/^[0-9a-f]{24}$/);
    expect(await store.lock('l', 1_000)).toBeUndefined();
    await store.unlock('l', 'not-the-holder');
    vi.setSystemTime(1_000_999);
    expect(await store.lock('l', 1_000)).toBeUndefined();
    vi.setSystemTime(1_001_000);
    const second = await store.lock('l', 1_000);
    expect(second).toMatch(/^[0-9a-f]{24}$/);
    await store.unlock('l', second!);
    expect(await store.lock('l', 1_000)).toBeTypeOf('string');
  });
});

describe('randomId', () => {
  it('is 24 lowercase hex digits (12 random bytes, each two digits), different every time', () => {
    const ids = Array.from({ length: 50 }, randomId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(new Set(ids).size).toBe(50);
  });
});
