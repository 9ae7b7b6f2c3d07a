/**
 * Sends one operation: credentials per the operation's `security`, the per-attempt timeout,
 * the 401 replay, and the mapping of every failure to a `LogtoError`. One loop, one iteration
 * per attempt; the places where the rate limiter and the retry policy (issue #5) plug in are
 * marked `LIMITS (#5)`.
 *
 * The request is rebuilt from `params` by openapi-fetch on every attempt, so a replayed or
 * retried request carries the same body without buffering a consumed stream.
 */
import type createClient from 'openapi-fetch';
import type { ApiResult } from './api-promise.js';
import type { TokenSource } from './auth.js';
import {
  createApiError,
  LogtoConnectionError,
  LogtoError,
  LogtoInvalidResponseError,
  LogtoTimeoutError,
  type LogtoApiError,
} from './errors.js';
import type { LogtoLogger } from './log.js';
import type { CallOptions, OperationDescriptor, RequestParams } from './operation.js';
import type { UserTokenProvider } from './options.js';
import { AttemptSignal } from './timeout.js';

export type FetchClient = ReturnType<typeof createClient>;

export interface TransportConfig {
  fetchClient: FetchClient;
  /** M2M credentials; undefined when the client has none (M2M operations then throw). */
  tokenSource: TokenSource | undefined;
  timeoutMs: number;
  userToken: string | undefined;
  getUserToken: UserTokenProvider | undefined;
  logger: LogtoLogger;
}

/** `/api/users/{userId}` + `{userId: 'u1'}` → `/api/users/u1` (error messages only). */
function concretePath(operation: OperationDescriptor, params: RequestParams | undefined): string {
  const values = params?.path;
  if (!values) return operation.path;
  return operation.path.replace(/\{([^}]+)\}/g, (match, name: string) =>
    values[name] === undefined ? match : encodeURIComponent(String(values[name])),
  );
}

/** Multipart operations (e.g. user asset upload) take a FormData or a plain object of fields. */
function toFormData(body: unknown): FormData {
  if (body instanceof FormData) return body;
  const form = new FormData();
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (value === undefined) continue;
    form.append(name, value instanceof Blob ? value : String(value));
  }
  return form;
}

export class Transport {
  readonly #fetchClient: FetchClient;
  readonly #tokenSource: TokenSource | undefined;
  readonly #timeoutMs: number;
  readonly #userToken: string | undefined;
  readonly #getUserToken: UserTokenProvider | undefined;
  readonly #logger: LogtoLogger;

  constructor(config: TransportConfig) {
    this.#fetchClient = config.fetchClient;
    this.#tokenSource = config.tokenSource;
    this.#timeoutMs = config.timeoutMs;
    this.#userToken = config.userToken;
    this.#getUserToken = config.getUserToken;
    this.#logger = config.logger;
  }

  async send<Data>(
    operation: OperationDescriptor,
    params: RequestParams | undefined,
    options: CallOptions | undefined,
  ): Promise<ApiResult<Data>> {
    const timeoutMs = options?.timeoutMs ?? this.#timeoutMs;
    const callerSignal = options?.signal;
    /** Set after a 401 to an M2M token: the one replay has been spent. */
    let unauthorized: { token: string; error: LogtoApiError } | undefined;

    for (let attempt = 1; ; attempt++) {
      // LIMITS (#5): `const release = await limiter.acquire({ signal: callerSignal })` — before
      // the attempt, so queued time does not count against the attempt's timeout.
      const attemptSignal = new AttemptSignal(callerSignal, timeoutMs);
      let token: string | undefined;
      let result: { data?: unknown; error?: unknown; response: Response };
      try {
        try {
          token = await this.#credential(operation, options, attemptSignal.signal);
        } catch (error) {
          throw this.#abortOr(error, attemptSignal, operation, params, timeoutMs);
        }
        // A replay only makes sense with a different token (a provider may hand back the same one).
        if (unauthorized && token === unauthorized.token) throw unauthorized.error;

        try {
          result = await this.#fetchClient.request(operation.method as 'get', operation.path as never, {
            params: params ? { path: params.path, query: params.query } : undefined,
            body: params?.body,
            headers: this.#headers(token, options?.headers),
            signal: attemptSignal.signal,
            bodySerializer: operation.body === 'multipart' ? toFormData : undefined,
          } as never);
        } catch (error) {
          // LIMITS (#5): network failures and timeouts of this attempt — ask the retry policy
          // here (`classifyFetchError(error)` tells 'not-sent' from 'connection'; a timeout is
          // `attemptSignal.timedOut`) and `continue` to retry.
          throw this.#abortOr(error, attemptSignal, operation, params, timeoutMs, true);
        }
      } finally {
        // openapi-fetch has read the whole body by now, so the timeout covered it.
        attemptSignal.dispose();
        // LIMITS (#5): `release()`.
      }

