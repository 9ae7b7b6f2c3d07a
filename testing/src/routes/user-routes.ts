/**
 * Users: CRUD with Logto's uniqueness rules, search, custom data, profile, password,
 * suspension, their roles and their organizations.
 */
import { logtoErrors, sendEmpty, sendJson } from '../http/responses.js';
import { makeUser, type Role, type User } from '../state/management-data.js';
import { guardBody, userRules } from '../validation/body-validation.js';
import { sendList } from './pagination.js';
import { found, pick, type RouteContext, type RouteTable } from './route.js';
import { parseUserSearch } from './user-search.js';
import { organizationWithRoles } from './organization-routes.js';

const USER_FIELDS = ['username', 'primaryEmail', 'primaryPhone', 'name', 'avatar', 'customData', 'profile'];

/** 422 when another user already holds the username, email or phone. */
function userConflict(ctx: RouteContext, fields: Partial<User>, selfId?: string): boolean {
  const { username, primaryEmail, primaryPhone } = fields;
  const taken = (key: 'username' | 'primaryEmail' | 'primaryPhone', value: string | null | undefined) =>
    // Logto compares usernames and emails case-insensitively.
    value && ctx.data.users.find((user) => user.id !== selfId && typeof user[key] === 'string' && user[key]!.toLowerCase() === value.toLowerCase());
  const conflict = taken('username', username)
    ? logtoErrors.usernameInUse()
    : taken('primaryEmail', primaryEmail)
      ? logtoErrors.emailInUse()
      : taken('primaryPhone', primaryPhone)
        ? logtoErrors.phoneInUse()
        : undefined;
  if (conflict) sendJson(ctx.res, 422, conflict);
  return conflict !== undefined;
}

export function userOr404(ctx: RouteContext, id = ctx.params.userId): User | undefined {
  return found(ctx, ctx.data.users.get(id));
}

export function rolesById(ctx: RouteContext, ids: string[]): Role[] {
  return ids.map((id) => ctx.data.roles.get(id)).filter((role): role is Role => !!role);
}

/** `roleIds` that all exist, else 404 sent and undefined. */
function existingRoleIds(ctx: RouteContext): string[] | undefined {
  const roleIds = ctx.body.roleIds as string[];
  if (roleIds.every((id) => ctx.data.roles.get(id))) return roleIds;
  sendJson(ctx.res, 404, logtoErrors.notFound());
  return undefined;
}

