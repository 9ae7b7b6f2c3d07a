/**
 * What `createLogtoClient` accepts, and its normalisation into one resolved shape:
 * - Logto Cloud: `{ tenantId, clientId, clientSecret }` → endpoint `https://{tenantId}.logto.app`,
 *   resource `https://{tenantId}.logto.app/api`;
 * - self-hosted: `{ endpoint, clientId, clientSecret, resource? }`; the resource defaults to
 *   `https://default.logto.app/api`, the indicator every OSS Logto uses for its Management API;
 * - bring your own token: `{ endpoint, getAccessToken }` (or `{ endpoint }` alone for
 *   operations that need no M2M token).
 */
import { LogtoError } from '../transport/errors.js';
import type { LimitsOptions } from '../limits/limits.js';
import { consoleLogger, type LogtoLogger } from '../logging/log.js';
import type { RateLimitStore } from '../limits/rate-limit-store.js';
import type { LogtoStore } from '../store/store.js';
import { DEFAULT_TIMEOUT_MS } from '../transport/timeout.js';

export const DEFAULT_SCOPE = 'all';
export const DEFAULT_SELF_HOSTED_RESOURCE = 'https://default.logto.app/api';
export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;
export const DEFAULT_TOKEN_LEEWAY_SECONDS = 60;

/** Your token for M2M operations; `rejectedToken` is set after the API answered 401 to it. */
export type AccessTokenProvider = (context: {
  signal: AbortSignal;
  rejectedToken?: string;
}) => string | Promise<string>;

/** An end user's access token for `security: 'user'` operations (My account…). */
export type UserTokenProvider = () => string | undefined | Promise<string | undefined>;

/** Rate limits, retries, hooks and the debug switch: see limits.ts (issue #5). */
export interface CommonOptions extends Omit<LimitsOptions, 'store'> {
  /** A fetch implementation (default `globalThis.fetch`); called with a `Request`. */
  fetch?: typeof globalThis.fetch;
  /** Headers sent with every API request. */
  headers?: Record<string, string>;
  /** Per-attempt timeout covering the response body too, ms. Default 30 000; `Infinity` for none. */
  timeoutMs?: number;
  /** Where warnings (and debug lines) go. Default: `console.warn` for warnings, no debug. */
  logger?: LogtoLogger;
  /** End-user token for `security: 'user'` operations, unless a call passes `userToken`. */
  userToken?: string;
  /** Asked for the end-user token when neither the call nor `userToken` gives one. */
  getUserToken?: UserTokenProvider;
  /**
   * Where the rate limit, the 429 pause and the M2M token are kept. Default: in this process.
   * `createRedisStore(redis)` from `logto-mgmt/redis` shares all three between processes and
   * machines. A bare `RateLimitStore` shares the rate limit and the pause only.
   */
  store?: LogtoStore | RateLimitStore;
}

export interface ClientCredentialsOptions {
  clientId: string;
  clientSecret: string;
  /** Scopes to ask for. Default `all` (what the Management API requires). */
  scope?: string;
  /** Timeout of the token request, ms. Default 10 000. */
  tokenTimeoutMs?: number;
  /** Refresh this many seconds before expiry (at most half the lifetime). Default 60. */
  tokenLeewaySeconds?: number;
  /** Client authentication at the token endpoint (RFC 6749 §2.3.1). Default `basic`. */
  tokenAuthMethod?: 'basic' | 'body';
}

export interface LogtoCloudOptions extends CommonOptions, ClientCredentialsOptions {
  /** Your Logto Cloud tenant id (the `xxxx` of `https://xxxx.logto.app`). */
  tenantId: string;
  endpoint?: never;
  resource?: never;
  getAccessToken?: never;
}

export interface LogtoSelfHostedOptions extends CommonOptions, ClientCredentialsOptions {
  /** Your Logto endpoint, e.g. `https://auth.example.com` (a trailing slash is fine). */
  endpoint: string;
  /** Management API resource indicator. Default `https://default.logto.app/api`. */
  resource?: string;
  tenantId?: never;
  getAccessToken?: never;
}

export interface LogtoAccessTokenOptions extends CommonOptions {
  endpoint: string;
  /** Supplies the M2M token yourself. Without it, M2M operations throw. */
  getAccessToken?: AccessTokenProvider;
  tenantId?: never;
  clientId?: never;
  clientSecret?: never;
}

export type LogtoClientOptions = LogtoCloudOptions | LogtoSelfHostedOptions | LogtoAccessTokenOptions;

export interface ResolvedCredentials {
  clientId: string;
  clientSecret: string;
  resource: string;
  scope: string;
  tokenEndpoint: string;
  tokenTimeoutMs: number;
  leewaySeconds: number;
  authMethod: 'basic' | 'body';
}

export interface ResolvedOptions {
  /** Origin (and base path) without a trailing slash: `https://t.logto.app`. */
  endpoint: string;
  fetch: typeof globalThis.fetch;
  headers: Record<string, string> | undefined;
  timeoutMs: number;
  logger: LogtoLogger;
  userToken: string | undefined;
  getUserToken: UserTokenProvider | undefined;
  /** Set for client credentials (Cloud or self-hosted). */
  credentials: ResolvedCredentials | undefined;
  getAccessToken: AccessTokenProvider | undefined;
  /** A `LogtoStore` (rate limit, pause and token); a bare `RateLimitStore` goes to `limits.store`. */
  store: LogtoStore | undefined;
  /** Checked when the limiter and retry policy are built (limits.ts). */
  limits: LimitsOptions;
}