      const response = result.response;
      if (response.ok) return { data: result.data as Data, response };

      const error = createApiError({
        status: response.status,
        method: operation.method,
        path: concretePath(operation, params),
        headers: response.headers,
        body: result.error,
      });
      // Logto rejected the M2M token (expired early, signing key rotated, revoked): drop it
      // (only if nobody replaced it yet), get another, replay once. A second 401 is final.
      if (response.status === 401 && operation.security === 'm2m' && !unauthorized && token !== undefined) {
        this.#logger.debug?.(`${operation.method} ${operation.path} answered 401; refreshing the M2M token and replaying once`);
        this.#tokenSource!.invalidate(token);
        unauthorized = { token, error };
        continue;
      }
      // LIMITS (#5): 429 / 5xx — ask the retry policy with
      // `{ kind: 'status', status: response.status, headers: response.headers }` and `continue`.
      throw error;
    }
  }

  /** The Authorization token this operation needs, or undefined for `security: 'none'`. */
  #credential(operation: OperationDescriptor, options: CallOptions | undefined, signal: AbortSignal): string | undefined | Promise<string | undefined> {
    switch (operation.security) {
      case 'none':
        return undefined;
      case 'm2m':
        if (!this.#tokenSource) {
          throw new LogtoError(
            `${operation.id} (${operation.method} ${operation.path}) needs an M2M token: create the client with clientId/clientSecret or getAccessToken`,
          );
        }
        return this.#tokenSource.getToken(signal);
      case 'user':
        return options?.userToken ?? this.#userToken ?? this.#userTokenFromProvider(operation);
    }
  }

  async #userTokenFromProvider(operation: OperationDescriptor): Promise<string> {
    const token = await this.#getUserToken?.();
    if (typeof token === 'string' && token) return token;
    // Never fall back to the M2M token: these endpoints act as the signed-in user.
    throw new LogtoError(
      `${operation.id} (${operation.method} ${operation.path}) is called with an end user's access token: ` +
        'pass { userToken } in the call options, or userToken/getUserToken in the client options',
    );
  }

  #headers(token: string | undefined, extra: Record<string, string> | undefined): Record<string, string> | undefined {
    if (token === undefined) return extra;
    const authorization = `Bearer ${token}`;
    return extra ? { ...extra, authorization } : { authorization };
  }

  /**
   * Maps what a failed attempt threw: the caller's abort → the caller's own reason; our
   * timeout → LogtoTimeoutError; a 2xx body that is not JSON → LogtoInvalidResponseError;
   * other fetch failures → LogtoConnectionError; LogtoErrors (auth) pass through.
   */
  #abortOr(
    error: unknown,
    attemptSignal: AttemptSignal,
    operation: OperationDescriptor,
    params: RequestParams | undefined,
    timeoutMs: number,
    fromFetch = false,
  ): unknown {
    if (attemptSignal.callerAborted) return attemptSignal.callerReason;
    if (attemptSignal.timedOut) return new LogtoTimeoutError(operation.method, concretePath(operation, params), timeoutMs);
    if (!fromFetch || error instanceof LogtoError) return error;
    const path = concretePath(operation, params);
    // openapi-fetch parses 2xx bodies with JSON.parse; undici network errors are TypeErrors.
    if (error instanceof SyntaxError) return new LogtoInvalidResponseError(operation.method, path, undefined, 'a body that is not valid JSON');
    return new LogtoConnectionError(operation.method, path, error);
  }
}
