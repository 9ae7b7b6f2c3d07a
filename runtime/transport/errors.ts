/**
 * Everything the client throws is a `LogtoError`:
 * - `LogtoApiError` (and one subclass per common status): Logto answered non-2xx;
 * - `LogtoAuthError`: the token endpoint refused us or answered something unusable;
 * - `LogtoConnectionError`: no usable HTTP response (refused, reset, cut mid-body);
 * - `LogtoTimeoutError`: the per-call or token timeout passed;
 * - `LogtoInvalidResponseError`: a 2xx whose body is not the JSON it claims to be.
 * A caller's own abort is not wrapped: the caller gets its `signal.reason` back.
 *
 * No error ever carries a request (its Authorization header) or a token-endpoint body, so the
 * client secret and access tokens cannot leak through `message`, `cause`, JSON or inspect.
 */
import { parseRetryAfter } from '../limits/retry.js';

export type LogtoApiErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'server'
  | 'other';

export class LogtoError extends Error {
  /** Own fields only, never `cause` (a cause from fetch may hold more than we want to print). */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    for (const key of Object.keys(this)) if (key !== 'cause') json[key] = (this as Record<string, unknown>)[key];
    return json;
  }
}

export interface LogtoApiErrorInit {
  status: number;
  method: string;
  /** Request path without the query, e.g. `/api/users/u1`. */
  path: string;
  /** Response headers (`Retry-After`, `Total-Number`…). */
  headers: Headers;
  /** The parsed error body: Logto's `{code, message, data?, details?}`, or text for non-JSON. */
  body: unknown;
}

export function apiErrorKind(status: number): LogtoApiErrorKind {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 422:
      return 'unprocessable';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'server' : 'other';
  }
}

/** Logto answered with a non-2xx status. Switch on `kind`, or catch a subclass. */
export class LogtoApiError extends LogtoError {
  readonly status: number;
  readonly kind: LogtoApiErrorKind;
  /** Logto's error code, e.g. `entity.not_found`, `guard.invalid_input`; undefined for non-JSON bodies. */
  readonly code: string | undefined;
  /** Logto's human-readable message (or the text body, e.g. `Not Found` for an unknown route). */
  readonly logtoMessage: string | undefined;
  /** Extra structured data (`guard.invalid_input` carries the ZodError here). */
  readonly data: unknown;
  /** `guard.invalid_input`'s summary, e.g. `Error in key path "primaryEmail": (invalid_string) Invalid`. */
  readonly details: string | undefined;
  readonly method: string;
  readonly path: string;
  /** Response headers. Not enumerable: keeps JSON and inspect output short. */
  declare readonly headers: Headers;

  constructor(init: LogtoApiErrorInit) {
    const body = init.body;
    // Logto's JSON object, or text (a string, or no body), whose fields read as undefined.
    const json = body as Record<string, unknown> | null | undefined;
    const code = typeof json?.code === 'string' ? json.code : undefined;
    const logtoMessage = typeof json?.message === 'string' ? json.message : typeof body === 'string' && body ? body.slice(0, 200) : undefined;
    const details = typeof json?.details === 'string' ? json.details : undefined;
    super(
      `${init.method} ${init.path} failed with ${init.status}` +
        (code ? ` ${code}` : '') +
        (logtoMessage ? `: ${logtoMessage}` : '') +
        (details ? ` (${details})` : ''),
    );
    this.status = init.status;
    this.kind = apiErrorKind(init.status);
    this.code = code;
    this.logtoMessage = logtoMessage;
    this.data = json?.data;
    this.details = details;
    this.method = init.method;
    this.path = init.path;
    Object.defineProperty(this, 'headers', { value: init.headers, enumerable: false });
  }
}

export class LogtoBadRequestError extends LogtoApiError {}
export class LogtoUnauthorizedError extends LogtoApiError {}
export class LogtoForbiddenError extends LogtoApiError {}
export class LogtoNotFoundError extends LogtoApiError {}
export class LogtoConflictError extends LogtoApiError {}
export class LogtoUnprocessableEntityError extends LogtoApiError {}
export class LogtoServerError extends LogtoApiError {}

/**
 * 429: Logto's rate limit. Thrown when the 429s outlast `maxRetries`, or at once when
 * `Retry-After` asks for longer than `maxRetryAfterMs` (then retrying would only hit the wall).
 */
export class LogtoRateLimitError extends LogtoApiError {
  /** What `Retry-After` asked for (delta-seconds or HTTP-date), ms; undefined without one. */
  readonly retryAfterMs: number | undefined;

