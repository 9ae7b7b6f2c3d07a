/**
 * `createMemoryStore` (runtime/store/store.ts): the default store, one process, fresh for
 * every client.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../runtime/store/store.js';

const identity = { endpoint: 'https://tenant.example.com', clientId: 'm2m-app' };
const credentials = { resource: 'https://default.logto.app/api', scope: 'all', clientSecret: 's' };

describe('createMemoryStore', () => {
  it('opens a working rate limiter, token store and token cache, kept apart per open', async () => {
    const store = createMemoryStore();
    const first = store.open(identity);
    expect(await first.rateLimit.tryAcquire('requests', 1, 5_000)).toBe(0);
    expect(await first.rateLimit.tryAcquire('requests', 1, 5_000)).toBeGreaterThan(0);
    const token = await first.openTokenCache(credentials).get(async () => ({ accessToken: 'a', expiresInMs: 60_000 }), 0);
    expect(token.accessToken).toBe('a');
    expect(await first.openTokenCache(credentials).get(async () => ({ accessToken: 'b', expiresInMs: 60_000 }), 0)).toMatchObject({ accessToken: 'a' });

    const second = store.open(identity);
    expect(await second.rateLimit.tryAcquire('requests', 1, 5_000)).toBe(0);
    expect(await second.tokens.get('token:m2m:aae5476b')).toBeUndefined();
    expect(await first.tokens.get('token:m2m:aae5476b')).toBeDefined();
  });
});
