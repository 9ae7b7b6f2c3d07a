/**
 * The token sources on their own, over real HTTP for the client-credentials one: what it
 * sends, every way a token response can be unusable (each with its message, never the body),
 * rejections with their OAuth error and hint, the missing-scope warning, the debug line,
 * network failures (and a fetch that rejects with a non-Error or resolves with status 0), the
 * request timer at and past the timer maximum, the cache on an injected clock, the shared-store
 * path (what it stores and for how long), and what inspect and JSON show. And the caller-provided source.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClientCredentialsTokenSource, ProvidedTokenSource } from '../../runtime/auth/token-source.js';
import { LogtoAuthError } from '../../runtime/transport/errors.js';
import { MAX_TIMER_MS } from '../../runtime/transport/timeout.js';
import { SharedTokenCache } from '../../runtime/store/shared-token-cache.js';
import { MemoryTokenStore } from '../../runtime/store/token-store.js';

/** What the server answers; `delayMs` holds the answer back, `onRequest` runs when a request arrives. */
let answer: { status: number; body: string; delayMs?: number } = { status: 200, body: '' };
let onRequest: (() => void) | undefined;
let received: { headers: IncomingMessage['headers']; body: string }[] = [];
let endpoint = '';
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    received.push({ headers: request.headers, body });
    onRequest?.();
    const { status, body: text, delayMs } = answer;
    const send = () => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(text);
    };
    if (delayMs) setTimeout(send, delayMs);
    else send();
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc/token`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  received = [];
  onRequest = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
});

const token = (fields: Record<string, unknown>) => ({ status: 200, body: JSON.stringify({ access_token: 'tok-123', expires_in: 3600, token_type: 'Bearer', scope: 'all', ...fields }) });
function source(
  options: {
    authMethod?: 'basic' | 'body';
    tokenEndpoint?: string;
    tokenTimeoutMs?: number;
    logger?: { warn(message: string): void; debug?(message: string): void };
    fetch?: typeof globalThis.fetch;
    now?: () => number;
    shared?: SharedTokenCache;
    scope?: string;
  } = {},
) {
  const warnings: string[] = [];
  const debug: string[] = [];
  const logger = options.logger ?? { warn: (message: string) => void warnings.push(message), debug: (message: string) => void debug.push(message) };
  const tokens = new ClientCredentialsTokenSource(
    { tokenEndpoint: options.tokenEndpoint ?? endpoint, clientId: 'app-id', clientSecret: 'app-secret', resource: 'https://default.logto.app/api', scope: options.scope ?? 'all', tokenTimeoutMs: options.tokenTimeoutMs ?? 2000, leewaySeconds: 30, authMethod: options.authMethod ?? 'basic' } as never,
    { fetch: options.fetch ?? fetch, logger, ...(options.now && { now: options.now }), ...(options.shared && { shared: options.shared }) },
  );
  return { tokens, warnings, debug };
}
const failure = async (promise: string | Promise<string>) => (await Promise.resolve(promise).catch((error: unknown) => error)) as LogtoAuthError;

describe('ClientCredentialsTokenSource', () => {
  it('posts the form with Basic auth or the credentials in the body, and caches the token', async () => {
    answer = token({});
    const { tokens, debug } = source();
    expect(await tokens.getToken()).toBe('tok-123');
    expect(tokens.getToken()).toBe('tok-123');
    expect(tokens.currentToken).toBe('tok-123');
    expect(received).toHaveLength(1);
    expect(received[0]!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${Buffer.from('app-id:app-secret').toString('base64')}` });
    expect(Object.fromEntries(new URLSearchParams(received[0]!.body))).toEqual({ grant_type: 'client_credentials', resource: 'https://default.logto.app/api', scope: 'all' });
    expect(debug).toEqual(['Fetched an M2M access token for app-id (expires in 3600 s)']);

    const viaBody = source({ authMethod: 'body' });
    await viaBody.tokens.getToken();
    expect(received[1]!.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(received[1]!.body))).toMatchObject({ client_id: 'app-id', client_secret: 'app-secret' });
  });

  it.each([
    [{ status: 200, body: 'not json' }, 'answered 200 with a body that is not a JSON object'],
    [{ status: 200, body: '[1]' }, 'answered 200 with a body that is not a JSON object'],
    [{ status: 200, body: 'null' }, 'answered 200 with a body that is not a JSON object'],
    // JSON that is no object at all: a number, a string (not read as a token response)
    [{ status: 200, body: '5' }, 'answered 200 with a body that is not a JSON object'],
    [{ status: 200, body: '"tok"' }, 'answered 200 with a body that is not a JSON object'],
    [token({ access_token: '' }), 'answered 200 without an access_token'],
    [token({ access_token: 42 }), 'answered 200 without an access_token'],
    [token({ expires_in: '3600' }), 'answered 200 without a numeric expires_in'],
    [token({ expires_in: 0 }), 'answered 200 without a numeric expires_in'],
    [token({ expires_in: -5 }), 'answered 200 without a numeric expires_in'],
    [token({ expires_in: null }), 'answered 200 without a numeric expires_in'],
    // JSON.parse reads 1e400 as Infinity (JSON.stringify would have written null).
    [{ status: 200, body: '{"access_token":"tok-123","expires_in":1e400,"token_type":"Bearer","scope":"all"}' }, 'answered 200 without a numeric expires_in'],
    [token({ token_type: 'mac' }), 'answered token_type "mac", expected Bearer'],
    [token({ token_type: 7 }), 'answered token_type 7, expected Bearer'],
  ])('refuses %j', async (response, problem) => {
    answer = response;
    const error = await failure(source().tokens.getToken());
    expect(error).toBeInstanceOf(LogtoAuthError);
    expect(error.message).toBe(`Token endpoint ${endpoint} ${problem}`);
    expect(error.status).toBe(200);
    expect(error.message).not.toContain('tok-123');
  });

  it('takes token_type in any case, or none, and a response without scope with one warning', async () => {
    for (const tokenType of ['bearer', 'BEARER', undefined]) {
      answer = token({ token_type: tokenType });
      expect(await source().tokens.getToken()).toBe('tok-123');
    }
    answer = token({ scope: undefined });
    const { tokens, warnings } = source();
    await tokens.getToken();
    expect(warnings).toEqual([
      'The M2M token for app-id was granted no scope instead of "all": calls will likely fail with 403 auth.forbidden. Assign the app a machine-to-machine role with the Management API\'s "all" permission.',
    ]);
    tokens.invalidate('tok-123');
    await tokens.getToken();
    expect(warnings).toHaveLength(1);
    answer = token({ scope: 'read write' });
    const narrow = source();
    await narrow.tokens.getToken();
    expect(narrow.warnings[0]).toContain('was granted scope "read write" instead of "all"');
  });

  it('does not abort a token request that already finished when its timeout would have passed', async () => {
    // An abort after the fact reaches whatever wraps fetch (instrumentation, a proxy agent) as a
    // spurious cancellation, and a pending timer would keep a short-lived process alive.
    answer = token({});
    let signal: AbortSignal | undefined;
    const { tokens } = source({ tokenTimeoutMs: 50, fetch: (input, init) => ((signal = init?.signal ?? undefined), fetch(input, init)) });
    expect(await tokens.getToken()).toBe('tok-123');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(signal?.aborted).toBe(false);
  });

  it('reads a scope that is not a string as none, and names every permission missing', async () => {
    answer = token({ scope: 5 });
    const { tokens, warnings } = source({ scope: 'read write' });
    await tokens.getToken();
    expect(warnings).toEqual([
      'The M2M token for app-id was granted no scope instead of "read write": calls will likely fail with 403 auth.forbidden. Assign the app a machine-to-machine role with the Management API\'s "read write" permission.',
    ]);
  });

  it('says what a rejection was, with the OAuth error and a hint for the two common ones', async () => {
    const cases: [number, Record<string, unknown>, string][] = [
      [401, { error: 'invalid_client', error_description: 'client authentication failed' }, ` was rejected with 401 invalid_client (client authentication failed): check clientId "app-id" and its clientSecret`],
      [400, { error: 'invalid_target' }, ` was rejected with 400 invalid_target: the resource "https://default.logto.app/api" is not an API resource of this Logto (Cloud: https://{tenantId}.logto.app/api, self-hosted: https://default.logto.app/api)`],
      [400, { error: 'invalid_scope', error_description: 5 }, ' was rejected with 400 invalid_scope'],
      [500, {}, ' was rejected with 500'],
      [302, { error: 3 }, ' was rejected with 302'],
      // 300 is not a 2xx (and not a redirect fetch follows): refused even with a usable token in it.
      [300, { access_token: 'tok-123', expires_in: 3600, token_type: 'Bearer', scope: 'all' }, ' was rejected with 300'],
    ];
    for (const [status, body, message] of cases) {
      answer = { status, body: JSON.stringify(body) };
      const error = await failure(source().tokens.getToken());
      expect(error.message).toBe(`Token request to ${endpoint}${message}`);
      expect(error.status).toBe(status);
      expect(error.error).toBe(typeof body.error === 'string' ? body.error : undefined);
    }
  });

  it('wraps a network failure, keeping the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(source({ tokenEndpoint: `http://127.0.0.1:${port}/oidc/token` }).tokens.getToken());
    expect(error.message).toBe(`Token request to http://127.0.0.1:${port}/oidc/token failed: fetch failed`);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('wraps a fetch that rejects with null or undefined (not an Error) without failing on it', async () => {
    for (const thrown of [null, undefined]) {
      const error = await failure(
        source({
          fetch: async (url, init) => {
            await (await fetch(url, init)).text();
            throw thrown;
          },
        }).tokens.getToken(),
      );
      expect(error).toBeInstanceOf(LogtoAuthError);
      expect(error.message).toBe(`Token request to ${endpoint} failed: ${String(thrown)}`);
    }
    expect(received).toHaveLength(2);
  });

  it('refuses a network-error response (status 0) from a fetch that resolves with one', async () => {
    answer = token({});
    const error = await failure(
      source({
        fetch: async (url, init) => {
          await (await fetch(url, init)).text();
          return Response.error();
        },
      }).tokens.getToken(),
    );
    expect(error).toBeInstanceOf(LogtoAuthError);
    expect(error.message).toBe(`Token request to ${endpoint} was rejected with 0`);
    expect(error.status).toBe(0);
  });

  it('arms a timer of exactly tokenTimeoutMs up to the timer maximum, and none past it', async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const ours = (delay: number) => timers.mock.calls.filter((call) => call[1] === delay);

    // Exactly the maximum: armed, and when it fires the request is cut with the timeout error.
    answer = { ...token({}), delayMs: 200 };
    const atMax = source({ tokenTimeoutMs: MAX_TIMER_MS }).tokens.getToken();
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(ours(MAX_TIMER_MS)).toHaveLength(1);
    (ours(MAX_TIMER_MS)[0]![0] as () => void)();
    const error = await failure(atMax);
    expect(error).toBeInstanceOf(LogtoAuthError);
    expect(error.message).toBe(`Token request to ${endpoint} timed out after ${MAX_TIMER_MS} ms`);

    // Past it: no timer (setTimeout would fire at once, with a TimeoutOverflowWarning), so a slow answer still arrives.
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      answer = { ...token({}), delayMs: 100 };
      expect(await source({ tokenTimeoutMs: MAX_TIMER_MS + 1 }).tokens.getToken()).toBe('tok-123');
      expect(ours(MAX_TIMER_MS + 1)).toHaveLength(0);
      expect(received).toHaveLength(2);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'TimeoutOverflowWarning')).toEqual([]);
  });

  it('fetches when nothing is cached even on a clock below zero, and after invalidate', async () => {
    let clock = -10_000;
    answer = token({});
    const { tokens } = source({ now: () => clock });
    const first = tokens.getToken();
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toBe('tok-123');
    expect(received).toHaveLength(1);
    // Cached until -10 000 + 3 600 000 - 30 000 (leeway).
    clock = 3_559_999;
    expect(tokens.getToken()).toBe('tok-123');
    tokens.invalidate('tok-123');
    clock = -5_000;
    const again = tokens.getToken();
    expect(again).toBeInstanceOf(Promise);
    expect(await again).toBe('tok-123');
    expect(received).toHaveLength(2);
  });

  it('shows neither the secret nor the token in inspect or JSON', async () => {
    answer = token({});
    const { tokens } = source({ logger: { warn() {} } });
    await tokens.getToken();
    expect(inspect(tokens)).toBe('ClientCredentialsTokenSource { clientId: "app-id", resource: "https://default.logto.app/api" }');
    expect(JSON.parse(JSON.stringify(tokens))).toEqual({ clientId: 'app-id', resource: 'https://default.logto.app/api' });
  });
});

