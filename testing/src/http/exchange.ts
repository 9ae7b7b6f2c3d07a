/**
 * What the fake needs from a request and a response, independent of how they travel: a
 * node:http server (`startFakeLogto`) and MSW's fetch interception (`logto-mgmt-testing/msw`)
 * both hand the same `FakeLogto` these two. `ServerResponse` satisfies `FakeResponse` as is.
 */
export type HeaderMap = Record<string, string | string[] | undefined>;

export interface FakeRequest {
  method: string;
  url: URL;
  /** Lower-case names. */
  headers: HeaderMap;
  bytes: Uint8Array;
  /** The body as UTF-8 text. */
  text: string;
}

export interface FakeResponse {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  writeHead(status: number, headers?: Record<string, string | number | string[]>): unknown;
  write(chunk: string, callback?: () => void): unknown;
  end(text?: string): unknown;
  /** Drops the connection (a network error on the client's side). */
  destroy(): unknown;
  on(event: 'close', listener: () => void): unknown;
}

export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
