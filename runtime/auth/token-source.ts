/**
 * M2M access tokens: `ClientCredentialsTokenSource` gets them from `POST {endpoint}/oidc/token`
 * (RFC 6749 §4.4) and caches them; `ProvidedTokenSource` wraps a caller's `getAccessToken`.
 *
 * - Cached until `expires_in` minus a leeway (default 60 s). The leeway is capped at half the
 *   lifetime: with a 30 s token and a 60 s leeway the token would be stale on arrival and every
 *   call would fetch a new one.
 * - Single flight: concurrent callers share one token request, and they share its failure too
 *   (1000 cold calls against a down token endpoint make one request, not 1000).
 * - `invalidate(token)` drops the cached token only if it is still the one that was rejected:
 *   if another caller already replaced it, dropping the fresh one would cost a request.
 * - The secret lives in a `#private` field and is sent only in the token request; errors never
 *   carry the request or the response body, so neither the secret nor a token can leak.
 * - With a shared store (`store` option, e.g. Redis) the token is shared between processes:
 *   `SharedTokenCache` lets one process fetch while the others wait for it; this class keeps
 *   its in-process cache and single flight in front of it.
 */
import { LogtoAuthError } from '../transport/errors.js';
import type { LogtoLogger } from '../logging/log.js';
import type { AccessTokenProvider, ResolvedCredentials } from '../client/options.js';
import type { SharedTokenCache } from '../store/shared-token-cache.js';
import { MAX_TIMER_MS, raceWithSignal } from '../transport/timeout.js';

export interface TokenSource {
  /** A token to send; a string when cached (no promise on the hot path). */
  getToken(signal?: AbortSignal): string | Promise<string>;
  /** The API answered 401 to `token`: the next `getToken` must not return it from a cache. */
  invalidate(token: string): void;
}

interface TokenResponse {
  access_token?: unknown;
  expires_in?: unknown;
  token_type?: unknown;
  scope?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before base64 in the Basic header. */
function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${btoa(unescape(encodeURIComponent(`${encode(clientId)}:${encode(clientSecret)}`)))}`;
}

export class ClientCredentialsTokenSource implements TokenSource {
  readonly #endpoint: string;
  readonly #clientId: string;
  readonly #resource: string;
  readonly #scope: string;
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;
  readonly #leewaySeconds: number;
  readonly #logger: LogtoLogger;
  readonly #now: () => number;
  /** The token request, prepared once: it holds the secret. */
  readonly #headers: Record<string, string>;
  readonly #body: string;

  #token: string | undefined;
  #refreshAt = 0;
  #pending: Promise<string> | undefined;
  #warnedAboutScope = false;
  readonly #shared: SharedTokenCache | undefined;
  /** The last token the API rejected: not to be taken from the shared store again. */
  #rejectedToken: string | undefined;

  constructor(
    credentials: ResolvedCredentials,
    options: { fetch: typeof globalThis.fetch; logger: LogtoLogger; now?: () => number; shared?: SharedTokenCache },
  ) {
    this.#shared = options.shared;
    this.#endpoint = credentials.tokenEndpoint;
    this.#clientId = credentials.clientId;
    this.#resource = credentials.resource;
    this.#scope = credentials.scope;
    this.#fetch = options.fetch;
    this.#timeoutMs = credentials.tokenTimeoutMs;
    this.#leewaySeconds = credentials.leewaySeconds;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    const form = new URLSearchParams({ grant_type: 'client_credentials', resource: credentials.resource, scope: credentials.scope });
    this.#headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (credentials.authMethod === 'basic') {
      this.#headers.authorization = basicAuthorization(credentials.clientId, credentials.clientSecret);
    } else {
      form.set('client_id', credentials.clientId);
      form.set('client_secret', credentials.clientSecret);
    }
    this.#body = form.toString();
  }

  /** The token currently cached (for redaction); undefined when none. */
  get currentToken(): string | undefined {
    return this.#token;
  }

  getToken(signal?: AbortSignal): string | Promise<string> {
    if (this.#token !== undefined && this.#now() < this.#refreshAt) return this.#token;
    let pending = this.#pending;
    if (!pending) {
      pending = this.#pending = this.#request().finally(() => {
        this.#pending = undefined;
      });
      // Every waiter may have given up (aborted) by the time it fails: never an unhandled rejection.
      pending.catch(() => {});
    }
    return raceWithSignal(pending, signal);
  }

  invalidate(token: string): void {
    if (this.#token === token) {
      this.#token = undefined;
      this.#refreshAt = 0;
    }
    this.#rejectedToken = token;
  }

  async #request(): Promise<string> {
    const shared = this.#shared;
    if (!shared) {
      const fetched = await this.#fetchToken();
      return this.#keep(fetched.token, fetched.startedAt, fetched.expiresIn * 1000);
    }
    const token = await shared.get(
      async () => {
        const fetched = await this.#fetchToken();
        // What is left of the lifetime, counted from when we asked (never overestimated).
        const expiresInMs = fetched.expiresIn * 1000 - (this.#now() - fetched.startedAt);
        return { accessToken: fetched.token, scope: fetched.scope, expiresInMs, lifetimeMs: fetched.expiresIn * 1000 };
      },
      this.#leewaySeconds * 1000,
      this.#rejectedToken,
    );
    this.#checkScope(token.scope);
    // expiresInMs is what was left when the token was fetched or read from the store, that is
    // now: counting it from before the store lookup would take the request's time off twice.
    return this.#keep(token.accessToken, this.#now(), token.expiresInMs, token.lifetimeMs);
  }

  /** Caches `token` until its expiry minus the leeway (at most half its lifetime). */
  #keep(token: string, startedAt: number, expiresInMs: number, lifetimeMs = expiresInMs): string {
    const leewayMs = Math.min(this.#leewaySeconds * 1000, lifetimeMs / 2);
    this.#token = token;
    this.#refreshAt = startedAt + expiresInMs - leewayMs;
    return token;
  }

  async #fetchToken(): Promise<{ token: string; expiresIn: number; scope: string | undefined; startedAt: number }> {
    const startedAt = this.#now();
    const controller = new AbortController();
    const timer = this.#timeoutMs <= MAX_TIMER_MS ? setTimeout(() => controller.abort(), this.#timeoutMs) : undefined;
    let status: number;
    let text: string;
    try {
      const response = await this.#fetch(this.#endpoint, { method: 'POST', headers: this.#headers, body: this.#body, signal: controller.signal });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) {
        throw new LogtoAuthError(`Token request to ${this.#endpoint} timed out after ${this.#timeoutMs} ms`);
      }
      throw new LogtoAuthError(`Token request to ${this.#endpoint} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }

    // The body is never quoted in errors: a 200 body holds a token, and a proxy might echo the form.
    let body: TokenResponse | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as TokenResponse;
    } catch {
      // handled below
    }

    if (status < 200 || status >= 300) throw this.#rejected(status, body);
    if (!body) throw new LogtoAuthError(`Token endpoint ${this.#endpoint} answered ${status} with a body that is not a JSON object`, { status });
    const { access_token: token, expires_in: expiresIn, token_type: tokenType } = body;
    if (typeof token !== 'string' || token === '') {
      throw new LogtoAuthError(`Token endpoint ${this.#endpoint} answered ${status} without an access_token`, { status });
    }
    if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new LogtoAuthError(`Token endpoint ${this.#endpoint} answered ${status} without a numeric expires_in`, { status });
    }
    if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) {
      throw new LogtoAuthError(`Token endpoint ${this.#endpoint} answered token_type ${JSON.stringify(tokenType)}, expected Bearer`, { status });
    }
    this.#checkScope(body.scope);

