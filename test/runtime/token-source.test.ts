/**
 * The token sources on their own, over real HTTP for the client-credentials one: what it
 * sends, every way a token response can be unusable (each with its message, never the body),
 * rejections with their OAuth error and hint, the missing-scope warning, the debug line,
 * network failures, and what inspect and JSON show. And the caller-provided source.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClientCredentialsTokenSource, ProvidedTokenSource } from '../../runtime/auth/token-source.js';
import { LogtoAuthError } from '../../runtime/transport/errors.js';

let answer: { status: number; body: string } = { status: 200, body: '' };
let received: { headers: IncomingMessage['headers']; body: string }[] = [];
let endpoint = '';
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    received.push({ headers: request.headers, body });
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(answer.body);
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc/token`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  received = [];
});

const token = (fields: Record<string, unknown>) => ({ status: 200, body: JSON.stringify({ access_token: 'tok-123', expires_in: 3600, token_type: 'Bearer', scope: 'all', ...fields }) });
function source(options: { authMethod?: 'basic' | 'body'; tokenEndpoint?: string; logger?: { warn(message: string): void; debug?(message: string): void } } = {}) {
  const warnings: string[] = [];
  const debug: string[] = [];
  const logger = options.logger ?? { warn: (message: string) => void warnings.push(message), debug: (message: string) => void debug.push(message) };
  const tokens = new ClientCredentialsTokenSource(
    { tokenEndpoint: options.tokenEndpoint ?? endpoint, clientId: 'app-id', clientSecret: 'app-secret', resource: 'https://default.logto.app/api', scope: 'all', tokenTimeoutMs: 2000, leewaySeconds: 30, authMethod: options.authMethod ?? 'basic' } as never,
    { fetch, logger },
  );
  return { tokens, warnings, debug };
}
const failure = async (promise: string | Promise<string>) => (await Promise.resolve(promise).catch((error: unknown) => error)) as LogtoAuthError;

describe('ClientCredentialsTokenSource', () => {
  it('posts the form with Basic auth or the credentials in the body, and caches the token', async () => {
    answer = token({});
    const { tokens, debug } = source();
    expect(await tokens.getToken()).toBe('tok-123');
    expect(tokens.getToken()).toBe('tok-123');
    expect(tokens.currentToken).toBe('tok-123');
    expect(received).toHaveLength(1);
    expect(received[0]!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${Buffer.from('app-id:app-secret').toString('base64')}` });
    expect(Object.fromEntries(new URLSearchParams(received[0]!.body))).toEqual({ grant_type: 'client_credentials', resource: 'https://default.logto.app/api', scope: 'all' });
    expect(debug).toEqual(['Fetched an M2M access token for app-id (expires in 3600 s)']);

    const viaBody = source({ authMethod: 'body' });
    await viaBody.tokens.getToken();
    expect(received[1]!.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(received[1]!.body))).toMatchObject({ client_id: 'app-id', client_secret: 'app-secret' });
  });

  it.each([
    [{ status: 200, body: 'not json' }, 'answered 200 with a body that is not a JSON object'],
    [{ status: 200, body: '[1]' }, 'answered 200 with a body that is not a JSON object'],
    [{ status: 200, body: 'null' }, 'answered 200 with a body that is not a JSON object'],
    [token({ access_token: '' }), 'answered 200 without an access_token'],
    [token({ access_token: 42 }), 'answered 200 without an access_token'],
    [token({ expires_in: '3600' }), 'answered 200 without a numeric expires_in'],
    [token({ expires_in: 0 }), 'answered 200 without a numeric expires_in'],
    [token({ expires_in: -5 }), 'answered 200 without a numeric expires_in'],
    [token({ expires_in: 1e400 }), 'answered 200 without a numeric expires_in'],
    [token({ token_type: 'mac' }), 'answered token_type "mac", expected Bearer'],
    [token({ token_type: 7 }), 'answered token_type 7, expected Bearer'],
  ])('refuses %j', async (response, problem) => {
    answer = response;
    const error = await failure(source().tokens.getToken());
    expect(error).toBeInstanceOf(LogtoAuthError);
    expect(error.message).toBe(`Token endpoint ${endpoint} ${problem}`);
    expect(error.status).toBe(200);
    expect(error.message).not.toContain('tok-123');
  });

  it('takes token_type in any case, or none, and a response without scope with one warning', async () => {
    for (const tokenType of ['bearer', 'BEARER', undefined]) {
      answer = token({ token_type: tokenType });
      expect(await source().tokens.getToken()).toBe('tok-123');
    }
    answer = token({ scope: undefined });
    const { tokens, warnings } = source();
    await tokens.getToken();
    expect(warnings).toEqual([
      'The M2M token for app-id was granted no scope instead of "all": calls will likely fail with 403 auth.forbidden. Assign the app a machine-to-machine role with the Management API\'s "all" permission.',
    ]);
    tokens.invalidate('tok-123');
    await tokens.getToken();
    expect(warnings).toHaveLength(1);
    answer = token({ scope: 'read write' });
    const narrow = source();
    await narrow.tokens.getToken();
    expect(narrow.warnings[0]).toContain('was granted scope "read write" instead of "all"');
  });

  it('says what a rejection was, with the OAuth error and a hint for the two common ones', async () => {
    const cases: [number, Record<string, unknown>, string][] = [
      [401, { error: 'invalid_client', error_description: 'client authentication failed' }, ` was rejected with 401 invalid_client (client authentication failed): check clientId "app-id" and its clientSecret`],
      [400, { error: 'invalid_target' }, ` was rejected with 400 invalid_target: the resource "https://default.logto.app/api" is not an API resource of this Logto (Cloud: https://{tenantId}.logto.app/api, self-hosted: https://default.logto.app/api)`],
      [400, { error: 'invalid_scope', error_description: 5 }, ' was rejected with 400 invalid_scope'],
      [500, {}, ' was rejected with 500'],
      [302, { error: 3 }, ' was rejected with 302'],
    ];
    for (const [status, body, message] of cases) {
      answer = { status, body: JSON.stringify(body) };
      const error = await failure(source().tokens.getToken());
      expect(error.message).toBe(`Token request to ${endpoint}${message}`);
      expect(error.status).toBe(status);
      expect(error.error).toBe(typeof body.error === 'string' ? body.error : undefined);
    }
  });

  it('wraps a network failure, keeping the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(source({ tokenEndpoint: `http://127.0.0.1:${port}/oidc/token` }).tokens.getToken());
    expect(error.message).toBe(`Token request to http://127.0.0.1:${port}/oidc/token failed: fetch failed`);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('shows neither the secret nor the token in inspect or JSON', async () => {
    answer = token({});
    const { tokens } = source({ logger: { warn() {} } });
    await tokens.getToken();
    expect(inspect(tokens)).toBe('ClientCredentialsTokenSource { clientId: "app-id", resource: "https://default.logto.app/api" }');
    expect(JSON.parse(JSON.stringify(tokens))).toEqual({ clientId: 'app-id', resource: 'https://default.logto.app/api' });
  });
});

describe('ProvidedTokenSource', () => {
  it('returns what the provider gives, synchronously or not, and refuses an empty or non-string token', async () => {
    expect(new ProvidedTokenSource(() => 'a').getToken()).toBe('a');
    expect(await new ProvidedTokenSource(async () => 'b').getToken()).toBe('b');
    for (const bad of ['', 5, undefined]) {
      const error = await failure(Promise.resolve().then(() => new ProvidedTokenSource(() => bad as never).getToken()));
      expect(error.message).toBe('getAccessToken() did not return a token (expected a non-empty string)');
      const asyncError = await failure(new ProvidedTokenSource(async () => bad as never).getToken());
      expect(asyncError.message).toBe('getAccessToken() did not return a token (expected a non-empty string)');
    }
  });

  it('passes the signal, and the rejected token once after a 401', async () => {
    const calls: unknown[] = [];
    const tokens = new ProvidedTokenSource((context) => (calls.push(context), 'tok'));
    const signal = new AbortController().signal;
    tokens.getToken(signal);
    tokens.invalidate('old');
    tokens.getToken(signal);
    tokens.getToken(signal);
    expect(calls).toEqual([{ signal }, { signal, rejectedToken: 'old' }, { signal }]);
    expect(inspect(tokens)).toBe('ProvidedTokenSource {}');
  });
});