function invalid(message: string): never {
  throw new LogtoError(`Invalid Logto client options: ${message}`);
}

function checkTimeout(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) invalid(`${name} must be a positive number of ms (or Infinity), got ${String(value)}`);
  return value;
}

function normaliseEndpoint(endpoint: unknown): string {
  if (typeof endpoint !== 'string' || !endpoint) invalid('`endpoint` must be a URL such as https://auth.example.com');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    invalid(`\`endpoint\` is not a valid URL: ${JSON.stringify(endpoint)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') invalid(`\`endpoint\` must be http(s), got ${url.protocol}`);
  if (url.search || url.hash) invalid('`endpoint` must not have a query or fragment');
  // Keep a base path (Logto behind a reverse proxy at /auth) but not the trailing slashes.
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function resolveOptions(options: LogtoClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalid('expected an object');
  // Read every variant's fields through one loose view; the checks below decide which applies.
  const o = options as CommonOptions &
    Partial<ClientCredentialsOptions> & { tenantId?: string; endpoint?: string; resource?: string; getAccessToken?: AccessTokenProvider };
  if (o.tenantId !== undefined && o.endpoint !== undefined) invalid('give either `tenantId` (Logto Cloud) or `endpoint` (self-hosted), not both');
  if (o.getAccessToken !== undefined && (o.clientId !== undefined || o.clientSecret !== undefined)) {
    invalid('give either `getAccessToken` or `clientId`/`clientSecret`, not both');
  }

  let endpoint: string;
  let cloudResource: string | undefined;
  if (o.tenantId !== undefined) {
    if (typeof o.tenantId !== 'string' || !/^[a-z0-9][a-z0-9-]*$/i.test(o.tenantId)) invalid('`tenantId` must be your Logto Cloud tenant id (letters, digits, dashes)');
    endpoint = `https://${o.tenantId}.logto.app`;
    cloudResource = `${endpoint}/api`;
  } else {
    endpoint = normaliseEndpoint(o.endpoint);
  }

  let credentials: ResolvedCredentials | undefined;
  if (o.clientId !== undefined || o.clientSecret !== undefined || cloudResource) {
    if (typeof o.clientId !== 'string' || !o.clientId) invalid('`clientId` is required with client credentials');
    if (typeof o.clientSecret !== 'string' || !o.clientSecret) invalid('`clientSecret` is required with client credentials');
    if (o.resource !== undefined && (typeof o.resource !== 'string' || !o.resource)) invalid('`resource` must be a URL');
    const authMethod = o.tokenAuthMethod ?? 'basic';
    if (authMethod !== 'basic' && authMethod !== 'body') invalid("`tokenAuthMethod` must be 'basic' or 'body'");
    const resource = cloudResource ?? (o.resource === undefined ? DEFAULT_SELF_HOSTED_RESOURCE : o.resource.replace(/\/+$/, ''));
    const leewaySeconds = o.tokenLeewaySeconds ?? DEFAULT_TOKEN_LEEWAY_SECONDS;
    if (!(leewaySeconds >= 0)) invalid('`tokenLeewaySeconds` must be ≥ 0');
    credentials = {
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      resource,
      scope: o.scope ?? DEFAULT_SCOPE,
      tokenEndpoint: `${endpoint}/oidc/token`,
      tokenTimeoutMs: checkTimeout(o.tokenTimeoutMs, 'tokenTimeoutMs', DEFAULT_TOKEN_TIMEOUT_MS),
      leewaySeconds,
      authMethod,
    };
  }
  if (o.getAccessToken !== undefined && typeof o.getAccessToken !== 'function') invalid('`getAccessToken` must be a function');

  const store = o.store;
  const isLogtoStore = (value: unknown): value is LogtoStore => typeof (value as LogtoStore | undefined)?.open === 'function';
  const isRateLimitStore = (value: unknown): value is RateLimitStore => typeof (value as RateLimitStore | undefined)?.tryAcquire === 'function';
  if (store !== undefined && !isLogtoStore(store) && !isRateLimitStore(store)) {
    invalid('`store` must come from createRedisStore() or createMemoryStore(), or be a RateLimitStore');
  }

  const fetchImpl = o.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') invalid('no `fetch` available: pass one in the options');

  return {
    endpoint,
    fetch: fetchImpl,
    headers: o.headers,
    timeoutMs: checkTimeout(o.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS),
    logger: o.logger ?? consoleLogger,
    userToken: o.userToken,
    getUserToken: o.getUserToken,
    credentials,
    getAccessToken: o.getAccessToken,
    store: isLogtoStore(store) ? store : undefined,
    limits: {
      rateLimit: o.rateLimit,
      maxConcurrency: o.maxConcurrency,
      store: isLogtoStore(store) ? undefined : store,
      rateLimitKey: o.rateLimitKey,
      maxRetries: o.maxRetries,
      maxRetryAfterMs: o.maxRetryAfterMs,
      onRetry: o.onRetry,
      onRateLimit: o.onRateLimit,
      debug: o.debug,
    },
  };
}
