/**
 * Which failed attempts are retried, how long to wait first, and the hooks and debug log
 * around it. The transport's attempt loop calls `RetryPolicy.afterFailure` once per failed
 * attempt; everything else (sending, errors) stays in the transport.
 *
 * The rule that decides everything: a retry must never apply a write twice.
 * - 429 is retried for every method: Logto refused before acting.
 * - A connection that was never made (refused, DNS failure, connect timeout) is retried for
 *   every method: no byte reached the server.
 * - 408, 500, 502, 503, 504, a connection reset or cut mid-response, and a timeout are retried
 *   only for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE, RFC 9110 §9.2.2): the
 *   server may have acted, and repeating those is harmless. POST and PATCH are retried after
 *   such failures only when the call sets `retryNonIdempotent: true`.
 * - Anything else (4xx, the caller's abort, a bad response body) is not retried.
 */
import type { HttpMethod } from '../client/operation.js';
import type { DebugLog } from '../logging/debug-log.js';
import { networkErrorCode } from '../transport/network-failure.js';
import type { RateLimiter } from './rate-limit.js';

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8_000;

const IDEMPOTENT = new Set<string>(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRYABLE_STATUS = new Set([408, 500, 502, 503, 504]);

/**
 * What went wrong with one attempt, as the transport saw it:
 * - `status`: an HTTP response with a non-2xx status;
 * - `not-sent`: the connection was never established, so the server saw nothing;
 * - `connection`: the connection failed after the request may have been sent (reset, closed
 *   mid-response);
 * - `timeout`: the attempt's timeout passed after the request was sent.
 */
export type AttemptFailure =
  | { kind: 'status'; status: number; headers: Headers }
  | { kind: 'not-sent'; error: unknown }
  | { kind: 'connection'; error: unknown }
  | { kind: 'timeout'; error: unknown };

export interface RetryEvent {
  /** The attempt that failed, from 1. The retry is attempt + 1. */
  attempt: number;
  /** How long the client waits before the retry, ms. */
  waitMs: number;
  /** HTTP status of the failed attempt; undefined for network failures and timeouts. */
  status: number | undefined;
  method: string;
  /** Request path without the query string (`/api/users/u1`, `/oidc/token`). */
  path: string;
  /** Why it is retried: `429`, `503`, `connection refused`, `timeout`... */
  reason: string;
  error: unknown;
}

export interface RateLimitEvent {
  attempt: number;
  /** The wait the client honours: Retry-After (capped) or backoff, ms. Every queued call waits too. */
  waitMs: number;
  status: 429;
  method: string;
  path: string;
  /** What `Retry-After` asked for, ms; undefined when it was missing or malformed. */
  retryAfterMs: number | undefined;
  /** False when retries are used up or Retry-After is over the cap: the call fails. */
  willRetry: boolean;
}

export interface RetryOptions {
  /** Retries after the first attempt (client default; `CallOptions.maxRetries` overrides). Default 2. */
  maxRetries?: number;
  /** Longest `Retry-After` honoured, ms. A 429 asking for more fails with `LogtoRateLimitError`. Default 60 000. */
  maxRetryAfterMs?: number;
  /** Called before every retry wait. Throwing from it stops the retry and fails the call with that error. */
  onRetry?: (event: RetryEvent) => void;
  /** Called for every 429, retried or not. Throwing from it fails the call with that error. */
  onRateLimit?: (event: RateLimitEvent) => void;
}

export interface RetryCall {
  method: HttpMethod | string;
  path: string;
  /** Per-call override of the client's `maxRetries`. */
  maxRetries?: number;
  retryNonIdempotent?: boolean;
  signal?: AbortSignal;
}

export type RetryDecision =
  | { retry: true; waitMs: number; reason: string }
  /** `retryAfterMs` is set for a 429 so the error can carry it. */
  | { retry: false; reason: string; retryAfterMs?: number; overCap?: boolean };

export interface RetryPolicyOptions extends RetryOptions {
  /** Paused for every 429 so queued calls wait too. */
  limiter?: RateLimiter;
  log?: DebugLog;
  /** Injected by tests; default: an abortable `setTimeout`. */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Injected by tests; default `Math.random`. */
  random?: () => number;
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
}

export { classifyFetchError, networkErrorCode } from '../transport/network-failure.js';

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in ms from `now`: delay-seconds or an HTTP-date. A date in
 * the past is 0. Returns undefined when absent or malformed, so the caller falls back to
 * backoff rather than trusting garbage (`Date.parse` alone accepts "1.5" as a date in 2001).
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  // delay-seconds is 1*DIGIT; a fractional value is out of spec but its meaning is clear.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // IMF-fixdate, and the obsolete RFC 850 and asctime forms, all start with a day name.
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i.test(text)) return undefined;
  // Every HTTP-date is in GMT (§5.6.7), but asctime does not say so and Date.parse would read
  // it in the machine's local zone: name the zone for it.
  const date = Date.parse(/\d{4}$/.test(text) ? `${text} GMT` : text);
  if (!Number.isFinite(date)) return undefined;
  return Math.max(0, date - now);
}

