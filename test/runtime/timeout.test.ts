import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createLogtoClient,
  LogtoConnectionError,
  LogtoError,
  LogtoInvalidResponseError,
  LogtoTimeoutError,
  ProvidedTokenSource,
  type LogtoClient,
  type LogtoClientOptions,
} from '../../runtime/index.js';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';
import { getStatus, listUsers } from './operations.js';

let fake: FakeLogto;
let client: LogtoClient;
beforeEach(async () => {
  fake = await startFakeLogto();
  client = createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, timeoutMs: 200, maxRetries: 0, logger: { warn: () => {} } });
  await listUsers(client, {}, { timeoutMs: 10_000 }); // warm the token (slow on a busy machine)
});
afterEach(async () => {
  await fake.close();
});

/** The value, or 'still pending' when it has not settled by the next turn of the event loop. */
const pendingOr = (value: unknown) => Promise.race([value, new Promise((resolve) => setImmediate(resolve, 'still pending'))]);

/** A client with a bring-your-own token whose `fetch` is `probe` (default: the real one). */
const byoClient = (fetch: LogtoClientOptions['fetch'] = globalThis.fetch) =>
  createLogtoClient({ endpoint: fake.url, getAccessToken: () => fake.issueToken(), fetch, rateLimit: false, maxRetries: 0, logger: { warn: () => {} } });

describe('timeouts', () => {
  it('times out a request the server never answers', async () => {
    fake.enqueueFault({ type: 'stall' });
    const started = performance.now();
    const error = await listUsers(client).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 200, method: 'GET', path: '/api/users' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('times out while reading a body the server stalls after sending headers', async () => {
    fake.enqueueFault({ type: 'stall-body' });
    const error = await listUsers(client).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoTimeoutError);
  });

  it('lets a call override the client timeout', async () => {
    fake.setLatency(300);
    await expect(listUsers(client)).rejects.toBeInstanceOf(LogtoTimeoutError);
    await expect(listUsers(client, {}, { timeoutMs: 2000 })).resolves.toEqual([]);
  });

  it('treats Infinity and timeouts past the timer range as no timeout (instead of firing at once)', async () => {
    await expect(listUsers(client, {}, { timeoutMs: Infinity })).resolves.toEqual([]);
    await expect(listUsers(client, {}, { timeoutMs: 1e12 })).resolves.toEqual([]);
  });

  it('arms the timer up to the longest delay setTimeout takes (2³¹−1 ms)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // A fetch that only ever ends by its signal.
      const hanging = byoClient((input) => new Promise((_, reject) => (input as Request).signal.addEventListener('abort', () => reject((input as Request).signal.reason))));
      const call = listUsers(hanging, {}, { timeoutMs: 2 ** 31 - 1 }).catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
      expect(await pendingOr(call)).toMatchObject({ name: 'LogtoTimeoutError', timeoutMs: 2 ** 31 - 1 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves nothing behind once a call is over: no listener on the caller’s signal, no timer to fire later', async () => {
    const signals: AbortSignal[] = [];
    const watched = byoClient((input, init) => (signals.push((input as Request).signal), fetch(input, init)));
    const controller = new AbortController();
    await listUsers(watched, {}, { signal: controller.signal, timeoutMs: 100 });
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(signals.map((signal) => signal.aborted)).toEqual([false]);
  });

  it('refuses a per-call timeout that is not a positive number, as the client option is refused, and sends nothing', async () => {
    const sent = fake.counters.requests;
    for (const timeoutMs of [0, -1, NaN]) {
      const error = await listUsers(client, {}, { timeoutMs }).catch((e: any) => e);
      expect(error).toBeInstanceOf(LogtoError);
      expect(error.message).toBe(`timeoutMs must be a positive number of ms (or Infinity), got ${timeoutMs}`);
    }
    expect(fake.counters.requests).toBe(sent);
  });

  it('defaults to 30 s', async () => {
    const { DEFAULT_TIMEOUT_MS } = await import('../../runtime/index.js');
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
  });

  it('covers waiting for the token within the call timeout', async () => {
    const cold = createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, timeoutMs: 150, tokenTimeoutMs: 5000, logger: { warn: () => {} } });
    fake.failTokenRequests('stall');
    await expect(listUsers(cold)).rejects.toBeInstanceOf(LogtoTimeoutError);
  });
});

