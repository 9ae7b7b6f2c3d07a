/**
 * What a consumer's code can tell about a Logto 1.42, as one suite that runs against a real
 * Logto (`LOGTO_ENDPOINT`, `LOGTO_CLIENT_ID`, `LOGTO_CLIENT_SECRET`, `LOGTO_RESOURCE` in the
 * environment: an M2M app with the Management API role) or, by default, the fake. It uses
 * only HTTP and the generated client — nothing of the fake — and names what it creates
 * uniquely and deletes it, so a real tenant is left as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogtoManagementClient, LogtoApiError, type LogtoManagementClient } from '../../generated/index.js';
import { startLogtoTarget, uniqueSuffix, type LogtoTarget } from './logto-target.js';

let target: LogtoTarget;
let logto: LogtoManagementClient;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  target = await startLogtoTarget();
  logto = createLogtoManagementClient({ endpoint: target.endpoint, clientId: target.clientId, clientSecret: target.clientSecret, resource: target.resource, maxRetries: 0, logger: { warn: () => {} } });
});
afterAll(async () => {
  for (const undo of cleanup.reverse()) await undo().catch(() => {});
  await target?.close();
});

const tokenRequest = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${target.endpoint}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const api = (method: string, path: string, token: string, body?: unknown) =>
  fetch(`${target.endpoint}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
async function managementToken(): Promise<string> {
  const response = await tokenRequest({ grant_type: 'client_credentials', resource: target.resource, scope: 'all' }, { authorization: basic(target.clientId, target.clientSecret) });
  return ((await response.json()) as { access_token: string }).access_token;
}
async function apiError(call: PromiseLike<unknown>): Promise<LogtoApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof LogtoApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('POST /oidc/token (client credentials)', () => {
  it('issues a token with HTTP Basic and with the secret in the body', async () => {
    for (const response of [
      await tokenRequest({ grant_type: 'client_credentials', resource: target.resource, scope: 'all' }, { authorization: basic(target.clientId, target.clientSecret) }),
      await tokenRequest({ grant_type: 'client_credentials', resource: target.resource, scope: 'all', client_id: target.clientId, client_secret: target.clientSecret }),
    ]) {
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ token_type: 'Bearer', scope: 'all', expires_in: expect.any(Number), access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
    }
  });

  it('answers invalid_client 401 for a wrong secret and 400 for an unknown client, invalid_target for an unknown resource', async () => {
    const wrongSecret = await tokenRequest({ grant_type: 'client_credentials', resource: target.resource }, { authorization: basic(target.clientId, 'wrong-secret') });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });
    const unknown = await tokenRequest({ grant_type: 'client_credentials', resource: target.resource }, { authorization: basic(`unknown-${uniqueSuffix()}`, 'x') });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_client' });
    const elsewhere = await tokenRequest({ grant_type: 'client_credentials', resource: 'https://nowhere.example/api', scope: 'all' }, { authorization: basic(target.clientId, target.clientSecret) });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({ error: 'invalid_target' });
  });

  it('grants a token without scope when none is asked for, which the API then refuses with 403', async () => {
    const response = await tokenRequest({ grant_type: 'client_credentials', resource: target.resource }, { authorization: basic(target.clientId, target.clientSecret) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; scope?: string };
    expect(body.scope).toBeUndefined();
    const refused = await api('GET', '/api/users', body.access_token);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'auth.forbidden' });
  });

  it('logs each exchange as ExchangeTokenBy.ClientCredentials, listable with GET /api/logs filters', async () => {
    await managementToken();
    const { data, response } = await logto.auditLogs.list({ query: { logKey: 'ExchangeTokenBy.ClientCredentials', applicationId: target.clientId, page_size: 5 } }).withResponse();
    expect(Number(response.headers.get('total-number'))).toBeGreaterThan(0);
    expect(data[0]).toMatchObject({ key: 'ExchangeTokenBy.ClientCredentials', payload: { key: 'ExchangeTokenBy.ClientCredentials', result: 'Success', applicationId: target.clientId } });
    expect(data.every((entry) => entry.key === 'ExchangeTokenBy.ClientCredentials')).toBe(true);
    // Newest first.
    expect([...data].sort((a, b) => b.createdAt - a.createdAt)).toEqual(data);
  });
});

describe('users', () => {
  it('creates, reads, updates and deletes a user with Logto ids and times; 404 entity.not_found after', async () => {
    const name = `kit_${uniqueSuffix()}`;
    const before = Date.now();
    const created = await logto.users.create({ body: { username: name, primaryEmail: `${name}@example.com`, name: 'Kit User', customData: { plan: 'free' } } });
    cleanup.push(() => logto.users.delete({ path: { userId: created.id } }));
    expect(created.id).toMatch(/^[a-z0-9]{12}$/);
    expect(created.createdAt).toBeGreaterThanOrEqual(before - 60_000);
    expect(created).toMatchObject({ username: name, primaryEmail: `${name}@example.com`, isSuspended: false, customData: { plan: 'free' } });
    expect(await logto.users.get({ path: { userId: created.id } })).toMatchObject({ id: created.id, username: name });
    expect(await logto.users.update({ path: { userId: created.id }, body: { name: 'Renamed' } })).toMatchObject({ name: 'Renamed', username: name });
    await logto.users.delete({ path: { userId: created.id } });
    const gone = await apiError(logto.users.get({ path: { userId: created.id } }));
    expect(gone.status).toBe(404);
    expect(gone.code).toBe('entity.not_found');
  });

  it('answers 422 for a username or email already in use', async () => {
    const name = `kit_${uniqueSuffix()}`;
    const first = await logto.users.create({ body: { username: name, primaryEmail: `${name}@example.com` } });
    cleanup.push(() => logto.users.delete({ path: { userId: first.id } }));
    const sameName = await apiError(logto.users.create({ body: { username: name } }));
    expect([sameName.status, sameName.code]).toEqual([422, 'user.username_already_in_use']);
    const sameEmail = await apiError(logto.users.create({ body: { username: `${name}_2`, primaryEmail: `${name}@example.com` } }));
    expect([sameEmail.status, sameEmail.code]).toEqual([422, 'user.email_already_in_use']);
  });

  it('rejects a body that breaks the spec with 400 guard.invalid_input and zod issues', async () => {
    const token = await managementToken();
    const response = await api('POST', '/api/users', token, { primaryEmail: 'not-an-email' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'guard.invalid_input',
      details: expect.stringContaining('primaryEmail'),
      data: { name: 'ZodError', issues: [expect.objectContaining({ code: 'invalid_string', path: ['primaryEmail'] })] },
    });
  });

  it('merges custom data, sets and verifies a password, suspends and unsuspends', async () => {
    const name = `kit_${uniqueSuffix()}`;
    const user = await logto.users.create({ body: { username: name, customData: { plan: 'free', seats: 1 } } });
    cleanup.push(() => logto.users.delete({ path: { userId: user.id } }));
    expect(await logto.users.updateCustomData({ path: { userId: user.id }, body: { customData: { plan: 'pro' } } })).toEqual({ plan: 'pro', seats: 1 });
    expect(await logto.users.listCustomData({ path: { userId: user.id } })).toEqual({ plan: 'pro', seats: 1 });

    expect(await logto.users.getHasPassword({ path: { userId: user.id } })).toEqual({ hasPassword: false });
    await logto.users.updatePassword({ path: { userId: user.id }, body: { password: 'Correct-Horse-9' } });
    expect(await logto.users.getHasPassword({ path: { userId: user.id } })).toEqual({ hasPassword: true });
    await logto.users.verifyPassword({ path: { userId: user.id }, body: { password: 'Correct-Horse-9' } });
    expect((await apiError(logto.users.verifyPassword({ path: { userId: user.id }, body: { password: 'wrong' } }))).status).toBe(422);

    expect(await logto.users.updateIsSuspended({ path: { userId: user.id }, body: { isSuspended: true } })).toMatchObject({ isSuspended: true });
    expect(await logto.users.get({ path: { userId: user.id } })).toMatchObject({ isSuspended: true });
    expect(await logto.users.updateIsSuspended({ path: { userId: user.id }, body: { isSuspended: false } })).toMatchObject({ isSuspended: false });
  });

  it('searches as Logto reads search, search.<field> and mode.<field>', async () => {
    const tag = uniqueSuffix();
    const names = [`alpha_${tag}`, `beta_${tag}`, `alphabet_${tag}`];
    for (const username of names) {
      const user = await logto.users.create({ body: { username, primaryEmail: `${username}@example.com` } });
      cleanup.push(() => logto.users.delete({ path: { userId: user.id } }));
    }
    const usernames = async (search_params: Record<string, string>) => (await logto.users.list({ query: { search_params, page_size: 100 } })).map((user) => user.username).sort();
    // `like` (the default) takes the value as an SQL pattern: no wildcard, no partial match.
    expect(await usernames({ search: `%${tag}%` })).toEqual([...names].sort());
    expect(await usernames({ 'search.username': `alpha%${tag}` })).toEqual([`alpha_${tag}`, `alphabet_${tag}`]);
    expect(await usernames({ 'search.username': `alpha_${tag}`, 'mode.username': 'exact' })).toEqual([`alpha_${tag}`]);
    expect(await usernames({ 'search.username': `alpha` })).toEqual([]);
    expect(await usernames({ 'search.primaryEmail': `BETA_${tag}@EXAMPLE.COM` })).toEqual([`beta_${tag}`]);
    expect(await usernames({ 'search.username': `^alpha.*${tag}$`, 'mode.username': 'posix' })).toEqual([`alpha_${tag}`, `alphabet_${tag}`]);
  });
});

describe('pagination', () => {
  it('pages with Total-Number and Link lines without /api, and refuses page_size 101 with guard.invalid_pagination', async () => {
    const tag = uniqueSuffix();
    for (let i = 0; i < 3; i++) {
      const user = await logto.users.create({ body: { username: `page_${i}_${tag}` } });
      cleanup.push(() => logto.users.delete({ path: { userId: user.id } }));
    }
    const token = await managementToken();
    const response = await api('GET', `/api/users?search=%25${tag}&page=1&page_size=2`, token);
    expect(response.status).toBe(200);
    expect(response.headers.get('total-number')).toBe('3');
    const links = response.headers.get('link')!;
    expect(links).toContain('rel="next"');
    expect(links).toMatch(new RegExp(`^<${target.endpoint.replace(/[.]/g, '\\.')}/users\\?`));
    expect(links).not.toContain('/api/users');
    expect(await response.json()).toHaveLength(2);

    const tooBig = await api('GET', '/api/users?page_size=101', token);
    expect(tooBig.status).toBe(400);
    expect(await tooBig.json()).toMatchObject({ code: 'guard.invalid_pagination' });
  });
});

describe('roles, resources and M2M applications', () => {
  it('a new M2M app gets a token for a resource through a role that holds the resource scope', async () => {
    const tag = uniqueSuffix();
    const resource = await logto.resources.create({ body: { name: `Kit API ${tag}`, indicator: `https://kit-${tag}.example/api` } });
    cleanup.push(() => logto.resources.delete({ path: { id: resource.id } }));
    const scope = await logto.resources.createScope({ path: { resourceId: resource.id }, body: { name: 'read:things' } });
    expect((await logto.resources.listScopes({ path: { resourceId: resource.id } })).map((row) => row.name)).toEqual(['read:things']);

    const role = await logto.roles.create({ body: { name: `kit-role-${tag}`, description: 'Reads things', type: 'MachineToMachine' } });
    cleanup.push(() => logto.roles.delete({ path: { id: role.id } }));
    await logto.roles.createScope({ path: { id: role.id }, body: { scopeIds: [scope.id] } });
    expect((await logto.roles.listScopes({ path: { id: role.id } })).map((row) => row.id)).toEqual([scope.id]);
    const duplicate = await apiError(logto.roles.create({ body: { name: `kit-role-${tag}`, description: 'again' } }));
    expect(duplicate.status).toBe(422);

    const app = await logto.applications.create({ body: { name: `kit-app-${tag}`, type: 'MachineToMachine' } });
    cleanup.push(() => logto.applications.delete({ path: { id: app.id } }));
    const secret = (app as { secret?: string }).secret!;
    const form = { grant_type: 'client_credentials', resource: resource.indicator, scope: 'read:things' };
    const before = await (await tokenRequest(form, { authorization: basic(app.id, secret) })).json();
    expect(before.scope).toBeUndefined();

    await logto.applications.assignRoles({ path: { applicationId: app.id }, body: { roleIds: [role.id] } });
    expect((await logto.applications.listRoles({ path: { applicationId: app.id } })).map((row) => row.id)).toEqual([role.id]);
    const after = await (await tokenRequest(form, { authorization: basic(app.id, secret) })).json();
    expect(after.scope).toBe('read:things');
  });
});

describe('organizations', () => {
  it('adds members, gives them organization roles and lists both ways', async () => {
    const tag = uniqueSuffix();
    const organization = await logto.organizations.create({ body: { name: `Kit Org ${tag}` } });
    cleanup.push(() => logto.organizations.delete({ path: { id: organization.id } }));
    expect(organization.id).toMatch(/^[a-z0-9]+$/);
    const role = await logto.organizationRoles.create({ body: { name: `kit-member-${tag}`, organizationScopeIds: [], resourceScopeIds: [] } });
    cleanup.push(() => logto.organizationRoles.delete({ path: { id: role.id } }));
    const user = await logto.users.create({ body: { username: `member_${tag}` } });
    cleanup.push(() => logto.users.delete({ path: { userId: user.id } }));

    const notMember = await apiError(logto.organizations.assignRolesToUser({ path: { id: organization.id, userId: user.id }, body: { organizationRoleIds: [role.id] } }));
    expect(notMember.status).toBe(422);
    await logto.organizations.addUsers({ path: { id: organization.id }, body: { userIds: [user.id] } });
    await logto.organizations.assignRolesToUser({ path: { id: organization.id, userId: user.id }, body: { organizationRoleIds: [role.id] } });

    const members = await logto.organizations.listUsers({ path: { id: organization.id } });
    expect(members).toEqual([expect.objectContaining({ id: user.id, organizationRoles: [{ id: role.id, name: role.name }] })]);
    const organizations = await logto.users.listOrganizations({ path: { userId: user.id } });
    expect(organizations).toEqual([expect.objectContaining({ id: organization.id, organizationRoles: [{ id: role.id, name: role.name }] })]);

    await logto.organizations.deleteUser({ path: { id: organization.id, userId: user.id } });
    expect(await logto.organizations.listUsers({ path: { id: organization.id } })).toEqual([]);
  });
});
