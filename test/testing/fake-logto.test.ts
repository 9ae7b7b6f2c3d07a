/** The fake must answer like a real Logto 1.42 (test/specs/README.md). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';

let fake: FakeLogto;
beforeEach(async () => {
  fake = await startFakeLogto();
});
afterEach(async () => {
  await fake.close();
});

function tokenForm(fields: Record<string, string>) {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
}
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function token(): Promise<string> {
  return fake.issueToken();
}

describe('token endpoint', () => {
  it('issues a token with body client auth and with HTTP Basic', async () => {
    const viaBody = await fetch(`${fake.url}/oidc/token`, tokenForm({ grant_type: 'client_credentials', client_id: fake.clientId, client_secret: fake.clientSecret, resource: fake.resource, scope: 'all' }));
    expect(viaBody.status).toBe(200);
    const body = await viaBody.json();
    expect(body).toMatchObject({ expires_in: 3600, token_type: 'Bearer', scope: 'all' });
    expect(body.access_token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);

    const init = tokenForm({ grant_type: 'client_credentials', resource: fake.resource, scope: 'all' });
    const viaBasic = await fetch(`${fake.url}/oidc/token`, { ...init, headers: { ...init.headers, authorization: basic(fake.clientId, fake.clientSecret) } });
    expect(viaBasic.status).toBe(200);
    expect(viaBasic.headers.get('cache-control')).toBe('no-store');
    expect(fake.counters.tokenRequests).toBe(2);
    expect(fake.counters.tokensIssued).toBe(2);
  });

  it('answers without scope when the scope is missing or unknown, and such tokens get 403', async () => {
    for (const scope of [undefined, 'read:everything']) {
      const fields: Record<string, string> = { grant_type: 'client_credentials', client_id: fake.clientId, client_secret: fake.clientSecret, resource: fake.resource };
      if (scope) fields.scope = scope;
      const response = await fetch(`${fake.url}/oidc/token`, tokenForm(fields));
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body).not.toHaveProperty('scope');
      const api = await fetch(`${fake.url}/api/users`, { headers: { authorization: `Bearer ${body.access_token}` } });
      expect(api.status).toBe(403);
      expect(await api.json()).toMatchObject({ code: 'auth.forbidden' });
    }
  });

  it('answers 401 invalid_client with WWW-Authenticate for a bad secret over Basic, 401 without it over the body', async () => {
    const init = tokenForm({ grant_type: 'client_credentials', resource: fake.resource, scope: 'all' });
    const viaBasic = await fetch(`${fake.url}/oidc/token`, { ...init, headers: { ...init.headers, authorization: basic(fake.clientId, 'wrong') } });
    expect(viaBasic.status).toBe(401);
    expect(viaBasic.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(await viaBasic.json()).toMatchObject({ error: 'invalid_client', error_description: 'client authentication failed', code: 'oidc.invalid_client' });
    const viaBody = await fetch(`${fake.url}/oidc/token`, tokenForm({ grant_type: 'client_credentials', client_id: fake.clientId, client_secret: 'wrong', resource: fake.resource }));
    expect(viaBody.status).toBe(401);
    expect(viaBody.headers.get('www-authenticate')).toBeNull();
  });

  it('answers 400 for an unknown client, an unknown or missing resource and a missing grant_type', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x', resource: fake.resource }, 'invalid_client'],
      [{ grant_type: 'client_credentials', client_id: fake.clientId, client_secret: fake.clientSecret, resource: 'https://other/api' }, 'invalid_target'],
      [{ grant_type: 'client_credentials', client_id: fake.clientId, client_secret: fake.clientSecret }, 'invalid_target'],
      [{ client_id: fake.clientId, client_secret: fake.clientSecret, resource: fake.resource }, 'invalid_request'],
    ];
    for (const [fields, error] of cases) {
      const response = await fetch(`${fake.url}/oidc/token`, tokenForm(fields));
      expect(response.status).toBe(400);
      expect((await response.json()).error).toBe(error);
    }
  });

  it('uses the configured expires_in and expires tokens', async () => {
    fake.setTokenExpiresIn(1);
    const response = await fetch(`${fake.url}/oidc/token`, tokenForm({ grant_type: 'client_credentials', client_id: fake.clientId, client_secret: fake.clientSecret, resource: fake.resource, scope: 'all' }));
    const { access_token, expires_in } = await response.json();
    expect(expires_in).toBe(1);
    expect((await fetch(`${fake.url}/api/users`, { headers: { authorization: `Bearer ${access_token}` } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    const expired = await fetch(`${fake.url}/api/users`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ code: 'auth.unauthorized', data: { name: 'JWTExpired' } });
  });

  it('fails token requests in each configured way', async () => {
    const form = tokenForm({ grant_type: 'client_credentials', client_id: fake.clientId, client_secret: fake.clientSecret, resource: fake.resource, scope: 'all' });
    fake.failTokenRequests('malformed-json');
    fake.failTokenRequests('missing-access-token');
    fake.failTokenRequests('non-numeric-expires-in');
    fake.failTokenRequests('server-error');
    await expect((await fetch(`${fake.url}/oidc/token`, form)).json()).rejects.toThrow();
    expect(await (await fetch(`${fake.url}/oidc/token`, form)).json()).not.toHaveProperty('access_token');
    expect((await (await fetch(`${fake.url}/oidc/token`, form)).json()).expires_in).toBe('soon');
    expect((await fetch(`${fake.url}/oidc/token`, form)).status).toBe(500);
    expect((await fetch(`${fake.url}/oidc/token`, form)).status).toBe(200);
  });
});

describe('bearer auth on /api', () => {
  it('distinguishes a missing header, an unknown token and a revoked token', async () => {
    const missing = await fetch(`${fake.url}/api/users`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ code: 'auth.authorization_header_missing', message: 'Authorization header is missing.' });
    const unknown = await fetch(`${fake.url}/api/users`, { headers: { authorization: 'Bearer nope' } });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ code: 'auth.unauthorized', message: 'Unauthorized. Please check credentials and its scope.' });
    const valid = await token();
    fake.revokeToken(valid);
    expect((await fetch(`${fake.url}/api/users`, { headers: { authorization: `Bearer ${valid}` } })).status).toBe(401);
  });

  it('needs no token for /api/status and a user token (not the M2M one) for /api/my-account', async () => {
    expect((await fetch(`${fake.url}/api/status`)).status).toBe(204);
    const [user] = fake.data.seedUsers([{ username: 'alice' }]) as Array<{ id: string }>;
    const m2m = await fetch(`${fake.url}/api/my-account`, { headers: { authorization: `Bearer ${await token()}` } });
    expect(m2m.status).toBe(401);
    const mine = await fetch(`${fake.url}/api/my-account`, { headers: { authorization: `Bearer ${fake.issueUserToken(user.id)}` } });
    expect(await mine.json()).toMatchObject({ username: 'alice' });
  });
});

describe('management API', () => {
  const api = async (method: string, path: string, body?: unknown) =>
    fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('creates (200), reads, updates and deletes (204) users with Logto error bodies', async () => {
    const created = await api('POST', '/api/users', { username: 'alice', primaryEmail: 'alice@example.com' });
    expect(created.status).toBe(200);
    const user = await created.json();
    expect(user).toMatchObject({ username: 'alice', primaryEmail: 'alice@example.com', isSuspended: false });
    expect(user.id).toHaveLength(12);
    const duplicate = await api('POST', '/api/users', { username: 'alice' });
    expect(duplicate.status).toBe(422);
    expect(await duplicate.json()).toEqual({ code: 'user.username_already_in_use', message: 'This username is already in use.' });
    const invalid = await api('POST', '/api/users', { primaryEmail: 'not-an-email' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({
      code: 'guard.invalid_input',
      message: 'The request body is invalid.',
      details: 'Error in key path "primaryEmail": (invalid_string) Invalid',
      data: { name: 'ZodError', issues: [{ validation: 'regex', code: 'invalid_string', message: 'Invalid', path: ['primaryEmail'] }] },
    });
    expect((await (await api('PATCH', `/api/users/${user.id}`, { name: 'Alice' })).json()).name).toBe('Alice');
    expect((await api('DELETE', `/api/users/${user.id}`)).status).toBe(204);
    const gone = await api('GET', `/api/users/${user.id}`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await gone.json()).toEqual({ code: 'entity.not_found', message: 'The resource does not exist.' });
  });

  it('answers plain-text Not Found for an unknown route', async () => {
    const response = await api('GET', '/api/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('Not Found');
  });

  it('assigns application roles with 201 and creates organizations with 201', async () => {
    const role = await (await api('POST', '/api/roles', { name: 'admin', description: 'Admins', type: 'MachineToMachine' })).json();
    const assigned = await api('POST', `/api/applications/${fake.clientId}/roles`, { roleIds: [role.id] });
    expect(assigned.status).toBe(201);
    expect(await assigned.json()).toEqual({ roleIds: [role.id], addedRoleIds: [role.id] });
    expect((await api('POST', '/api/organizations', { name: 'Acme' })).status).toBe(201);
  });

  it('paginates like Logto: Total-Number, separate Link lines without /api, empty page past the end', async () => {
    fake.data.seedUsers(45);
    const response = await api('GET', '/api/users?page=2&page_size=20');
    expect(response.headers.get('total-number')).toBe('45');
    expect(response.headers.get('link')).toBe(
      [
        `<${fake.url}/users?page=1&page_size=20>; rel="first"`,
        `<${fake.url}/users?page=1&page_size=20>; rel="prev"`,
        `<${fake.url}/users?page=3&page_size=20>; rel="last"`,
        `<${fake.url}/users?page=3&page_size=20>; rel="next"`,
      ].join(', '),
    );
    const page2 = await response.json();
    expect(page2).toHaveLength(20);
    expect(page2[0].username).toBe('user_20');
    const last = await api('GET', '/api/users?page=3&page_size=20');
    expect(last.headers.get('link')).not.toContain('rel="next"');
    expect(await last.json()).toHaveLength(5);
    const past = await api('GET', '/api/users?page=9&page_size=20');
    expect(past.headers.get('total-number')).toBe('45');
    expect(await past.json()).toEqual([]);
    const byDefault = await api('GET', '/api/users');
    expect(await byDefault.json()).toHaveLength(20);
    expect(byDefault.headers.get('link')).toContain('page_size=20');
  });

  it('sends each Link rel on its own header line', async () => {
    fake.data.seedUsers(45);
    const { request } = await import('node:http');
    const raw = await new Promise<string[]>((resolve, reject) => {
      token().then((t) =>
        request(`${fake.url}/api/users?page=2`, { headers: { authorization: `Bearer ${t}` } }, (res) => {
          resolve(res.rawHeaders.filter((_, i) => i % 2 === 0 && res.rawHeaders[i].toLowerCase() === 'link'));
          res.resume();
        }).on('error', reject).end(),
      );
    });
    expect(raw).toHaveLength(4);
  });

  it('rejects page_size over 100 and page 0 with guard.invalid_pagination', async () => {
    for (const query of ['page_size=101', 'page=0', 'page=abc']) {
      const response = await api('GET', `/api/users?${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ code: 'guard.invalid_pagination', message: 'The request pagination value is invalid.' });
    }
  });

  it('returns every role without pagination headers when neither page nor page_size is sent', async () => {
    fake.data.seedRoles(Array.from({ length: 30 }, (_, i) => ({ name: `role${i}` })));
    const all = await api('GET', '/api/roles');
    expect(await all.json()).toHaveLength(30);
    expect(all.headers.get('total-number')).toBeNull();
    const paged = await api('GET', '/api/roles?page_size=10');
    expect(await paged.json()).toHaveLength(10);
    expect(paged.headers.get('total-number')).toBe('30');
  });

  it('caps the log count: Total-Number-Is-Capped without last/next links', async () => {
    fake.data.seedLogs(20_000);
    const response = await api('GET', '/api/logs?enableCap=true&page=2&page_size=100');
    expect(response.headers.get('total-number')).toBe('10001');
    expect(response.headers.get('total-number-is-capped')).toBe('true');
    const link = response.headers.get('link')!;
    expect(link).toContain('rel="first"');
    expect(link).toContain('rel="prev"');
    expect(link).not.toContain('rel="next"');
    expect(link).not.toContain('rel="last"');
    expect(await response.json()).toHaveLength(100);
  });

  it('serves 200 000 lazily generated users page by page', async () => {
    fake.data.seedUsers(200_000);
    const response = await api('GET', '/api/users?page=2000&page_size=100');
    const users = await response.json();
    expect(response.headers.get('total-number')).toBe('200000');
    expect(users.at(-1).username).toBe('user_199999');
    expect((await api('GET', `/api/users/${users[0].id}`)).status).toBe(200);
  });
});

describe('faults and the request log', () => {
  it('logs method, path, query, headers, body and timestamp of every request', async () => {
    const before = Date.now();
    await fetch(`${fake.url}/api/users?page=1`, { method: 'GET', headers: { 'x-test': '1' } });
    const [record] = fake.requests;
    expect(record).toMatchObject({ method: 'GET', path: '/api/users', body: '' });
    expect(record.query.get('page')).toBe('1');
    expect(record.headers['x-test']).toBe('1');
    expect(record.timestamp).toBeGreaterThanOrEqual(before);
  });

  it('answers queued 429s with Retry-After in seconds or as an HTTP-date, then recovers', async () => {
    const when = new Date(Date.now() + 5000);
    fake.enqueueFault({ type: 'rate-limit', retryAfter: 2 });
    fake.enqueueFault({ type: 'rate-limit', retryAfter: when });
    const first = await fetch(`${fake.url}/api/status`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    const second = await fetch(`${fake.url}/api/status`);
    expect(second.headers.get('retry-after')).toBe(when.toUTCString());
    expect((await fetch(`${fake.url}/api/status`)).status).toBe(204);
  });

  it('resets connections before and during a response', async () => {
    fake.enqueueFault({ type: 'reset' });
    await expect(fetch(`${fake.url}/api/status`)).rejects.toThrow();
    fake.enqueueFault({ type: 'reset-mid-response' });
    const response = await fetch(`${fake.url}/api/status`);
    await expect(response.text()).rejects.toThrow();
  });

  it('sends headers and then stalls the body until the client gives up', async () => {
    fake.enqueueFault({ type: 'stall-body' });
    const response = await fetch(`${fake.url}/api/status`, { signal: AbortSignal.timeout(300) });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('lets an interceptor answer 503 to every other request and adds latency', async () => {
    let n = 0;
    const remove = fake.intercept(() => (n++ % 2 === 0 ? { type: 'server-error', status: 503 } : undefined));
    fake.setLatency({ min: 20, max: 30 });
    const started = performance.now();
    expect((await fetch(`${fake.url}/api/status`)).status).toBe(503);
    expect((await fetch(`${fake.url}/api/status`)).status).toBe(204);
    expect(performance.now() - started).toBeGreaterThanOrEqual(38);
    remove();
    expect((await fetch(`${fake.url}/api/status`)).status).toBe(204);
  });
});
