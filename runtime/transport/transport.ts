/**
 * Sends one operation: credentials per the operation's `security`, the per-attempt timeout,
 * the 401 replay, and the mapping of every failure to a `LogtoError`. One loop, one iteration
 * per attempt: take a slot from the rate limiter, send, release, and let the retry policy
 * (retry.ts) decide whether a failure is tried again.
 *
 * The request is rebuilt from `params` (http-request.ts) on every attempt, so a replayed or
 * retried request carries the same body without buffering a consumed stream.
 */
import { defaultPathSerializer } from 'openapi-fetch';
import type { ApiResult } from '../client/api-promise.js';
import type { TokenSource } from '../auth/token-source.js';
import {
  createApiError,
  LogtoConnectionError,
  LogtoError,
  LogtoInvalidResponseError,
  LogtoTimeoutError,
  type LogtoApiError,
} from './errors.js';
import type { Limits } from '../limits/limits.js';
import type { LogtoLogger } from '../logging/log.js';
import type { CallOptions, OperationDescriptor, RequestParams } from '../client/operation.js';
import type { UserTokenProvider } from '../client/options.js';
import type { Release } from '../limits/rate-limit.js';
import { classifyFetchError, type AttemptFailure, type RetryCall } from '../limits/retry.js';
import type { HttpRequester, HttpResult } from './http-request.js';
import { AttemptSignal } from './timeout.js';

export interface TransportConfig {
  /** Sends one attempt (http-request.ts). */
  send: HttpRequester;
  /** M2M credentials; undefined when the client has none (M2M operations then throw). */
  tokenSource: TokenSource | undefined;
  timeoutMs: number;
  userToken: string | undefined;
  getUserToken: UserTokenProvider | undefined;
  logger: LogtoLogger;
  /** The client's rate limiter and retry policy (issue #5). */
  limits: Limits;
}

/** `/api/users/{userId}` + `{userId: 'u1'}` → `/api/users/u1` (error messages only), encoded as the request's path. */
function concretePath(operation: OperationDescriptor, params: RequestParams | undefined): string {
  return defaultPathSerializer(operation.path, params?.path ?? {});
}

export class Transport {
  readonly #send: HttpRequester;
  readonly #tokenSource: TokenSource | undefined;
  readonly #timeoutMs: number;
  readonly #userToken: string | undefined;
  readonly #getUserToken: UserTokenProvider | undefined;
  readonly #logger: LogtoLogger;
  readonly #limits: Limits;

  constructor(config: TransportConfig) {
    this.#send = config.send;
    this.#tokenSource = config.tokenSource;
    this.#timeoutMs = config.timeoutMs;
    this.#userToken = config.userToken;
    this.#getUserToken = config.getUserToken;
    this.#logger = config.logger;
    this.#limits = config.limits;
  }

