/**
 * One process of the multi-process tests and benchmark (run by `worker-pool.ts` through tsx):
 * a Logto client on the shared Redis store that makes `calls` API calls, `concurrency` at a
 * time, each tagged `x-call-id: <worker>-<n>` so the server can tell lost and duplicated calls.
 */
import { Redis } from 'ioredis';
import * as users from '../../generated/operations/users.js';
import { createLogtoClient } from '../../runtime/index.js';
import { createFetchClient } from '../../runtime/client/fetch-client.js';
import { createRedisStore } from '../../runtime/store/redis.js';

export interface WorkerConfig {
  worker: number;
  redisPort: number;
  endpoint: string;
  clientId: string;
  clientSecret: string;
  calls: number;
  concurrency: number;
  rateLimit: { requests: number; intervalMs: number };
  /** Redis store options (ms). */
  storeTimeoutMs?: number;
  recheckMs?: number;
  marginMs?: number;
  connectTimeoutMs?: number;
  fallbackProcesses?: number;
  /** Fetch the token during setup (default true); false for cold-start tests. */
  warmToken?: boolean;
  /**
   * Create the Redis client, the store and the Logto client only on "go", and call at once:
   * processes of a deploy started together (nothing warm, ioredis still connecting). A cold
   * worker runs again on every "go", each time with a new client, until the parent says "exit".
   */
  coldStart?: boolean;
  /** Use the Redis store (default true); false: each process limits itself in memory (benchmark baseline). */
  shared?: boolean;
}

export interface WorkerResult {
  worker: number;
  ok: number;
  failures: string[];
  warnings: string[];
  /** The store's info lines ("reachable again"). */
  infos: string[];
  /** Whether the store talked to Redis at the end. */
  healthy: boolean;
  /** 429s this process saw: when the client reported it (the pause is set by then), and the pause end (epoch ms). */
  rateLimited: { at: number; until: number }[];
  startedAt: number;
  durationMs: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; result: WorkerResult }
  | { type: 'error'; error: string };

type ParentMessage = { type: 'config'; config: WorkerConfig } | { type: 'go' } | { type: 'exit' };


function setUp(config: WorkerConfig) {
  const redis = new Redis(config.redisPort, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  redis.on('error', () => {}); // reconnect attempts while the test has Redis down
  const warnings: string[] = [];
  const infos: string[] = [];
  const rateLimited: WorkerResult['rateLimited'] = [];
  const store = createRedisStore(redis, {
    timeoutMs: config.storeTimeoutMs,
    connectTimeoutMs: config.connectTimeoutMs,
    recheckMs: config.recheckMs,
    marginMs: config.marginMs,
    fallbackProcesses: config.fallbackProcesses,
    logger: { warn: (message) => warnings.push(message), info: (message) => infos.push(message) },
  });
  const shared = config.shared !== false;
  const client = createLogtoClient({
    endpoint: config.endpoint,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    // The baseline (benchmark): each process with its own in-memory limiter.
    ...(shared && { store }),
    rateLimit: config.rateLimit,
    maxConcurrency: config.concurrency,
    // Stamps when each request leaves this process (past the limiter), for the 429 test.
    fetch: (input, init) => {
      const request = new Request(input, init);
      request.headers.set('x-sent-at', String(Date.now()));
      return fetch(request);
    },
    onRateLimit: (event) => rateLimited.push({ at: Date.now(), until: Date.now() + event.waitMs }),
  });

  const call = (callId: string) =>
    users.list(client, { query: { page: 1, page_size: 1 } }, { headers: { 'x-call-id': callId } }).then(() => undefined);
  return { call, client, store, warnings, infos, rateLimited, close: () => (store.close(), redis.disconnect()) };
}

async function run(config: WorkerConfig, client: ReturnType<typeof setUp>): Promise<WorkerResult> {
  const startedAt = Date.now();
  const failures: string[] = [];
  let next = 0;
  let ok = 0;
  const lane = async () => {
    while (next < config.calls) {
      const callId = `${config.worker}-${next++}`;
      try {
        await client.call(callId);
        ok++;
      } catch (error) {
        failures.push(`${callId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, lane));
  return {
    worker: config.worker,
    ok,
    failures,
    warnings: client.warnings,
    infos: client.infos,
    healthy: client.store.healthy,
    rateLimited: client.rateLimited,
    startedAt,
    durationMs: Date.now() - startedAt,
  };
}

let config: WorkerConfig | undefined;
let client: ReturnType<typeof setUp> | undefined;
process.on('message', (message: ParentMessage) => {
  const send = (reply: WorkerMessage) => process.send!(reply);
  if (message.type === 'config' && message.config.coldStart) {
    config = message.config;
    send({ type: 'ready' });
  } else if (message.type === 'go' && config?.coldStart) {
    const cold = setUp(config);
    run(config, cold)
      .then((result) => send({ type: 'done', result }))
      .catch((error: unknown) => send({ type: 'error', error: String(error) }))
      .finally(() => cold.close());
  } else if (message.type === 'exit') {
    process.disconnect();
  } else if (message.type === 'config') {
    config = message.config;
    client = setUp(config);
    // Warm up fetch (its first call in a process loads and compiles undici: ~100 ms, far
    // more on a loaded machine) and the token, so the measured run starts with every process
    // warm: a slot taken by a cold process reaches the server late and bunches up with the
    // slots taken one window later.
    const warmUp =
      config.warmToken === false
        ? fetch(`${config.endpoint}/api/status`).then((response) => response.arrayBuffer())
        : createFetchClient(client.client).GET('/api/status', {});
    warmUp.then(() => send({ type: 'ready' }), (error: unknown) => send({ type: 'error', error: String(error) }));
  } else if (message.type === 'go' && config && client) {
    run(config, client)
      .then((result) => send({ type: 'done', result }))
      .catch((error: unknown) => send({ type: 'error', error: String(error) }))
      .finally(() => {
        client!.close();
        process.disconnect();
      });
  }
});
