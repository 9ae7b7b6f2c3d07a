/**
 * Roles: CRUD (name unique), their API resource scopes, and the users and applications that
 * hold them. `GET /api/roles` answers Logto's list shape with user and application counts.
 */
import { logtoErrors, sendEmpty, sendJson } from '../http/responses.js';
import type { Role } from '../state/management-data.js';
import { guardBody, optional, roleRules } from '../validation/body-validation.js';
import { sendList } from './pagination.js';
import { found, pick, type RouteContext, type RouteTable } from './route.js';

const ROLE_FIELDS = ['name', 'description', 'type', 'isDefault'];

function roleOr404(ctx: RouteContext): Role | undefined {
  return found(ctx, ctx.data.roles.get(ctx.params.id));
}

/** Ids that all exist in the table, else 404 sent and undefined. */
function allExist(ctx: RouteContext, ids: string[], get: (id: string) => unknown): string[] | undefined {
  if (ids.every((id) => get(id) !== undefined)) return ids;
  sendJson(ctx.res, 404, logtoErrors.notFound());
  return undefined;
}

function roleListItem(ctx: RouteContext, role: Role) {
  const users = ctx.data.userRoles.ownersOf(role.id).map((id) => ctx.data.users.get(id)).filter((user) => user !== undefined);
  const applications = ctx.data.applicationRoles.ownersOf(role.id).map((id) => ctx.data.applications.get(id)).filter((app) => app !== undefined);
  return {
    ...role,
    usersCount: users.length,
    featuredUsers: users.slice(0, 3).map(({ id, avatar, name }) => ({ id, avatar, name })),
    applicationsCount: applications.length,
    featuredApplications: applications.slice(0, 3).map(({ id, name, type }) => ({ id, name, type })),
  };
}

export const roleRoutes: RouteTable = {
  // Pagination is optional: no page/page_size answers every role, without headers.
  ListRoles: (ctx) => {
    const type = ctx.query.get('type');
    const excludeUserId = ctx.query.get('excludeUserId');
    const excludeApplicationId = ctx.query.get('excludeApplicationId');
    const rows = ctx.data.roles.filter(
      (role) =>
        (!type || role.type === type) &&
        (!excludeUserId || !ctx.data.userRoles.has(excludeUserId, role.id)) &&
        (!excludeApplicationId || !ctx.data.applicationRoles.has(excludeApplicationId, role.id)),
    );
    sendList(ctx, rows, { optional: true, map: (role) => roleListItem(ctx, role) });
  },
  CreateRole: (ctx) => {
    if (!guardBody(ctx, roleRules)) return;
    const fields = pick<Role>(ctx.body, ROLE_FIELDS) as Partial<Role> & { name: string };
    if (ctx.data.roles.find((role) => role.name === fields.name)) return sendJson(ctx.res, 422, logtoErrors.roleNameInUse(fields.name));
    const scopeIds = (ctx.body.scopeIds as string[] | undefined) ?? [];
    if (!allExist(ctx, scopeIds, (id) => ctx.data.scopes.get(id))) return;
    const role = ctx.data.roles.insert(ctx.data.makeRole(fields));
    ctx.data.roleScopes.add(role.id, scopeIds);
    sendJson(ctx.res, 200, role);
  },
  GetRole: (ctx) => {
    const role = roleOr404(ctx);
    if (role) sendJson(ctx.res, 200, role);
  },
  UpdateRole: (ctx) => {
    if (!roleOr404(ctx) || !guardBody(ctx, optional(roleRules))) return;
    const fields = pick<Role>(ctx.body, ['name', 'description', 'isDefault']);
    if (fields.name && ctx.data.roles.find((role) => role.name === fields.name && role.id !== ctx.params.id)) {
      return sendJson(ctx.res, 422, logtoErrors.roleNameInUse(fields.name));
    }
    sendJson(ctx.res, 200, ctx.data.roles.update(ctx.params.id, fields));
  },
  DeleteRole: (ctx) => {
    if (!ctx.data.roles.delete(ctx.params.id)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    ctx.data.roleScopes.forget(ctx.params.id);
    ctx.data.userRoles.forget(ctx.params.id);
    ctx.data.applicationRoles.forget(ctx.params.id);
    sendEmpty(ctx.res, 204);
  },

  ListRoleScopes: (ctx) => {
    if (!roleOr404(ctx)) return;
    const scopes = ctx.data.roleScopes.of(ctx.params.id).map((id) => ctx.data.scopes.get(id)!).filter(Boolean);
    sendList(ctx, scopes, { optional: true, map: (scope) => ({ ...scope, resource: ctx.data.resources.get(scope.resourceId) }) });
  },
  CreateRoleScope: (ctx) => {
    if (!roleOr404(ctx)) return;
    const scopeIds = allExist(ctx, ctx.body.scopeIds as string[], (id) => ctx.data.scopes.get(id));
    if (!scopeIds) return;
    ctx.data.roleScopes.add(ctx.params.id, scopeIds);
    sendJson(ctx.res, 201, ctx.data.roleScopes.of(ctx.params.id).map((id) => ctx.data.scopes.get(id)));
  },
  DeleteRoleScope: (ctx) => {
    if (!roleOr404(ctx)) return;
    if (!ctx.data.roleScopes.remove(ctx.params.id, ctx.params.scopeId)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    sendEmpty(ctx.res, 204);
  },

  ListRoleUsers: (ctx) => {
    if (!roleOr404(ctx)) return;
    const users = ctx.data.userRoles.ownersOf(ctx.params.id).map((id) => ctx.data.users.get(id)!).filter(Boolean);
    sendList(ctx, users, { optional: false });
  },
  CreateRoleUser: (ctx) => {
    if (!roleOr404(ctx)) return;
    const userIds = allExist(ctx, ctx.body.userIds as string[], (id) => ctx.data.users.get(id));
    if (!userIds) return;
    for (const userId of userIds) ctx.data.userRoles.add(userId, [ctx.params.id]);
    sendEmpty(ctx.res, 201);
  },
  DeleteRoleUser: (ctx) => {
    if (!roleOr404(ctx)) return;
    if (!ctx.data.userRoles.remove(ctx.params.userId, ctx.params.id)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    sendEmpty(ctx.res, 204);
  },
  ListRoleApplications: (ctx) => {
    if (!roleOr404(ctx)) return;
    const applications = ctx.data.applicationRoles.ownersOf(ctx.params.id).map((id) => ctx.data.applications.get(id)!).filter(Boolean);
    sendList(ctx, applications, { optional: false });
  },
  CreateRoleApplication: (ctx) => {
    if (!roleOr404(ctx)) return;
    const applicationIds = allExist(ctx, ctx.body.applicationIds as string[], (id) => ctx.data.applications.get(id));
    if (!applicationIds) return;
    for (const applicationId of applicationIds) ctx.data.applicationRoles.add(applicationId, [ctx.params.id]);
    sendEmpty(ctx.res, 201);
  },
  DeleteRoleApplication: (ctx) => {
    if (!roleOr404(ctx)) return;
    if (!ctx.data.applicationRoles.remove(ctx.params.applicationId, ctx.params.id)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    sendEmpty(ctx.res, 204);
  },
};
