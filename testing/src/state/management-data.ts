/**
 * The fake's tables (users, roles, organizations, applications, logs) with entity shapes
 * following the pinned spec's response schemas, and the seeding helpers tests use.
 */
import { randomBytes } from 'node:crypto';
import { Collection } from './collection.js';

export interface User {
  id: string;
  username: string | null;
  primaryEmail: string | null;
  primaryPhone: string | null;
  name: string | null;
  avatar: string | null;
  customData: Record<string, unknown>;
  identities: Record<string, unknown>;
  lastSignInAt: number | null;
  createdAt: number;
  updatedAt: number;
  profile: Record<string, unknown>;
  applicationId: string | null;
  cimdClientId: string | null;
  isSuspended: boolean;
  hasPassword: boolean;
}

export interface Role {
  tenantId: string;
  id: string;
  name: string;
  description: string;
  type: 'User' | 'MachineToMachine';
  isDefault: boolean;
}

export interface Organization {
  tenantId: string;
  id: string;
  name: string;
  description: string | null;
  customData: Record<string, unknown>;
  isMfaRequired: boolean;
  color: Record<string, unknown>;
  branding: Record<string, unknown>;
  customCss: string | null;
  createdAt: number;
}

export interface Application {
  tenantId: string;
  id: string;
  name: string;
  type: 'MachineToMachine';
  description: string | null;
  createdAt: number;
}

export interface LogEntry {
  tenantId: string;
  id: string;
  key: string;
  payload: { key: string; result: 'Success' | 'Error'; applicationId?: string };
  createdAt: number;
}

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
    createdAt: SEED_TIME + index,
  };
}

const lazyIndex = (prefix: string, digits: number) => (id: string) =>
  id.length === prefix.length + digits && id.startsWith(prefix) && /^\d+$/.test(id.slice(prefix.length))
    ? Number(id.slice(prefix.length))
    : -1;

export class ManagementData {
  readonly users = new Collection<User>();
  readonly roles = new Collection<Role>();
  readonly organizations = new Collection<Organization>();
  readonly applications = new Collection<Application>();
  readonly logs = new Collection<LogEntry>();
  /** userId → role ids; applicationId → role ids. */
  readonly userRoles = new Map<string, Set<string>>();
  readonly applicationRoles = new Map<string, Set<string>>();

  /**
   * `count` users generated on demand (never stored until one is modified) — for
   * 200 000-row pagination tests — or the given users, filled in with defaults.
   */
  seedUsers(users: number | Array<Partial<User>>): User[] | void {
    if (typeof users === 'number') {
      this.users.seedLazy({ count: users, make: lazyUser, indexOf: lazyIndex('u', 11) });
      return;
    }
    return users.map((fields) => this.users.insert(makeUser(fields)));
  }

  seedRoles(roles: Array<Partial<Role> & { name: string }>): Role[] {
    return roles.map((fields) =>
      this.roles.insert({ tenantId: 'default', id: newId(), description: fields.name, type: 'User', isDefault: false, ...fields }),
    );
  }

  seedOrganizations(organizations: Array<Partial<Organization> & { name: string }>): Organization[] {
    return organizations.map((fields) => this.organizations.insert(makeOrganization(fields)));
  }

  /** `count` generated log entries (lazily, like `seedUsers(count)`). */
  seedLogs(count: number): void {
    this.logs.seedLazy({ count, make: lazyLog, indexOf: lazyIndex('log', 18) });
  }
}

export function makeOrganization(fields: Partial<Organization> & { name: string }): Organization {
  return {
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
  };
}
