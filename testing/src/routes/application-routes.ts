/**
 * Applications: CRUD (an M2M application's secret works at `POST /oidc/token`), their roles
 * (which decide the scopes its tokens get) and the organizations they belong to.
 */
import { logtoErrors, sendEmpty, sendJson } from '../http/responses.js';
import type { Application } from '../state/management-data.js';
import { sendList } from './pagination.js';
import { found, pick, type RouteContext, type RouteTable } from './route.js';
import { rolesById } from './user-routes.js';
import { organizationWithRoles } from './organization-routes.js';

const APPLICATION_FIELDS = ['name', 'description', 'type', 'oidcClientMetadata', 'customClientMetadata', 'customData', 'isThirdParty', 'protectedAppMetadata'];

function applicationOr404(ctx: RouteContext, id = ctx.params.applicationId ?? ctx.params.id): Application | undefined {
  return found(ctx, ctx.data.applications.get(id));
}

function mergeObjects(row: Application, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...fields };
  for (const key of ['oidcClientMetadata', 'customClientMetadata']) {
    if (fields[key] && typeof row[key] === 'object') out[key] = { ...(row[key] as object), ...(fields[key] as object) };
  }
  return out;
}

/** `roleIds` that all exist, else 404 sent and undefined. */
function existingRoleIds(ctx: RouteContext): string[] | undefined {
  const roleIds = ctx.body.roleIds as string[];
  if (roleIds.every((id) => ctx.data.roles.get(id))) return roleIds;
  sendJson(ctx.res, 404, logtoErrors.notFound());
  return undefined;
}

export const applicationRoutes: RouteTable = {
  // Pagination is optional (no page/page_size: every application).
  ListApplications: (ctx) => {
    const types = ctx.query.getAll('types');
    const isThirdParty = ctx.query.get('isThirdParty');
    const excludeRoleId = ctx.query.get('excludeRoleId');
    const excludeOrganizationId = ctx.query.get('excludeOrganizationId');
    const rows = ctx.data.applications.filter(
      (app) =>
        (types.length === 0 || types.includes(app.type)) &&
        (isThirdParty === null || String(app.isThirdParty) === isThirdParty) &&
        (!excludeRoleId || !ctx.data.applicationRoles.has(app.id, excludeRoleId)) &&
        (!excludeOrganizationId || !ctx.data.organizationApplications.has(excludeOrganizationId, app.id)),
    );
    sendList(ctx, rows, { optional: true });
  },
  CreateApplication: (ctx) => {
    const fields = pick<Application>(ctx.body, APPLICATION_FIELDS) as Partial<Application> & { name: string; type: Application['type'] };
    sendJson(ctx.res, 200, ctx.data.applications.insert(ctx.data.makeApplication(fields)));
  },
  GetApplication: (ctx) => {
    const app = applicationOr404(ctx);
    if (app) sendJson(ctx.res, 200, app);
  },
  UpdateApplication: (ctx) => {
    const app = applicationOr404(ctx);
    if (!app) return;
    const fields = pick<Application>(ctx.body, APPLICATION_FIELDS.filter((key) => key !== 'type'));
    sendJson(ctx.res, 200, ctx.data.applications.update(app.id, mergeObjects(app, fields) as Partial<Application>));
  },
  DeleteApplication: (ctx) => {
    if (!ctx.data.applications.delete(ctx.params.id)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    ctx.data.applicationRoles.forget(ctx.params.id);
    ctx.data.organizationApplications.forget(ctx.params.id);
    sendEmpty(ctx.res, 204);
  },
  UpdateApplicationCustomData: (ctx) => {
    const app = applicationOr404(ctx);
    if (!app) return;
    const customData = { ...(app.customData as object), ...(ctx.body as object) };
    ctx.data.applications.update(app.id, { customData });
    sendJson(ctx.res, 200, customData);
  },
  ListApplicationRoles: (ctx) => {
    if (applicationOr404(ctx)) sendList(ctx, rolesById(ctx, ctx.data.applicationRoles.of(ctx.params.applicationId)), { optional: false });
  },
  // Assigning answers 201 (test/specs/README.md).
  AssignApplicationRoles: (ctx) => {
    if (!applicationOr404(ctx)) return;
    const roleIds = existingRoleIds(ctx);
    if (!roleIds) return;
    const addedRoleIds = ctx.data.applicationRoles.add(ctx.params.applicationId, roleIds);
    sendJson(ctx.res, 201, { roleIds, addedRoleIds });
  },
  ReplaceApplicationRoles: (ctx) => {
    if (!applicationOr404(ctx)) return;
    const roleIds = existingRoleIds(ctx);
    if (!roleIds) return;
    ctx.data.applicationRoles.replace(ctx.params.applicationId, roleIds);
    sendEmpty(ctx.res, 200);
  },
  DeleteApplicationRole: (ctx) => {
    if (!applicationOr404(ctx)) return;
    if (!ctx.data.applicationRoles.remove(ctx.params.applicationId, ctx.params.roleId)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    sendEmpty(ctx.res, 204);
  },
  ListApplicationOrganizations: (ctx) => {
    if (!applicationOr404(ctx)) return;
    const organizations = ctx.data.organizationApplications.ownersOf(ctx.params.id).map((id) => ctx.data.organizations.get(id)!).filter(Boolean);
    sendList(ctx, organizations, { optional: true, map: (organization) => ({ ...organizationWithRoles(ctx, organization, ctx.params.id) }) });
  },
};
