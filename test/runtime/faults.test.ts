/**
 * Fault injection over real HTTP against the fake Logto: what the client retries, how long it
 * waits, and what the server received. Waits are real but short (Retry-After of 1 s, backoff
 * from 0.5 s); each test checks them against the server's arrival timestamps.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogtoClient, type LogtoClientOptions } from '../../runtime/client/client.js';
import { LogtoConnectionError, LogtoRateLimitError, LogtoServerError, LogtoTimeoutError } from '../../runtime/transport/errors.js';
import type { OperationDescriptor } from '../../runtime/client/operation.js';
import type { RateLimitEvent, RetryEvent } from '../../runtime/limits/retry.js';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';

const listUsers: OperationDescriptor = { id: 'ListUsers', method: 'GET', path: '/api/users', security: 'm2m', paginated: true, body: 'none' };
const getUser: OperationDescriptor = { id: 'GetUser', method: 'GET', path: '/api/users/{userId}', security: 'm2m', paginated: false, body: 'none' };
const createUser: OperationDescriptor = { id: 'CreateUser', method: 'POST', path: '/api/users', security: 'm2m', paginated: false, body: 'json' };

let fake: FakeLogto;
let retries: RetryEvent[];
let rateLimits: RateLimitEvent[];
let debugLines: string[];

function client(options: Partial<LogtoClientOptions> = {}) {
  return createLogtoClient({
    endpoint: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    onRetry: (event) => void retries.push(event),
    onRateLimit: (event) => void rateLimits.push(event),
    debug: (line) => void debugLines.push(line),
    ...options,
  } as LogtoClientOptions);
}

/** Requests under /api the server received, with their arrival times relative to the first. */
function apiRequests(method?: string) {
  const requests = fake.requests.filter((request) => request.path.startsWith('/api/') && (!method || request.method === method));
  return requests.map((request) => ({ method: request.method, path: request.path, at: request.monotonic - requests[0].monotonic }));
}

/** Gaps between consecutive arrivals, ms. */
function gaps(times: number[]): number[] {
  return times.slice(1).map((time, i) => time - times[i]);
}

beforeEach(async () => {
  fake = await startFakeLogto();
  retries = [];
  rateLimits = [];
  debugLines = [];
});
afterEach(async () => {
  await fake.close();
});

