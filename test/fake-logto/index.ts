export { DEFAULT_CLIENT, DEFAULT_RESOURCE, FakeLogto, startFakeLogto } from './server.js';
export type { FakeLogtoCounters, FakeLogtoOptions, Interceptor, Latency, RecordedRequest } from './server.js';
export type { Fault, FaultMatch } from './faults.js';
export { tokenFailure, type FakeClient, type IssuedToken, type TokenFailureMode } from './token-endpoint.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination.js';
export type { Application, LogEntry, ManagementData, Organization, Role, User } from './management-data.js';