export const userRoutes: RouteTable = {
  // Always paginated (default page size 20 when neither page nor page_size is sent).
  ListUsers: (ctx) => {
    const { search, error } = parseUserSearch(ctx.query);
    if (error) return sendJson(ctx.res, 400, error);
    sendList(ctx, search ? ctx.data.users.filter((user) => search.matches(user)) : ctx.data.users, { optional: false });
  },
  CreateUser: (ctx) => {
    if (!guardBody(ctx, userRules)) return;
    const fields = pick<User>(ctx.body, USER_FIELDS);
    if (userConflict(ctx, fields)) return;
    const password = ctx.body.password as string | undefined;
    const user = ctx.data.users.insert(makeUser({ ...fields, hasPassword: password !== undefined || ctx.body.passwordDigest !== undefined }));
    if (password !== undefined) ctx.data.passwords.set(user.id, password);
    sendJson(ctx.res, 200, user);
  },
  GetUser: (ctx) => {
    const user = userOr404(ctx);
    if (user) sendJson(ctx.res, 200, user);
  },
  UpdateUser: (ctx) => {
    if (!userOr404(ctx) || !guardBody(ctx, userRules)) return;
    const fields = pick<User>(ctx.body, USER_FIELDS);
    if (userConflict(ctx, fields, ctx.params.userId)) return;
    sendJson(ctx.res, 200, ctx.data.users.update(ctx.params.userId, { ...fields, updatedAt: Date.now() }));
  },
  DeleteUser: (ctx) => {
    if (!ctx.data.users.delete(ctx.params.userId)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    ctx.data.userRoles.forget(ctx.params.userId);
    ctx.data.organizationMembers.forget(ctx.params.userId);
    ctx.data.passwords.delete(ctx.params.userId);
    sendEmpty(ctx.res, 204);
  },
  ListUserCustomData: (ctx) => {
    const user = userOr404(ctx);
    if (user) sendJson(ctx.res, 200, user.customData);
  },
  // A partial update: the given keys are merged into the existing custom data (top level).
  UpdateUserCustomData: (ctx) => {
    const user = userOr404(ctx);
    if (!user) return;
    const customData = { ...user.customData, ...(ctx.body.customData as Record<string, unknown>) };
    ctx.data.users.update(user.id, { customData, updatedAt: Date.now() });
    sendJson(ctx.res, 200, customData);
  },
  UpdateUserProfile: (ctx) => {
    const user = userOr404(ctx);
    if (!user) return;
    const profile = { ...user.profile, ...(ctx.body.profile as Record<string, unknown>) };
    ctx.data.users.update(user.id, { profile, updatedAt: Date.now() });
    sendJson(ctx.res, 200, profile);
  },
  UpdateUserPassword: (ctx) => {
    const user = userOr404(ctx);
    if (!user) return;
    ctx.data.passwords.set(user.id, ctx.body.password as string);
    sendJson(ctx.res, 200, ctx.data.users.update(user.id, { hasPassword: true, updatedAt: Date.now() }));
  },
  VerifyUserPassword: (ctx) => {
    const user = userOr404(ctx);
    if (!user) return;
    const stored = ctx.data.passwords.get(user.id);
    if (stored === undefined || stored !== ctx.body.password) return sendJson(ctx.res, 422, logtoErrors.invalidCredentials());
    sendEmpty(ctx.res, 204);
  },
  GetUserHasPassword: (ctx) => {
    const user = userOr404(ctx);
    if (user) sendJson(ctx.res, 200, { hasPassword: user.hasPassword });
  },
  UpdateUserIsSuspended: (ctx) => {
    const user = userOr404(ctx);
    if (!user) return;
    sendJson(ctx.res, 200, ctx.data.users.update(user.id, { isSuspended: ctx.body.isSuspended as boolean, updatedAt: Date.now() }));
  },

  ListUserRoles: (ctx) => {
    if (userOr404(ctx)) sendList(ctx, rolesById(ctx, ctx.data.userRoles.of(ctx.params.userId)), { optional: false });
  },
  AssignUserRoles: (ctx) => {
    if (!userOr404(ctx)) return;
    const roleIds = existingRoleIds(ctx);
    if (!roleIds) return;
    const addedRoleIds = ctx.data.userRoles.add(ctx.params.userId, roleIds);
    sendJson(ctx.res, 201, { roleIds, addedRoleIds });
  },
  ReplaceUserRoles: (ctx) => {
    if (!userOr404(ctx)) return;
    const roleIds = existingRoleIds(ctx);
    if (!roleIds) return;
    ctx.data.userRoles.replace(ctx.params.userId, roleIds);
    sendJson(ctx.res, 200, { roleIds });
  },
  DeleteUserRole: (ctx) => {
    if (!userOr404(ctx)) return;
    if (!ctx.data.userRoles.remove(ctx.params.userId, ctx.params.roleId)) return sendJson(ctx.res, 404, logtoErrors.notFound());
    sendEmpty(ctx.res, 204);
  },
  ListUserOrganizations: (ctx) => {
    if (!userOr404(ctx)) return;
    const organizations = ctx.data.organizationMembers.ownersOf(ctx.params.userId).map((id) => ctx.data.organizations.get(id)!).filter(Boolean);
    sendJson(ctx.res, 200, organizations.map((organization) => organizationWithRoles(ctx, organization, ctx.params.userId)));
  },
};