/** 0.5 s · 2ⁿ, at most 8 s, minus up to 25 % jitter so clients that failed together spread out. */
export function backoffMs(retryIndex: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_BASE_MS * 2 ** retryIndex, BACKOFF_MAX_MS);
  return Math.round(base * (1 - 0.25 * random()));
}

const abortableSleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class RetryPolicy {
  readonly maxRetries: number;
  readonly maxRetryAfterMs: number;
  readonly #options: RetryPolicyOptions;
  readonly #sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;

  constructor(options: RetryPolicyOptions = {}) {
    this.maxRetries = checkRetries(options.maxRetries ?? DEFAULT_MAX_RETRIES, 'maxRetries');
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    if (!(this.maxRetryAfterMs >= 0)) throw new RangeError(`maxRetryAfterMs must be ≥ 0, got ${options.maxRetryAfterMs}`);
    this.#options = options;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  /** The decision alone, without waiting, pausing or calling hooks. `attempt` is the failed one, from 1. */
  decide(failure: AttemptFailure, call: RetryCall, attempt: number): RetryDecision {
    const maxRetries = call.maxRetries === undefined ? this.maxRetries : checkRetries(call.maxRetries, 'maxRetries');
    const retriesLeft = attempt <= maxRetries;
    const mayRepeat = isIdempotent(call.method) || call.retryNonIdempotent === true;
    const backoff = () => backoffMs(attempt - 1, this.#random);

    if (failure.kind === 'status') {
      const { status } = failure;
      const retryAfterMs = parseRetryAfter(failure.headers.get('retry-after'), this.#now());
      if (status === 429) {
        if (retryAfterMs !== undefined && retryAfterMs > this.maxRetryAfterMs) {
          return { retry: false, reason: `429 with Retry-After ${retryAfterMs} ms, over the ${this.maxRetryAfterMs} ms cap`, retryAfterMs, overCap: true };
        }
        const waitMs = retryAfterMs ?? backoff();
        if (!retriesLeft) return { retry: false, reason: `429, no retries left (maxRetries ${maxRetries})`, retryAfterMs: waitMs };
        return { retry: true, waitMs, reason: '429' };
      }
      if (!RETRYABLE_STATUS.has(status)) return { retry: false, reason: `${status} is not retryable` };
      if (!mayRepeat) return { retry: false, reason: `${status} after a ${call.method} may have been applied; not retried without retryNonIdempotent` };
      if (!retriesLeft) return { retry: false, reason: `${status}, no retries left (maxRetries ${maxRetries})` };
      // 503 (and others) may say when to come back; honour it within the cap, else give up.
      if (retryAfterMs !== undefined && retryAfterMs > this.maxRetryAfterMs) {
        return { retry: false, reason: `${status} with Retry-After ${retryAfterMs} ms, over the ${this.maxRetryAfterMs} ms cap` };
      }
      return { retry: true, waitMs: retryAfterMs ?? backoff(), reason: String(status) };
    }

    const reason = failure.kind === 'not-sent' ? 'connection refused' : failure.kind === 'timeout' ? 'timeout' : 'connection reset';
    if (failure.kind !== 'not-sent' && !mayRepeat) {
      return { retry: false, reason: `${reason} after a ${call.method} may have reached the server; not retried without retryNonIdempotent` };
    }
    if (!retriesLeft) return { retry: false, reason: `${reason}, no retries left (maxRetries ${maxRetries})` };
    return { retry: true, waitMs: backoff(), reason };
  }

  /**
   * Called by the transport after a failed attempt (`attempt` from 1). On a 429 it pauses the
   * limiter for the wait (at most the cap) and calls `onRateLimit`; when retrying it calls
   * `onRetry` and then sleeps (rejecting with `signal.reason` if the call is aborted meanwhile).
   * `release` (the attempt's limiter slot) is called once the pause is in place, before any
   * hook or wait.
   */
  async afterFailure(failure: AttemptFailure, call: RetryCall, attempt: number, release?: () => void): Promise<RetryDecision> {
    let decision: RetryDecision;
    try {
      decision = this.decide(failure, call, attempt);
      if (failure.kind === 'status' && failure.status === 429) this.#pause(decision, failure.headers);
    } finally {
      // Only now may the attempt's slot go back: released before the pause, it would go straight
      // to the next queued call, which would fire into the wall.
      release?.();
    }
    return this.#report(failure, call, attempt, decision);
  }

  /** Everyone waits, not just this call: the next request would hit the same wall. */
  #pause(decision: RetryDecision, headers: Headers): void {
    // A Retry-After beyond the cap pauses only up to the cap, so one odd header cannot freeze
    // the client; that call fails instead.
    const waitMs = decision.retry ? decision.waitMs : Math.min(decision.retryAfterMs ?? 0, this.maxRetryAfterMs);
    if (waitMs > 0) this.#options.limiter?.pauseUntil(this.#now() + waitMs);
  }

  async #report(failure: AttemptFailure, call: RetryCall, attempt: number, decision: RetryDecision): Promise<RetryDecision> {
    const status = failure.kind === 'status' ? failure.status : undefined;
    const error = failure.kind === 'status' ? undefined : failure.error;
    const log = this.#options.log;

    if (status === 429) {
      const retryAfterMs = parseRetryAfter((failure as { headers: Headers }).headers.get('retry-after'), this.#now());
      const waitMs = decision.retry ? decision.waitMs : Math.min(decision.retryAfterMs ?? 0, this.maxRetryAfterMs);
      log?.('rate-limited', { method: call.method, path: call.path, attempt, status, wait: waitMs, retryAfter: retryAfterMs, retry: decision.retry });
      this.#options.onRateLimit?.({ attempt, waitMs, status: 429, method: call.method, path: call.path, retryAfterMs, willRetry: decision.retry });
    }

    if (!decision.retry) {
      // Only failures that could have been retried are worth a line (not every 404).
      if (status !== 429 && (status === undefined || RETRYABLE_STATUS.has(status))) {
        log?.('giving up', { method: call.method, path: call.path, attempt, status, reason: decision.reason });
      }
      return decision;
    }
    log?.('retry', { method: call.method, path: call.path, attempt, status, wait: decision.waitMs, reason: decision.reason, error: describe(error) });
    this.#options.onRetry?.({ attempt, waitMs: decision.waitMs, status, method: call.method, path: call.path, reason: decision.reason, error });
    await this.#sleep(decision.waitMs, call.signal);
    return decision;
  }
}

function checkRetries(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

/** An error's name, message and network code for the debug log — never headers or bodies. */
function describe(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  if (!(error instanceof Error)) return String(error);
  const code = networkErrorCode(error);
  return `${error.name}: ${error.message}${code ? ` (${code})` : ''}`;
}
