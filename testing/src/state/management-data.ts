/**
 * The fake's tables and the relations between them: users (with passwords), roles and their
 * scopes, applications (M2M apps can ask for tokens), API resources and their scopes,
 * organizations with members, organization roles and scopes, and the audit log; the row
 * factories and the seeding helpers tests use.
 */
import { randomBytes } from 'node:crypto';
import type { ClientDirectory, FakeClient } from '../auth/token-endpoint.js';
import { Collection } from './collection.js';
import type { Application, LogEntry, Organization, OrganizationRole, OrganizationScope, Resource, Role, Scope, SeedData, User } from './entities.js';
import type { EntityDefaults } from './entity-defaults.js';
import { Relation } from './relation.js';

export type { Application, LogEntry, Organization, OrganizationRole, OrganizationScope, Resource, Role, Scope, SeedData, User } from './entities.js';
export { Relation } from './relation.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Logto-like ids: lowercase alphanumerics (users 12, others 21 characters). */
export function newId(length = 21): string {
  const bytes = randomBytes(length);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

/** A fixed instant for generated rows so lazily generated pages are deterministic. */
const SEED_TIME = Date.UTC(2026, 0, 1);

export function makeUser(fields: Partial<User> = {}): User {
  const now = Date.now();
  return {
    id: newId(12),
    username: null,
    primaryEmail: null,
    primaryPhone: null,
    name: null,
    avatar: null,
    customData: {},
    identities: {},
    lastSignInAt: null,
    createdAt: now,
    updatedAt: now,
    profile: {},
    applicationId: null,
    cimdClientId: null,
    isSuspended: false,
    hasPassword: false,
    ...fields,
  };
}

/** Lazy user i: id `u` + 11 digits (12 characters, like Logto's), username `user_<i>`. */
function lazyUser(index: number): User {
  return makeUser({
    id: `u${String(index).padStart(11, '0')}`,
    username: `user_${index}`,
    primaryEmail: `user${index}@example.com`,
    name: `User ${index}`,
    createdAt: SEED_TIME + index,
    updatedAt: SEED_TIME + index,
  });
}

function lazyLog(index: number): LogEntry {
  return {
    tenantId: 'default',
    id: `log${String(index).padStart(18, '0')}`,
    key: 'ExchangeTokenBy.ClientCredentials',
    payload: { key: 'ExchangeTokenBy.ClientCredentials', result: 'Success' },
    // Seeded entries are listed newest first, like Logto's: entry 0 is the newest.
    createdAt: SEED_TIME - index,
  };
}

const lazyIndex = (prefix: string, digits: number) => (id: string) =>
  id.length === prefix.length + digits && id.startsWith(prefix) && /^\d+$/.test(id.slice(prefix.length))
    ? Number(id.slice(prefix.length))
    : -1;

export const MANAGEMENT_API_RESOURCE_ID = 'management-api';
export const MANAGEMENT_API_SCOPE_ID = 'management-api-all';

export class ManagementData {
  readonly users = new Collection<User>();
  readonly roles = new Collection<Role>();
  readonly organizations = new Collection<Organization>();
  readonly applications = new Collection<Application>();
  readonly resources = new Collection<Resource>();
  readonly scopes = new Collection<Scope>();
  readonly organizationRoles = new Collection<OrganizationRole>();
  readonly organizationScopes = new Collection<OrganizationScope>();
  readonly logs = new Collection<LogEntry>();
  /** Plain-text passwords by user id (the fake only ever compares them). */
  readonly passwords = new Map<string, string>();
  /** userId → role ids; applicationId → role ids; role id → scope ids. */
  readonly userRoles = new Relation();
  readonly applicationRoles = new Relation();
  readonly roleScopes = new Relation();
  /** organization id → user ids; `${organizationId} ${userId}` → organization role ids. */
  readonly organizationMembers = new Relation();
  readonly organizationUserRoles = new Relation();
  readonly organizationApplications = new Relation();
  /** organization role id → organization scope ids. */
  readonly organizationRoleScopes = new Relation();
  readonly defaults: EntityDefaults;

  constructor(defaults: EntityDefaults, managementResource: string) {
    this.defaults = defaults;
    // Every Logto has its Management API as a resource with the single scope `all`.
    this.resources.insert({ tenantId: 'default', id: MANAGEMENT_API_RESOURCE_ID, name: 'Logto Management API', indicator: managementResource, isDefault: false, accessTokenTtl: 3600 });
    this.scopes.insert({ tenantId: 'default', id: MANAGEMENT_API_SCOPE_ID, resourceId: MANAGEMENT_API_RESOURCE_ID, name: 'all', description: 'Default scope for Management API, allows all permissions.', createdAt: Date.now() });
  }

  /** A configured M2M client (`options.clients`) is also an application. */
  addConfiguredClient(client: FakeClient): void {
    this.applications.insert(this.makeApplication({ id: client.id, name: client.id, type: 'MachineToMachine', secret: client.secret }));
  }

  /** What the token endpoint asks about applications created through the API. */
  clientDirectory(): ClientDirectory {
    return {
      client: (id) => {
        const app = this.applications.get(id);
        return app?.type === 'MachineToMachine' && app.secret ? { id: app.id, secret: app.secret } : undefined;
      },
      isResource: (indicator) => !!this.resources.find((resource) => resource.indicator === indicator),
      scopesFor: (clientId, indicator) => {
        const resource = this.resources.find((row) => row.indicator === indicator);
        if (!resource) return [];
        const scopeIds = new Set(this.applicationRoles.of(clientId).flatMap((roleId) => this.roleScopes.of(roleId)));
        return [...scopeIds].map((id) => this.scopes.get(id)).filter((scope) => scope?.resourceId === resource.id).map((scope) => scope!.name);
      },
    };
  }

  makeApplication(fields: Partial<Application> & { name: string; type: Application['type'] }): Application {
    const secret = fields.secret ?? newId(32);
    return {
      ...this.defaults.of('GetApplication'),
      tenantId: 'default',
      id: newId(),
      description: null,
      createdAt: Date.now(),
      isThirdParty: false,
      isAdmin: false,
      customData: {},
      ...fields,
      secret,
    } as Application;
  }

  makeOrganization(fields: Partial<Organization> & { name: string }): Organization {
    return {
      ...this.defaults.of('GetOrganization'),
      tenantId: 'default',
      id: newId(),
      description: null,
      customData: {},
      isMfaRequired: false,
      color: {},
      branding: {},
      customCss: null,
      createdAt: Date.now(),
      ...fields,
    } as Organization;
  }

  makeRole(fields: Partial<Role> & { name: string }): Role {
    return { tenantId: 'default', id: newId(), description: fields.name, type: 'User', isDefault: false, ...fields };
  }

  makeResource(fields: { name: string; indicator: string; accessTokenTtl?: number }): Resource {
    return { tenantId: 'default', id: newId(), isDefault: false, accessTokenTtl: 3600, ...fields };
  }

  makeScope(resourceId: string, fields: { name: string; description?: string | null }): Scope {
    return { tenantId: 'default', id: newId(), resourceId, description: null, createdAt: Date.now(), ...fields };
  }

  makeOrganizationRole(fields: { name: string; description?: string | null; type?: OrganizationRole['type'] }): OrganizationRole {
    return { tenantId: 'default', id: newId(), description: null, type: 'User', ...fields };
  }

  /**
   * `count` users generated on demand (never stored until one is modified) — for
   * 200 000-row pagination tests — or the given users, filled in with defaults.
   */
  seedUsers(users: number | Array<Partial<User> & { password?: string }>): User[] | void {
    if (typeof users === 'number') {
      this.users.seedLazy({ count: users, make: lazyUser, indexOf: lazyIndex('u', 11) });
      return;
    }
    return users.map(({ password, ...fields }) => {
      const user = this.users.insert(makeUser({ ...fields, hasPassword: password !== undefined || fields.hasPassword === true }));
      if (password !== undefined) this.passwords.set(user.id, password);
      return user;
    });
  }

  seedRoles(roles: Array<Partial<Role> & { name: string; scopes?: string[] }>): Role[] {
    return roles.map(({ scopes, ...fields }) => {
      const role = this.roles.insert(this.makeRole(fields));
      if (scopes) this.roleScopes.add(role.id, scopes.map((name) => this.scopeByName(name).id));
      return role;
    });
  }

  seedOrganizations(organizations: Array<Partial<Organization> & { name: string }>): Organization[] {
    return organizations.map((fields) => this.organizations.insert(this.makeOrganization(fields)));
  }

  seedApplications(applications: Array<Partial<Application> & { name: string; type: Application['type'] }>): Application[] {
    return applications.map((fields) => this.applications.insert(this.makeApplication(fields)));
  }

  seedResources(resources: Array<{ name: string; indicator: string; scopes?: string[]; accessTokenTtl?: number }>): Resource[] {
    return resources.map(({ scopes, ...fields }) => {
      const resource = this.resources.insert(this.makeResource(fields));
      for (const name of scopes ?? []) this.scopes.insert(this.makeScope(resource.id, { name }));
      return resource;
    });
  }

  seedOrganizationRoles(roles: Array<{ name: string; description?: string | null; type?: OrganizationRole['type'] }>): OrganizationRole[] {
    return roles.map((fields) => this.organizationRoles.insert(this.makeOrganizationRole(fields)));
  }

  /** `count` generated log entries (lazily, like `seedUsers(count)`). */
  seedLogs(count: number): void {
    this.logs.seedLazy({ count, make: lazyLog, indexOf: lazyIndex('log', 18) });
  }

  seed(seed: SeedData): void {
    if (seed.resources) this.seedResources(seed.resources);
    if (seed.users !== undefined) this.seedUsers(seed.users);
    if (seed.roles) this.seedRoles(seed.roles);
    if (seed.organizations) this.seedOrganizations(seed.organizations);
    if (seed.organizationRoles) this.seedOrganizationRoles(seed.organizationRoles);
    if (seed.applications) this.seedApplications(seed.applications);
    if (seed.logs) this.seedLogs(seed.logs);
  }

  /** A scope by `name` (of any resource) or `resource indicator:name`. */
  scopeByName(name: string): Scope {
    const scope = this.scopes.find((row) => row.name === name || `${this.resources.get(row.resourceId)?.indicator}:${row.name}` === name);
    if (!scope) throw new Error(`logto-mgmt-testing: seed names scope ${JSON.stringify(name)}, which no resource has`);
    return scope;
  }
}
