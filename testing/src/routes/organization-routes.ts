/**
 * Organizations (Logto's SchemaRouter: creating answers 201), their members and each member's
 * organization roles, and their applications.
 */
import { logtoErrors, sendEmpty, sendJson } from '../http/responses.js';
import type { Organization, OrganizationRole } from '../state/management-data.js';
import { guardBody, optional, organizationRules } from '../validation/body-validation.js';
import { sendList } from './pagination.js';
import { found, pick, type RouteContext, type RouteTable } from './route.js';

const ORGANIZATION_FIELDS = ['name', 'description', 'customData', 'isMfaRequired', 'color', 'branding', 'customCss'];

const memberKey = (organizationId: string, memberId: string) => `${organizationId} ${memberId}`;

function organizationOr404(ctx: RouteContext): Organization | undefined {
  return found(ctx, ctx.data.organizations.get(ctx.params.id));
}

/**
 * Logto's SchemaRouter writes a relation without looking the organization up first: for an
 * organization that does not exist the insert's foreign key fails, 422.
 */
function organizationOr422(ctx: RouteContext): Organization | undefined {
  const organization = ctx.data.organizations.get(ctx.params.id);
  if (!organization) sendJson(ctx.res, 422, logtoErrors.relationForeignKeyNotFound());
  return organization;
}


function organizationRolesOf(ctx: RouteContext, organizationId: string, memberId: string): OrganizationRole[] {
  return ctx.data.organizationUserRoles
    .of(memberKey(organizationId, memberId))
    .map((id) => ctx.data.organizationRoles.get(id)!)
    .filter(Boolean);
}

/** An organization as the user's (or application's) organization list shows it. */
export function organizationWithRoles(ctx: RouteContext, organization: Organization, memberId: string) {
  return { ...organization, organizationRoles: organizationRolesOf(ctx, organization.id, memberId).map(({ id, name }) => ({ id, name })) };
}

/** 422 `entity.relation_foreign_key_not_found` unless every id exists. */
export function allExist(ctx: RouteContext, ids: string[], get: (id: string) => unknown): string[] | undefined {
  if (ids.every((id) => get(id) !== undefined)) return ids;
  sendJson(ctx.res, 422, logtoErrors.relationForeignKeyNotFound());
  return undefined;
}

/** Roles by id or by name (`organizationRoleNames`), all existing, else 422 sent. */
function organizationRoleIds(ctx: RouteContext): string[] | undefined {
  const ids = (ctx.body.organizationRoleIds as string[] | undefined) ?? [];
  const names = (ctx.body.organizationRoleNames as string[] | undefined) ?? [];
  const byName = names.map((name) => ctx.data.organizationRoles.find((role) => role.name === name)?.id);
  if (byName.some((id) => id === undefined)) {
    sendJson(ctx.res, 422, logtoErrors.relationForeignKeyNotFound());
    return undefined;
  }
  return allExist(ctx, [...new Set([...ids, ...(byName as string[])])], (id) => ctx.data.organizationRoles.get(id));
}

/** Logto requires membership before organization roles can be given (422). */
function requireMember(ctx: RouteContext, memberId: string, relation = ctx.data.organizationMembers): boolean {
  if (relation.has(ctx.params.id, memberId)) return true;
  sendJson(ctx.res, 422, { code: 'organization.require_membership', message: 'The user must be a member of the organization to proceed.' });
  return false;
}


export function uniqueName<T extends { id: string; name: string }>(ctx: RouteContext, rows: Iterable<T>, name: string | undefined, selfId?: string): boolean {
  if (!name) return true;
  for (const row of rows) {
    if (row.name === name && row.id !== selfId) {
      sendJson(ctx.res, 422, logtoErrors.uniqueConstraint());
      return false;
    }
  }
  return true;
}

export const filterByQ = <T extends { id: string; name: string }>(rows: Iterable<T>, q: string | null) =>
  [...rows].filter((row) => !q || row.id.includes(q) || row.name.toLowerCase().includes(q.toLowerCase()));

