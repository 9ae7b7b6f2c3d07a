/**
 * `startFakeLogto()`: the fake behind a real node:http server on 127.0.0.1 (random port).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeRequest } from '../http/exchange.js';
import { logtoErrors, sendJson } from '../http/responses.js';
import { sharedSpecValidator } from '../validation/spec-validator.js';
import { FakeLogto, type FakeLogtoOptions } from './fake-logto.js';

async function readRequest(req: IncomingMessage, url: URL): Promise<FakeRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return { method: req.method ?? 'GET', url, headers: req.headers, bytes, text: bytes.toString('utf8') };
}

/** Starts a fake Logto on 127.0.0.1 (random port). Call `close()` when done. */
export async function startFakeLogto(options: FakeLogtoOptions = {}): Promise<FakeLogto> {
  const validator = await sharedSpecValidator();
  let fake: FakeLogto | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', fake!.url);
    const record = fake!.record(req.method ?? 'GET', url, req.headers);
    readRequest(req, url)
      .then((request) => fake!.dispatch(record, request, res))
      .catch(() => {
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
  const port = (server.address() as AddressInfo).port;
  fake = new FakeLogto(`http://127.0.0.1:${port}`, validator, options);
  fake.onClose(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return fake;
}
