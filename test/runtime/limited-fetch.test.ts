/**
 * The token endpoint's fetch (`limitedFetch`) over real HTTP: it waits for the limiter, gives
 * the slot back, retries what the policy retries — POST included, a token request changes
 * nothing — returns the last response or throws the last error, and stops on abort. And
 * `createLimits`: the key it gives the store, and bad options as LogtoError.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLimits, limitedFetch, type LimitsOptions } from '../../runtime/limits/limits.js';
import { RateLimitQueueError } from '../../runtime/limits/rate-limit.js';
import type { RateLimitStore } from '../../runtime/limits/rate-limit-store.js';
import type { RetryEvent } from '../../runtime/limits/retry.js';
import { MemoryRateLimitStore } from '../../runtime/store/memory-rate-limit-store.js';
import { LogtoError } from '../../runtime/transport/errors.js';

type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'reset' | 'hang';
let answers: Answer[] = [];
let seen: string[] = [];
let url = '';
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  seen.push(`${request.method} ${request.url}`);
  const answer = answers.shift() ?? { status: 200, body: '{}' };
  if (answer === 'reset') return request.socket.destroy();
  if (answer === 'hang') return;
  response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  response.end(answer.body ?? '{"error":"x"}');
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc/token`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  answers = [];
  seen = [];
});

const quiet = { warn() {} };
function tokenFetch(options: LimitsOptions = {}) {
  const limits = createLimits({ maxRetries: 2, maxConcurrency: 1, ...options }, { endpoint: 'http://127.0.0.1', clientId: 'app', logger: quiet });
  return { fetch: limitedFetch(fetch, limits), limits };
}
const post = { method: 'POST', body: 'grant_type=client_credentials' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('limitedFetch', () => {
  it('returns a success at once and gives the slot back', async () => {
    const { fetch: limited, limits } = tokenFetch();
    expect((await limited(url, post)).status).toBe(200);
    expect((await limited(new Request(url), post)).status).toBe(200);
    expect(limits.limiter.active).toBe(0);
    expect(seen).toEqual(['POST /oidc/token', 'POST /oidc/token']);
  });

  it('returns a 4xx without retrying it', async () => {
    answers = [{ status: 401, body: '{"error":"invalid_client"}' }];
    const { fetch: limited } = tokenFetch();
    const response = await limited(url, post);
    expect([response.status, await response.json()]).toEqual([401, { error: 'invalid_client' }]);
    expect(seen).toHaveLength(1);
  });

  it.each([503, 500, 408, 429])('retries a POST answered %d, and returns the success', async (status) => {
    answers = [{ status, headers: status === 429 ? { 'retry-after': '0' } : {} }];
    const { fetch: limited, limits } = tokenFetch({ maxRetryAfterMs: 1000 });
    expect((await limited(url, post)).status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(limits.limiter.active).toBe(0);
  });

  it('returns the last failed response when the retries run out', async () => {
    answers = [{ status: 503 }, { status: 503 }, { status: 502, body: '{"last":true}' }];
    const { fetch: limited } = tokenFetch();
    const response = await limited(url, post);
    expect([response.status, await response.json()]).toEqual([502, { last: true }]);
    expect(seen).toHaveLength(3);
  });

  it('retries a reset connection, and throws the last network error when the retries run out', async () => {
    answers = ['reset'];
    expect((await tokenFetch().fetch(url, post)).status).toBe(200);
    answers = ['reset', 'reset', 'reset'];
    seen = [];
    await expect(tokenFetch().fetch(url, post)).rejects.toThrow(TypeError);
    expect(seen).toHaveLength(3);
  });

  it('stops at once when the caller aborts, without retrying', async () => {
    answers = ['hang'];
    const controller = new AbortController();
    const retries: RetryEvent[] = [];
    const { fetch: limited, limits } = tokenFetch({ onRetry: (event) => void retries.push(event) });
    const pending = limited(url, { ...post, signal: controller.signal });
    await sleep(50);
    controller.abort(new Error('token timeout'));
    await expect(pending).rejects.toThrow('token timeout');
    expect(seen).toHaveLength(1);
    expect(retries).toEqual([]); // not even a retry announced
    expect(limits.limiter.active).toBe(0);
  });

  it('gives up a request still queued when the caller aborts: it is never sent', async () => {
    answers = ['hang'];
    const { fetch: limited, limits } = tokenFetch();
    const first = new AbortController();
    const inFlight = limited(url, { ...post, signal: first.signal }).catch(() => 'aborted');
    await sleep(30);
    const second = new AbortController();
    const queued = limited(url, { ...post, signal: second.signal }).catch((caught: unknown) => caught);
    await sleep(10);
    expect(limits.limiter.queued).toBe(1);
    second.abort(new Error('token timeout'));
    await sleep(10);
    expect(limits.limiter.queued).toBe(0);
    const error = (await queued) as RateLimitQueueError;
    expect(error).toBeInstanceOf(RateLimitQueueError);
    expect([error.reason, (error.cause as Error).message]).toEqual(['aborted', 'token timeout']);
    expect(seen).toEqual(['POST /oidc/token']);
    first.abort();
    expect(await inFlight).toBe('aborted');
  });

  it('without init, sends a GET and says so to the retry hook', async () => {
    answers = [{ status: 503, headers: { 'retry-after': '0' } }];
    const retries: RetryEvent[] = [];
    const { fetch: limited } = tokenFetch({ onRetry: (event) => void retries.push(event) });
    expect((await limited(url)).status).toBe(200);
    expect(seen).toEqual(['GET /oidc/token', 'GET /oidc/token']);
    expect(retries.map((event) => [event.method, event.path, event.status, event.waitMs])).toEqual([['GET', '/oidc/token', 503, 0]]);
  });

  it('retries a failed response that has no body (HEAD)', async () => {
    answers = [{ status: 503, headers: { 'retry-after': '0' } }];
    const response = await tokenFetch().fetch(url, { method: 'HEAD' });
    expect([response.status, response.body]).toEqual([200, null]);
    expect(seen).toEqual(['HEAD /oidc/token', 'HEAD /oidc/token']);
  });

  it('waits for a slot: with one in flight, the second request goes when the first returns', async () => {
    answers = ['hang'];
    const { fetch: limited, limits } = tokenFetch();
    const controller = new AbortController();
    const first = limited(url, { ...post, signal: controller.signal }).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = limited(url, post);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect([seen.length, limits.limiter.queued]).toEqual([1, 1]);
    controller.abort();
    expect(await first).toBe('aborted');
    expect((await second).status).toBe(200);
    expect(seen).toHaveLength(2);
  });
});

describe('createLimits', () => {
  it('names the budget after the endpoint and client id, or the access token, unless given a key', async () => {
    const keys: string[] = [];
    const inner = new MemoryRateLimitStore();
    const store: RateLimitStore = {
      tryAcquire: (key, limit, windowMs) => (keys.push(key), inner.tryAcquire(key, limit, windowMs)),
      pauseUntil: (key, until) => inner.pauseUntil(key, until),
      pausedUntil: (key) => inner.pausedUntil(key),
    };
    for (const [clientId, rateLimitKey] of [['app', undefined], [undefined, undefined], ['app', 'tenant-a']] as const) {
      const { limiter } = createLimits({ store, rateLimitKey }, { endpoint: 'https://t.logto.app', clientId, logger: quiet });
      (await limiter.acquire())();
    }
    expect(keys).toEqual(['logto-mgmt:https://t.logto.app:app', 'logto-mgmt:https://t.logto.app:access-token', 'tenant-a']);
  });

  it('turns a bad option into a LogtoError that says so, and passes other errors on', () => {
    const build = (options: LimitsOptions) => () => createLimits(options, { endpoint: 'e', clientId: 'c', logger: quiet });
    expect(build({ maxRetries: -1 })).toThrow(new LogtoError('Invalid Logto client options: maxRetries must be a non-negative integer, got -1'));
    expect(build({ maxConcurrency: 0 })).toThrow(LogtoError);
    expect(build({ rateLimit: { requests: 1, intervalMs: 0 } })).toThrow('Invalid Logto client options: rateLimit.intervalMs must be a positive number of ms, got 0');
    const broken = { get maxRetries(): number { throw new TypeError('boom'); } } as LimitsOptions;
    expect(build(broken)).toThrow(TypeError);
  });
});