  constructor(init: LogtoApiErrorInit) {
    super(init);
    this.retryAfterMs = parseRetryAfter(init.headers.get('retry-after'));
    if (this.retryAfterMs !== undefined) this.message += ` (Retry-After: ${Math.ceil(this.retryAfterMs / 1000)} s)`;
  }
}

const apiErrorClasses: Record<number, typeof LogtoApiError> = {
  400: LogtoBadRequestError,
  401: LogtoUnauthorizedError,
  403: LogtoForbiddenError,
  404: LogtoNotFoundError,
  409: LogtoConflictError,
  422: LogtoUnprocessableEntityError,
  429: LogtoRateLimitError,
};

/** The most specific `LogtoApiError` subclass for a status. */
export function createApiError(init: LogtoApiErrorInit): LogtoApiError {
  const ErrorClass = apiErrorClasses[init.status] ?? (init.status >= 500 ? LogtoServerError : LogtoApiError);
  return new ErrorClass(init);
}

export interface LogtoAuthErrorInit {
  /** HTTP status of the token endpoint's answer; undefined when there was none. */
  status?: number;
  /** OAuth `error`, e.g. `invalid_client`, `invalid_target`. */
  error?: string;
  /** OAuth `error_description`. */
  errorDescription?: string;
  cause?: unknown;
}

/** Getting an M2M token failed: rejected credentials, bad resource, unusable response, network. */
export class LogtoAuthError extends LogtoError {
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;

  constructor(message: string, init: LogtoAuthErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.error = init.error;
    this.errorDescription = init.errorDescription;
  }
}

/** No usable response: connection refused, reset, or cut while the body was read. */
export class LogtoConnectionError extends LogtoError {
  readonly method: string;
  readonly path: string;

  constructor(method: string, path: string, cause: unknown) {
    const reason = cause instanceof Error ? describeNetworkError(cause) : String(cause);
    super(`${method} ${path} failed: ${reason}`, { cause });
    this.method = method;
    this.path = path;
  }
}

/** The timeout passed before the response (including its body) was complete. */
export class LogtoTimeoutError extends LogtoError {
  readonly timeoutMs: number;
  readonly method: string;
  readonly path: string;

  /** The call never left the rate limiter's queue: it was not sent. */
  readonly queued: boolean;

  /** `queuedBy` describes the limiter when the time ran out in its queue. */
  constructor(method: string, path: string, timeoutMs: number, queuedBy?: string) {
    super(`${method} ${path} timed out after ${timeoutMs} ms` + (queuedBy ? ` while queued by the rate limiter (${queuedBy}); it was never sent` : ''));
    this.timeoutMs = timeoutMs;
    this.queued = queuedBy !== undefined;
    this.method = method;
    this.path = path;
  }
}

/** A 2xx answer whose body could not be parsed as the JSON it should be. */
export class LogtoInvalidResponseError extends LogtoError {
  /** The status when known (http-request.ts throws on a bad 2xx body before the status reaches the transport). */
  readonly status: number | undefined;
  readonly method: string;
  readonly path: string;

  constructor(method: string, path: string, status: number | undefined, problem: string) {
    super(`${method} ${path} answered ${status ?? '2xx'} with ${problem}`);
    this.status = status;
    this.method = method;
    this.path = path;
  }
}

// Names survive minification (a `constructor.name` would not) and stay off the instances.
for (const [ErrorClass, name] of [
  [LogtoError, 'LogtoError'],
  [LogtoApiError, 'LogtoApiError'],
  [LogtoBadRequestError, 'LogtoBadRequestError'],
  [LogtoUnauthorizedError, 'LogtoUnauthorizedError'],
  [LogtoForbiddenError, 'LogtoForbiddenError'],
  [LogtoNotFoundError, 'LogtoNotFoundError'],
  [LogtoConflictError, 'LogtoConflictError'],
  [LogtoUnprocessableEntityError, 'LogtoUnprocessableEntityError'],
  [LogtoServerError, 'LogtoServerError'],
  [LogtoRateLimitError, 'LogtoRateLimitError'],
  [LogtoAuthError, 'LogtoAuthError'],
  [LogtoConnectionError, 'LogtoConnectionError'],
  [LogtoTimeoutError, 'LogtoTimeoutError'],
  [LogtoInvalidResponseError, 'LogtoInvalidResponseError'],
] as const) {
  Object.defineProperty(ErrorClass.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** undici says "fetch failed"; the useful part (ECONNREFUSED, "other side closed") is in the cause. */
function describeNetworkError(error: Error): string {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const detail = typeof cause?.message === 'string' ? cause.message : undefined;
  if (code && detail) return `${error.message} (${code}: ${detail})`;
  if (detail) return `${error.message} (${detail})`;
  return error.message;
}