describe('429 Too Many Requests', () => {
  it('retries a burst of 429s, waiting what Retry-After says in seconds and as an HTTP-date', async () => {
    fake.data.seedUsers(3);
    const logto = client({ maxRetries: 3 });
    await logto.request(listUsers, undefined); // token fetched; the faults below hit the API call
    fake.clearRequests();
    fake.enqueueFault({ type: 'rate-limit', retryAfter: 1 });
    // The second 429 says "come back at <HTTP-date>", 2 s after it arrived; HTTP-dates have
    // whole seconds, so that is 1–2 s away.
    let seen = 0;
    const stop = fake.intercept(() => (++seen === 2 ? { type: 'rate-limit', retryAfter: new Date(Date.now() + 2000) } : undefined));
    fake.enqueueFault({ type: 'rate-limit', retryAfter: '0' }); // attempt 3 (attempt 2 is the interceptor's)

    const users = await logto.request<unknown[]>(listUsers, undefined);
    stop();
    expect(users).toHaveLength(3);
    const received = apiRequests();
    expect(received).toHaveLength(4);
    expect(rateLimits.map((event) => event.attempt)).toEqual([1, 2, 3]);
    expect(rateLimits.every((event) => event.willRetry && event.method === 'GET' && event.path === '/api/users')).toBe(true);
    const waits = retries.map((event) => event.waitMs);
    expect(waits[0]).toBe(1000);
    expect(waits[1]).toBeGreaterThan(900);
    expect(waits[1]).toBeLessThanOrEqual(2000);
    expect(waits[2]).toBe(0);
    // The server saw each retry no sooner than the wait it asked for.
    gaps(received.map((request) => request.at)).forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(waits[i] - 5));
    expect(debugLines.filter((line) => line.includes('rate-limited'))).toHaveLength(3);
  });

  it('fails at once with LogtoRateLimitError carrying the wait when Retry-After is over the cap', async () => {
    const logto = client({ maxRetryAfterMs: 30_000 });
    fake.enqueueFault({ type: 'rate-limit', retryAfter: 3600, body: { code: 'request.rate_limited', message: 'Too many requests.' } });
    const error = await logto.request(listUsers, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogtoRateLimitError);
    expect(error).toMatchObject({ status: 429, kind: 'rate_limited', retryAfterMs: 3_600_000 });
    expect((error as Error).message).toMatch(/3600 s/);
    expect(apiRequests()).toHaveLength(1);
    expect(retries).toEqual([]);
    expect(rateLimits).toMatchObject([{ attempt: 1, waitMs: 30_000, retryAfterMs: 3_600_000, willRetry: false }]);
  });

  it('retries a POST answered by 429: Logto refused before acting, so it is created once', async () => {
    const logto = client();
    fake.enqueueFault({ type: 'rate-limit', retryAfter: 0 }, { match: { method: 'POST', path: '/api/users' } });
    const user = await logto.request<{ id: string }>(createUser, { body: { username: 'ada' } });
    expect(user.id).toBeTruthy();
    expect(apiRequests('POST')).toHaveLength(2);
    expect(fake.data.users.size).toBe(1);
    expect(retries).toMatchObject([{ attempt: 1, status: 429, method: 'POST', reason: '429' }]);
  });

  it('pauses every queued call while a 429 wait runs: nothing else reaches the server', async () => {
    fake.data.seedUsers(1);
    // One at a time, so the slot the 429 frees is exactly what a queued call would grab.
    const logto = client({ maxConcurrency: 1 });
    await logto.request(listUsers, undefined);
    fake.clearRequests();
    fake.enqueueFault({ type: 'rate-limit', retryAfter: 1 });
    const calls = Array.from({ length: 6 }, () => logto.request(listUsers, undefined));
    await Promise.all(calls);
    const [refused, ...after] = fake.requestsTo('/api/users').map((request) => request.monotonic);
    expect(after).toHaveLength(6);
    // The pause starts when the 429 reaches the client, which is after it reached the server:
    // measured from the refused request's arrival (not from a hook that may run late under
    // load), nothing else arrived until the second was over — then the queue drained.
    expect(after.map((at) => at - refused).filter((gap) => gap < 995)).toEqual([]);
  });

  it('gives up with LogtoRateLimitError when the 429s outlast maxRetries', async () => {
    const logto = client({ maxRetries: 1 });
    fake.enqueueFault({ type: 'rate-limit', retryAfter: 0 }, { times: 5 });
    const error = await logto.request(listUsers, undefined, { maxRetries: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogtoRateLimitError);
    expect(apiRequests()).toHaveLength(3); // the call's maxRetries (2) beat the client's (1)
    expect(rateLimits.map((event) => event.willRetry)).toEqual([true, true, false]);
  });
});

