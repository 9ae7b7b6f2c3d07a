import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDebugLog, formatDebugLine, redact, withDebug } from '../../runtime/logging/debug-log.js';
import { RateLimiter } from '../../runtime/limits/rate-limit.js';
import {
  backoffMs,
  classifyFetchError,
  parseRetryAfter,
  RetryPolicy,
  type AttemptFailure,
  type RateLimitEvent,
  type RetryEvent,
} from '../../runtime/limits/retry.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const status = (code: number, headers: Record<string, string> = {}): AttemptFailure => ({ kind: 'status', status: code, headers: new Headers(headers) });
const notSent: AttemptFailure = { kind: 'not-sent', error: new Error('connect ECONNREFUSED') };
const reset: AttemptFailure = { kind: 'connection', error: new Error('other side closed') };
const timeout: AttemptFailure = { kind: 'timeout', error: new Error('timed out') };

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['7', 7000],
    [' 120 ', 120_000],
    ['1.5', 1500],
    ['Thu, 26 Nov 2026 12:00:30 GMT', 30_000], // IMF-fixdate
    ['Thursday, 26-Nov-26 12:00:05 GMT', 5000], // RFC 850
    ['Thu Nov 26 12:00:02 2026', 2000], // asctime: no zone written, GMT all the same
    ['Sun Dec  6 12:00:02 2026', 864_002_000], // asctime pads a one-digit day with a space
    ['Thu, 26 Nov 2026 11:00:00 GMT', 0], // in the past
  ])('reads %j as %i ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  // HTTP-dates are GMT whatever the machine's zone: read them under zones off UTC, so this
  // holds on any CI machine, not only under TZ=UTC. Node re-reads TZ when it is assigned, but
  // only in a main thread (a worker thread, as Stryker's runner uses, keeps its zone): where
  // the assignment does not take, the same reads run in a child process started in the zone.
  const DATES: Array<[string, number]> = [
    ['Thu Nov 26 12:00:02 2026', 2000],
    ['Thu, 26 Nov 2026 12:00:30 GMT', 30_000],
    ['Thursday, 26-Nov-26 12:00:05 GMT', 5000],
  ];
  it.each(['America/New_York', 'Asia/Kolkata', 'UTC'])('reads every HTTP-date form as GMT with TZ=%s', (zone) => {
    const previous = process.env.TZ;
    process.env.TZ = zone;
    try {
      const took = zone === 'UTC' || new Date(NOW).getTimezoneOffset() !== 0;
      const read = took ? { offset: new Date(NOW).getTimezoneOffset(), values: DATES.map(([value]) => parseRetryAfter(value, NOW)) } : readInChildProcess(zone);
      if (zone !== 'UTC') expect(read.offset).not.toBe(0);
      expect(read.values).toEqual(DATES.map(([, ms]) => ms));
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  function readInChildProcess(zone: string): { offset: number; values: Array<number | undefined> } {
    const module = pathToFileURL(fileURLToPath(new URL('../../runtime/limits/retry.ts', import.meta.url))).href;
    const script = `import { parseRetryAfter } from ${JSON.stringify(module)};
console.log(JSON.stringify({ offset: new Date(${NOW}).getTimezoneOffset(), values: ${JSON.stringify(DATES.map(([value]) => value))}.map((value) => parseRetryAfter(value, ${NOW})) }));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, TZ: zone }, encoding: 'utf8' });
    return JSON.parse(output);
  }

  it.each([null, undefined, '', '-1', 'soon', '1e3', '0x10', 'Thu, 99 Foo 2026 GMT'])('ignores %j (falls back to backoff)', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('doubles from 0.5 s up to 8 s, jittered down by at most 25 %', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffMs(n, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoffMs(0, () => 0.999999)).toBe(375);
    expect(backoffMs(4, () => 0.5)).toBe(7000);
  });
});

describe('RetryPolicy.decide', () => {
  const policy = new RetryPolicy({ random: () => 0, now: () => NOW });
  const call = (method: string, extra: object = {}) => ({ method, path: '/api/users', ...extra });

  // [failure, method, retried?]
  const table: [string, AttemptFailure, string, boolean][] = [
    ['429', status(429), 'POST', true],
    ['429', status(429), 'PATCH', true],
    ['429', status(429), 'GET', true],
    ['connection refused', notSent, 'POST', true],
    ['connection refused', notSent, 'PATCH', true],
    ['connection refused', notSent, 'GET', true],
    ...[408, 500, 502, 503, 504].flatMap((code): [string, AttemptFailure, string, boolean][] => [
      [String(code), status(code), 'GET', true],
      [String(code), status(code), 'PUT', true],
      [String(code), status(code), 'DELETE', true],
      [String(code), status(code), 'HEAD', true],
      [String(code), status(code), 'OPTIONS', true],
      [String(code), status(code), 'POST', false],
      [String(code), status(code), 'PATCH', false],
    ]),
    ['reset', reset, 'GET', true],
    ['reset', reset, 'DELETE', true],
    ['reset', reset, 'POST', false],
    ['reset', reset, 'PATCH', false],
    ['timeout', timeout, 'PUT', true],
    ['timeout', timeout, 'POST', false],
    ...[400, 401, 403, 404, 409, 422, 501].map((code): [string, AttemptFailure, string, boolean] => [String(code), status(code), 'GET', false]),
  ];

  it.each(table)('%s on %s → retried: %s', (_name, failure, method, retried) => {
    expect(policy.decide(failure, call(method), 1).retry).toBe(retried);
  });

  it('retries POST and PATCH after a 5xx, reset or timeout only when the call opts in', () => {
    for (const failure of [status(503), reset, timeout]) {
      expect(policy.decide(failure, call('POST', { retryNonIdempotent: true }), 1).retry).toBe(true);
      expect(policy.decide(failure, call('PATCH', { retryNonIdempotent: true }), 1).retry).toBe(true);
    }
    // Still not a 4xx.
    expect(policy.decide(status(422), call('POST', { retryNonIdempotent: true }), 1).retry).toBe(false);
  });

  it('stops after maxRetries, per client and per call', () => {
    expect(policy.decide(status(503), call('GET'), 2).retry).toBe(true);
    expect(policy.decide(status(503), call('GET'), 3)).toMatchObject({ retry: false, reason: expect.stringMatching(/no retries left/) });
    expect(policy.decide(status(503), call('GET', { maxRetries: 0 }), 1).retry).toBe(false);
    expect(policy.decide(status(503), call('GET', { maxRetries: 5 }), 5).retry).toBe(true);
    const none = new RetryPolicy({ maxRetries: 0 });
    expect(none.decide(status(429), call('GET'), 1).retry).toBe(false);
    expect(() => policy.decide(status(503), call('GET', { maxRetries: -1 }), 1)).toThrow(/maxRetries/);
  });

  it('waits what Retry-After says, else backs off exponentially', () => {
    expect(policy.decide(status(429, { 'retry-after': '3' }), call('GET'), 1)).toMatchObject({ retry: true, waitMs: 3000 });
    expect(policy.decide(status(429, { 'retry-after': new Date(NOW + 4000).toUTCString() }), call('GET'), 1)).toMatchObject({ waitMs: 4000 });
    expect(policy.decide(status(429), call('GET'), 1)).toMatchObject({ waitMs: 500 });
    expect(policy.decide(status(429), call('GET', { maxRetries: 9 }), 3)).toMatchObject({ waitMs: 2000 });
    expect(policy.decide(status(503, { 'retry-after': '2' }), call('GET'), 1)).toMatchObject({ waitMs: 2000 });
    expect(policy.decide(status(429, { 'retry-after': 'later' }), call('GET'), 1)).toMatchObject({ waitMs: 500 });
  });

  it('refuses a Retry-After over the cap and reports the wait', () => {
    expect(policy.decide(status(429, { 'retry-after': '61' }), call('GET'), 1)).toEqual({
      retry: false,
      overCap: true,
      retryAfterMs: 61_000,
      reason: '429 with Retry-After 61000 ms, over the 60000 ms cap',
    });
    const strict = new RetryPolicy({ maxRetryAfterMs: 5000 });
    expect(strict.decide(status(429, { 'retry-after': '6' }), call('GET'), 1)).toMatchObject({ retry: false, retryAfterMs: 6000 });
    expect(strict.decide(status(503, { 'retry-after': '6' }), call('GET'), 1).retry).toBe(false);
  });
});

describe('RetryPolicy.afterFailure', () => {
  function setup(options: ConstructorParameters<typeof RetryPolicy>[0] = {}) {
    const slept: number[] = [];
    const retries: RetryEvent[] = [];
    const rateLimits: RateLimitEvent[] = [];
    const lines: string[] = [];
    let now = NOW;
    const limiter = new RateLimiter({ now: () => now });
    const policy = new RetryPolicy({
      limiter,
      now: () => now,
      random: () => 0,
      sleep: async (ms) => void slept.push(ms),
      onRetry: (event) => void retries.push(event),
      onRateLimit: (event) => void rateLimits.push(event),
      log: createDebugLog({ warn() {}, debug: (line: string) => void lines.push(line) }),
      ...options,
    });
    return { policy, limiter, slept, retries, rateLimits, lines, advance: (ms: number) => void (now += ms) };
  }

  it('on a 429 pauses the limiter for the wait, calls both hooks, then sleeps', async () => {
    const { policy, limiter, slept, retries, rateLimits, advance } = setup();
    const decision = await policy.afterFailure(status(429, { 'retry-after': '2' }), { method: 'POST', path: '/api/users' }, 1);
    expect(decision).toMatchObject({ retry: true, waitMs: 2000 });
    expect(slept).toEqual([2000]);
    expect(rateLimits).toEqual([{ attempt: 1, waitMs: 2000, status: 429, method: 'POST', path: '/api/users', retryAfterMs: 2000, willRetry: true }]);
    expect(retries).toMatchObject([{ attempt: 1, waitMs: 2000, status: 429, method: 'POST', path: '/api/users', reason: '429' }]);
    expect(limiter.tryAcquire()).toBeUndefined();
    advance(2000);
    expect(limiter.tryAcquire()).toBeTypeOf('function');
  });

  it('pauses only up to the cap when Retry-After is over it, and does not retry', async () => {
    const { policy, limiter, slept, retries, rateLimits, advance } = setup({ maxRetryAfterMs: 10_000 });
    const decision = await policy.afterFailure(status(429, { 'retry-after': '3600' }), { method: 'GET', path: '/api/users' }, 1);
    expect(decision).toMatchObject({ retry: false, overCap: true, retryAfterMs: 3_600_000 });
    expect(slept).toEqual([]);
    expect(retries).toEqual([]);
    expect(rateLimits).toMatchObject([{ waitMs: 10_000, retryAfterMs: 3_600_000, willRetry: false }]);
    advance(9999);
    expect(limiter.tryAcquire()).toBeUndefined();
    advance(1);
    expect(limiter.tryAcquire()).toBeTypeOf('function');
  });

  it('does not sleep or call onRetry for a failure it will not retry', async () => {
    const { policy, slept, retries, lines } = setup();
    expect((await policy.afterFailure(reset, { method: 'POST', path: '/api/users' }, 1)).retry).toBe(false);
    expect(slept).toEqual([]);
    expect(retries).toEqual([]);
    expect(lines).toEqual([expect.stringMatching(/^giving up method=POST path=\/api\/users attempt=1 reason="connection reset after a POST/)]);
  });

  it('logs a give-up only for failures that could have been retried', async () => {
    const { policy, lines } = setup();
    await policy.afterFailure(status(404), { method: 'GET', path: '/api/users/x' }, 1);
    await policy.afterFailure(status(503), { method: 'GET', path: '/api/users/x' }, 3);
    expect(lines).toEqual(['giving up method=GET path=/api/users/x attempt=3 status=503 reason="503, no retries left (maxRetries 2)"']);
  });

  it('gives the slot back only after a 429 has paused the limiter', async () => {
    const { policy, limiter } = setup();
    let pausedWhenReleased: boolean | undefined;
    await policy.afterFailure(status(429, { 'retry-after': '1' }), { method: 'GET', path: '/api/users' }, 1, () => {
      pausedWhenReleased = limiter.tryAcquire() === undefined;
    });
    expect(pausedWhenReleased).toBe(true);
  });

  it('lets onRetry stop the retry by throwing', async () => {
    const { policy, slept } = setup({ onRetry: () => { throw new Error('stop'); } });
    await expect(policy.afterFailure(status(503), { method: 'GET', path: '/api/users' }, 1)).rejects.toThrow('stop');
    expect(slept).toEqual([]);
  });

  it('rejects with the abort reason when the call is aborted during the wait', async () => {
    const policy = new RetryPolicy({ random: () => 0 });
    const controller = new AbortController();
    const waiting = policy.afterFailure(status(503), { method: 'GET', path: '/api/users', signal: controller.signal }, 1);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});

describe('debug log', () => {
  const quiet = { warn() {} };
  it('is off unless asked for; the option wins over LOGTO_MGMT_DEBUG', () => {
    const previous = process.env.LOGTO_MGMT_DEBUG;
    try {
      delete process.env.LOGTO_MGMT_DEBUG;
      expect(withDebug(quiet, undefined).debug).toBeUndefined();
      expect(withDebug(quiet, true).debug).toBeTypeOf('function');
      process.env.LOGTO_MGMT_DEBUG = '1';
      expect(withDebug(quiet, undefined).debug).toBeTypeOf('function');
      expect(withDebug(quiet, false).debug).toBeUndefined();
      expect(withDebug({ warn() {}, debug() {} }, false).debug).toBeUndefined();
      process.env.LOGTO_MGMT_DEBUG = '0';
      expect(withDebug(quiet, undefined).debug).toBeUndefined();
    } finally {
      if (previous === undefined) delete process.env.LOGTO_MGMT_DEBUG;
      else process.env.LOGTO_MGMT_DEBUG = previous;
    }
    const lines: string[] = [];
    withDebug(quiet, (line) => void lines.push(line)).debug!('hello');
    expect(lines).toEqual(['[logto-mgmt] hello']);
  });

  it('never prints credentials', () => {
    expect(redact('authorization: Bearer abc.def-ghi and Basic Zm9vOmJhcg==')).toBe('authorization: Bearer [redacted] and Basic [redacted]');
    expect(redact('token eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJ4In0.c2ln here')).toBe('token [redacted] here');
    expect(redact('client_secret=s3cret&x=1 {"access_token":"tok"}')).toBe('client_secret=[redacted]&x=1 {"access_token":"[redacted]"}');
    expect(formatDebugLine('retry', { method: 'GET', path: '/api/users', wait: 500, reason: '503', status: undefined })).toBe(
      'retry method=GET path=/api/users wait=500 reason=503',
    );
    const seen: [string, unknown][] = [];
    createDebugLog({ warn() {}, debug: (line: string, details: unknown) => void seen.push([line, details]) })!('retry', { error: 'Bearer abc' });
    expect(seen).toEqual([['retry error="Bearer [redacted]"', { error: 'Bearer [redacted]' }]]);
  });
});

describe('classifyFetchError', () => {
  it('tells a connection that was never made from one that may have reached the server', async () => {
    // A port nobody listens on: bind, read the port, close.
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const refused = await fetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
    expect(classifyFetchError(refused)).toBe('not-sent');
    expect(classifyFetchError(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }))).toBe('connection');
    expect(classifyFetchError(new TypeError('terminated'))).toBe('connection');
  });
});
