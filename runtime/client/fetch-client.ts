/**
 * Escape hatch: a plain openapi-fetch client on a `LogtoClient`'s endpoint, with its fetch, its
 * headers and its M2M token, for anything the wrappers do not cover:
 *
 *   import { createFetchClient } from 'logto-mgmt/fetch-client';
 *   import type { paths } from 'logto-mgmt/schema';
 *   const raw = createFetchClient<paths>(logto.raw);
 *   const { data, error, response } = await raw.GET('/api/users', {});
 *
 * It returns openapi-fetch's `{ data, error, response }` and does none of the rest (no 401
 * replay, no LogtoErrors, no timeout, no limiter).
 *
 * Its own entry point, not `logto-mgmt/runtime`: openapi-fetch's client and its types are then
 * paid only by those who use it. The runtime sends its calls without them (http-request.ts),
 * so a one-call bundle leaves openapi-fetch's client out, and a consumer's `tsc` with
 * skipLibCheck off no longer checks openapi-fetch's declarations (961 of 1945 ms of a
 * three-call consumer's check, in a tsc trace taken by hand).
 */
import createClient, { type Client } from 'openapi-fetch';
import { fetchSetup, type LogtoClient } from './client.js';
import { QUERY_STYLE } from '../transport/http-request.js';

/** One openapi-fetch client per `LogtoClient`: middleware added to it stays for later calls. */
const clients = new WeakMap<LogtoClient, Client<any>>();

// `Paths` defaults to `any`, as openapi-fetch's own untyped client: pass the generated `paths`.
export function createFetchClient<Paths extends {} = any>(client: LogtoClient): Client<Paths> {
  let raw = clients.get(client);
  if (!raw) {
    const { endpoint, fetch, headers, tokenSource } = fetchSetup(client);
    raw = createClient<any>({ baseUrl: endpoint, fetch, headers, querySerializer: QUERY_STYLE });
    if (tokenSource) {
      raw.use({
        async onRequest({ request }) {
          request.headers.set('authorization', `Bearer ${await tokenSource.getToken(request.signal)}`);
          return request;
        },
      });
    }
    clients.set(client, raw);
  }
  return raw as Client<Paths>;
}
