/**
 * PROVISIONAL minimal client so generated wrappers compile and really send HTTP.
 * Issue #3 replaces this with the full client (auth, errors, timeouts); keep `request()`'s
 * signature (it is `OperationClient`).
 */
import createClient from 'openapi-fetch';
import { ApiPromise } from './api-promise.js';
import type { CallOptions, OperationClient, OperationDescriptor, RequestParams } from './operation.js';

export interface LogtoClientOptions {
  /** Logto endpoint, e.g. `https://my-tenant.logto.app` or `http://localhost:3001`. */
  endpoint: string;
  /** Returns the access token to send for M2M operations. */
  getAccessToken?: () => Promise<string> | string;
  fetch?: typeof globalThis.fetch;
}

export class LogtoClient implements OperationClient {
  readonly #fetchClient: ReturnType<typeof createClient>;
  readonly #options: LogtoClientOptions;

  constructor(options: LogtoClientOptions) {
    this.#options = options;
    this.#fetchClient = createClient({ baseUrl: options.endpoint.replace(/\/+$/, ''), fetch: options.fetch });
  }

  request<Data>(operation: OperationDescriptor, params: RequestParams | undefined, options?: CallOptions): ApiPromise<Data> {
    return new ApiPromise(this.#send<Data>(operation, params, options));
  }

  async #send<Data>(operation: OperationDescriptor, params: RequestParams | undefined, options?: CallOptions) {
    const headers: Record<string, string> = { ...options?.headers };
    if (operation.security === 'm2m' && this.#options.getAccessToken) {
      headers.authorization = `Bearer ${await this.#options.getAccessToken()}`;
    } else if (operation.security === 'user' && options?.userToken) {
      headers.authorization = `Bearer ${options.userToken}`;
    }
    const { data, error, response } = await this.#fetchClient.request(operation.method as 'get', operation.path as never, {
      params: { path: params?.path, query: params?.query },
      body: params?.body,
      headers,
      signal: options?.signal,
    } as never);
    if (!response.ok) {
      throw new Error(`${operation.method} ${operation.path} failed with ${response.status}: ${JSON.stringify(error)}`);
    }
    return { data: data as Data, response };
  }
}

export function createLogtoClient(options: LogtoClientOptions): LogtoClient {
  return new LogtoClient(options);
}
