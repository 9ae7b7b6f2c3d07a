/**
 * The error classes on their own: the class and `kind` per status, the message built from
 * Logto's body (code, message, details; text bodies; none), Retry-After on a 429, JSON output
 * without headers or cause, the names that survive minification, and the network, timeout,
 * auth and invalid-response errors' messages.
 */
import { describe, expect, it } from 'vitest';
import {
  apiErrorKind,
  createApiError,
  LogtoApiError,
  LogtoAuthError,
  LogtoBadRequestError,
  LogtoConflictError,
  LogtoConnectionError,
  LogtoError,
  LogtoForbiddenError,
  LogtoInvalidResponseError,
  LogtoNotFoundError,
  LogtoRateLimitError,
  LogtoServerError,
  LogtoTimeoutError,
  LogtoUnauthorizedError,
  LogtoUnprocessableEntityError,
} from '../../runtime/transport/errors.js';

const init = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, method: 'GET', path: '/api/users/u1', headers: new Headers(headers), body });

describe('createApiError', () => {
  it.each([
    [400, 'bad_request', LogtoBadRequestError],
    [401, 'unauthorized', LogtoUnauthorizedError],
    [403, 'forbidden', LogtoForbiddenError],
    [404, 'not_found', LogtoNotFoundError],
    [409, 'conflict', LogtoConflictError],
    [422, 'unprocessable', LogtoUnprocessableEntityError],
    [429, 'rate_limited', LogtoRateLimitError],
    [500, 'server', LogtoServerError],
    [503, 'server', LogtoServerError],
    [599, 'server', LogtoServerError],
    [418, 'other', LogtoApiError],
    [499, 'other', LogtoApiError],
  ] as const)('%d → kind %s', (status, kind, ErrorClass) => {
    const error = createApiError(init(status, {}));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.constructor).toBe(ErrorClass);
    expect(error).toBeInstanceOf(LogtoError);
    expect(error.kind).toBe(kind);
    expect(apiErrorKind(status)).toBe(kind);
    expect(error.name).toBe(ErrorClass.name);
  });

  it('builds the message from Logto’s body', () => {
    expect(createApiError(init(400, { code: 'guard.invalid_input', message: 'The request body is invalid.', details: 'Error in key path "a"', data: { issues: [] } })).message).toBe(
      'GET /api/users/u1 failed with 400 guard.invalid_input: The request body is invalid. (Error in key path "a")',
    );
    expect(createApiError(init(404, { code: 'entity.not_found' })).message).toBe('GET /api/users/u1 failed with 404 entity.not_found');
    expect(createApiError(init(404, 'Not Found')).message).toBe('GET /api/users/u1 failed with 404: Not Found');
    expect(createApiError(init(500, '')).message).toBe('GET /api/users/u1 failed with 500');
    expect(createApiError(init(500, null)).message).toBe('GET /api/users/u1 failed with 500');
    expect(createApiError(init(500, 'x'.repeat(300))).logtoMessage).toHaveLength(200);
    expect(createApiError(init(400, { code: 5, message: 6, details: 7 })).message).toBe('GET /api/users/u1 failed with 400');
  });

  it('keeps the fields, hides the headers from JSON, and never serialises a cause', () => {
    const error = createApiError(init(422, { code: 'user.username_already_in_use', message: 'taken', data: { x: 1 } }, { 'x-request-id': 'r1' }));
    expect(error).toMatchObject({ status: 422, code: 'user.username_already_in_use', logtoMessage: 'taken', data: { x: 1 }, details: undefined, method: 'GET', path: '/api/users/u1' });
    expect(error.headers.get('x-request-id')).toBe('r1');
    expect(Object.keys(error)).not.toContain('headers');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'LogtoUnprocessableEntityError',
      message: 'GET /api/users/u1 failed with 422 user.username_already_in_use: taken',
      status: 422,
      kind: 'unprocessable',
      code: 'user.username_already_in_use',
      logtoMessage: 'taken',
      data: { x: 1 },
      method: 'GET',
      path: '/api/users/u1',
    });
    const withCause = new LogtoConnectionError('GET', '/api/x', Object.assign(new Error('fetch failed'), { cause: { request: 'Authorization: Bearer abc' } }));
    expect(Object.keys(JSON.parse(JSON.stringify(withCause)))).toEqual(['name', 'message', 'method', 'path']);
    // Nor one assigned later (an own enumerable property then, unlike the constructor's).
    const assigned = Object.assign(new LogtoAuthError('token refused'), { cause: { body: 'client_secret=s3cret' } });
    expect(JSON.stringify(assigned)).toBe('{"name":"LogtoAuthError","message":"token refused"}');
  });

  it('a 429 reads Retry-After and says it, rounded up to seconds', () => {
    const limited = createApiError(init(429, { code: 'too_many_requests', message: 'slow down' }, { 'retry-after': '1.2' })) as LogtoRateLimitError;
    expect(limited.retryAfterMs).toBe(1200);
    expect(limited.message).toBe('GET /api/users/u1 failed with 429 too_many_requests: slow down (Retry-After: 2 s)');
    const bare = createApiError(init(429, {})) as LogtoRateLimitError;
    expect([bare.retryAfterMs, bare.message]).toEqual([undefined, 'GET /api/users/u1 failed with 429']);
  });
});