    // Count the lifetime from when we asked, not when the answer arrived: never overestimate it.
    this.#logger.debug?.(`Fetched an M2M access token for ${this.#clientId} (expires in ${expiresIn} s)`);
    return { token, expiresIn, scope: typeof body.scope === 'string' ? body.scope : undefined, startedAt };
  }

  #rejected(status: number, body: TokenResponse | undefined): LogtoAuthError {
    const error = typeof body?.error === 'string' ? body.error : undefined;
    const errorDescription = typeof body?.error_description === 'string' ? body.error_description : undefined;
    const oauth = error ? ` ${error}${errorDescription ? ` (${errorDescription})` : ''}` : '';
    let hint = '';
    if (error === 'invalid_client') hint = `: check clientId ${JSON.stringify(this.#clientId)} and its clientSecret`;
    else if (error === 'invalid_target') hint = `: the resource ${JSON.stringify(this.#resource)} is not an API resource of this Logto (Cloud: https://{tenantId}.logto.app/api, self-hosted: https://default.logto.app/api)`;
    return new LogtoAuthError(`Token request to ${this.#endpoint} was rejected with ${status}${oauth}${hint}`, { status, error, errorDescription });
  }

  /**
   * Logto answers 200 even when the M2M app lacks the role behind the scope; the token then
   * has no (or a smaller) `scope` and every Management API call fails with 403. Say so once.
   */
  #checkScope(granted: unknown): void {
    if (this.#warnedAboutScope) return;
    const grantedScopes = typeof granted === 'string' ? granted.split(' ') : [];
    const missing = this.#scope.split(' ').filter((scope) => scope && !grantedScopes.includes(scope));
    if (missing.length === 0) return;
    this.#warnedAboutScope = true;
    this.#logger.warn(
      `The M2M token for ${this.#clientId} was granted ${typeof granted === 'string' ? `scope "${granted}"` : 'no scope'} ` +
        `instead of "${this.#scope}": calls will likely fail with 403 auth.forbidden. ` +
        `Assign the app a machine-to-machine role with the Management API's "${missing.join(' ')}" permission.`,
    );
  }

  /** Keeps the secret and the token out of `util.inspect` and `console.log`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ClientCredentialsTokenSource { clientId: ${JSON.stringify(this.#clientId)}, resource: ${JSON.stringify(this.#resource)} }`;
  }

  toJSON(): Record<string, unknown> {
    return { clientId: this.#clientId, resource: this.#resource };
  }
}

/** `getAccessToken` supplied by the caller; after a 401 it is asked again with `rejectedToken`. */
export class ProvidedTokenSource implements TokenSource {
  readonly #provide: AccessTokenProvider;
  #rejected: string | undefined;

  constructor(provide: AccessTokenProvider) {
    this.#provide = provide;
  }

  getToken(signal?: AbortSignal): string | Promise<string> {
    // The hint goes to the next request only: the one replaying after the 401.
    const rejectedToken = this.#rejected;
    this.#rejected = undefined;
    const token = this.#provide(rejectedToken === undefined ? { signal: signal! } : { signal: signal!, rejectedToken });
    return typeof token === 'string' ? checkProvided(token) : raceWithSignal(Promise.resolve(token), signal).then(checkProvided);
  }

  invalidate(token: string): void {
    this.#rejected = token;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'ProvidedTokenSource {}';
  }
}

function checkProvided(token: unknown): string {
  if (typeof token !== 'string' || token === '') throw new LogtoAuthError('getAccessToken() did not return a token (expected a non-empty string)');
  return token;
}
