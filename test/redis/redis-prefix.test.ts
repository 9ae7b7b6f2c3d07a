/**
 * `createRedisStore`'s key prefix (the default one every process must compute alike, and the
 * Cluster hash tag a custom one gets) and its `open`/`close`.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createRedisStore, defaultPrefix, withHashTag } from '../../runtime/store/redis.js';
import { useRedisServer } from './real-redis.js';
import { redisServerPath } from './redis-server.js';

describe('the key prefix', () => {
  it('defaults to a hash of the endpoint (trailing slashes dropped) and the client id, the same in every build', () => {
    const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 20);
    expect(defaultPrefix({ endpoint: 'https://t.example.com//', clientId: 'app' })).toBe(`logto-mgmt:{${sha('https://t.example.com\napp')}}:`);
    expect(defaultPrefix({ endpoint: 'https://t.example.com' })).toBe(`logto-mgmt:{${sha('https://t.example.com\n')}}:`);
  });

  it('keeps a prefix with a non-empty {hash tag} (the first { and the first } after it), and makes one of any other', () => {
    expect(['a{b}:', 'x}{tag}:', '{t}', 'a{}b:', 'app}:', 'app:'].map(withHashTag)).toEqual(['a{b}:', 'x}{tag}:', '{t}', '{a{}b:}', '{app}:}', '{app:}']);
  });

  it('refuses an empty prefix', () => {
    expect(() => withHashTag('')).toThrow(new RangeError('createRedisStore: prefix must not be empty'));
  });
});

describe.skipIf(!redisServerPath)('createRedisStore open and close (real redis-server)', () => {
  const redis = useRedisServer();
  const identity = { endpoint: 'https://t.example.com', clientId: 'app' };
  const processes = () => redis.admin.zcard(`${defaultPrefix(identity)}live-processes`);

  it('opens one scoped store per prefix (one process in the live set), and close() leaves the set', async () => {
    const store = createRedisStore(redis.connect(), { timeoutMs: 2_000 });
    redis.cleanup(() => store.close());
    const scoped = store.open(identity);
    expect(store.open({ ...identity })).toBe(scoped);
    await scoped.rateLimit.tryAcquire('requests', 10, 1_000);
    expect(await processes()).toBe(1);
    store.close();
    await vi.waitFor(async () => expect(await processes()).toBe(0), { timeout: 2_000, interval: 20 });
  });
});
