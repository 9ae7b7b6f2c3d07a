/**
 * `LogtoClient`: the object generated wrappers call (`OperationClient.request`). It resolves
 * the options, owns the M2M token source and the HTTP requester, and hands each call to the
 * transport. `request()` returns an `ApiPromise`: `await` → data, `.withResponse()` →
 * `{ data, response }`.
 */
import { ApiPromise } from './api-promise.js';
import { ClientCredentialsTokenSource, ProvidedTokenSource, type TokenSource } from '../auth/token-source.js';
import { withDebug } from '../logging/debug-log.js';
import { createLimits, limitedFetch } from '../limits/limits.js';
import { redactingLogger } from '../logging/log.js';
import type { CallOptions, OperationClient, OperationDescriptor, RequestParams } from './operation.js';
import { resolveOptions, type LogtoClientOptions } from './options.js';
import { createHttpRequester } from '../transport/http-request.js';
import { Transport } from '../transport/transport.js';

export type { LogtoClientOptions } from './options.js';

/** What `createFetchClient` (fetch-client.ts) builds its openapi-fetch client from. */
export interface FetchSetup {
  endpoint: string;
  fetch: typeof globalThis.fetch;
  headers: Record<string, string> | undefined;
  tokenSource: TokenSource | undefined;
}

let readFetchSetup: (client: LogtoClient) => FetchSetup;

/** A client's fetch, headers and token source, for fetch-client.ts; not part of the runtime's exports. */
export function fetchSetup(client: LogtoClient): FetchSetup {
  return readFetchSetup(client);
}

export class LogtoClient implements OperationClient {
  /** `https://{tenantId}.logto.app` or your endpoint, without a trailing slash. */
  readonly endpoint: string;
  readonly #transport: Transport;
  readonly #tokenSource: TokenSource | undefined;
  readonly #fetch: typeof globalThis.fetch;
  readonly #headers: Record<string, string> | undefined;
  readonly #clientId: string | undefined;

  static {
    // Inside the class body, so it can read the private fields; nothing outside this module can.
    readFetchSetup = (client) => ({ endpoint: client.endpoint, fetch: client.#fetch, headers: client.#headers, tokenSource: client.#tokenSource });
  }

  constructor(options: LogtoClientOptions) {
    const resolved = resolveOptions(options);
    this.endpoint = resolved.endpoint;
    this.#fetch = resolved.fetch;
    this.#headers = resolved.headers;
    this.#clientId = resolved.credentials?.clientId;
    const secret = resolved.credentials?.clientSecret;
    const logger = redactingLogger(withDebug(resolved.logger, resolved.limits.debug), () => [
      secret,
      (this.#tokenSource as ClientCredentialsTokenSource | undefined)?.currentToken,
      resolved.userToken,
    ]);
    // A `LogtoStore` (e.g. Redis) is opened once for this endpoint + client id: its rate-limit
    // side feeds the limiter (under a plain key: the store's prefix already tells clients
    // apart, without putting the endpoint or client id into Redis), its token side the cache.
    const store = resolved.store?.open({ endpoint: resolved.endpoint, clientId: this.#clientId });
    const limitsOptions = store ? { ...resolved.limits, store: store.rateLimit, rateLimitKey: resolved.limits.rateLimitKey ?? 'requests' } : resolved.limits;
    const shared = store && resolved.credentials ? store.openTokenCache(resolved.credentials) : undefined;
    // One limiter and retry policy for the client: token requests count against the same budget.
    const limits = createLimits(limitsOptions, { endpoint: resolved.endpoint, clientId: this.#clientId, logger });
    this.#tokenSource = resolved.credentials
      ? new ClientCredentialsTokenSource(resolved.credentials, { fetch: limitedFetch(resolved.fetch, limits), logger, shared })
      : resolved.getAccessToken
        ? new ProvidedTokenSource(resolved.getAccessToken)
        : undefined;
    this.#transport = new Transport({
      send: createHttpRequester({
        baseUrl: resolved.endpoint,
        fetch: resolved.fetch,
        customFetch: options.fetch !== undefined,
        headers: resolved.headers,
      }),
      tokenSource: this.#tokenSource,
      timeoutMs: resolved.timeoutMs,
      userToken: resolved.userToken,
      getUserToken: resolved.getUserToken,
      logger,
      limits,
    });
  }

  request<Data>(operation: OperationDescriptor, params: RequestParams | undefined, options?: CallOptions): ApiPromise<Data> {
    return new ApiPromise(this.#transport.send<Data>(operation, params, options));
  }

  /** Never shows the secret or a token, whatever is inspected. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const auth = this.#clientId ? `client credentials (clientId ${JSON.stringify(this.#clientId)})` : this.#tokenSource ? 'getAccessToken' : 'none';
    return `LogtoClient { endpoint: ${JSON.stringify(this.endpoint)}, auth: ${auth} }`;
  }

  toJSON(): Record<string, unknown> {
    return { endpoint: this.endpoint, clientId: this.#clientId };
  }
}

export function createLogtoClient(options: LogtoClientOptions): LogtoClient {
  return new LogtoClient(options);
}
