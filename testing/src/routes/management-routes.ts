/**
 * The working subset of the Management API: users, user roles, roles, organizations,
 * application roles, logs, status, my-account and swagger.json. Status codes, error bodies
 * and pagination follow a real Logto 1.42 (test/specs/README.md).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { makeOrganization, makeUser, newId, type ManagementData, type Role, type User } from '../state/management-data.js';
import { guardBody, optional, organizationRules, pick, roleIdsRules, roleRules, userRules, type FieldRule } from '../validation/body-validation.js';
import { sendList } from './pagination.js';
import { logtoErrors, sendEmpty, sendJson } from '../http/responses.js';
import type { IssuedToken } from '../auth/token-endpoint.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (undefined when there was none). */
  body: unknown;
  /** `http://127.0.0.1:port` */
  origin: string;
  data: ManagementData;
  token?: IssuedToken;
  /** Options the routes need from the server. */
  settings: { logsCountCap: number; specPath: string };
}

export interface Route {
  method: string;
  /** Path template with `{name}` segments, including `/api`. */
  path: string;
  security: 'm2m' | 'none' | 'user';
  handle(ctx: RouteContext): void | Promise<void>;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

// ---- routes ----

function findUserOr404(ctx: RouteContext): User | undefined {
  const user = ctx.data.users.get(ctx.params.userId);
  if (!user) sendJson(ctx.res, 404, logtoErrors.notFound());
  return user;
}

/** 422 when another user already holds the username or email. */
function userConflict(ctx: RouteContext, fields: Partial<User>, selfId?: string): boolean {
  const { username, primaryEmail } = fields;
  if (username && ctx.data.users.find((user) => user.id !== selfId && user.username === username)) {
    sendJson(ctx.res, 422, logtoErrors.usernameInUse());
    return true;
  }
  if (primaryEmail && ctx.data.users.find((user) => user.id !== selfId && user.primaryEmail === primaryEmail)) {
    sendJson(ctx.res, 422, logtoErrors.emailInUse());
    return true;
  }
  return false;
}

const userFields = ['username', 'primaryEmail', 'primaryPhone', 'name', 'avatar', 'customData', 'profile'];

function assignRoles(ctx: RouteContext, table: Map<string, Set<string>>, ownerId: string): void {
  if (!guardBody(ctx, roleIdsRules)) return;
  const roleIds = (ctx.body as { roleIds: string[] }).roleIds;
  if (roleIds.some((id) => !ctx.data.roles.get(id))) return sendJson(ctx.res, 404, logtoErrors.notFound());
  const assigned = table.get(ownerId) ?? new Set<string>();
  table.set(ownerId, assigned);
  const addedRoleIds = roleIds.filter((id) => !assigned.has(id));
  for (const id of addedRoleIds) assigned.add(id);
  sendJson(ctx.res, 201, { roleIds, addedRoleIds });
}

function rolesOf(ctx: RouteContext, table: Map<string, Set<string>>, ownerId: string): Role[] {
  return [...(table.get(ownerId) ?? [])].map((id) => ctx.data.roles.get(id)).filter((role): role is Role => !!role);
}

const routes: Route[] = [
  { method: 'GET', path: '/api/status', security: 'none', handle: (ctx) => sendEmpty(ctx.res, 204) },
  {
    method: 'GET',
    path: '/api/swagger.json',
    security: 'none',
    handle: async (ctx) => {
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(ctx.settings.specPath, 'utf8');
      ctx.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      ctx.res.end(text);
    },
  },

  // Users: always paginated (default page size 20 when neither page nor page_size is sent).
  { method: 'GET', path: '/api/users', security: 'm2m', handle: (ctx) => sendList(ctx, ctx.data.users, { optional: false }) },
  {
    method: 'POST',
    path: '/api/users',
    security: 'm2m',
    handle: (ctx) => {
      if (!guardBody(ctx, userRules)) return;
      const fields = pick<User>(ctx.body, userFields);
      if (userConflict(ctx, fields)) return;
      const hasPassword = typeof (ctx.body as { password?: unknown }).password === 'string';
      sendJson(ctx.res, 200, ctx.data.users.insert(makeUser({ ...fields, hasPassword })));
    },
  },
  {
    method: 'GET',
    path: '/api/users/{userId}',
    security: 'm2m',
    handle: (ctx) => {
      const user = findUserOr404(ctx);
      if (user) sendJson(ctx.res, 200, user);
    },
  },
  {
    method: 'PATCH',
    path: '/api/users/{userId}',
    security: 'm2m',
    handle: (ctx) => {
      if (!findUserOr404(ctx) || !guardBody(ctx, userRules)) return;
      const fields = pick<User>(ctx.body, userFields);
      if (userConflict(ctx, fields, ctx.params.userId)) return;
      sendJson(ctx.res, 200, ctx.data.users.update(ctx.params.userId, { ...fields, updatedAt: Date.now() }));
    },
  },
  {
    method: 'DELETE',
    path: '/api/users/{userId}',
    security: 'm2m',
    handle: (ctx) => {
      if (!ctx.data.users.delete(ctx.params.userId)) return sendJson(ctx.res, 404, logtoErrors.notFound());
      ctx.data.userRoles.delete(ctx.params.userId);
      sendEmpty(ctx.res, 204);
    },
  },
  {
    method: 'GET',
    path: '/api/users/{userId}/roles',
    security: 'm2m',
    handle: (ctx) => {
      if (findUserOr404(ctx)) sendList(ctx, rolesOf(ctx, ctx.data.userRoles, ctx.params.userId), { optional: false });
    },
  },
  {
    method: 'POST',
    path: '/api/users/{userId}/roles',
    security: 'm2m',
    handle: (ctx) => {
      if (findUserOr404(ctx)) assignRoles(ctx, ctx.data.userRoles, ctx.params.userId);
    },
  },
  {
    method: 'DELETE',
    path: '/api/users/{userId}/roles/{roleId}',
    security: 'm2m',
    handle: (ctx) => {
      if (!findUserOr404(ctx)) return;
      const assigned = ctx.data.userRoles.get(ctx.params.userId);
      if (!assigned?.delete(ctx.params.roleId)) return sendJson(ctx.res, 404, logtoErrors.notFound());
      sendEmpty(ctx.res, 204);
    },
  },

  // Roles: pagination is optional — no page/page_size answers every role, without headers.
  { method: 'GET', path: '/api/roles', security: 'm2m', handle: (ctx) => sendList(ctx, ctx.data.roles, { optional: true }) },
  {
    method: 'POST',
    path: '/api/roles',
    security: 'm2m',
    handle: (ctx) => {
      if (!guardBody(ctx, roleRules)) return;
      const fields = pick<Role>(ctx.body, ['name', 'description', 'type', 'isDefault']) as Partial<Role> & { name: string; description: string };
      if (ctx.data.roles.find((role) => role.name === fields.name)) return sendJson(ctx.res, 422, logtoErrors.roleNameInUse(fields.name));
      sendJson(ctx.res, 200, ctx.data.roles.insert({ tenantId: 'default', id: newId(), type: 'User', isDefault: false, ...fields }));
    },
  },
  ...crud('/api/roles/{id}', 'roles', optional(roleRules), ['name', 'description', 'isDefault']),

  // Organizations: optional pagination; creating answers 201 (Logto's SchemaRouter).
  {
    method: 'GET',
    path: '/api/organizations',
    security: 'm2m',
    handle: (ctx) => {
      const q = ctx.query.get('q');
      const rows = q ? ctx.data.organizations.filter((org) => org.id.includes(q) || org.name.includes(q)) : ctx.data.organizations;
      sendList(ctx, rows, { optional: true });
    },
  },
  {
    method: 'POST',
    path: '/api/organizations',
    security: 'm2m',
    handle: (ctx) => {
      if (!guardBody(ctx, organizationRules)) return;
      const fields = pick<ReturnType<typeof makeOrganization>>(ctx.body, ['name', 'description', 'customData', 'isMfaRequired']);
      sendJson(ctx.res, 201, ctx.data.organizations.insert(makeOrganization(fields as { name: string })));
    },
  },
  ...crud('/api/organizations/{id}', 'organizations', optional(organizationRules), ['name', 'description', 'customData', 'isMfaRequired']),

  // Application roles: assigning answers 201.
  {
    method: 'GET',
    path: '/api/applications/{applicationId}/roles',
    security: 'm2m',
    handle: (ctx) => {
      if (!ctx.data.applications.get(ctx.params.applicationId)) return sendJson(ctx.res, 404, logtoErrors.notFound());
      sendList(ctx, rolesOf(ctx, ctx.data.applicationRoles, ctx.params.applicationId), { optional: false });
    },
  },
  {
    method: 'POST',
    path: '/api/applications/{applicationId}/roles',
    security: 'm2m',
    handle: (ctx) => {
      if (!ctx.data.applications.get(ctx.params.applicationId)) return sendJson(ctx.res, 404, logtoErrors.notFound());
      assignRoles(ctx, ctx.data.applicationRoles, ctx.params.applicationId);
    },
  },

  // Logs: with enableCap=true a count above the cap saturates and the headers say so.
  {
    method: 'GET',
    path: '/api/logs',
    security: 'm2m',
    handle: (ctx) =>
      sendList(ctx, ctx.data.logs, {
        optional: false,
        capAt: ctx.query.get('enableCap') === 'true' ? ctx.settings.logsCountCap : undefined,
      }),
  },

  // My account: end-user token only.
  {
    method: 'GET',
    path: '/api/my-account',
    security: 'user',
    handle: (ctx) => {
      const user = ctx.data.users.get(ctx.token!.userId!);
      if (!user) return sendJson(ctx.res, 404, logtoErrors.notFound());
      sendJson(ctx.res, 200, user);
    },
  },
];

function crud(path: string, table: 'roles' | 'organizations', rules: Record<string, FieldRule>, fields: string[]): Route[] {
  return [
    {
      method: 'GET',
      path,
      security: 'm2m',
      handle: (ctx) => {
        const row = ctx.data[table].get(ctx.params.id);
        if (!row) return sendJson(ctx.res, 404, logtoErrors.notFound());
        sendJson(ctx.res, 200, row);
      },
    },
    {
      method: 'PATCH',
      path,
      security: 'm2m',
      handle: (ctx) => {
        if (!ctx.data[table].get(ctx.params.id)) return sendJson(ctx.res, 404, logtoErrors.notFound());
        if (!guardBody(ctx, rules)) return;
        sendJson(ctx.res, 200, ctx.data[table].update(ctx.params.id, pick(ctx.body, fields)));
      },
    },
    {
      method: 'DELETE',
      path,
      security: 'm2m',
      handle: (ctx) => {
        if (!ctx.data[table].delete(ctx.params.id)) return sendJson(ctx.res, 404, logtoErrors.notFound());
        sendEmpty(ctx.res, 204);
      },
    },
  ];
}

const compiled: CompiledRoute[] = routes.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source}$`), names };
});

/** The route for a method and path, with decoded path parameters; undefined → plain 404. */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of compiled) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, index) => (params[name] = decodeURIComponent(match[index + 1])));
    return { route, params };
  }
  return undefined;
}
