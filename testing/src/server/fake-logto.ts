/**
 * The fake Logto itself, without a transport: the request log, faults, the token endpoint,
 * bearer auth, the spec's request validation and the Management API (stateful routes, and an
 * answer from the spec's response schema for every other operation). `startFakeLogto` puts it
 * behind a node:http server; `logto-mgmt-testing/msw` behind MSW handlers.
 */
import { TokenStore, handleTokenRequest, tokenCredentialKind, tokenFailure, type FakeClient, type IssuedToken, type TokenFailureMode } from '../auth/token-endpoint.js';
import { applyFault, takeFault, type Fault, type FaultMatch, type QueuedFault } from '../faults/faults.js';
import { headerValue, type FakeRequest, type FakeResponse, type HeaderMap } from '../http/exchange.js';
import { logtoErrors, sendJson, sendNotFoundRoute } from '../http/responses.js';
import { statefulRoute } from '../routes/management-routes.js';
import type { RouteContext } from '../routes/route.js';
import { parsePagination } from '../routes/pagination.js';
import { answerFromSpec, hasPagination } from '../routes/spec-fallback.js';
import { SchemaSampler } from '../spec/schema-sample.js';
import { SPEC_PATH } from '../spec/spec-document.js';
import { recordTokenExchange } from '../state/audit-log.js';
import { EntityDefaults } from '../state/entity-defaults.js';
import { ManagementData, type SeedData } from '../state/management-data.js';
import { parseRequestBody } from '../validation/request-body.js';
import type { SpecValidator } from '../validation/spec-validator.js';

export type Latency = number | { min: number; max: number };

export interface FakeLogtoOptions {
  /** Rows the fake starts with (users, roles, organizations, applications, resources, logs). */
  seed?: SeedData;
  /** M2M apps the token endpoint knows besides the ones created through the API. Default: `DEFAULT_CLIENT`. */
  clients?: FakeClient[];
  /** API resource indicator of the Management API. Default `https://default.logto.app/api`. */
  resource?: string;
  /** `expires_in` of issued tokens, seconds. Default 3600. */
  tokenExpiresIn?: number;
  /** Added before every request is handled. */
  latency?: Latency;
  /** `Total-Number` saturation for `GET /api/logs?enableCap=true`. Default 10000. */
  logsCountCap?: number;
  /** Keep request bodies in the log (default true; turn off for huge benchmark runs). */
  logBodies?: boolean;
  /** Validate every `/api` request against the spec (400 `guard.invalid_input`). Default true. */
  validateRequests?: boolean;
  /**
   * Operations whose request validators to compile at start (each costs tens of ms once per
   * process, else paid by its first request): for tests with tight client timeouts.
   */
  precompile?: string[] | 'all';
}

export const DEFAULT_CLIENT: Readonly<FakeClient> = Object.freeze({ id: 'fake-m2m-app', secret: 'fake-m2m-secret-7Qk9vX2pLw' });
export const DEFAULT_RESOURCE = 'https://default.logto.app/api';

/** How a request authenticated: at the token endpoint (`basic`, `body`), at the API (a token's kind), or not. */
export type CredentialKind = 'basic' | 'body' | 'm2m' | 'user' | 'unknown-token' | 'none';

export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  /** Path without the query string, e.g. `/api/users`. */
  path: string;
  query: URLSearchParams;
  headers: HeaderMap;
  /** Raw request body ('' until read, or when `logBodies` is off). */
  body: string;
  /** The spec operation the request matched (set once it is routed). */
  operationId?: string;
  /** How the request authenticated (set once it is routed). */
  credential?: CredentialKind;
  /** `Date.now()` when the request's headers arrived (follows vitest fake timers if installed). */
  timestamp: number;
  /** `performance.now()` when the headers arrived: monotonic, for measuring rates. */
  monotonic: number;
}

export interface FakeLogtoCounters {
  /** Every request received (including ones answered by a fault). */
  requests: number;
  /** Requests to `POST /oidc/token`, whatever the answer. */
  tokenRequests: number;
  /** Tokens actually issued. */
  tokensIssued: number;
  /** Requests under `/api`. */
  apiRequests: number;
}

/** What a client needs: spread into `createLogtoManagementClient({ ...logto.credentials })`. */
export interface FakeLogtoCredentials {
  endpoint: string;
  clientId: string;
  clientSecret: string;
  resource: string;
}

/** Returns a fault to apply to this request, or undefined to let it through. */
export type Interceptor = (request: RecordedRequest) => Fault | undefined | Promise<Fault | undefined>;

