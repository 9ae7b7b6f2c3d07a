import { afterEach, describe, expect, it } from 'vitest';
import { createLogtoClient, LogtoAuthError, LogtoClient, type LogtoLogger } from '../../runtime/index.js';
import { startFakeLogto, type FakeLogto, type TokenFailureMode } from '../../testing/src/index.js';
import { getUser, listUsers } from './operations.js';

let fake: FakeLogto;
afterEach(async () => {
  await fake?.close();
});

const quietLogger = (): LogtoLogger & { warnings: string[]; debugs: string[] } => {
  const warnings: string[] = [];
  const debugs: string[] = [];
  return { warnings, debugs, warn: (m) => warnings.push(m), debug: (m) => debugs.push(m) };
};

function clientFor(fake: FakeLogto, extra: Partial<Parameters<typeof createLogtoClient>[0]> = {}): LogtoClient {
  return createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, logger: quietLogger(), rateLimit: false, maxRetries: 0, ...extra } as never);
}

describe('ClientCredentialsTokenSource over HTTP', () => {
  it('shares one token request among 1000 cold callers', async () => {
    fake = await startFakeLogto({ latency: 0 });
    fake.data.seedUsers(5);
    const client = clientFor(fake);
    const results = await Promise.all(Array.from({ length: 1000 }, () => listUsers(client)));
    expect(results).toHaveLength(1000);
    expect(results.every((users) => users.length === 5)).toBe(true);
    expect(fake.counters.tokenRequests).toBe(1);
    expect(fake.requestsTo('/api/users')).toHaveLength(1000);
    // Every API request carried the one token issued.
    const [issued] = fake.issuedTokens();
    expect(new Set(fake.requestsTo('/api/users').map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${issued.token}`]));
  });

  it('shares one failed token request among 1000 cold callers, and the next call tries again', async () => {
    fake = await startFakeLogto();
    fake.failTokenRequests('server-error');
    const client = clientFor(fake);
    const settled = await Promise.allSettled(Array.from({ length: 1000 }, () => listUsers(client)));
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof LogtoAuthError && s.reason.status === 500)).toBe(true);
    expect(fake.counters.tokenRequests).toBe(1);
    expect(fake.counters.apiRequests).toBe(0);
    await expect(listUsers(client)).resolves.toEqual([]);
    expect(fake.counters.tokenRequests).toBe(2);
  });

  it('reuses the cached token until expires_in minus the leeway', async () => {
    fake = await startFakeLogto({ tokenExpiresIn: 3600 });
    const client = clientFor(fake);
    for (let i = 0; i < 20; i++) await listUsers(client);
    expect(fake.counters.tokenRequests).toBe(1);
  });

  it('does not fetch a token per call when the token lives less than the leeway (refreshes at half its lifetime)', async () => {
    fake = await startFakeLogto({ tokenExpiresIn: 2 });
    const client = clientFor(fake); // leeway 60 s > 2 s lifetime
    const started = Date.now();
    let calls = 0;
    while (Date.now() - started < 1800) {
      await listUsers(client);
      calls++;
    }
    expect(calls).toBeGreaterThan(50);
    // 1.8 s with refresh every ~1 s: 2 token requests (3 on a slow machine), never one per call.
    expect(fake.counters.tokenRequests).toBeGreaterThanOrEqual(2);
    expect(fake.counters.tokenRequests).toBeLessThanOrEqual(3);
  });

  it('keeps a stream of calls succeeding across token expiry', async () => {
    fake = await startFakeLogto({ tokenExpiresIn: 1 });
    const client = clientFor(fake, { tokenLeewaySeconds: 0.5 }); // refresh 0.5 s before expiry
    const started = Date.now();
    const failures: unknown[] = [];
    let calls = 0;
    // 4 concurrent streams for 2.5 s: tokens expire twice mid-stream.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() - started < 2500) {
          await listUsers(client).catch((error) => failures.push(error));
          calls++;
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(40);
    expect(fake.counters.tokenRequests).toBeGreaterThanOrEqual(4);
    // The server never saw an expired token (no 401 → no replay needed).
    expect(fake.counters.apiRequests).toBe(calls);
  });

  it('sends client credentials by HTTP Basic by default and in the body when asked', async () => {
    fake = await startFakeLogto();
    await listUsers(clientFor(fake));
    await listUsers(clientFor(fake, { tokenAuthMethod: 'body' }));
    const [basic, body] = fake.requestsTo('/oidc/token');
    expect(basic.headers.authorization).toMatch(/^Basic /);
    expect(new URLSearchParams(basic.body).get('client_secret')).toBeNull();
    expect(Object.fromEntries(new URLSearchParams(basic.body))).toEqual({ grant_type: 'client_credentials', resource: fake.resource, scope: 'all' });
    expect(body.headers.authorization).toBeUndefined();
    expect(new URLSearchParams(body.body).get('client_secret')).toBe(fake.clientSecret);
  });

  it('form-encodes ids and secrets with reserved characters in the Basic header (RFC 6749 §2.3.1)', async () => {
    fake = await startFakeLogto({ clients: [{ id: 'app:one', secret: 'p@ss:w/rd +ü' }] });
    await expect(listUsers(createLogtoClient({ endpoint: fake.url, clientId: 'app:one', clientSecret: 'p@ss:w/rd +ü', logger: quietLogger() }))).resolves.toEqual([]);
  });

  it('fails with LogtoAuthError 401 invalid_client for a bad secret', async () => {
    fake = await startFakeLogto();
    const error = await listUsers(clientFor(fake, { clientSecret: 'wrong-secret' })).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoAuthError);
    expect(error).toMatchObject({ status: 401, error: 'invalid_client', errorDescription: 'client authentication failed' });
    expect(error.message).toContain('check clientId');
  });

  it('fails with LogtoAuthError 400 invalid_client for an unknown client id', async () => {
    fake = await startFakeLogto();
    const error = await listUsers(clientFor(fake, { clientId: 'nobody' })).catch((e: any) => e);
    expect(error).toMatchObject({ name: 'LogtoAuthError', status: 400, error: 'invalid_client' });
  });

  it('fails with LogtoAuthError 400 invalid_target for a resource Logto does not know', async () => {
    fake = await startFakeLogto();
    const error = await listUsers(clientFor(fake, { resource: 'https://tenant.logto.app/api' })).catch((e: any) => e);
    expect(error).toMatchObject({ name: 'LogtoAuthError', status: 400, error: 'invalid_target' });
    expect(error.message).toContain('https://tenant.logto.app/api');
  });

  it.each<[TokenFailureMode, RegExp]>([
    ['malformed-json', /not a JSON object/],
    ['missing-access-token', /without an access_token/],
    ['non-numeric-expires-in', /without a numeric expires_in/],
    ['html', /rejected with 502/],
    ['server-error', /rejected with 500/],
  ])('turns a %s token response into a clear LogtoAuthError', async (mode, message) => {
    fake = await startFakeLogto();
    fake.failTokenRequests(mode);
    const client = clientFor(fake);
    const error = await listUsers(client).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoAuthError);
    expect(error.message).toMatch(message);
    // Nothing was cached: the next call gets a good token.
    await expect(listUsers(client)).resolves.toEqual([]);
  });

  it('times out a stalled token request with its own timeout', async () => {
    fake = await startFakeLogto();
    fake.failTokenRequests('stall');
    const error = await listUsers(clientFor(fake, { tokenTimeoutMs: 150 })).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoAuthError);
    expect(error.message).toMatch(/timed out after 150 ms/);
  });

  it('times out a token response whose body stalls', async () => {
    fake = await startFakeLogto();
    fake.failTokenRequests('stall-body');
    const error = await listUsers(clientFor(fake, { tokenTimeoutMs: 150 })).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoAuthError);
    expect(error.message).toMatch(/timed out/);
  });

  it('warns once per client when the token comes back without the requested scope, and calls then get 403', async () => {
    fake = await startFakeLogto({ clients: [{ id: 'no-role-app', secret: 'no-role-secret', scopes: [], expiresIn: 1 }] });
    const logger = quietLogger();
    const client = createLogtoClient({ endpoint: fake.url, clientId: 'no-role-app', clientSecret: 'no-role-secret', logger, tokenLeewaySeconds: 0.9 });
    for (let i = 0; i < 3; i++) {
      await expect(listUsers(client)).rejects.toMatchObject({ status: 403, code: 'auth.forbidden', kind: 'forbidden' });
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(fake.counters.tokenRequests).toBeGreaterThanOrEqual(2);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/no scope instead of "all".*403/);
    // A second client warns again (once per client).
    const other = quietLogger();
    await listUsers(createLogtoClient({ endpoint: fake.url, clientId: 'no-role-app', clientSecret: 'no-role-secret', logger: other })).catch(() => {});
    expect(other.warnings).toHaveLength(1);
  });

  it('does not warn when the scope is granted', async () => {
    fake = await startFakeLogto();
    const logger = quietLogger();
    await listUsers(createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, logger }));
    expect(logger.warnings).toEqual([]);
  });

  it('replays a call once with a fresh token after a 401, and only the rejected token is dropped', async () => {
    fake = await startFakeLogto();
    const [user] = fake.data.seedUsers([{ username: 'alice' }]) as Array<{ id: string }>;
    const client = clientFor(fake);
    await getUser(client, { path: { userId: user.id } });
    const [first] = fake.issuedTokens();
    fake.revokeToken(first.token);
    // 10 concurrent calls all get 401 with the old token; they share one refresh.
    const users = await Promise.all(Array.from({ length: 10 }, () => getUser(client, { path: { userId: user.id } })));
    expect(users.every((u) => u.username === 'alice')).toBe(true);
    expect(fake.counters.tokenRequests).toBe(2);
  });

  it('caches tokens per client, not globally', async () => {
    fake = await startFakeLogto();
    await listUsers(clientFor(fake));
    await listUsers(clientFor(fake));
    expect(fake.counters.tokenRequests).toBe(2);
  });
});

describe('token lifetime with a mocked clock', () => {
  it('refreshes at expires_in − leeway, counted from when the token was requested', async () => {
    fake = await startFakeLogto({ tokenExpiresIn: 600 });
    let now = Date.now();
    const { ClientCredentialsTokenSource } = await import('../../runtime/auth/token-source.js');
    const source = new ClientCredentialsTokenSource(
      { clientId: fake.clientId, clientSecret: fake.clientSecret, resource: fake.resource, scope: 'all', tokenEndpoint: `${fake.url}/oidc/token`, tokenTimeoutMs: 5000, leewaySeconds: 60, authMethod: 'basic' },
      { fetch, logger: quietLogger(), now: () => now },
    );
    const first = await source.getToken();
    now += 539_000;
    expect(source.getToken()).toBe(first); // cached: a string, not a promise
    now += 1_000; // 540 s = 600 − 60
    const second = await source.getToken();
    expect(second).not.toBe(first);
    source.invalidate(first); // stale: must not drop the fresh one
    expect(source.getToken()).toBe(second);
    source.invalidate(second);
    const third = source.getToken();
    expect(third).toBeInstanceOf(Promise);
    await third;
    expect(fake.counters.tokenRequests).toBe(3);
  });
});
