export { DEFAULT_CLIENT, DEFAULT_RESOURCE, FakeLogto, startFakeLogto } from './server/fake-logto.js';
export type { FakeLogtoCounters, FakeLogtoOptions, Interceptor, Latency, RecordedRequest } from './server/fake-logto.js';
export type { Fault, FaultMatch } from './faults/faults.js';
export { tokenFailure, type FakeClient, type IssuedToken, type TokenFailureMode } from './auth/token-endpoint.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './routes/pagination.js';
export type { Application, LogEntry, ManagementData, Organization, Role, User } from './state/management-data.js';
