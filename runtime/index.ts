export { ApiPromise, type ApiResult } from './client/api-promise.js';
export { bindNamespace, type BoundNamespace, type BoundOperation, type BoundPaginatedOperation } from './client/bind.js';
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
} from './client/operation.js';

// Client, options, auth, errors, timeouts (issue #3).
export { createLogtoClient, LogtoClient } from './client/client.js';
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
} from './client/options.js';
export { ClientCredentialsTokenSource, ProvidedTokenSource, type TokenSource } from './auth/token-source.js';
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
} from './transport/errors.js';
export { DEFAULT_TIMEOUT_MS } from './transport/timeout.js';
export { consoleLogger, redactSecrets, type LogtoLogger } from './logging/log.js';

// Pagination (issue #4).
export { findLink, LinkHeaderError, parseLinkHeader, type Link } from './pagination/link-header.js';
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
} from './pagination/pagination.js';

// Rate limits, retries, hooks, debug log (issue #5).
export { LogtoRateLimitError } from './transport/errors.js';
export { type LimitsOptions } from './limits/limits.js';
export { DEFAULT_MAX_CONCURRENCY, DEFAULT_RATE_LIMIT, RateLimiter, RateLimitQueueError, type RateLimit, type RateLimiterOptions, type Release } from './limits/rate-limit.js';
export { type RateLimitStore } from './limits/rate-limit-store.js';
export { MemoryRateLimitStore } from './store/memory-rate-limit-store.js';
export {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_AFTER_MS,
  isIdempotent,
  parseRetryAfter,
  type RateLimitEvent,
  type RetryEvent,
  type RetryOptions,
} from './limits/retry.js';
export { type DebugOption } from './logging/debug-log.js';

// Where limits and the M2M token are kept (issue #8). The Redis store is its own entry,
// `logto-mgmt/redis` (runtime/store/redis.ts), so nothing here reaches it.
export { createMemoryStore, type LogtoStore, type ScopedStore, type StoreIdentity } from './store/store.js';
export { MemoryTokenStore, type StoredToken, type TokenStore } from './store/token-store.js';
export { scopedStore, SharedTokenCache, tokenCacheKey, type SharedToken, type SharedTokenCacheOptions } from './store/shared-token-cache.js';
