/**
 * runtime/transport/http-request.ts against a loopback node:http server of this file: what goes
 * out (URL, query style, headers and their precedence, bodies) and how each kind of answer is
 * read (204, empty, chunked-empty, JSON and non-JSON bodies), with the default fetch and with a
 * custom one (which is handed a `Request`).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpRequester, type HttpRequest } from '../../runtime/transport/http-request.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The next answer: status, headers, body chunks (several chunks and no length = chunked). */
interface Answer {
  status: number;
  headers?: Record<string, string>;
  chunks?: string[];
}

let server: Server;
let baseUrl: string;
let received: Received[];
let answer: Answer;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(answer.status, answer.headers);
      for (const chunk of answer.chunks ?? []) res.write(chunk);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  answer = { status: 200, headers: { 'content-type': 'application/json' }, chunks: ['{"id":"u1"}'] };
});

const request = (overrides: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'GET',
  path: '/api/users/{userId}',
  pathParams: { userId: 'u1' },
  query: undefined,
  body: undefined,
  bodyType: 'none',
  token: 'm2m-token',
  headers: undefined,
  signal: new AbortController().signal,
  ...overrides,
});

// `baseUrl` is only known once the server listens: requesters are built per test.
const requester = (headers?: Record<string, string>, fetch: typeof globalThis.fetch = globalThis.fetch, customFetch = false) =>
  createHttpRequester({ baseUrl, fetch, customFetch, headers });

