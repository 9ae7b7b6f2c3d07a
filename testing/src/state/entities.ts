/**
 * The fake's entities, shaped as the pinned spec's response schemas, and what a fake can be
 * seeded with.
 */
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
  [column: string]: unknown;
}

export interface Application {
  tenantId: string;
  id: string;
  name: string;
  type: 'Native' | 'SPA' | 'Traditional' | 'MachineToMachine' | 'Protected' | 'SAML';
  description: string | null;
  /** The legacy client secret (what `POST /oidc/token` checks). */
  secret?: string;
  createdAt: number;
  [column: string]: unknown;
}

export interface Resource {
  tenantId: string;
  id: string;
  name: string;
  indicator: string;
  isDefault: boolean;
  accessTokenTtl: number;
}

export interface Scope {
  tenantId: string;
  id: string;
  resourceId: string;
  name: string;
  description: string | null;
  createdAt: number;
}

export interface OrganizationRole {
  tenantId: string;
  id: string;
  name: string;
  description: string | null;
  type: 'User' | 'MachineToMachine';
}

export interface OrganizationScope {
  tenantId: string;
  id: string;
  name: string;
  description: string | null;
}

export interface LogEntry {
  tenantId: string;
  id: string;
  key: string;
  payload: {
    key: string;
    result: 'Success' | 'Error';
    applicationId?: string;
    userId?: string;
    ip?: string;
    userAgent?: string;
    params?: Record<string, unknown>;
    error?: Record<string, unknown> | string;
  };
  createdAt: number;
}

/** Rows a fake starts with: `startFakeLogto({ seed })`. */
export interface SeedData {
  /** A count (generated lazily: `u00000000042`, `user_42`, `user42@example.com`) or the users. */
  users?: number | Array<Partial<User> & { password?: string }>;
  roles?: Array<Partial<Role> & { name: string; scopes?: string[] }>;
  organizations?: Array<Partial<Organization> & { name: string }>;
  /** Applications; an M2M one with a `secret` can ask for tokens. */
  applications?: Array<Partial<Application> & { name: string; type: Application['type'] }>;
  /** API resources with the names of their scopes. */
  resources?: Array<{ name: string; indicator: string; scopes?: string[]; accessTokenTtl?: number }>;
  organizationRoles?: Array<{ name: string; description?: string | null; type?: OrganizationRole['type'] }>;
  /** Generated log entries (lazily). */
  logs?: number;
}
