/**
 * What the kit adds on top of behaving like Logto: seeding, the credentials a client takes as
 * they are, the request log with each request's operation and credential kind, faults per
 * route or for everything, and the MSW handlers over the same state.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogtoManagementClient, LogtoApiError, LogtoConnectionError, LogtoRateLimitError, LogtoTimeoutError } from '../../generated/index.js';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';
import { createFakeLogto, logtoHandlers } from '../../testing/src/msw/handlers.js';

let logto: FakeLogto;
beforeAll(async () => {
  logto = await startFakeLogto({
    seed: {
      users: [{ username: 'ada', primaryEmail: 'ada@example.com', password: 'pw-1' }],
      roles: [{ name: 'admin', description: 'Admins', type: 'MachineToMachine', scopes: ['all'] }],
      organizations: [{ name: 'Acme' }],
      resources: [{ name: 'Billing', indicator: 'https://billing.example/api', scopes: ['read:invoices'] }],
    },
  });
});
afterAll(async () => {
  await logto?.close();
});
afterEach(() => {
  logto.clearFaults();
  logto.clearRequests();
});

const client = (options: Record<string, unknown> = {}) => createLogtoManagementClient({ ...logto.credentials, maxRetries: 0, logger: { warn: () => {} }, ...options });

describe('startFakeLogto({ seed })', () => {
  it('starts with the seeded rows, and its credentials work as they are', async () => {
    const users = await client().users.list();
    expect(users.map((user) => user.username)).toEqual(['ada']);
    expect(users[0].id).toMatch(/^[a-z0-9]{12}$/);
    expect((await client().roles.list()).map((role) => role.name)).toEqual(['admin']);
    expect((await client().organizations.list()).map((organization) => organization.name)).toEqual(['Acme']);
    expect((await client().resources.list()).map((resource) => resource.indicator)).toEqual([logto.resource, 'https://billing.example/api']);
    await client().users.verifyPassword({ path: { userId: users[0].id }, body: { password: 'pw-1' } });
    expect(logto.credentials).toEqual({ endpoint: logto.url, clientId: logto.clientId, clientSecret: logto.clientSecret, resource: logto.resource });
  });
});

describe('logto.requests', () => {
  it('records method, path, query, body, operation and credential kind of every request', async () => {
    await client({ tokenAuthMethod: 'body' }).users.create({ body: { username: 'grace' } });
    await client().users.list({ query: { page: 1, page_size: 5 } });
    await fetch(`${logto.url}/api/users`);
    const seen = logto.requests.map(({ method, path, operationId, credential }) => ({ method, path, operationId, credential }));
    expect(seen).toEqual([
      { method: 'POST', path: '/oidc/token', operationId: undefined, credential: 'body' },
      { method: 'POST', path: '/api/users', operationId: 'CreateUser', credential: 'm2m' },
      { method: 'POST', path: '/oidc/token', operationId: undefined, credential: 'basic' },
      { method: 'GET', path: '/api/users', operationId: 'ListUsers', credential: 'm2m' },
      { method: 'GET', path: '/api/users', operationId: 'ListUsers', credential: 'none' },
    ]);
    expect(JSON.parse(logto.requests[1].body)).toEqual({ username: 'grace' });
    expect(logto.requests[3].query.get('page_size')).toBe('5');
  });
});

describe('faults on demand', () => {
  it('a 429 with Retry-After on one operation only', async () => {
    logto.enqueueFault({ type: 'rate-limit', retryAfter: 7 }, { match: { operationId: 'ListRoles' }, times: Infinity });
    const limited = await client().roles.list().catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(LogtoRateLimitError);
    expect((limited as LogtoRateLimitError).retryAfterMs).toBe(7000);
    // Other operations are not affected.
    expect(await client().organizations.list()).toHaveLength(1);
  });

  it('5xx for everything, a reset connection and a stalled body', async () => {
    logto.enqueueFault({ type: 'server-error', status: 503 }, { match: { path: '/' }, times: 2 });
    const token = await fetch(`${logto.url}/oidc/token`, { method: 'POST' });
    expect(token.status).toBe(503);
    expect(((await client().users.list().catch((error: unknown) => error)) as LogtoApiError).status).toBe(503);

    logto.enqueueFault({ type: 'reset' }, { match: { method: 'GET', path: '/api/users' } });
    expect(await client().users.list().catch((error: unknown) => error)).toBeInstanceOf(LogtoConnectionError);

    logto.enqueueFault({ type: 'stall-body' }, { match: { operationId: 'ListUsers' } });
    expect(await client({ timeoutMs: 300 }).users.list().catch((error: unknown) => error)).toBeInstanceOf(LogtoTimeoutError);
  });

  it('latency for every request', async () => {
    logto.setLatency(150);
    try {
      const started = performance.now();
      await client().users.list();
      // Two requests (token + list), each delayed.
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      logto.setLatency(0);
    }
  });
});

describe('logto-mgmt-testing/msw', () => {
  it('serves the same fake without a port, sharing state and the request log', async () => {
    const fake = await createFakeLogto({ endpoint: 'https://tenant.logto.test' });
    const server = setupServer(...logtoHandlers(fake));
    server.listen({ onUnhandledRequest: 'bypass' });
    try {
      const msw = createLogtoManagementClient({ ...fake.credentials, maxRetries: 0, logger: { warn: () => {} } });
      const created = await msw.users.create({ body: { username: 'linus' } });
      expect(fake.data.users.get(created.id)?.username).toBe('linus');
      const duplicate = await msw.users.create({ body: { username: 'linus' } }).catch((error: unknown) => error);
      expect((duplicate as LogtoApiError).code).toBe('user.username_already_in_use');
      const { response } = await msw.users.list({ query: { page: 1, page_size: 1 } }).withResponse();
      expect(response.headers.get('total-number')).toBe('1');
      expect(response.headers.get('link')).toContain('<https://tenant.logto.test/users?page=1&page_size=1>; rel="first"');
      expect(fake.requests.map((request) => request.operationId ?? request.path)).toEqual(['/oidc/token', 'CreateUser', 'CreateUser', 'ListUsers']);

      fake.enqueueFault({ type: 'reset' });
      expect(await msw.users.list().catch((error: unknown) => error)).toBeInstanceOf(LogtoConnectionError);
      // A fake started with a port can be served through MSW too: one state, two transports.
      server.use(...logtoHandlers(logto));
      const users = await fetch(`${logto.url}/api/users`, { headers: { authorization: `Bearer ${logto.issueToken()}` } });
      expect(((await users.json()) as Array<{ username: string }>).map((user) => user.username)).toContain('ada');
    } finally {
      server.close();
    }
  });
});
