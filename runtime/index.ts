export { ApiPromise, type ApiResult } from './api-promise.js';
export { bindNamespace, type BoundNamespace, type BoundOperation } from './bind.js';
export { createLogtoClient, LogtoClient, type LogtoClientOptions } from './client.js';
export {
  defineOperation,
  definePaginatedOperation,
  type BodyType,
  type CallOptions,
  type HttpMethod,
  type Operation,
  type OperationArgs,
  type OperationClient,
  type OperationDescriptor,
  type PaginatedOperation,
  type RequestParams,
  type Security,
} from './operation.js';