describe('cancellation', () => {
  it("rejects with the caller's reason when aborted in flight", async () => {
    fake.enqueueFault({ type: 'stall' });
    const controller = new AbortController();
    const reason = new Error('user navigated away');
    setTimeout(() => controller.abort(reason), 50);
    await expect(listUsers(client, {}, { signal: controller.signal, timeoutMs: 5000 })).rejects.toBe(reason);
  });

  it('rejects with an AbortError when aborted without a reason, including while reading the body', async () => {
    fake.enqueueFault({ type: 'stall-body' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await listUsers(client, {}, { signal: controller.signal, timeoutMs: 5000 }).catch((e: any) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe('AbortError');
  });

  it('does not send anything when the signal is already aborted', async () => {
    const before = fake.counters.requests;
    await expect(listUsers(client, {}, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.counters.requests).toBe(before);
  });

  it('stops waiting for a shared token request without cancelling it for others', async () => {
    const cold = createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, logger: { warn: () => {} } });
    fake.enqueueFault({ type: 'delay', ms: 200 }, { match: { path: '/oidc/token' } });
    const controller = new AbortController();
    const aborted = listUsers(cold, {}, { signal: controller.signal });
    const patient = listUsers(cold);
    setTimeout(() => controller.abort(), 50);
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await expect(patient).resolves.toEqual([]);
    expect(fake.requestsTo('/oidc/token')).toHaveLength(2); // the warm-up client's and this one
  });
});

describe('connection failures', () => {
  it('turns a reset before the response into LogtoConnectionError', async () => {
    fake.enqueueFault({ type: 'reset' });
    const error = await listUsers(client).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoConnectionError);
    expect(error.message).toMatch(/^GET \/api\/users failed: fetch failed/);
  });

  it('turns a reset in the middle of the body into LogtoConnectionError', async () => {
    fake.enqueueFault({ type: 'reset-mid-response' });
    await expect(listUsers(client)).rejects.toBeInstanceOf(LogtoConnectionError);
  });

  it('turns a refused connection into LogtoConnectionError', async () => {
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve)); // nothing listens there now
    const offline = createLogtoClient({ endpoint: `http://127.0.0.1:${port}`, logger: { warn: () => {} } });
    const error = await getStatus(offline).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoConnectionError);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('turns a 2xx body that is not JSON into LogtoInvalidResponseError, not retried: the server answered', async () => {
    fake.enqueueFault({ type: 'respond', status: 200, headers: { 'content-type': 'application/json' }, body: '<html>proxy login</html>' });
    const sent = fake.requestsTo('/api/users').length;
    const error = await listUsers(client, {}, { maxRetries: 2 }).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoInvalidResponseError);
    expect(error.message).toBe('GET /api/users answered 2xx with a body that is not valid JSON');
    expect(fake.requestsTo('/api/users')).toHaveLength(sent + 1);
  });
});

describe('waiting for an async getAccessToken', () => {
  const never = new ProvidedTokenSource(() => new Promise<string>(() => {}));

  it('answers a caller without a signal', async () => {
    await expect(new ProvidedTokenSource(async () => 'token').getToken()).resolves.toBe('token');
  });

  it('gives up at once on an abort, before or while it waits, and drops its listener', async () => {
    const reason = new Error('gave up');
    await expect(pendingOr(never.getToken(AbortSignal.abort(reason)))).rejects.toBe(reason);
    const controller = new AbortController();
    const waiting = never.getToken(controller.signal);
    controller.abort(reason);
    await expect(pendingOr(waiting)).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
  });

  it('passes the token or the failure on and drops its listener', async () => {
    const { signal } = new AbortController();
    await expect(pendingOr(new ProvidedTokenSource(async () => 'token').getToken(signal))).resolves.toBe('token');
    const failure = new Error('vault down');
    const failing = new ProvidedTokenSource(async () => {
      throw failure;
    });
    await expect(pendingOr(failing.getToken(signal))).rejects.toBe(failure);
    expect(getEventListeners(signal, 'abort')).toEqual([]);
  });
});
