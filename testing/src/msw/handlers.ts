/**
 * `logto-mgmt-testing/msw`: the fake Logto as MSW request handlers, for tests that intercept
 * `fetch` instead of opening a port. The handlers answer every request to the fake's origin
 * from the same state, log and faults as `startFakeLogto()` (pass one to share them).
 *
 *   const logto = await createFakeLogto({ endpoint: 'https://logto.test' });
 *   const server = setupServer(...logtoHandlers(logto));
 */
import { http, type HttpHandler } from 'msw';
import type { FakeLogto } from '../server/fake-logto.js';
import { FetchResponse } from './fetch-response.js';

export { createFakeLogto } from '../server/create-fake-logto.js';

export function logtoHandlers(logto: FakeLogto): HttpHandler[] {
  return [
    http.all(`${logto.url}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => (headers[name] = value));
      const record = logto.record(request.method, url, headers);
      const bytes = new Uint8Array(await request.arrayBuffer());
      const response = new FetchResponse(request.signal);
      const text = new TextDecoder().decode(bytes);
      logto.dispatch(record, { method: request.method, url, headers, bytes, text }, response).catch(() => response.destroy());
      return response.response;
    }),
  ];
}