export const organizationRoutes: RouteTable = {
  // Optional pagination; `q` matches id or name.
  ListOrganizations: (ctx) => sendList(ctx, filterByQ(ctx.data.organizations, ctx.query.get('q')), { optional: true }),
  CreateOrganization: (ctx) => {
    if (!guardBody(ctx, organizationRules)) return;
    const fields = pick<Organization>(ctx.body, ORGANIZATION_FIELDS) as Partial<Organization> & { name: string };
    sendJson(ctx.res, 201, ctx.data.organizations.insert(ctx.data.makeOrganization(fields)));
  },
  GetOrganization: (ctx) => {
    const organization = organizationOr404(ctx);
    if (organization) sendJson(ctx.res, 200, organization);
  },
  UpdateOrganization: (ctx) => {
    if (!organizationOr404(ctx) || !guardBody(ctx, optional(organizationRules))) return;
    sendJson(ctx.res, 200, ctx.data.organizations.update(ctx.params.id, pick(ctx.body, ORGANIZATION_FIELDS)));
  },
  DeleteOrganization: (ctx) => {
    if (!ctx.data.organizations.delete(ctx.params.id)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    ctx.data.organizationMembers.forget(ctx.params.id);
    ctx.data.organizationApplications.forget(ctx.params.id);
    sendEmpty(ctx.res, 204);
  },

  ListOrganizationUsers: (ctx) => {
    if (!organizationOr404(ctx)) return;
    const q = ctx.query.get('q')?.toLowerCase();
    const roleId = ctx.query.get('organizationRoleId');
    const users = ctx.data.organizationMembers
      .of(ctx.params.id)
      .map((id) => ctx.data.users.get(id)!)
      .filter(Boolean)
      .filter((user) => !q || [user.id, user.username, user.primaryEmail, user.name].some((text) => text?.toLowerCase().includes(q)))
      .filter((user) => !roleId || ctx.data.organizationUserRoles.has(memberKey(ctx.params.id, user.id), roleId));
    sendList(ctx, users, { optional: true, map: (user) => ({ ...user, organizationRoles: organizationRolesOf(ctx, ctx.params.id, user.id).map(({ id, name }) => ({ id, name })) }) });
  },
  AddOrganizationUsers: (ctx) => {
    if (!organizationOr422(ctx)) return;
    const userIds = allExist(ctx, ctx.body.userIds as string[], (id) => ctx.data.users.get(id));
    if (!userIds) return;
    ctx.data.organizationMembers.add(ctx.params.id, userIds);
    sendEmpty(ctx.res, 201);
  },
  ReplaceOrganizationUsers: (ctx) => {
    if (!organizationOr422(ctx)) return;
    const userIds = allExist(ctx, ctx.body.userIds as string[], (id) => ctx.data.users.get(id));
    if (!userIds) return;
    for (const removed of ctx.data.organizationMembers.of(ctx.params.id).filter((id) => !userIds.includes(id))) {
      ctx.data.organizationUserRoles.forget(memberKey(ctx.params.id, removed));
    }
    ctx.data.organizationMembers.replace(ctx.params.id, userIds);
    sendEmpty(ctx.res, 204);
  },
  DeleteOrganizationUser: (ctx) => {
    if (!organizationOr404(ctx)) return;
    if (!ctx.data.organizationMembers.remove(ctx.params.id, ctx.params.userId)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    ctx.data.organizationUserRoles.forget(memberKey(ctx.params.id, ctx.params.userId));
    sendEmpty(ctx.res, 204);
  },
  AssignOrganizationRolesToUsers: (ctx) => {
    if (!organizationOr422(ctx)) return;
    const userIds = ctx.body.userIds as string[];
    if (!userIds.every((userId) => requireMember(ctx, userId))) return;
    const roleIds = organizationRoleIds(ctx);
    if (!roleIds) return;
    for (const userId of userIds) ctx.data.organizationUserRoles.add(memberKey(ctx.params.id, userId), roleIds);
    sendEmpty(ctx.res, 201);
  },
  ListOrganizationUserRoles: (ctx) => {
    if (!requireMember(ctx, ctx.params.userId)) return;
    sendList(ctx, organizationRolesOf(ctx, ctx.params.id, ctx.params.userId), { optional: true });
  },
  AssignOrganizationRolesToUser: (ctx) => {
    if (!requireMember(ctx, ctx.params.userId)) return;
    const roleIds = organizationRoleIds(ctx);
    if (!roleIds) return;
    ctx.data.organizationUserRoles.add(memberKey(ctx.params.id, ctx.params.userId), roleIds);
    sendEmpty(ctx.res, 201);
  },
  ReplaceOrganizationUserRoles: (ctx) => {
    if (!requireMember(ctx, ctx.params.userId)) return;
    const roleIds = organizationRoleIds(ctx);
    if (!roleIds) return;
    ctx.data.organizationUserRoles.replace(memberKey(ctx.params.id, ctx.params.userId), roleIds);
    sendEmpty(ctx.res, 204);
  },
  DeleteOrganizationUserRole: (ctx) => {
    if (!organizationOr404(ctx) || !requireMember(ctx, ctx.params.userId)) return;
    if (!ctx.data.organizationUserRoles.remove(memberKey(ctx.params.id, ctx.params.userId), ctx.params.organizationRoleId)) {
      return sendJson(ctx.res, 404, logtoErrors.notFound());
    }
    sendEmpty(ctx.res, 204);
  },
  ListOrganizationUserScopes: (ctx) => {
    if (!requireMember(ctx, ctx.params.userId)) return;
    const scopeIds = new Set(organizationRolesOf(ctx, ctx.params.id, ctx.params.userId).flatMap((role) => ctx.data.organizationRoleScopes.of(role.id)));
    sendJson(ctx.res, 200, [...scopeIds].map((id) => ctx.data.organizationScopes.get(id)).filter(Boolean));
  },

  ListOrganizationApplications: (ctx) => {
    if (!organizationOr404(ctx)) return;
    const applications = ctx.data.organizationApplications.of(ctx.params.id).map((id) => ctx.data.applications.get(id)!).filter(Boolean);
    sendList(ctx, filterByQ(applications, ctx.query.get('q')), { optional: true, map: (app) => ({ ...app, organizationRoles: organizationRolesOf(ctx, ctx.params.id, app.id).map(({ id, name }) => ({ id, name })) }) });
  },
  AddOrganizationApplications: (ctx) => {
    if (!organizationOr422(ctx)) return;
    const applicationIds = allExist(ctx, ctx.body.applicationIds as string[], (id) => ctx.data.applications.get(id));
    if (!applicationIds) return;
    ctx.data.organizationApplications.add(ctx.params.id, applicationIds);
    sendEmpty(ctx.res, 201);
  },
  DeleteOrganizationApplication: (ctx) => {
    if (!organizationOr422(ctx)) return;
    if (!ctx.data.organizationApplications.remove(ctx.params.id, ctx.params.applicationId)) return sendJson(ctx.res, 422, logtoErrors.relationForeignKeyNotFound());
    ctx.data.organizationUserRoles.forget(memberKey(ctx.params.id, ctx.params.applicationId));
    sendEmpty(ctx.res, 204);
  },
};
