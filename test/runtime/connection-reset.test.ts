/**
 * A real TCP reset (RST) over HTTP: a loopback `node:http` server of this file answers chosen
 * requests by resetting the socket — before any response, or after the headers and part of
 * the body — so undici fails with the genuine `ECONNRESET` a dropped connection produces
 * (not a synthetic error object). The request reached the server, so a GET is retried and a
 * POST is not: it may have been applied.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogtoClient } from '../../runtime/client/client.js';
import type { OperationDescriptor } from '../../runtime/client/operation.js';
import type { RetryEvent } from '../../runtime/limits/retry.js';
import { classifyFetchError, networkErrorCode } from '../../runtime/transport/network-failure.js';
import { LogtoConnectionError } from '../../runtime/transport/errors.js';

const getUser: OperationDescriptor = { id: 'GetUser', method: 'GET', path: '/api/users/{userId}', security: 'm2m', paginated: false, body: 'none' };
const createUser: OperationDescriptor = { id: 'CreateUser', method: 'POST', path: '/api/users', security: 'm2m', paginated: false, body: 'json' };

type Reset = 'before-headers' | 'mid-body';
let server: Server;
let endpoint: string;
let arrivals: string[];
/** How the next requests are answered: a reset each, then normally. */
let resets: Reset[];

beforeEach(async () => {
  arrivals = [];
  resets = [];
  server = createServer((req, res) => {
    arrivals.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      const reset = resets.shift();
      if (reset === 'before-headers') return req.socket.resetAndDestroy();
      const body = JSON.stringify({ id: 'u1', username: 'ada', padding: 'x'.repeat(64 * 1024) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      if (reset === 'mid-body') {
        res.write(body.slice(0, 1024));
        // After the headers and a first chunk have left: the client is reading the body.
        setTimeout(() => req.socket.resetAndDestroy(), 20);
        return;
      }
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(retries: RetryEvent[], fetch?: typeof globalThis.fetch) {
  return createLogtoClient({
    endpoint,
    getAccessToken: () => 'token',
    rateLimit: false,
    onRetry: (event) => void retries.push(event),
    fetch,
  });
}

describe.each<Reset>(['before-headers', 'mid-body'])('a connection reset %s', (reset) => {
  it('fails a POST at once with LogtoConnectionError caused by ECONNRESET, sent once', async () => {
    const retries: RetryEvent[] = [];
    resets = [reset];
    const error = await client(retries)
      .request(createUser, { body: { username: 'ada' } })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(LogtoConnectionError);
    expect(networkErrorCode((error as Error).cause)).toBe('ECONNRESET');
    expect((error as Error).message).toMatch(/^POST \/api\/users failed: /);
    expect(arrivals).toEqual(['POST /api/users']);
    expect(retries).toEqual([]);
  });

  it('retries a GET, which then succeeds', async () => {
    const retries: RetryEvent[] = [];
    resets = [reset];
    const user = await client(retries).request<{ id: string }>(getUser, { path: { userId: 'u1' } });
    expect(user.id).toBe('u1');
    expect(arrivals).toEqual(['GET /api/users/u1', 'GET /api/users/u1']);
    expect(retries).toMatchObject([{ attempt: 1, method: 'GET', reason: 'connection reset' }]);
  });

  it('retries a POST that opted in with retryNonIdempotent', async () => {
    const retries: RetryEvent[] = [];
    resets = [reset];
    const user = await client(retries).request<{ id: string }>(createUser, { body: { username: 'ada' } }, { retryNonIdempotent: true });
    expect(user.id).toBe('u1');
    expect(arrivals).toEqual(['POST /api/users', 'POST /api/users']);
    expect(retries).toMatchObject([{ attempt: 1, method: 'POST', reason: 'connection reset' }]);
  });
});

describe('what a failed fetch says about reaching the server', () => {
  const coded = (code?: string) => Object.assign(new Error(code ?? 'no code'), code === undefined ? {} : { code });
  /** `inner` as the cause of `depth` wrapping errors (undici's "fetch failed" is the first). */
  const wrapped = (depth: number, inner: unknown): unknown => (depth === 0 ? inner : new TypeError('fetch failed', { cause: wrapped(depth - 1, inner) }));

  it.each([
    ['every happy-eyeballs attempt refused', 'not-sent', wrapped(1, new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]))],
    ['attempts without a code, caused by a refusal', 'not-sent', wrapped(1, Object.assign(new AggregateError([coded()]), { cause: coded('ECONNREFUSED') }))],
    ['a refusal four causes down', 'not-sent', wrapped(4, coded('ECONNREFUSED'))],
    ['a refusal five causes down, past where the chain is read', 'connection', wrapped(5, coded('ECONNREFUSED'))],
    ['no code at all', 'connection', wrapped(1, new AggregateError([]))],
  ])('%s: %s (a POST is retried only when nothing was sent)', async (_, kind, failure) => {
    expect(classifyFetchError(failure)).toBe(kind);
    const retries: RetryEvent[] = [];
    let attempts = 0;
    const failingOnce = client(retries, (input, init) => (++attempts === 1 ? Promise.reject(failure) : fetch(input, init)));
    const outcome = await failingOnce.request<{ id: string }>(createUser, { body: { username: 'ada' } }).then(
      (user) => user.id,
      (thrown: unknown) => thrown,
    );
    if (kind === 'not-sent') expect([outcome, retries.map((event) => event.reason)]).toEqual(['u1', ['connection refused']]);
    else expect([outcome instanceof LogtoConnectionError, arrivals]).toEqual([true, []]);
  });
});