  async send<Data>(
    operation: OperationDescriptor,
    params: RequestParams | undefined,
    options: CallOptions | undefined,
  ): Promise<ApiResult<Data>> {
    const timeoutMs = positiveTimeout(options?.timeoutMs ?? this.#timeoutMs);
    const callerSignal = options?.signal;
    /** Set after a 401 to an M2M token: the one replay has been spent. */
    let unauthorized: { token: string; error: LogtoApiError } | undefined;

    /** Failed attempts the retry policy has seen (a 401 replay is not one). */
    let failures = 0;

    for (;;) {
      // The attempt's timer starts here, so time spent queued in the limiter counts against it.
      const attemptSignal = new AttemptSignal(callerSignal, timeoutMs);
      let token: string | undefined;
      let result: HttpResult | undefined;
      let release: Release | undefined;
      /** A network failure or timeout the retry policy may retry, and the error it becomes. */
      let failure: Extract<AttemptFailure, { error: unknown }> | undefined;
      try {
        try {
          token = await this.#credential(operation, options, attemptSignal.signal);
        } catch (error) {
          throw this.#abortOr(error, attemptSignal, operation, params, timeoutMs);
        }
        // A replay only makes sense with a different token (a provider may hand back the same one).
        if (unauthorized && token === unauthorized.token) throw unauthorized.error;

        // After the credential: a token request takes its own slot, so holding one here while
        // it queues could deadlock a client with maxConcurrency 1.
        release = this.#limits.limiter.tryAcquire() ?? (await this.#queue(attemptSignal, operation, params, timeoutMs));

        try {
          result = await this.#send({
            method: operation.method,
            path: operation.path,
            pathParams: params?.path,
            query: params?.query,
            body: params?.body,
            bodyType: operation.body,
            token,
            headers: options?.headers,
            signal: attemptSignal.signal,
          });
        } catch (error) {
          const mapped = this.#abortOr(error, attemptSignal, operation, params, timeoutMs, true);
          if (mapped instanceof LogtoTimeoutError) failure = { kind: 'timeout', error: mapped };
          else if (mapped instanceof LogtoConnectionError) failure = { kind: classifyFetchError(error), error: mapped };
          else throw mapped;
        }
      } finally {
        // http-request.ts has read the whole body by now, so the timeout covered it.
        attemptSignal.dispose();
        // Before any retry wait: a call sleeping on a backoff holds no slot. A 429's slot goes
        // back only once the limiter is paused (afterFailure), or a queued call would take it first.
        if (result?.response.status !== 429) release?.();
      }

      if (failure) {
        const decision = await this.#limits.retry.afterFailure(failure, this.#retryCall(operation, params, options), ++failures);
        if (decision.retry) continue;
        throw failure.error;
      }

      const response = result!.response;
      if (response.ok) return { data: result!.data as Data, response };

      const error = createApiError({
        status: response.status,
        method: operation.method,
        path: concretePath(operation, params),
        headers: response.headers,
        body: result!.error,
      });
      // Logto rejected the M2M token (expired early, signing key rotated, revoked): drop it
      // (only if nobody replaced it yet), get another, replay once. A second 401 is final.
      if (response.status === 401 && operation.security === 'm2m' && !unauthorized && token !== undefined) {
        this.#logger.debug?.(`${operation.method} ${operation.path} answered 401; refreshing the M2M token and replaying once`);
        this.#tokenSource!.invalidate(token);
        unauthorized = { token, error };
        continue;
      }
      // 429 (every method), 408/5xx (idempotent methods): the policy decides, waits, pauses the
      // limiter on a 429. A final 429 is a LogtoRateLimitError carrying Retry-After.
      const decision = await this.#limits.retry.afterFailure(
        { kind: 'status', status: response.status, headers: response.headers },
        this.#retryCall(operation, params, options),
        ++failures,
        release,
      );
      if (decision.retry) continue;
      throw error;
    }
  }

  #retryCall(operation: OperationDescriptor, params: RequestParams | undefined, options: CallOptions | undefined): RetryCall {
    return {
      method: operation.method,
      path: concretePath(operation, params),
      maxRetries: options?.maxRetries,
      retryNonIdempotent: options?.retryNonIdempotent,
      signal: options?.signal,
    };
  }

  /** Waits in the limiter's queue; the attempt's signal carries both the caller's abort and the timeout. */
  async #queue(attemptSignal: AttemptSignal, operation: OperationDescriptor, params: RequestParams | undefined, timeoutMs: number): Promise<Release> {
    try {
      return await this.#limits.limiter.acquire({ signal: attemptSignal.signal });
    } catch (error) {
      if (attemptSignal.callerAborted) throw attemptSignal.callerReason;
      if (attemptSignal.timedOut) {
        throw new LogtoTimeoutError(operation.method, concretePath(operation, params), timeoutMs, this.#limits.limiter.describe());
      }
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
    // http-request.ts parses 2xx bodies with JSON.parse; undici network errors are TypeErrors.
    if (error instanceof SyntaxError) return new LogtoInvalidResponseError(operation.method, path, undefined, 'a body that is not valid JSON');
    return new LogtoConnectionError(operation.method, path, error);
  }
}

/** A call's timeout is checked as the client option is: 0, a negative or NaN would mean no timeout at all. */
function positiveTimeout(timeoutMs: number): number {
  if (timeoutMs > 0) return timeoutMs;
  throw new LogtoError(`timeoutMs must be a positive number of ms (or Infinity), got ${timeoutMs}`);
}
