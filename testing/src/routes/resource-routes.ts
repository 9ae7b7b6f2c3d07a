/**
 * API resources and their scopes. The Management API itself is a resource (`all` is its
 * scope); a role holding a resource's scopes gives an M2M application tokens for it.
 */
import { logtoErrors, sendEmpty, sendJson } from '../http/responses.js';
import { MANAGEMENT_API_RESOURCE_ID, type Resource } from '../state/management-data.js';
import { sendList } from './pagination.js';
import { found, pick, type RouteContext, type RouteTable } from './route.js';

function resourceOr404(ctx: RouteContext, id = ctx.params.resourceId ?? ctx.params.id): Resource | undefined {
  return found(ctx, ctx.data.resources.get(id));
}

const scopesOf = (ctx: RouteContext, resourceId: string) => ctx.data.scopes.filter((scope) => scope.resourceId === resourceId);

export const resourceRoutes: RouteTable = {
  ListResources: (ctx) => {
    const includeScopes = ctx.query.get('includeScopes') === 'true';
    sendList(ctx, [...ctx.data.resources], { optional: true, map: (resource) => (includeScopes ? { ...resource, scopes: scopesOf(ctx, resource.id) } : resource) });
  },
  CreateResource: (ctx) => {
    const fields = pick<Resource>(ctx.body, ['name', 'indicator', 'accessTokenTtl']) as { name: string; indicator: string; accessTokenTtl?: number };
    if (ctx.data.resources.find((resource) => resource.indicator === fields.indicator)) return sendJson(ctx.res, 422, logtoErrors.resourceIndicatorInUse(fields.indicator));
    sendJson(ctx.res, 201, ctx.data.resources.insert(ctx.data.makeResource(fields)));
  },
  GetResource: (ctx) => {
    const resource = resourceOr404(ctx);
    if (resource) sendJson(ctx.res, 200, resource);
  },
  UpdateResource: (ctx) => {
    if (!resourceOr404(ctx)) return;
    sendJson(ctx.res, 200, ctx.data.resources.update(ctx.params.id, pick(ctx.body, ['name', 'accessTokenTtl'])));
  },
  UpdateResourceIsDefault: (ctx) => {
    if (!resourceOr404(ctx)) return;
    // Only one resource is the default one.
    if (ctx.body.isDefault) for (const resource of [...ctx.data.resources]) if (resource.isDefault) ctx.data.resources.update(resource.id, { isDefault: false });
    sendJson(ctx.res, 200, ctx.data.resources.update(ctx.params.id, { isDefault: ctx.body.isDefault as boolean }));
  },
  DeleteResource: (ctx) => {
    const resource = resourceOr404(ctx);
    if (!resource) return;
    if (resource.id === MANAGEMENT_API_RESOURCE_ID) return sendJson(ctx.res, 400, { code: 'resource.cannot_delete_management_api', message: 'The management API resource cannot be deleted.' });
    for (const scope of scopesOf(ctx, resource.id)) {
      ctx.data.scopes.delete(scope.id);
      ctx.data.roleScopes.forget(scope.id);
    }
    ctx.data.resources.delete(resource.id);
    sendEmpty(ctx.res, 204);
  },
  // Logto lists by resource id without looking the resource up: an unknown one has no scopes.
  ListResourceScopes: (ctx) => {
    sendList(ctx, scopesOf(ctx, ctx.params.resourceId), { optional: true });
  },
  CreateResourceScope: (ctx) => {
    if (!resourceOr404(ctx)) return;
    const fields = pick<{ name: string; description: string | null }>(ctx.body, ['name', 'description']) as { name: string; description?: string | null };
    if (scopesOf(ctx, ctx.params.resourceId).some((scope) => scope.name === fields.name)) return sendJson(ctx.res, 422, logtoErrors.scopeNameInUse(fields.name));
    sendJson(ctx.res, 201, ctx.data.scopes.insert(ctx.data.makeScope(ctx.params.resourceId, fields)));
  },
  UpdateResourceScope: (ctx) => {
    if (!resourceOr404(ctx)) return;
    const scope = found(ctx, scopesOf(ctx, ctx.params.resourceId).find((row) => row.id === ctx.params.scopeId));
    if (!scope) return;
    const fields = pick<{ name: string; description: string | null }>(ctx.body, ['name', 'description']);
    if (fields.name && scopesOf(ctx, scope.resourceId).some((row) => row.name === fields.name && row.id !== scope.id)) return sendJson(ctx.res, 422, logtoErrors.scopeNameInUse(fields.name));
    sendJson(ctx.res, 200, ctx.data.scopes.update(scope.id, fields));
  },
  DeleteResourceScope: (ctx) => {
    if (!resourceOr404(ctx)) return;
    const scope = found(ctx, scopesOf(ctx, ctx.params.resourceId).find((row) => row.id === ctx.params.scopeId));
    if (!scope) return;
    ctx.data.scopes.delete(scope.id);
    ctx.data.roleScopes.forget(scope.id);
    sendEmpty(ctx.res, 204);
  },
};
