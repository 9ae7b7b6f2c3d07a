/**
 * `POST /oidc/token` with `grant_type=client_credentials`, as Logto's oidc-provider answers it
 * (statuses and bodies from test/specs/README.md), plus the bearer-token check the
 * Management API does with the tokens issued here.
 */
import { randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../http/exchange.js';
import { headerValue } from '../http/exchange.js';
import type { Fault } from '../faults/faults.js';
import { logtoErrors, sendJson, type LogtoErrorBody } from '../http/responses.js';

export interface FakeClient {
  id: string;
  secret: string;
  /** Scopes the M2M app's roles grant (default `['all']`). `[]` models an app without the role. */
  scopes?: string[];
  /** Overrides the server's `tokenExpiresIn` for this client. */
  expiresIn?: number;
}

export interface IssuedToken {
  token: string;
  kind: 'm2m' | 'user';
  clientId?: string;
  userId?: string;
  /** The resource indicator an M2M token was issued for. */
  resource?: string;
  /** Space-separated granted scopes; undefined when none were granted. */
  scope?: string;
  issuedAt: number;
  /** Epoch ms after which the API rejects the token. */
  expiresAt: number;
  revoked: boolean;
}

/** What a failing token endpoint can send instead of a token (see `tokenFailure`). */
export type TokenFailureMode =
  | 'malformed-json'
  | 'missing-access-token'
  | 'non-numeric-expires-in'
  | 'html'
  | 'server-error'
  | 'stall'
  | 'stall-body';

/** A fault that makes the token endpoint answer badly; enqueue it with `fake.failTokenRequests()`. */
export function tokenFailure(mode: TokenFailureMode): Fault {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  switch (mode) {
    case 'malformed-json':
      return { type: 'respond', status: 200, headers: json, body: '{"access_token":"eyJhbGciOi' };
    case 'missing-access-token':
      return { type: 'respond', status: 200, body: { expires_in: 3600, token_type: 'Bearer', scope: 'all' } };
    case 'non-numeric-expires-in':
      return {
        type: 'respond',
        status: 200,
        body: { access_token: 'eyJhbGciOiJFUzM4NCJ9.bogus-expiry.sig', expires_in: 'soon', token_type: 'Bearer', scope: 'all' },
      };
    case 'html':
      return { type: 'respond', status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body>Bad gateway</body></html>' };
    case 'server-error':
      return { type: 'server-error' };
    case 'stall':
      return { type: 'stall' };
    case 'stall-body':
      return { type: 'stall-body' };
  }
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The fake's state as the token endpoint sees it (M2M applications, resources, role scopes). */
export interface ClientDirectory {
  client(id: string): FakeClient | undefined;
  isResource(indicator: string): boolean;
  scopesFor(clientId: string, resource: string): string[];
}

export class TokenStore {
  readonly clients = new Map<string, FakeClient>();
  readonly tokens = new Map<string, IssuedToken>();
  resource: string;
  expiresIn: number;
  issuer: string;

  /** Applications created through the API that can ask for tokens, and their scopes. */
  directory?: ClientDirectory;

  constructor(clients: FakeClient[], resource: string, expiresIn: number, issuer: string) {
    for (const client of clients) this.clients.set(client.id, client);
    this.resource = resource;
    this.expiresIn = expiresIn;
    this.issuer = issuer;
  }

  client(id: string): FakeClient | undefined {
    return this.clients.get(id) ?? this.directory?.client(id);
  }

  isResource(indicator: string): boolean {
    return indicator === this.resource || (this.directory?.isResource(indicator) ?? false);
  }

  /** Scopes the client may get for a resource: a configured client's own list, else its roles'. */
  allowedScopes(client: FakeClient, resource: string): string[] {
    const configured = this.clients.get(client.id);
    if (configured && resource === this.resource) return configured.scopes ?? ['all'];
    return this.directory?.scopesFor(client.id, resource) ?? [];
  }

  /** A JWT-shaped opaque token (ES384 header, random signature) — only this store can verify it. */
  issue(input: { kind: 'm2m' | 'user'; clientId?: string; userId?: string; resource?: string; scope?: string; expiresIn: number }): IssuedToken {
    const issuedAt = Date.now();
    const header = base64url({ alg: 'ES384', typ: 'at+jwt', kid: 'fake-logto-key' });
    const payload = base64url({
      jti: randomBytes(12).toString('base64url'),
      sub: input.userId ?? input.clientId,
      client_id: input.clientId,
      aud: input.kind === 'm2m' ? (input.resource ?? this.resource) : `${this.issuer}/me`,
      iss: this.issuer,
      iat: Math.floor(issuedAt / 1000),
      exp: Math.floor(issuedAt / 1000 + input.expiresIn),
      scope: input.scope,
    });
    const token = `${header}.${payload}.${randomBytes(64).toString('base64url')}`;
    const record: IssuedToken = { ...input, token, issuedAt, expiresAt: issuedAt + input.expiresIn * 1000, revoked: false };
    this.tokens.set(token, record);
    return record;
  }

  /** What the API's `koaAuth` decides about an `Authorization` header. */
  verify(header: string | undefined, kind: 'm2m' | 'user'): { token: IssuedToken } | { status: number; body: LogtoErrorBody } {
    if (!header) return { status: 401, body: logtoErrors.authorizationHeaderMissing() };
    if (!header.startsWith('Bearer ')) return { status: 401, body: logtoErrors.authorizationTypeNotSupported() };
    const record = this.tokens.get(header.slice(7));
    if (!record || record.kind !== kind) {
      return { status: 401, body: logtoErrors.unauthorized({ name: 'JWSInvalid', message: 'Invalid Compact JWS' }) };
    }
    if (record.revoked) {
      // A real Logto verifies JWTs locally; the closest real event is a signing-key rotation.
      return {
        status: 401,
        body: logtoErrors.unauthorized({ name: 'JWSSignatureVerificationFailed', message: 'signature verification failed' }),
      };
    }
    if (Date.now() >= record.expiresAt) {
      return {
        status: 401,
        body: logtoErrors.unauthorized({ name: 'JWTExpired', code: 'ERR_JWT_EXPIRED', message: '"exp" claim timestamp check failed' }),
      };
    }
    // A token for another API resource is valid but not for this one: Logto answers 401.
    if (kind === 'm2m' && record.resource && record.resource !== this.resource) {
      return { status: 401, body: logtoErrors.unauthorized({ name: 'JWTClaimValidationFailed', message: 'unexpected "aud" claim value' }) };
    }
    if (kind === 'm2m' && !record.scope?.split(' ').includes('all')) return { status: 403, body: logtoErrors.forbidden() };
    return { token: record };
  }
}

const oidcMessages: Record<string, string> = {
  invalid_client: 'Client authentication failed.',
  invalid_request: 'Invalid request.',
  invalid_target: 'Invalid resource indicator.',
  unsupported_grant_type: 'Unsupported grant type.',
};

function oidcError(res: FakeResponse, status: number, error: string, description: string, headers?: Record<string, string>): TokenExchangeOutcome {
  sendJson(
    res,
    status,
    { error, error_description: description, code: `oidc.${error}`, message: oidcMessages[error] ?? error },
    { 'cache-control': 'no-store', pragma: 'no-cache', ...headers },
  );
  return { result: 'Error', error, errorDescription: description };
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined and base64-encoded. */
function parseBasic(header: string): { id: string; secret: string } | undefined {
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const decode = (value: string) => decodeURIComponent(value.replace(/\+/g, '%20'));
  try {
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** What Logto's audit log records about one token request (`ExchangeTokenBy.ClientCredentials`). */
export interface TokenExchangeOutcome {
  result: 'Success' | 'Error';
  /** The client id the request authenticated as (or tried to). */
  clientId?: string;
  /** The OIDC error code when it failed. */
  error?: string;
  errorDescription?: string;
  grantType?: string;
  scope?: string;
}

/** Answers `POST /oidc/token`; returns what happened, for the audit log. */
export function handleTokenRequest(req: FakeRequest, res: FakeResponse, rawBody: string, store: TokenStore): TokenExchangeOutcome {
  const contentType = headerValue(req.headers, 'content-type') ?? '';
  if (!contentType.startsWith('application/x-www-form-urlencoded')) {
    return oidcError(res, 400, 'invalid_request', 'only application/x-www-form-urlencoded content-type bodies are supported on POST /token');
  }
  const form = new URLSearchParams(rawBody);
  const authorization = headerValue(req.headers, 'authorization');
  const basic = authorization?.startsWith('Basic ') ? parseBasic(authorization) : undefined;
  if (authorization?.startsWith('Basic ') && !basic) {
    return oidcError(res, 400, 'invalid_request', 'invalid authorization header value format');
  }
  if (basic && form.has('client_secret')) {
    return oidcError(res, 400, 'invalid_request', 'client authentication must only be provided using one mechanism');
  }
  const clientId = basic?.id ?? form.get('client_id') ?? undefined;
  const secret = basic?.secret ?? form.get('client_secret') ?? undefined;
  if (!clientId || secret === undefined) {
    return oidcError(res, 400, 'invalid_request', 'no client authentication mechanism provided');
  }
  const client = store.client(clientId);
  // Logto answers 400 for an unknown client id but 401 for a known one with a bad secret.
  if (!client) return { ...oidcError(res, 400, 'invalid_client', 'client authentication failed'), clientId };
  if (client.secret !== secret) {
    const challenge = basic ? { 'www-authenticate': `Basic realm="${store.issuer}"` } : undefined;
    return { ...oidcError(res, 401, 'invalid_client', 'client authentication failed', challenge), clientId };
  }
  const grantType = form.get('grant_type');
  if (!grantType) return { ...oidcError(res, 400, 'invalid_request', "missing required parameter 'grant_type'"), clientId };
  if (grantType !== 'client_credentials') {
    return { ...oidcError(res, 400, 'unsupported_grant_type', 'unsupported grant_type requested'), clientId, grantType };
  }
  const resource = form.get('resource');
  if (!resource || !store.isResource(resource)) {
    return { ...oidcError(res, 400, 'invalid_target', 'resource indicator is missing, or unknown'), clientId, grantType };
  }
  // Logto grants the requested scopes the app's roles allow; none (or no `scope` parameter)
  // still answers 200, with a token that has no `scope` — every API call then gets 403.
  const allowed = store.allowedScopes(client, resource);
  const granted = (form.get('scope') ?? '').split(' ').filter((scope) => scope && allowed.includes(scope));
  const expiresIn = client.expiresIn ?? store.expiresIn;
  const issued = store.issue({ kind: 'm2m', clientId, resource, scope: granted.length ? granted.join(' ') : undefined, expiresIn });
  const body: Record<string, unknown> = { access_token: issued.token, expires_in: expiresIn, token_type: 'Bearer' };
  if (issued.scope) body.scope = issued.scope;
  sendJson(res, 200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
  return { result: 'Success', clientId, grantType, scope: issued.scope };
}

/** How a token request authenticated its client (for `logto.requests`). */
export function tokenCredentialKind(headers: { authorization?: string }, rawBody: string): 'basic' | 'body' | 'none' {
  if (headers.authorization?.startsWith('Basic ')) return 'basic';
  return new URLSearchParams(rawBody).has('client_secret') ? 'body' : 'none';
}
