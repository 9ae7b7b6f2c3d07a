/**
 * A realistic fake Logto on 127.0.0.1 for tests: the token endpoint, bearer auth, a working
 * subset of the Management API, a request log with timestamps, and fault injection.
 * See README.md in this folder.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { applyFault, takeFault, type Fault, type FaultMatch, type QueuedFault } from '../faults/faults.js';
import { ManagementData } from '../state/management-data.js';
import { matchRoute, type RouteContext } from '../routes/management-routes.js';
import { logtoErrors, sendJson, sendNotFoundRoute } from '../http/responses.js';
import { handleTokenRequest, tokenFailure, TokenStore, type FakeClient, type IssuedToken, type TokenFailureMode } from '../auth/token-endpoint.js';

export type Latency = number | { min: number; max: number };

export interface FakeLogtoOptions {
  /** M2M apps. Default: one app, `DEFAULT_CLIENT`. */
  clients?: FakeClient[];
  /** API resource indicator the token endpoint accepts. Default `https://default.logto.app/api`. */
  resource?: string;
  /** `expires_in` of issued tokens, seconds. Default 3600. */
  tokenExpiresIn?: number;
  /** Added before every request is handled. */
  latency?: Latency;
  /** `Total-Number` saturation for `GET /api/logs?enableCap=true`. Default 10000. */
  logsCountCap?: number;
  /** Keep request bodies in the log (default true; turn off for huge benchmark runs). */
  logBodies?: boolean;
}

export const DEFAULT_CLIENT: Readonly<FakeClient> = Object.freeze({ id: 'fake-m2m-app', secret: 'fake-m2m-secret-7Qk9vX2pLw' });
export const DEFAULT_RESOURCE = 'https://default.logto.app/api';

export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  /** Path without the query string, e.g. `/api/users`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Raw request body ('' until read, or when `logBodies` is off). */
  body: string;
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

/** Returns a fault to apply to this request, or undefined to let it through. */
export type Interceptor = (request: RecordedRequest) => Fault | undefined | Promise<Fault | undefined>;

const SPEC_PATH = fileURLToPath(new URL('../../../test/specs/logto-1.42.0.json', import.meta.url));

export class FakeLogto {
  /** `http://127.0.0.1:<port>` — the endpoint a client is configured with. */
  readonly url: string;
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly resource: string;
  readonly data = new ManagementData();
  readonly tokens: TokenStore;
  readonly requests: RecordedRequest[] = [];
  readonly counters: FakeLogtoCounters = { requests: 0, tokenRequests: 0, tokensIssued: 0, apiRequests: 0 };

  readonly #server: Server;
  readonly #faults: QueuedFault[] = [];
  readonly #interceptors: Interceptor[] = [];
  readonly #stalled = new Set<ServerResponse>();
  #latency: Latency;
  readonly #logsCountCap: number;
  readonly #logBodies: boolean;

  constructor(server: Server, options: FakeLogtoOptions) {
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    const clients = options.clients ?? [{ ...DEFAULT_CLIENT }];
    this.clientId = clients[0].id;
    this.clientSecret = clients[0].secret;
    this.resource = options.resource ?? DEFAULT_RESOURCE;
    this.tokens = new TokenStore(clients, this.resource, options.tokenExpiresIn ?? 3600, `${this.url}/oidc`);
    this.#latency = options.latency ?? 0;
    this.#logsCountCap = options.logsCountCap ?? 10_000;
    this.#logBodies = options.logBodies ?? true;
    for (const client of clients) {
      this.data.applications.insert({ tenantId: 'default', id: client.id, name: client.id, type: 'MachineToMachine', description: null, createdAt: Date.now() });
    }
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
   * `/api/`). A 5xx storm is `enqueueFault({ type: 'server-error' }, { times: 10 })`.
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

  /** Stops the server, dropping stalled responses and keep-alive connections. */
  async close(): Promise<void> {
    for (const res of this.#stalled) res.destroy();
    this.#stalled.clear();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** @internal node:http request handler. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const record: RecordedRequest = {
      seq: ++this.counters.requests,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: '',
      timestamp: Date.now(),
      monotonic: performance.now(),
    };
    this.requests.push(record);
    const isToken = record.path === '/oidc/token';
    if (isToken) this.counters.tokenRequests++;
    if (record.path.startsWith('/api/')) this.counters.apiRequests++;

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (this.#logBodies) record.body = body;

    const latency = typeof this.#latency === 'number' ? this.#latency : this.#latency.min + Math.random() * (this.#latency.max - this.#latency.min);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

    const onStall = (stalled: ServerResponse) => {
      this.#stalled.add(stalled);
      stalled.on('close', () => this.#stalled.delete(stalled));
    };
    for (const interceptor of [...this.#interceptors]) {
      const fault = await interceptor(record);
      if (fault && (await applyFault(fault, req, res, onStall))) return;
    }
    const queued = takeFault(this.#faults, record.method, record.path);
    if (queued && (await applyFault(queued, req, res, onStall))) return;

    if (isToken && record.method === 'POST') {
      const before = this.tokens.tokens.size;
      handleTokenRequest(req, res, body, this.tokens);
      if (this.tokens.tokens.size > before) this.counters.tokensIssued++;
      return;
    }
    if (!record.path.startsWith('/api/')) return sendNotFoundRoute(res);
    await this.#handleApi(req, res, record, body);
  }

  async #handleApi(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, body: string): Promise<void> {
    const matched = matchRoute(record.method, record.path);
    if (!matched) return sendNotFoundRoute(res);
    const { route, params } = matched;
    let token: IssuedToken | undefined;
    if (route.security !== 'none') {
      const verdict = this.tokens.verify(req.headers.authorization, route.security);
      if ('status' in verdict) return sendJson(res, verdict.status, verdict.body);
      token = verdict.token;
    }
    let parsed: unknown;
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body);
      } catch (error) {
        return sendJson(res, 400, {
          code: 'guard.invalid_input',
          message: 'The request body is invalid.',
          details: (error as Error).message,
        });
      }
    }
    const ctx: RouteContext = {
      req,
      res,
      params,
      query: record.query,
      body: parsed,
      origin: this.url,
      data: this.data,
      token,
      settings: { logsCountCap: this.#logsCountCap, specPath: SPEC_PATH },
    };
    try {
      await route.handle(ctx);
    } catch {
      if (!res.headersSent) sendJson(res, 500, logtoErrors.internal());
    }
  }
}

/** Starts a fake Logto on 127.0.0.1 (random port). Call `close()` when done. */
export async function startFakeLogto(options: FakeLogtoOptions = {}): Promise<FakeLogto> {
  let fake: FakeLogto | undefined;
  const server = createServer((req, res) => {
    fake!.handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, logtoErrors.internal());
      else res.destroy();
    });
  });
  // Many tests fire hundreds of concurrent requests; keep connections open between them.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  fake = new FakeLogto(server, options);
  return fake;
}
