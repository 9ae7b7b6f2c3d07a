/**
 * The client options for rate limits and retries, and what the client builds from them: one
 * `RateLimiter` and one `RetryPolicy` per client, shared by API calls and token requests.
 */
import { createDebugLog, type DebugOption } from '../logging/debug-log.js';
import { LogtoError } from '../transport/errors.js';
import { RateLimiter, type RateLimit } from './rate-limit.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { classifyFetchError, RetryPolicy, type AttemptFailure, type RetryOptions } from './retry.js';

export interface LimitsOptions extends RetryOptions {
  /** Rolling-window budget. Default `{ requests: 200, intervalMs: 10_000 }` (Logto Cloud); `false` for none. */
  rateLimit?: RateLimit | false;
  /** Requests in flight at once, per process. Default 16. */
  maxConcurrency?: number;
  /** Where the window and the 429 pause live: share one (e.g. the Redis store) across processes. Default: in memory. */
  store?: RateLimitStore;
  /** Names the budget in `store`. Default: derived from the endpoint and the client id. */
  rateLimitKey?: string;
  /** Debug lines for retries and 429s (and the runtime's other debug lines); also `LOGTO_MGMT_DEBUG=1`. */
  debug?: DebugOption;
}

export interface Limits {
  limiter: RateLimiter;
  retry: RetryPolicy;
}

/** Built once per client. `logger` is the client's (already switched by `withDebug`). */
export function createLimits(
  options: LimitsOptions,
  context: { endpoint: string; clientId: string | undefined; logger: { warn(message: string): void; debug?(message: string): void } },
): Limits {
  try {
    return build(options, context);
  } catch (error) {
    if (error instanceof RangeError) throw new LogtoError(`Invalid Logto client options: ${error.message}`);
    throw error;
  }
}

function build(options: LimitsOptions, context: Parameters<typeof createLimits>[1]): Limits {
  const limiter = new RateLimiter({
    rateLimit: options.rateLimit,
    maxConcurrency: options.maxConcurrency,
    store: options.store,
    key: options.rateLimitKey ?? `logto-mgmt:${context.endpoint}:${context.clientId ?? 'access-token'}`,
  });
  const retry = new RetryPolicy({
    maxRetries: options.maxRetries,
    maxRetryAfterMs: options.maxRetryAfterMs,
    onRetry: options.onRetry,
    onRateLimit: options.onRateLimit,
    limiter,
    log: createDebugLog(context.logger),
  });
  return { limiter, retry };
}

/**
 * A `fetch` for the token endpoint that waits for the limiter and retries like an API call.
 * A client-credentials token request changes nothing on the server, so every failure the
 * policy knows is retried (`retryNonIdempotent`), 429s pause the limiter like any other, and
 * the caller's `signal` (the token timeout) covers the queue and the waits.
 */
export function limitedFetch(fetch: typeof globalThis.fetch, { limiter, retry }: Limits): typeof globalThis.fetch {
  return async (input, init) => {
    const method = init?.method ?? 'GET';
    const path = new URL(input instanceof Request ? input.url : input).pathname;
    const signal = init?.signal ?? undefined;
    for (let attempt = 1; ; attempt++) {
      const release = limiter.tryAcquire() ?? (await limiter.acquire({ signal }));
      let failure: AttemptFailure;
      let response: Response | undefined;
      try {
        response = await fetch(input, init);
      } catch (error) {
        release();
        if (signal?.aborted) throw error;
        failure = { kind: classifyFetchError(error), error };
      }
      if (response) {
        if (!(response.status === 429 || response.status >= 500 || response.status === 408)) {
          release();
          return response;
        }
        failure = { kind: 'status', status: response.status, headers: response.headers };
      }
      // Releases the slot once a 429 has paused the limiter (a second release is a no-op).
      const decision = await retry.afterFailure(failure!, { method, path, retryNonIdempotent: true, signal }, attempt, release);
      if (!decision.retry) {
        if (response) return response;
        throw (failure! as { error: unknown }).error;
      }
      // The failed response's body is not needed; free its socket.
      await response?.body?.cancel().catch(() => {});
    }
  };
}
