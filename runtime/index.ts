export { ApiPromise, type ApiResult } from './api-promise.js';
export { bindNamespace, type BoundNamespace, type BoundOperation, type BoundPaginatedOperation } from './bind.js';
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

// Client, options, auth, errors, timeouts (issue #3).
export { createLogtoClient, LogtoClient } from './client.js';
export {
  DEFAULT_SCOPE,
  DEFAULT_SELF_HOSTED_RESOURCE,
  DEFAULT_TOKEN_LEEWAY_SECONDS,
  DEFAULT_TOKEN_TIMEOUT_MS,
  type AccessTokenProvider,
  type ClientCredentialsOptions,
  type CommonOptions,
  type LogtoAccessTokenOptions,
  type LogtoClientOptions,
  type LogtoCloudOptions,
  type LogtoSelfHostedOptions,
  type UserTokenProvider,
} from './options.js';
export { ClientCredentialsTokenSource, ProvidedTokenSource, type TokenSource } from './auth.js';
export {
  apiErrorKind,
  LogtoApiError,
  LogtoAuthError,
  LogtoBadRequestError,
  LogtoConflictError,
  LogtoConnectionError,
  LogtoError,
  LogtoForbiddenError,
  LogtoInvalidResponseError,
  LogtoNotFoundError,
  LogtoServerError,
  LogtoTimeoutError,
  LogtoUnauthorizedError,
  LogtoUnprocessableEntityError,
  type LogtoApiErrorKind,
} from './errors.js';
export { DEFAULT_TIMEOUT_MS } from './timeout.js';
export { consoleLogger, redactSecrets, type LogtoLogger } from './log.js';

// Pagination (issue #4).
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

// Rate limits, retries, hooks, debug log (issue #5).
export { LogtoRateLimitError } from './errors.js';
export { type LimitsOptions } from './limits.js';
export { DEFAULT_MAX_CONCURRENCY, DEFAULT_RATE_LIMIT, RateLimiter, RateLimitQueueError, type RateLimit, type RateLimiterOptions, type Release } from './rate-limit.js';
export { type RateLimitStore } from './rate-limit-store.js';
export { MemoryRateLimitStore } from './store/memory-rate-limit-store.js';
export {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_AFTER_MS,
  isIdempotent,
  parseRetryAfter,
  type RateLimitEvent,
  type RetryEvent,
  type RetryOptions,
} from './retry.js';
export { type DebugOption } from './debug-log.js';

// Where limits and the M2M token are kept (issue #8). The Redis store is its own entry,
// `logto-mgmt/redis` (runtime/store/redis.ts), so nothing here reaches it.
export { createMemoryStore, type LogtoStore, type ScopedStore, type StoreIdentity } from './store/store.js';
export { MemoryTokenStore, type StoredToken, type TokenStore } from './store/token-store.js';
export { scopedStore, SharedTokenCache, tokenCacheKey, type SharedToken, type SharedTokenCacheOptions } from './store/shared-token-cache.js';
