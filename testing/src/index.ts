/**
 * logto-mgmt-testing: a fake Logto 1.42 for tests. `startFakeLogto()` starts it on 127.0.0.1;
 * `logto-mgmt-testing/msw` serves the same fake as MSW handlers.
 */
export { startFakeLogto } from './server/http-server.js';
export { createFakeLogto } from './server/create-fake-logto.js';
export { DEFAULT_CLIENT, DEFAULT_RESOURCE, FakeLogto } from './server/fake-logto.js';
export type { CredentialKind, FakeLogtoCounters, FakeLogtoCredentials, FakeLogtoOptions, Interceptor, Latency, RecordedRequest } from './server/fake-logto.js';
export type { Fault, FaultMatch } from './faults/faults.js';
export { tokenFailure, type FakeClient, type IssuedToken, type TokenFailureMode } from './auth/token-endpoint.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './routes/pagination.js';
export { STATEFUL_OPERATIONS } from './routes/management-routes.js';
export { CLIENT_CREDENTIALS_LOG_KEY } from './state/audit-log.js';
export { SpecValidator, sharedSpecValidator } from './validation/spec-validator.js';
export { SPEC_PATH } from './spec/spec-document.js';
export type {
  Application,
  LogEntry,
  ManagementData,
  Organization,
  OrganizationRole,
  OrganizationScope,
  Resource,
  Role,
  Scope,
  SeedData,
  User,
} from './state/management-data.js';
