export { ApiPromise, type ApiResult } from './api-promise.js';
export { bindNamespace, type BoundNamespace, type BoundOperation, type BoundPaginatedOperation } from './bind.js';
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
export { findLink, LinkHeaderError, parseLinkHeader, type Link } from './link-header.js';
export {
  MAX_PAGE_SIZE,
  paginate,
  PaginationError,
  type Page,
  type PageFailure,
  type PageParams,
  type PaginateArgs,
  type PaginatedIterator,
  type PaginateOptions,
} from './pagination.js';