describe('ClientCredentialsTokenSource with a shared store', () => {
  const secret = 'app-secret';
  /** A memory store that records what is stored, with its TTL. */
  function recordingStore() {
    const store = new MemoryTokenStore();
    const sets: { key: string; ttlMs: number }[] = [];
    const set = store.set.bind(store);
    store.set = (key, value, ttlMs) => (sets.push({ key, ttlMs }), set(key, value, ttlMs));
    return { store, sets };
  }
  const seed = (store: MemoryTokenStore, accessToken: string, expiresInMs: number) =>
    new SharedTokenCache({ store, key: 'k', secret }).get(async () => ({ accessToken, scope: 'all', expiresInMs, lifetimeMs: 3_600_000 }), 0);

  it('takes a fresh token from the store without a request', async () => {
    const { store } = recordingStore();
    await seed(store, 'from-another-process', 3_600_000);
    answer = token({});
    const { tokens } = source({ shared: new SharedTokenCache({ store, key: 'k', secret }) });
    expect(await tokens.getToken()).toBe('from-another-process');
    expect(received).toHaveLength(0);
  });

  it('fetches when the stored token is inside the leeway (30 s), and stores the new one', async () => {
    const { store, sets } = recordingStore();
    await seed(store, 'about-to-expire', 20_000);
    answer = token({});
    const { tokens } = source({ now: () => 5_000, shared: new SharedTokenCache({ store, key: 'k', secret }) });
    expect(await tokens.getToken()).toBe('tok-123');
    expect(received).toHaveLength(1);
    expect(sets.map((entry) => entry.ttlMs)).toEqual([20_000, 3_600_000]);
  });

  it('stores what is left of the lifetime counted from the request, and caches it until that minus the leeway', async () => {
    const { store, sets } = recordingStore();
    let clock = 1_000_000;
    onRequest = () => void (clock += 2_000); // the token request takes 2 s
    answer = token({});
    const { tokens, warnings } = source({ now: () => clock, shared: new SharedTokenCache({ store, key: 'k', secret }) });
    expect(await tokens.getToken()).toBe('tok-123');
    expect(received).toHaveLength(1);
    expect(warnings).toEqual([]);
    expect(sets).toEqual([{ key: 'token:k', ttlMs: 3_600_000 - 2_000 }]);
    // Refresh at 1 002 000 + 3 598 000 - 30 000, as without a store: the token's 3600 s count from
    // the request, less the leeway (less than half the lifetime); the request's 2 s come off once.
    clock = 4_569_999;
    expect(tokens.getToken()).toBe('tok-123');
    clock = 4_570_000;
    const refreshed = tokens.getToken();
    expect(refreshed).toBeInstanceOf(Promise);
    // The store still holds it with plenty left (its TTL runs on the real clock): no new request.
    expect(await refreshed).toBe('tok-123');
    expect(received).toHaveLength(1);
  });
});