describe('the request', () => {
  it('fills and encodes path parameters and serializes the query form/explode (objects too), skipping undefined', async () => {
    await requester()(
      request({
        pathParams: { userId: 'a/b c' },
        query: { search_params: { 'search.name': 'ada', 'mode.name': 'like' }, roles: ['admin', 'viewer'], page: 2, skipped: undefined },
      }),
    );
    expect(received[0]!.url).toBe('/api/users/a%2Fb%20c?search.name=ada&mode.name=like&roles=admin&roles=viewer&page=2');
  });

  it('sends the bearer token, and a JSON body with its Content-Type; no Content-Type without a body', async () => {
    await requester()(request({ method: 'POST', path: '/api/users', pathParams: undefined, body: { username: 'ada' }, bodyType: 'json' }));
    await requester()(request({ token: undefined }));
    expect(received[0]).toMatchObject({ method: 'POST', url: '/api/users', body: '{"username":"ada"}' });
    expect(received[0]!.headers).toMatchObject({ authorization: 'Bearer m2m-token', 'content-type': 'application/json' });
    expect(received[1]!.headers.authorization).toBeUndefined();
    expect(received[1]!.headers['content-type']).toBeUndefined();
  });

  it("layers headers: the client's over the JSON default, the call's over the client's, the token over both (any case)", async () => {
    const client = { 'x-app': 'billing', 'X-Both': 'client', 'Content-Type': 'application/merge-patch+json' };
    await requester(client)(
      request({ method: 'PATCH', body: { name: 'x' }, bodyType: 'json', headers: { 'x-both': 'call', Authorization: 'Bearer not-this-one' } }),
    );
    expect(received[0]!.headers).toMatchObject({
      'x-app': 'billing',
      'x-both': 'call',
      'content-type': 'application/merge-patch+json',
      authorization: 'Bearer m2m-token',
    });
  });

  it('keeps the JSON Content-Type when client or call headers are merged in, and sends no body when a call has none', async () => {
    await requester({ 'x-app': 'billing' })(request({ method: 'POST', body: { a: 1 }, bodyType: 'json', headers: { 'x-call': '1' } }));
    await requester({ 'x-app': 'billing' })(request({ method: 'POST', path: '/api/user-assets', pathParams: undefined, bodyType: 'multipart' }));
    expect(received[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'x-app': 'billing', 'x-call': '1' });
    expect([received[1]!.body, received[1]!.headers['content-type']]).toEqual(['', undefined]);
  });

  it('sends a multipart body from plain fields with its boundary, leaving undefined fields out', async () => {
    await requester()(request({ method: 'POST', path: '/api/user-assets', pathParams: undefined, body: { file: new Blob(['png']), note: 3, gone: undefined }, bodyType: 'multipart' }));
    const { headers, body } = received[0]!;
    expect(headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const parts = [...(await new Response(body, { headers: { 'content-type': headers['content-type']! } }).formData()).keys()];
    expect(parts).toEqual(['file', 'note']);
  });

  it('hands a custom fetch one Request (method, headers, body, signal that follows ours); the default fetch gets (url, init)', async () => {
    const calls: unknown[][] = [];
    const record: typeof globalThis.fetch = (input, init) => (calls.push([input, init]), globalThis.fetch(input, init));
    const controller = new AbortController();
    await requester({ 'x-app': 'billing' }, record, true)(request({ method: 'PUT', body: { a: 1 }, bodyType: 'json', signal: controller.signal }));
    const [input, init] = calls[0]!;
    expect(input).toBeInstanceOf(Request);
    expect(init).toBeUndefined();
    const sent = input as Request;
    expect([sent.method, sent.url, sent.headers.get('authorization'), sent.headers.get('x-app')]).toEqual(['PUT', `${baseUrl}/api/users/u1`, 'Bearer m2m-token', 'billing']);
    expect(received[0]!.body).toBe('{"a":1}');
    controller.abort();
    expect(sent.signal.aborted).toBe(true);

    await requester(undefined, record, false)(request());
    expect(calls[1]![0]).toBe(`${baseUrl}/api/users/u1`);
    expect(calls[1]![1]).toMatchObject({ method: 'GET', headers: { authorization: 'Bearer m2m-token' } });
  });
});

describe('the answer', () => {
  it.each([
    ['204', { status: 204 }],
    ['Content-Length: 0', { status: 200, headers: { 'content-length': '0' } }],
    ['a chunked body with nothing in it', { status: 200, headers: { 'content-type': 'application/json' }, chunks: ['', ''] }],
  ])('a 2xx with no body (%s) resolves to undefined data', async (_, given: Answer) => {
    answer = given;
    const result = await requester()(request());
    expect(result.response.status).toBe(given.status);
    expect('data' in result && result.data).toBeUndefined();
    expect(result.error).toBeUndefined();
  });

  it('a HEAD answer is not read as a body', async () => {
    answer = { status: 200, headers: { 'content-type': 'application/json', 'content-length': '11' } };
    const result = await requester()(request({ method: 'HEAD' }));
    expect(result).toMatchObject({ data: undefined });
    expect(result.response.headers.get('content-length')).toBe('11');
  });

  it('a 2xx JSON body is parsed, with a Content-Length or chunked', async () => {
    answer = { status: 200, headers: { 'content-type': 'application/json', 'content-length': '11' }, chunks: ['{"id":"u1"}'] };
    expect((await requester()(request())).data).toEqual({ id: 'u1' });
    answer = { status: 200, headers: { 'content-type': 'application/json' }, chunks: ['[{"id":', '"u1"}]'] };
    expect((await requester()(request())).data).toEqual([{ id: 'u1' }]);
  });

  it('a 2xx body that is not JSON throws a SyntaxError', async () => {
    answer = { status: 200, headers: { 'content-type': 'text/html' }, chunks: ['<html>proxy login</html>'] };
    await expect(requester()(request())).rejects.toThrow(SyntaxError);
  });

  it('an error body is parsed when it is JSON, else kept as text; an empty one is undefined', async () => {
    answer = { status: 404, headers: { 'content-type': 'application/json' }, chunks: ['{"code":"entity.not_found","message":"Not found"}'] };
    expect(await requester()(request())).toMatchObject({ error: { code: 'entity.not_found' } });
    answer = { status: 404, headers: { 'content-type': 'text/plain' }, chunks: ['Not Found'] };
    const plain = await requester()(request());
    expect(plain.error).toBe('Not Found');
    expect(plain.data).toBeUndefined();
    for (const given of [{ status: 500, headers: { 'content-length': '0' } }, { status: 503, chunks: ['', ''] }]) {
      answer = given;
      const empty = await requester()(request());
      expect([empty.response.status, empty.error, 'data' in empty]).toEqual([given.status, undefined, false]);
    }
  });

  it('the Response stays readable by headers after the body was consumed', async () => {
    answer = { status: 200, headers: { 'content-type': 'application/json', 'total-number': '42' }, chunks: ['[]'] };
    const { response } = await requester()(request());
    expect(response.headers.get('total-number')).toBe('42');
    expect(response.bodyUsed).toBe(true);
  });
});
