/**
 * The contract between generated wrappers and the handwritten runtime.
 *
 * Every generated wrapper is `defineOperation<Params, Data>(descriptor)`: a plain function
 * `(client, params, options) => client.request(descriptor, params, options)` that carries its
 * descriptor. Wrappers hold no logic, so all behaviour (auth, retries, limits, pagination)
 * lives here in `runtime/` and is tested once.
 */
import type { ApiPromise } from './api-promise.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/**
 * Which credential an operation is called with, taken from the spec:
 * - `m2m`: the client-credentials token (global `security: [{ OAuth2: [all] }]`);
 * - `none`: no Authorization header (`security: []`: Experience, Well-known, Status...);
 * - `user`: an end user's access token supplied by the caller (My account, Verifications,
 *   Account center). The M2M token is never sent to these.
 */
export type Security = 'm2m' | 'none' | 'user';

/** How the request body is encoded. */
export type BodyType = 'json' | 'multipart' | 'none';

export interface OperationDescriptor {
  /** The spec's operationId, e.g. `ListUsers`. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Path template as in the spec, including the `/api` prefix: `/api/users/{userId}`. */
  readonly path: string;
  readonly security: Security;
  /** Takes `page`/`page_size` and answers a JSON array: the runtime can iterate it. */
  readonly paginated: boolean;
  readonly body: BodyType;
}

/** The shape every wrapper's `params` argument has; the generator narrows it per operation. */
export interface RequestParams {
  path?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** Per-call options, accepted by every wrapper as its last argument. */
export interface CallOptions {
  /** Cancels the call (queued, in flight, or reading the body). */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call (per attempt, milliseconds). */
  timeoutMs?: number;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /**
   * Allow retrying POST/PATCH after the request may have reached the server. Off by default:
   * a retried write can be applied twice.
   */
  retryNonIdempotent?: boolean;
  /** End user's access token for `security: 'user'` operations (overrides the client's). */
  userToken?: string;
  /** Extra request headers for this call. */
  headers?: Record<string, string>;
}

/** What a wrapper needs from a client: one method. Implemented by `LogtoClient`. */
export interface OperationClient {
  request<Data>(
    operation: OperationDescriptor,
    params: RequestParams | undefined,
    options?: CallOptions,
  ): ApiPromise<Data>;
}

/** `params` is optional exactly when nothing in it is required. */
export type OperationArgs<Params> = {} extends Params
  ? [params?: Params, options?: CallOptions]
  : [params: Params, options?: CallOptions];

/** A generated wrapper: call it with a client. */
export interface Operation<Params, Data> {
  (client: OperationClient, ...args: OperationArgs<Params>): ApiPromise<Data>;
  readonly descriptor: OperationDescriptor;
  /** Type-only: lets conditional types recover `Params` and `Data`. Never set at run time. */
  readonly types?: { params: Params; data: Data };
}

/**
 * A wrapper over a paginated list: `Data` is `Item[]`, and `paginate()` (or the bound
 * client's `.iterate()`) walks every page of it.
 */
export interface PaginatedOperation<Params, Item> extends Operation<Params, Item[]> {
  readonly paginatedTypes?: { params: Params; item: Item };
}

export function defineOperation<Params, Data>(descriptor: OperationDescriptor): Operation<Params, Data> {
  const call = (client: OperationClient, params?: RequestParams, options?: CallOptions) =>
    client.request<Data>(descriptor, params, options);
  return Object.assign(call, { descriptor }) as unknown as Operation<Params, Data>;
}

/** Same as `defineOperation`, typed as a paginated list of `Item`. */
export function definePaginatedOperation<Params, Item>(
  descriptor: OperationDescriptor,
): PaginatedOperation<Params, Item> {
  return defineOperation<Params, Item[]>(descriptor) as PaginatedOperation<Params, Item>;
}
