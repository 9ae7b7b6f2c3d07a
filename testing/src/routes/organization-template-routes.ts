/**
 * The organization template: organization roles (with their organization scopes) and
 * organization scopes, shared by every organization. Names are unique (422).
 */
import { logtoErrors, sendEmpty, sendJson } from '../http/responses.js';
import { newId, type OrganizationRole, type OrganizationScope } from '../state/management-data.js';
import { allExist, filterByQ, uniqueName } from './organization-routes.js';
import { sendList } from './pagination.js';
import { found, pick, type RouteContext, type RouteTable } from './route.js';

function organizationRoleOr422(ctx: RouteContext): OrganizationRole | undefined {
  const role = ctx.data.organizationRoles.get(ctx.params.id);
  if (!role) sendJson(ctx.res, 422, logtoErrors.relationForeignKeyNotFound());
  return role;
}

function organizationRoleListItem(ctx: RouteContext, role: OrganizationRole) {
  const scopes = ctx.data.organizationRoleScopes.of(role.id).map((id) => ctx.data.organizationScopes.get(id)!).filter(Boolean);
  return { ...role, scopes: scopes.map(({ id, name }) => ({ id, name })), resourceScopes: [] };
}

export const organizationTemplateRoutes: RouteTable = {
  ListOrganizationRoles: (ctx) => sendList(ctx, filterByQ(ctx.data.organizationRoles, ctx.query.get('q')), { optional: true, map: (role) => organizationRoleListItem(ctx, role) }),
  CreateOrganizationRole: (ctx) => {
    const fields = pick<OrganizationRole>(ctx.body, ['name', 'description', 'type']) as { name: string; description?: string | null; type?: OrganizationRole['type'] };
    if (!uniqueName(ctx, ctx.data.organizationRoles, fields.name)) return;
    const scopeIds = allExist(ctx, (ctx.body.organizationScopeIds as string[] | undefined) ?? [], (id) => ctx.data.organizationScopes.get(id));
    if (!scopeIds) return;
    const role = ctx.data.organizationRoles.insert(ctx.data.makeOrganizationRole(fields));
    ctx.data.organizationRoleScopes.add(role.id, scopeIds);
    sendJson(ctx.res, 201, role);
  },
  GetOrganizationRole: (ctx) => {
    const role = found(ctx, ctx.data.organizationRoles.get(ctx.params.id));
    if (role) sendJson(ctx.res, 200, role);
  },
  UpdateOrganizationRole: (ctx) => {
    if (!found(ctx, ctx.data.organizationRoles.get(ctx.params.id))) return;
    const fields = pick<OrganizationRole>(ctx.body, ['name', 'description', 'type']);
    if (!uniqueName(ctx, ctx.data.organizationRoles, fields.name, ctx.params.id)) return;
    sendJson(ctx.res, 200, ctx.data.organizationRoles.update(ctx.params.id, fields));
  },
  DeleteOrganizationRole: (ctx) => {
    if (!ctx.data.organizationRoles.delete(ctx.params.id)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    ctx.data.organizationRoleScopes.forget(ctx.params.id);
    ctx.data.organizationUserRoles.forget(ctx.params.id);
    sendEmpty(ctx.res, 204);
  },
  ListOrganizationRoleScopes: (ctx) => {
    if (!found(ctx, ctx.data.organizationRoles.get(ctx.params.id))) return;
    sendList(ctx, ctx.data.organizationRoleScopes.of(ctx.params.id).map((id) => ctx.data.organizationScopes.get(id)!).filter(Boolean), { optional: true });
  },
  CreateOrganizationRoleScope: (ctx) => {
    if (!organizationRoleOr422(ctx)) return;
    const scopeIds = allExist(ctx, ctx.body.organizationScopeIds as string[], (id) => ctx.data.organizationScopes.get(id));
    if (!scopeIds) return;
    ctx.data.organizationRoleScopes.add(ctx.params.id, scopeIds);
    sendEmpty(ctx.res, 201);
  },
  ReplaceOrganizationRoleScopes: (ctx) => {
    if (!organizationRoleOr422(ctx)) return;
    const scopeIds = allExist(ctx, ctx.body.organizationScopeIds as string[], (id) => ctx.data.organizationScopes.get(id));
    if (!scopeIds) return;
    ctx.data.organizationRoleScopes.replace(ctx.params.id, scopeIds);
    sendEmpty(ctx.res, 204);
  },
  DeleteOrganizationRoleScope: (ctx) => {
    if (!organizationRoleOr422(ctx)) return;
    // The spec documents no 404 here: an unlinked scope is the relation's 422.
    if (!ctx.data.organizationRoleScopes.remove(ctx.params.id, ctx.params.organizationScopeId)) return sendJson(ctx.res, 422, logtoErrors.relationForeignKeyNotFound());
    sendEmpty(ctx.res, 204);
  },

  ListOrganizationScopes: (ctx) => sendList(ctx, filterByQ(ctx.data.organizationScopes, ctx.query.get('q')), { optional: true }),
  CreateOrganizationScope: (ctx) => {
    const fields = pick<OrganizationScope>(ctx.body, ['name', 'description']) as { name: string; description?: string | null };
    if (!uniqueName(ctx, ctx.data.organizationScopes, fields.name)) return;
    sendJson(ctx.res, 201, ctx.data.organizationScopes.insert({ tenantId: 'default', id: newId(), description: null, ...fields }));
  },
  GetOrganizationScope: (ctx) => {
    const scope = found(ctx, ctx.data.organizationScopes.get(ctx.params.id));
    if (scope) sendJson(ctx.res, 200, scope);
  },
  UpdateOrganizationScope: (ctx) => {
    if (!found(ctx, ctx.data.organizationScopes.get(ctx.params.id))) return;
    const fields = pick<OrganizationScope>(ctx.body, ['name', 'description']);
    if (!uniqueName(ctx, ctx.data.organizationScopes, fields.name, ctx.params.id)) return;
    sendJson(ctx.res, 200, ctx.data.organizationScopes.update(ctx.params.id, fields));
  },
  DeleteOrganizationScope: (ctx) => {
    if (!ctx.data.organizationScopes.delete(ctx.params.id)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    ctx.data.organizationRoleScopes.forget(ctx.params.id);
    sendEmpty(ctx.res, 204);
  },
};