export class FakeLogto {
  /** The origin a client is configured with (`http://127.0.0.1:<port>` for the server). */
  readonly url: string;
  /** Same as `url`. */
  readonly endpoint: string;
  /** The server's port (0 without one, under MSW). */
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly resource: string;
  readonly credentials: FakeLogtoCredentials;
  readonly data: ManagementData;
  readonly tokens: TokenStore;
  readonly requests: RecordedRequest[] = [];
  readonly counters: FakeLogtoCounters = { requests: 0, tokenRequests: 0, tokensIssued: 0, apiRequests: 0 };
  readonly validator: SpecValidator;

  readonly #faults: QueuedFault[] = [];
  readonly #interceptors: Interceptor[] = [];
  readonly #stalled = new Set<FakeResponse>();
  readonly #closers: Array<() => Promise<void>> = [];
  readonly #sampler: SchemaSampler;
  #latency: Latency;
  readonly #logsCountCap: number;
  readonly #logBodies: boolean;
  readonly #validateRequests: boolean;

  constructor(origin: string, validator: SpecValidator, options: FakeLogtoOptions = {}) {
    this.url = origin.replace(/\/+$/, '');
    this.endpoint = this.url;
    this.port = Number(new URL(this.url).port) || 0;
    this.validator = validator;
    this.#sampler = new SchemaSampler(validator.document);
    const clients = options.clients ?? [{ ...DEFAULT_CLIENT }];
    this.clientId = clients[0].id;
    this.clientSecret = clients[0].secret;
    this.resource = options.resource ?? DEFAULT_RESOURCE;
    this.credentials = { endpoint: this.url, clientId: this.clientId, clientSecret: this.clientSecret, resource: this.resource };
    this.tokens = new TokenStore(clients, this.resource, options.tokenExpiresIn ?? 3600, `${this.url}/oidc`);
    this.data = new ManagementData(new EntityDefaults(validator.document, this.#sampler), this.resource);
    this.tokens.directory = this.data.clientDirectory();
    this.#latency = options.latency ?? 0;
    this.#logsCountCap = options.logsCountCap ?? 10_000;
    this.#logBodies = options.logBodies ?? true;
    this.#validateRequests = options.validateRequests ?? true;
    for (const client of clients) this.data.addConfiguredClient(client);
    if (options.seed) this.data.seed(options.seed);
    if (options.precompile && this.#validateRequests) validator.precompile(options.precompile);
  }

  /** Requests to a path (exact match), optionally of one method. */
  requestsTo(path: string, method?: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path && (!method || request.method === method));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  setLatency(latency: Latency): void {
    this.#latency = latency;
  }

  /** Changes `expires_in` for tokens issued from now on. */
  setTokenExpiresIn(seconds: number): void {
    this.tokens.expiresIn = seconds;
  }

  /** A valid M2M token without going through the endpoint (bring-your-own-token tests). */
  issueToken(input: { clientId?: string; scope?: string; expiresIn?: number } = {}): string {
    this.counters.tokensIssued++;
    return this.tokens.issue({ kind: 'm2m', clientId: input.clientId ?? this.clientId, scope: input.scope ?? 'all', expiresIn: input.expiresIn ?? this.tokens.expiresIn }).token;
  }

  /** An end-user access token for `security: 'user'` routes (My account). */
  issueUserToken(userId: string, expiresIn = 3600): string {
    return this.tokens.issue({ kind: 'user', userId, expiresIn }).token;
  }

  /** The API rejects this token from now on (401 auth.unauthorized). */
  revokeToken(token: string): void {
    const record = this.tokens.tokens.get(token);
    if (record) record.revoked = true;
  }

  revokeAllTokens(): void {
    for (const record of this.tokens.tokens.values()) record.revoked = true;
  }

  /** Every M2M token issued so far, oldest first. */
  issuedTokens(): IssuedToken[] {
    return [...this.tokens.tokens.values()].filter((record) => record.kind === 'm2m');
  }

  /**
   * Queue a fault for the next `times` matching requests (default: once, any path under
   * `/api/`; `times: Infinity` for every one). Per route: `match: { method, path }` or
   * `{ operationId }`; globally: `match: { path: '/' }`.
   */
  enqueueFault(fault: Fault, options: { times?: number; match?: FaultMatch } = {}): void {
    this.#faults.push({ fault, remaining: options.times ?? 1, match: options.match ?? { path: '/api/' } });
  }

  /** Make the next `times` token requests fail in the given way. */
  failTokenRequests(mode: TokenFailureMode, times = 1): void {
    this.enqueueFault(tokenFailure(mode), { times, match: { path: '/oidc/token' } });
  }

  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Runs for every request before queued faults; returns a function that removes it. */
  intercept(interceptor: Interceptor): () => void {
    this.#interceptors.push(interceptor);
    return () => {
      const index = this.#interceptors.indexOf(interceptor);
      if (index >= 0) this.#interceptors.splice(index, 1);
    };
  }

  /** @internal Called by the transport that owns this fake (the server's `close`). */
  onClose(closer: () => Promise<void>): void {
    this.#closers.push(closer);
  }

  /** Stops the fake: drops stalled responses, then closes its transport. */
  async close(): Promise<void> {
    for (const res of this.#stalled) res.destroy();
    this.#stalled.clear();
    for (const closer of this.#closers.splice(0)) await closer();
  }

  /**
   * @internal Logs a request when its headers arrive (before the body: stalled and faulted
   * requests are logged too).
   */
  record(method: string, url: URL, headers: HeaderMap): RecordedRequest {
    const record: RecordedRequest = {
      seq: ++this.counters.requests,
      method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      body: '',
      timestamp: Date.now(),
      monotonic: performance.now(),
    };
    this.requests.push(record);
    if (record.path === '/oidc/token') this.counters.tokenRequests++;
    if (record.path.startsWith('/api/')) this.counters.apiRequests++;
    return record;
  }

  /** @internal Answers a recorded request whose body has been read. */
  async dispatch(record: RecordedRequest, request: FakeRequest, res: FakeResponse): Promise<void> {
    if (this.#logBodies) record.body = request.text;

    const latency = typeof this.#latency === 'number' ? this.#latency : this.#latency.min + Math.random() * (this.#latency.max - this.#latency.min);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

    const matched = record.path.startsWith('/api/') ? this.validator.match(record.method, record.path) : undefined;
    record.operationId = matched?.operation.operationId;

    const onStall = (stalled: FakeResponse) => {
      this.#stalled.add(stalled);
      stalled.on('close', () => this.#stalled.delete(stalled));
    };
    for (const interceptor of [...this.#interceptors]) {
      const fault = await interceptor(record);
      if (fault && (await applyFault(fault, res, onStall))) return;
    }
    const queued = takeFault(this.#faults, record.method, record.path, record.operationId);
    if (queued && (await applyFault(queued, res, onStall))) return;

    if (record.path === '/oidc/token' && record.method === 'POST') {
      record.credential = tokenCredentialKind({ authorization: headerValue(request.headers, 'authorization') }, request.text);
      const before = this.tokens.tokens.size;
      const outcome = handleTokenRequest(request, res, request.text, this.tokens);
      if (this.tokens.tokens.size > before) this.counters.tokensIssued++;
      recordTokenExchange(this.data, outcome, request);
      return;
    }
    if (!matched) return sendNotFoundRoute(res);
    await this.#handleApi(record, request, res, matched);
  }

  async #handleApi(record: RecordedRequest, request: FakeRequest, res: FakeResponse, matched: NonNullable<ReturnType<SpecValidator['match']>>): Promise<void> {
    const authorization = headerValue(request.headers, 'authorization');
    record.credential = this.#credentialKind(authorization);
    let token: IssuedToken | undefined;
    if (matched.security !== 'none') {
      const verdict = this.tokens.verify(authorization, matched.security);
      if ('status' in verdict) return sendJson(res, verdict.status, verdict.body);
      token = verdict.token;
    }
    // Logto's koaPagination runs before koaGuard: a bad page is `guard.invalid_pagination`.
    if (hasPagination(matched) && !parsePagination(record.query, true)) return sendJson(res, 400, logtoErrors.invalidPagination());
    const body = await parseRequestBody(request);
    if (body.error) return sendJson(res, 400, body.error);
    if (this.#validateRequests) {
      const invalid = this.validator.checkRequest(matched, {
        query: request.url.search.slice(1),
        headers: request.headers,
        body: body.value,
      });
      if (invalid) return sendJson(res, 400, invalid);
    }
    const ctx: RouteContext = {
      req: request,
      res,
      params: matched.params,
      query: record.query,
      body: body.value,
      origin: this.url,
      data: this.data,
      token,
      operation: matched.operation,
      settings: { logsCountCap: this.#logsCountCap, specPath: SPEC_PATH },
    };
    const route = statefulRoute(matched.operation.operationId);
    try {
      if (route) await route(ctx);
      else answerFromSpec(ctx, this.#sampler);
    } catch {
      if (!res.headersSent) sendJson(res, 500, logtoErrors.internal());
    }
  }

  #credentialKind(authorization: string | undefined): CredentialKind {
    if (!authorization) return 'none';
    const record = authorization.startsWith('Bearer ') ? this.tokens.tokens.get(authorization.slice(7)) : undefined;
    return record ? record.kind : 'unknown-token';
  }
}
