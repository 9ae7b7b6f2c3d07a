/**
 * The limiter's defaults, observed at a loopback `node:http` server of this file: a client
 * created without `maxConcurrency` or `rateLimit` keeps 16 requests in flight at most and
 * sends 200 requests per 10 s (what README promises; Logto Cloud's budget). No token endpoint
 * is involved (`getAccessToken`), so every slot goes to an API call.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogtoClient } from '../../runtime/client/client.js';
import type { OperationDescriptor } from '../../runtime/client/operation.js';
import { LogtoTimeoutError } from '../../runtime/transport/errors.js';

const getStatus: OperationDescriptor = { id: 'GetStatus', method: 'GET', path: '/api/status', security: 'm2m', paginated: false, body: 'none' };

let server: Server;
let endpoint: string;
let arrived: number;
let inFlight: number;
let mostInFlight: number;
/** Resolves the held responses; `undefined` while responses are answered at once. */
let held: (() => void)[] | undefined;

beforeEach(async () => {
  arrived = 0;
  inFlight = 0;
  mostInFlight = 0;
  held = undefined;
  server = createServer((req, res) => {
    arrived++;
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    const answer = () => {
      inFlight--;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    };
    if (held) held.push(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (condition: () => boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(5);
  }
};

it('keeps 16 requests in flight by default, and no more', async () => {
  held = [];
  const logto = createLogtoClient({ endpoint, getAccessToken: () => 'token' });
  const calls = Array.from({ length: 40 }, () => logto.request(getStatus, undefined));
  // Whatever happens below, answer everything in the end so no call is left hanging.
  const answerAll = () => held!.splice(0).forEach((answer) => answer());
  try {
    await until(() => arrived >= 16, '16 requests at the server');
    // Time for a 17th to show up, were the cap higher.
    await sleep(300);
    expect(arrived).toBe(16);
    // Each answered request frees exactly one slot.
    held.splice(0, 4).forEach((answer) => answer());
    await until(() => arrived >= 20, '4 more requests');
    await sleep(100);
    expect(arrived).toBe(20);
  } finally {
    const draining = setInterval(answerAll, 5);
    await Promise.allSettled(calls);
    clearInterval(draining);
  }
  await Promise.all(calls);
  expect(arrived).toBe(40);
  expect(mostInFlight).toBe(16);
});

it('sends 200 requests per 10 s by default: the 201st waits for the window and times out queued', async () => {
  const logto = createLogtoClient({ endpoint, getAccessToken: () => 'token' });
  const first = Array.from({ length: 200 }, () => logto.request(getStatus, undefined));
  const extra = logto.request(getStatus, undefined, { timeoutMs: 5_000 }).then(
    () => undefined,
    (error: unknown) => error,
  );
  await Promise.all(first);
  const error = await extra;
  expect(arrived).toBe(200);
  expect(error).toBeInstanceOf(LogtoTimeoutError);
  expect(error).toMatchObject({ queued: true });
  expect((error as Error).message).toContain('200 requests / 10000 ms, 16 concurrent');
});