describe('the other errors', () => {
  it('LogtoConnectionError names the cause’s code and message, or the value thrown', () => {
    const cause = (inner: unknown) => Object.assign(new TypeError('fetch failed'), { cause: inner });
    expect(new LogtoConnectionError('POST', '/api/users', cause({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' })).message).toBe(
      'POST /api/users failed: fetch failed (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1)',
    );
    expect(new LogtoConnectionError('POST', '/api/users', cause({ message: 'other side closed' })).message).toBe('POST /api/users failed: fetch failed (other side closed)');
    expect(new LogtoConnectionError('POST', '/api/users', cause({ code: 'X' })).message).toBe('POST /api/users failed: fetch failed');
    expect(new LogtoConnectionError('POST', '/api/users', new Error('terminated')).message).toBe('POST /api/users failed: terminated');
    const fromString = new LogtoConnectionError('GET', '/x', 'boom');
    expect([fromString.message, fromString.cause, fromString.method, fromString.path, fromString.name]).toEqual(['GET /x failed: boom', 'boom', 'GET', '/x', 'LogtoConnectionError']);
  });

  it('LogtoTimeoutError says whether the call was sent', () => {
    const sent = new LogtoTimeoutError('GET', '/api/users', 5000);
    expect([sent.message, sent.queued, sent.timeoutMs, sent.name]).toEqual(['GET /api/users timed out after 5000 ms', false, 5000, 'LogtoTimeoutError']);
    const queued = new LogtoTimeoutError('GET', '/api/users', 100, '200 requests / 10000 ms, 16 concurrent; 3 queued, 16 in flight');
    expect([queued.message, queued.queued]).toEqual([
      'GET /api/users timed out after 100 ms while queued by the rate limiter (200 requests / 10000 ms, 16 concurrent; 3 queued, 16 in flight); it was never sent',
      true,
    ]);
  });

  it('LogtoAuthError and LogtoInvalidResponseError keep what they were given', () => {
    const auth = new LogtoAuthError('token refused', { status: 401, error: 'invalid_client', errorDescription: 'bad secret', cause: new Error('c') });
    expect(auth).toMatchObject({ name: 'LogtoAuthError', message: 'token refused', status: 401, error: 'invalid_client', errorDescription: 'bad secret' });
    expect((auth.cause as Error).message).toBe('c');
    expect('cause' in new LogtoAuthError('no cause')).toBe(false);
    expect(new LogtoInvalidResponseError('GET', '/api/users', 200, 'a body that is not JSON').message).toBe('GET /api/users answered 200 with a body that is not JSON');
    expect(new LogtoInvalidResponseError('GET', '/api/users', undefined, 'no JSON')).toMatchObject({ message: 'GET /api/users answered 2xx with no JSON', status: undefined, name: 'LogtoInvalidResponseError' });
    expect(new LogtoError('x').name).toBe('LogtoError');
  });
});