describe('5xx and broken connections', () => {
  it('retries a GET through a 503 storm with exponential backoff, then fails with the last 503', async () => {
    const logto = client();
    fake.enqueueFault({ type: 'server-error', status: 503 }, { times: 10 });
    const error = await logto.request(listUsers, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogtoServerError);
    expect(error).toMatchObject({ status: 503 });
    const received = apiRequests();
    expect(received).toHaveLength(3); // 1 + maxRetries 2
    const waits = retries.map((event) => event.waitMs);
    expect(waits[0]).toBeGreaterThanOrEqual(375);
    expect(waits[0]).toBeLessThanOrEqual(500);
    expect(waits[1]).toBeGreaterThanOrEqual(750);
    expect(waits[1]).toBeLessThanOrEqual(1000);
    gaps(received.map((request) => request.at)).forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(waits[i] - 5));
  });

  it('does not retry a POST answered by 503 unless the call opts in', async () => {
    const logto = client();
    const match = { method: 'POST', path: '/api/users' };
    fake.enqueueFault({ type: 'server-error', status: 503 }, { match });
    await expect(logto.request(createUser, { body: { username: 'bob' } })).rejects.toBeInstanceOf(LogtoServerError);
    expect(apiRequests('POST')).toHaveLength(1);

    fake.enqueueFault({ type: 'server-error', status: 503 }, { match });
    await logto.request(createUser, { body: { username: 'bob' } }, { retryNonIdempotent: true });
    expect(apiRequests('POST')).toHaveLength(3);
    expect(fake.data.users.size).toBe(1);
  });

  it('retries a GET whose connection is reset mid-response', async () => {
    fake.data.seedUsers(2);
    const logto = client();
    fake.enqueueFault({ type: 'reset-mid-response' }, { times: 2 });
    const users = await logto.request<unknown[]>(listUsers, undefined);
    expect(users).toHaveLength(2);
    expect(apiRequests()).toHaveLength(3);
    expect(retries.map((event) => event.reason)).toEqual(['connection reset', 'connection reset']);
  });

  it('sends a POST answered by a reset exactly once', async () => {
    const logto = client();
    fake.enqueueFault({ type: 'reset' }, { match: { method: 'POST', path: '/api/users' } });
    const error = await logto.request(createUser, { body: { username: 'carol' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogtoConnectionError);
    expect(apiRequests('POST')).toHaveLength(1);
    expect(retries).toEqual([]);
    expect(debugLines.some((line) => /giving up method=POST path=\/api\/users .*not retried without retryNonIdempotent/.test(line))).toBe(true);
  });

  it('sends a POST whose response is cut mid-body exactly once', async () => {
    const logto = client();
    fake.enqueueFault({ type: 'reset-mid-response' }, { match: { method: 'POST', path: '/api/users' } });
    await expect(logto.request(createUser, { body: { username: 'dave' } })).rejects.toBeInstanceOf(LogtoConnectionError);
    expect(apiRequests('POST')).toHaveLength(1);
  });

  it('times out a stalled body and retries the GET; a stalled POST is sent once', async () => {
    fake.data.seedUsers(1);
    const logto = client({ timeoutMs: 300 });
    await logto.request(listUsers, undefined, { timeoutMs: 30_000 }); // a cold start may be slow on a loaded machine
    fake.clearRequests();
    fake.enqueueFault({ type: 'stall-body' });
    const users = await logto.request<unknown[]>(listUsers, undefined);
    expect(users).toHaveLength(1);
    const received = apiRequests();
    expect(received).toHaveLength(2);
    expect(retries).toMatchObject([{ attempt: 1, reason: 'timeout', status: undefined }]);
    // The second attempt went out after the 300 ms timeout plus the backoff.
    expect(received[1].at).toBeGreaterThanOrEqual(300 + retries[0].waitMs - 5);

    fake.enqueueFault({ type: 'stall-body' }, { match: { method: 'POST', path: '/api/users' } });
    await expect(logto.request(createUser, { body: { username: 'erin' } })).rejects.toBeInstanceOf(LogtoTimeoutError);
    expect(apiRequests('POST')).toHaveLength(1);
  });

  it('retries a POST whose connection was refused: nothing reached a server', async () => {
    // A free port: nothing listens there until the first attempt has failed.
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));

    const bodies: string[] = [];
    let late: Server | undefined;
    const logto = createLogtoClient({
      endpoint: `http://127.0.0.1:${port}`,
      getAccessToken: () => 'byo-token',
      onRetry: async (event) => {
        retries.push(event);
        late = createHttpServer((req, res) => {
          let body = '';
          req.on('data', (chunk) => (body += chunk));
          req.on('end', () => {
            bodies.push(`${req.method} ${req.url} ${body}`);
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"u1"}');
          });
        });
        await new Promise<void>((resolve) => late!.listen(port, '127.0.0.1', resolve));
      },
    } as LogtoClientOptions);
    try {
      const user = await logto.request<{ id: string }>(createUser, { body: { username: 'frank' } });
      expect(user).toEqual({ id: 'u1' });
      expect(retries).toMatchObject([{ attempt: 1, reason: 'connection refused', method: 'POST' }]);
      expect(bodies).toEqual(['POST /api/users {"username":"frank"}']);
    } finally {
      late?.closeAllConnections();
      await new Promise((resolve) => late?.close(resolve));
    }
  });
});