describe('ProvidedTokenSource', () => {
  it('returns what the provider gives, synchronously or not, and refuses an empty or non-string token', async () => {
    expect(new ProvidedTokenSource(() => 'a').getToken()).toBe('a');
    expect(await new ProvidedTokenSource(async () => 'b').getToken()).toBe('b');
    for (const bad of ['', 5, undefined]) {
      const error = await failure(Promise.resolve().then(() => new ProvidedTokenSource(() => bad as never).getToken()));
      expect(error.message).toBe('getAccessToken() did not return a token (expected a non-empty string)');
      const asyncError = await failure(new ProvidedTokenSource(async () => bad as never).getToken());
      expect(asyncError.message).toBe('getAccessToken() did not return a token (expected a non-empty string)');
    }
  });

  it('passes the signal, and the rejected token once after a 401', async () => {
    const calls: unknown[] = [];
    const tokens = new ProvidedTokenSource((context) => (calls.push(context), 'tok'));
    const signal = new AbortController().signal;
    tokens.getToken(signal);
    tokens.invalidate('old');
    tokens.getToken(signal);
    tokens.getToken(signal);
    // Strict: without a rejected token the context has no rejectedToken key at all.
    expect(calls).toStrictEqual([{ signal }, { signal, rejectedToken: 'old' }, { signal }]);
    expect(inspect(tokens)).toBe('ProvidedTokenSource {}');
  });
});
