/**
 * One process of the multi-process tests and benchmark (run by `worker-pool.ts` through tsx):
 * a Logto client on the shared Redis store that makes `calls` API calls, `concurrency` at a
 * time, each tagged `x-call-id: <worker>-<n>` so the server can tell lost and duplicated calls.
 */
import { Redis } from 'ioredis';
import { createRedisStore } from '../../runtime/store/redis.js';
import { SharedTokenCache, type SharedToken } from '../../runtime/store/shared-token-cache.js';

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
}

export interface WorkerResult {
  worker: number;
  ok: number;
  failures: string[];
  warnings: string[];
  /** 429s this process saw: when it had recorded the pause, and the pause end (epoch ms). */
  rateLimited: { at: number; until: number }[];
  startedAt: number;
  durationMs: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; result: WorkerResult }
  | { type: 'error'; error: string };

type ParentMessage = { type: 'config'; config: WorkerConfig } | { type: 'go' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setUp(config: WorkerConfig) {
  const redis = new Redis(config.redisPort, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  redis.on('error', () => {}); // reconnect attempts while the test has Redis down
  const warnings: string[] = [];
  const rateLimited: WorkerResult['rateLimited'] = [];
  const store = createRedisStore(redis, {
    timeoutMs: config.storeTimeoutMs,
    recheckMs: config.recheckMs,
    marginMs: config.marginMs,
    logger: { warn: (message) => warnings.push(message) },
  });
  const { rateLimit, tokens } = store.open({ endpoint: config.endpoint, clientId: config.clientId });
  const tokenCache = new SharedTokenCache({ store: tokens, key: 'm2m', secret: config.clientSecret });
  let local: Promise<SharedToken> | undefined;

  const fetchToken = async (): Promise<SharedToken> => {
    const response = await fetch(`${config.endpoint}/oidc/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${config.clientId}:${config.clientSecret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: 'https://default.logto.app/api', scope: 'all' }),
    });
    const body = (await response.json()) as { access_token: string; expires_in: number; scope?: string };
    if (!response.ok) throw new Error(`token request failed with ${response.status}`);
    return { accessToken: body.access_token, scope: body.scope, expiresInMs: body.expires_in * 1000 };
  };
  const accessToken = async () => {
    local ??= tokenCache.get(fetchToken, 60_000).finally(() => setTimeout(() => (local = undefined), 1_000));
    return (await local).accessToken;
  };

  const call = async (callId: string) => {
    for (;;) {
      // The token first: a slot taken and then held while waiting for a token would reach
      // the server late and bunch up with the slots taken one window later.
      const authorization = `Bearer ${await accessToken()}`;
      const wait = Math.max(
        (await rateLimit.pausedUntil('requests')) - Date.now(),
        await rateLimit.tryAcquire('requests', config.rateLimit.requests, config.rateLimit.intervalMs),
      );
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      const response = await fetch(`${config.endpoint}/api/users?page=1&page_size=1`, {
        headers: { authorization, 'x-call-id': callId, 'x-acquired-at': String(Date.now()) },
      });
      await response.arrayBuffer();
      if (response.status === 429) {
        const until = Date.now() + Number(response.headers.get('retry-after') ?? 1) * 1000;
        await rateLimit.pauseUntil('requests', until);
        rateLimited.push({ at: Date.now(), until });
        continue;
      }
      if (!response.ok) throw new Error(`${callId}: ${response.status}`);
      return;
    }
  };
  return { call, warnings, rateLimited, close: () => (store.close(), redis.disconnect()) };
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
  return { worker: config.worker, ok, failures, warnings: client.warnings, rateLimited: client.rateLimited, startedAt, durationMs: Date.now() - startedAt };
}

let config: WorkerConfig | undefined;
let client: ReturnType<typeof setUp> | undefined;
process.on('message', (message: ParentMessage) => {
  const send = (reply: WorkerMessage) => process.send!(reply);
  if (message.type === 'config') {
    config = message.config;
    client = setUp(config);
    // Warm up fetch (its first call in a process loads and compiles undici: ~100 ms, far
    // more on a loaded machine) so the measured run starts with every process warm.
    fetch(`${config.endpoint}/api/status`)
      .then((response) => response.arrayBuffer())
      .then(() => send({ type: 'ready' }), (error: unknown) => send({ type: 'error', error: String(error) }));
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