describe('queued calls', () => {
  it('aborts a call while it is queued: it rejects with the caller’s reason and is never sent', async () => {
    fake.data.seedUsers(1);
    const logto = client({ maxConcurrency: 1 });
    await logto.request(listUsers, undefined);
    fake.clearRequests();
    fake.enqueueFault({ type: 'delay', ms: 400 });
    const slow = logto.request(listUsers, undefined);
    const controller = new AbortController();
    const queued = logto.request(getUser, { path: { userId: 'u00000000000' } }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user navigated away')), 100);
    await expect(queued).rejects.toThrow('user navigated away');
    await slow;
    expect(apiRequests().map((request) => request.path)).toEqual(['/api/users']);
  });

  it('times a queued call out, counting the time queued, and says it was queued', async () => {
    fake.data.seedUsers(1);
    const logto = client({ maxConcurrency: 1 });
    await logto.request(listUsers, undefined);
    fake.clearRequests();
    fake.enqueueFault({ type: 'delay', ms: 1500 });
    const slow = logto.request(listUsers, undefined);
    const started = performance.now();
    const error = await logto.request(getUser, { path: { userId: 'u00000000000' } }, { timeoutMs: 100 }).catch((e: unknown) => e);
    // It gave up after its 100 ms, not when the slow call freed the slot 1.5 s later.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(LogtoTimeoutError);
    expect(error).toMatchObject({ queued: true, timeoutMs: 100 });
    expect((error as Error).message).toMatch(/timed out after 100 ms while queued by the rate limiter .*never sent/);
    await slow;
    expect(apiRequests()).toHaveLength(1);
  });

  it('fails a queued call with the error of a rate-limit store that throws (not as a timeout)', async () => {
    const store = { tryAcquire: async () => Promise.reject(new Error('store down')), pauseUntil: () => {}, pausedUntil: async () => 0 };
    const logto = createLogtoClient({ endpoint: fake.url, getAccessToken: () => fake.issueToken(), store });
    await expect(logto.request(listUsers, undefined)).rejects.toThrow(new Error('store down'));
    expect(apiRequests()).toEqual([]);
  });

  it('makes token requests wait for the same limiter and retries a 429 from the token endpoint', async () => {
    fake.data.seedUsers(1);
    const logto = client({ rateLimit: { requests: 3, intervalMs: 60_000 } });
    fake.enqueueFault({ type: 'rate-limit', retryAfter: 0 }, { match: { path: '/oidc/token' } });
    await logto.request(listUsers, undefined); // token 429, token retry, the call: 3 slots
    expect(fake.counters.tokenRequests).toBe(2);
    expect(fake.counters.apiRequests).toBe(1);
    expect(rateLimits).toMatchObject([{ method: 'POST', path: '/oidc/token', willRetry: true }]);
    // The window is spent: the next call waits in the queue until its timeout.
    await expect(logto.request(listUsers, undefined, { timeoutMs: 100 })).rejects.toThrow(/while queued by the rate limiter \(3 requests \/ 60000 ms/);
    expect(fake.counters.apiRequests).toBe(1);
  });
});

describe('debug log', () => {
  it('tells what happened without a secret or a token in it', async () => {
    const logto = client();
    fake.enqueueFault({ type: 'rate-limit', retryAfter: 0 });
    fake.enqueueFault({ type: 'server-error', status: 502 });
    await logto.request(listUsers, undefined);
    const log = debugLines.join('\n');
    expect(log).toMatch(/\[logto-mgmt\] rate-limited method=GET path=\/api\/users attempt=1 status=429 wait=0/);
    expect(log).toMatch(/\[logto-mgmt\] retry method=GET path=\/api\/users attempt=2 status=502 wait=\d+ reason=502/);
    expect(log).not.toContain(fake.clientSecret);
    for (const token of fake.issuedTokens()) expect(log).not.toContain(token.token);
  });
});
