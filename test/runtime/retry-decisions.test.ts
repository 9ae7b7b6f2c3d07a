/**
 * RetryPolicy's decisions with their reasons (what `giving up` debug lines and errors say),
 * the boundaries of the Retry-After cap, the pause a 429 puts on the limiter, the debug lines
 * and hooks each failure produces, and the parse edges of Retry-After.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createDebugLog } from '../../runtime/logging/debug-log.js';
import { parseRetryAfter, RetryPolicy, type AttemptFailure, type RateLimitEvent, type RetryEvent } from '../../runtime/limits/retry.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const status = (code: number, headers: Record<string, string> = {}): AttemptFailure => ({ kind: 'status', status: code, headers: new Headers(headers) });
const get = { method: 'GET', path: '/api/users' };
const post = { method: 'POST', path: '/api/users' };

function setup(options: ConstructorParameters<typeof RetryPolicy>[0] = {}) {
  const pauses: number[] = [];
  const lines: string[] = [];
  const retries: RetryEvent[] = [];
  const rateLimits: RateLimitEvent[] = [];
  const policy = new RetryPolicy({
    now: () => NOW,
    random: () => 0,
    sleep: async () => {},
    limiter: { pauseUntil: (until: number) => void pauses.push(until - NOW) } as never,
    log: createDebugLog({ warn() {}, debug: (line: string) => void lines.push(line) }),
    onRetry: (event) => void retries.push(event),
    onRateLimit: (event) => void rateLimits.push(event),
    ...options,
  });
  return { policy, pauses, lines, retries, rateLimits };
}

describe('RetryPolicy reasons', () => {
  const policy = new RetryPolicy({ maxRetries: 2, maxRetryAfterMs: 10_000, now: () => NOW, random: () => 0 });
  it.each([
    [status(429, { 'retry-after': '11' }), get, 1, { retry: false, reason: '429 with Retry-After 11000 ms, over the 10000 ms cap', retryAfterMs: 11_000, overCap: true }],
    [status(429, { 'retry-after': '10' }), get, 1, { retry: true, waitMs: 10_000, reason: '429' }],
    [status(429, { 'retry-after': '3' }), get, 3, { retry: false, reason: '429, no retries left (maxRetries 2)', retryAfterMs: 3000 }],
    [status(404), get, 1, { retry: false, reason: '404 is not retryable' }],
    [status(503), post, 1, { retry: false, reason: '503 after a POST may have been applied; not retried without retryNonIdempotent' }],
    [status(503), get, 3, { retry: false, reason: '503, no retries left (maxRetries 2)' }],
    [status(503, { 'retry-after': '11' }), get, 1, { retry: false, reason: '503 with Retry-After 11000 ms, over the 10000 ms cap' }],
    [status(503, { 'retry-after': '10' }), get, 1, { retry: true, waitMs: 10_000, reason: '503' }],
    [{ kind: 'not-sent', error: new Error('refused') } as AttemptFailure, post, 1, { retry: true, waitMs: 500, reason: 'connection refused' }],
    [{ kind: 'timeout', error: new Error('t') } as AttemptFailure, post, 1, { retry: false, reason: 'timeout after a POST may have reached the server; not retried without retryNonIdempotent' }],
    [{ kind: 'connection', error: new Error('reset') } as AttemptFailure, get, 3, { retry: false, reason: 'connection reset, no retries left (maxRetries 2)' }],
  ])('%#', (failure, call, attempt, decision) => {
    expect(policy.decide(failure, call, attempt)).toEqual(decision);
  });

  it('refuses a negative or non-numeric Retry-After cap, and a bad maxRetries, naming them', () => {
    expect(() => new RetryPolicy({ maxRetryAfterMs: -1 })).toThrow('maxRetryAfterMs must be ≥ 0, got -1');
    expect(() => new RetryPolicy({ maxRetryAfterMs: Number.NaN })).toThrow('maxRetryAfterMs must be ≥ 0, got NaN');
    expect(new RetryPolicy({ maxRetryAfterMs: 0 }).maxRetryAfterMs).toBe(0);
    expect(() => new RetryPolicy({ maxRetries: 1.5 })).toThrow('maxRetries must be a non-negative integer, got 1.5');
  });
});

describe('RetryPolicy effects', () => {
  it('a 429 pauses the limiter for its wait, at most the cap, and reports it; a 429 without wait does not pause', async () => {
    const { policy, pauses, lines, rateLimits } = setup({ maxRetryAfterMs: 5000 });
    await policy.afterFailure(status(429, { 'retry-after': '2' }), get, 1);
    await policy.afterFailure(status(429, { 'retry-after': '60' }), get, 1);
    await policy.afterFailure(status(429, { 'retry-after': '0' }), get, 1);
    expect(pauses).toEqual([2000, 5000]);
    expect(rateLimits.map((event) => [event.waitMs, event.retryAfterMs, event.willRetry])).toEqual([
      [2000, 2000, true],
      [5000, 60_000, false],
      [0, 0, true],
    ]);
    expect(lines[0]).toBe('rate-limited method=GET path=/api/users attempt=1 status=429 wait=2000 retryAfter=2000 retry=true');
    expect(lines.filter((line) => line.startsWith('giving up'))).toEqual([]);
  });

  it('a 503 does not pause the limiter; giving up is logged for retryable failures only', async () => {
    const { policy, pauses, lines } = setup({ maxRetries: 0 });
    await policy.afterFailure(status(503), get, 1);
    await policy.afterFailure(status(404), get, 1);
    await policy.afterFailure({ kind: 'timeout', error: new Error('t') }, get, 1);
    expect(pauses).toEqual([]);
    expect(lines).toEqual([
      'giving up method=GET path=/api/users attempt=1 status=503 reason="503, no retries left (maxRetries 0)"',
      'giving up method=GET path=/api/users attempt=1 reason="timeout, no retries left (maxRetries 0)"',
    ]);
  });

  it('a retry line names the error: its name, message and code, or the thrown value', async () => {
    const { policy, lines, retries } = setup();
    await policy.afterFailure({ kind: 'connection', error: Object.assign(new TypeError('fetch failed'), { code: 'ECONNRESET' }) }, get, 1);
    await policy.afterFailure({ kind: 'connection', error: new Error('other side closed') }, get, 1);
    await policy.afterFailure({ kind: 'not-sent', error: 'refused' }, get, 1);
    expect(lines).toEqual([
      'retry method=GET path=/api/users attempt=1 wait=500 reason="connection reset" error="TypeError: fetch failed (ECONNRESET)"',
      'retry method=GET path=/api/users attempt=1 wait=500 reason="connection reset" error="Error: other side closed"',
      'retry method=GET path=/api/users attempt=1 wait=500 reason="connection refused" error=refused',
    ]);
    expect(retries.map((event) => [event.status, event.reason])).toEqual([
      [undefined, 'connection reset'],
      [undefined, 'connection reset'],
      [undefined, 'connection refused'],
    ]);
    const statusRetry = setup();
    await statusRetry.policy.afterFailure(status(502), get, 1);
    expect(statusRetry.lines).toEqual(['retry method=GET path=/api/users attempt=1 status=502 wait=500 reason=502']);
  });

  it('only a 429 pauses the limiter: a retried 503 or network failure waits alone', async () => {
    const { policy, pauses, retries } = setup();
    await policy.afterFailure(status(503), get, 1);
    await policy.afterFailure({ kind: 'connection', error: new Error('reset') }, get, 1);
    expect(retries.map((event) => [event.status, event.waitMs])).toEqual([
      [503, 500],
      [undefined, 500],
    ]);
    expect(pauses).toEqual([]);
  });

  it('reads a failure by its kind alone: fields of another kind on it are ignored', async () => {
    const { policy, pauses, lines, retries, rateLimits } = setup();
    // Structurally valid failures that carry a field of another kind (a status, an error).
    const connection = { kind: 'connection' as const, error: new Error('reset'), status: 429 };
    const unavailable = { kind: 'status' as const, status: 503, headers: new Headers(), error: new Error('stray') };
    await policy.afterFailure(connection, get, 1);
    await policy.afterFailure(unavailable, get, 1);
    expect([pauses, rateLimits]).toEqual([[], []]);
    expect(retries.map((event) => [event.status, event.error])).toEqual([
      [undefined, connection.error],
      [503, undefined],
    ]);
    expect(lines).toEqual([
      'retry method=GET path=/api/users attempt=1 wait=500 reason="connection reset" error="Error: reset"',
      'retry method=GET path=/api/users attempt=1 status=503 wait=500 reason=503',
    ]);
  });

  it('a 429 without a limiter to pause just waits', async () => {
    const policy = new RetryPolicy({ now: () => NOW, sleep: async () => {} });
    expect(await policy.afterFailure(status(429, { 'retry-after': '2' }), get, 1)).toEqual({ retry: true, waitMs: 2000, reason: '429' });
  });

  it('the default sleep rejects at once for a call already aborted, and leaves no listener on the signal', async () => {
    const policy = new RetryPolicy({ random: () => 0 });
    const gone = new Error('gone');
    await expect(policy.afterFailure(status(503, { 'retry-after': '0.02' }), { ...get, signal: AbortSignal.abort(gone) }, 1)).rejects.toBe(gone);
    // Slept to the end: the listener is removed.
    const slept = new AbortController();
    await policy.afterFailure(status(503, { 'retry-after': '0.02' }), { ...get, signal: slept.signal }, 1);
    expect(getEventListeners(slept.signal, 'abort')).toHaveLength(0);
    // Aborted during the sleep: rejects with the reason, and the listener is gone too.
    const aborted = new AbortController();
    const sleeping = policy.afterFailure(status(503, { 'retry-after': '5' }), { ...get, signal: aborted.signal }, 1);
    expect(getEventListeners(aborted.signal, 'abort')).toHaveLength(1);
    aborted.abort(gone);
    await expect(sleeping).rejects.toBe(gone);
    expect(getEventListeners(aborted.signal, 'abort')).toHaveLength(0);
  });

  it('waits with the real clock and sleep when none are given', async () => {
    const policy = new RetryPolicy({ random: () => 0 });
    const started = Date.now();
    const decision = await policy.afterFailure(status(503, { 'retry-after': '0.05' }), get, 1);
    expect(decision).toEqual({ retry: true, waitMs: 50, reason: '503' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});

describe('parseRetryAfter edges', () => {
  it.each([
    ['1.25', 1250],
    ['thu, 26 Nov 2026 12:00:30 GMT', 30_000],
    ['THURSDAY, 26-Nov-26 12:00:05 GMT', 5000],
    // Out of spec (HTTP-dates are GMT), but a zone the date names is kept: only a date that
    // ends in its year (asctime, no zone) is read as GMT. Both hold in any machine zone.
    ['Thu, 26 Nov 2026 12:00:30 EST', 18_030_000],
    ['Thu, 26 Nov 2026 12:00:30 GMT-1', 3_630_000],
  ])('%j → %d ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it.each(['x Thu, 26 Nov 2026 12:00:30 GMT', '26 Nov 2026 12:00:30 GMT', 'Thu,26 Nov 2026 12:00:30 GMT'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});
