/**
 * The only way the Redis store talks to Redis: Lua scripts through the user's own client,
 * each bounded by a timeout, with one health switch shared by the rate-limit and token stores.
 *
 * - No import of `ioredis` or `redis`: the client is typed structurally. ioredis
 *   (`evalsha(sha, numKeys, ...keysAndArgs)`) and node-redis v4/v5
 *   (`evalSha(sha, { keys, arguments })`) are both recognised; anything else can be adapted
 *   with a `RedisScriptRunner`.
 * - EVALSHA first, EVAL on `NOSCRIPT` (after a restart or `SCRIPT FLUSH` Redis forgets scripts).
 * - A failed or slow call (default 200 ms) switches the store to its local fallback with one
 *   warning; a timer (unref'd, so it never keeps the process alive) pings Redis every
 *   `recheckMs` and switches back when it answers. Clients that queue commands while
 *   disconnected (ioredis's offline queue) are covered by the timeout.
 * - Until Redis has answered once, the client may still be connecting (on a loaded machine a
 *   new ioredis connection took longer than 200 ms): calls wait up to `connectTimeoutMs` from
 *   the first call instead. Falling back then would hand a whole deploy of processes, started
 *   together, the fallback at once.
 * - A call that timed out but is answered later proves Redis is there (it was slow, or this
 *   process was): the health check runs at once instead of after `recheckMs`, so a stall costs
 *   as little time on the fallback as it lasted.
 */
import { createHash } from 'node:crypto';

export interface IoRedisLike {
  evalsha(sha1: string, numkeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
}

export interface NodeRedisLike {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Runs one Lua script; for clients other than ioredis and node-redis. */
export interface RedisScriptRunner {
  runScript(script: RedisScript, keys: string[], args: string[]): Promise<unknown>;
}

export type RedisClientLike = IoRedisLike | NodeRedisLike | RedisScriptRunner;

export interface RedisScript {
  readonly source: string;
  readonly sha1: string;
}

export function defineScript(source: string): RedisScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

export interface StoreLogger {
  warn(message: string): void;
  /** Where "Redis is back" goes (default: nowhere; `console.info` for the default logger). */
  info?(message: string): void;
}

export interface RedisConnectionOptions {
  /** Per-call budget before Redis counts as down (default 200 ms). */
  timeoutMs?: number;
  /** Until Redis first answers, how long calls wait for the connection, from the first call (default 5 000 ms). */
  connectTimeoutMs?: number;
  /** How often to check whether Redis is back while on the fallback (default 1 s). */
  recheckMs?: number;
  /** Where the fallback warning goes (default `console`). */
  logger?: StoreLogger;
  /** After a warning, further outages within this time are not warned about again (default 5 min). */
  warnEveryMs?: number;
}

export type RecoverListener = (
  run: (script: RedisScript, keys: string[], args: (string | number)[]) => Promise<unknown>,
) => Promise<void>;

const PING = defineScript('return 1');

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

export class RedisConnection {
  readonly #run: (script: RedisScript, keys: string[], args: string[]) => Promise<unknown>;
  readonly #timeoutMs: number;
  readonly #connectTimeoutMs: number;
  /** End of the connect allowance (set by the first call), or 0 once Redis has answered. */
  #connectingUntil: number | undefined;
  readonly #recheckMs: number;
  readonly #logger: StoreLogger;
  readonly #recoverListeners: RecoverListener[] = [];
  readonly #warnEveryMs: number;
  #healthy = true;
  #warnedAt = Number.NEGATIVE_INFINITY;
  #outagesSinceWarning = 0;
  #recheck: ReturnType<typeof setInterval> | undefined;
  #checking = false;

  constructor(client: RedisClientLike, options: RedisConnectionOptions = {}) {
    this.#run = scriptRunner(client);
    this.#timeoutMs = options.timeoutMs ?? 200;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    for (const [name, value] of [['timeoutMs', this.#timeoutMs], ['connectTimeoutMs', this.#connectTimeoutMs]] as const) {
      if (!(value > 0)) throw new RangeError(`createRedisStore: ${name} must be a positive number of ms, got ${value}`);
    }
    this.#recheckMs = options.recheckMs ?? 1_000;
    this.#logger = options.logger ?? { warn: console.warn, info: console.info };
    this.#warnEveryMs = options.warnEveryMs ?? 300_000;
  }

  /** False while the store runs on its local fallback. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** Milliseconds between health checks while on the fallback. */
  get recheckMs(): number {
    return this.#recheckMs;
  }

  /**
   * Called (once per outage) when Redis answers again, before the stores use it again; gets a
   * bounded script runner (a listener that throws keeps the store on its fallback until the next check).
   */
  onRecover(listener: RecoverListener): void {
    this.#recoverListeners.push(listener);
  }

  /** Runs `script`; throws `RedisUnavailableError` while down, and switches to down on any failure. */
  async eval(script: RedisScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (!this.#healthy) throw new RedisUnavailableError('Redis store is on its local fallback');
    try {
      return await this.#bounded(script, keys, args.map(String));
    } catch (error) {
      this.#markDown(error);
      throw new RedisUnavailableError('Redis store call failed', { cause: error });
    }
  }

  /** Stops the health-check timer (the store keeps working on whatever side it is). */
  close(): void {
    clearInterval(this.#recheck);
    this.#recheck = undefined;
  }

  #bounded(script: RedisScript, keys: string[], args: string[]): Promise<unknown> {
    const now = Date.now();
    this.#connectingUntil ??= now + this.#connectTimeoutMs;
    const connecting = this.#connectingUntil > now;
    const budgetMs = connecting ? this.#connectingUntil - now : this.#timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new Error(connecting ? `no answer within ${this.#connectTimeoutMs} ms of connecting` : `no answer within ${this.#timeoutMs} ms`));
      }, Math.max(budgetMs, this.#timeoutMs));
    });
    const call = this.#run(script, keys, args);
    call.then(
      () => {
        this.#connectingUntil = 0;
        if (timedOut && !this.#healthy) void this.#check();
      },
      () => {}, // a late failure after the timeout must not be an unhandled rejection
    );
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  }

  #markDown(error: unknown): void {
    if (!this.#healthy) return;
    this.#healthy = false;
    // One warning, not one per blip: a flapping or overloaded link would otherwise flood the log.
    this.#outagesSinceWarning++;
    if (Date.now() - this.#warnedAt >= this.#warnEveryMs) {
      const reason = error instanceof Error ? error.message : String(error);
      const earlier = this.#outagesSinceWarning > 1 ? ` (${this.#outagesSinceWarning - 1} more outages since the last warning)` : '';
      const never = this.#connectingUntil !== 0 ? ', and it has not answered this process yet' : '';
      this.#logger.warn(
        `logto-mgmt: Redis store unavailable (${reason}${never})${earlier}; using the local rate limiter and token cache, ` +
          `checking Redis again every ${this.#recheckMs} ms`,
      );
      this.#warnedAt = Date.now();
      this.#outagesSinceWarning = 0;
    }
    this.#recheck = setInterval(() => void this.#check(), this.#recheckMs);
    this.#recheck.unref?.();
  }

  async #check(): Promise<void> {
    if (this.#checking || this.#healthy) return;
    this.#checking = true;
    try {
      await this.#bounded(PING, [], []);
      const run = (script: RedisScript, keys: string[], args: (string | number)[]) =>
        this.#bounded(script, keys, args.map(String));
      for (const listener of this.#recoverListeners) await listener(run);
      this.close();
      this.#healthy = true;
      this.#logger.info?.('logto-mgmt: Redis store reachable again; back to the shared rate limit and token cache');
    } catch {
      // Still down (or a recovery listener failed): try again on the next tick.
    } finally {
      this.#checking = false;
    }
  }
}

function scriptRunner(client: RedisClientLike): (script: RedisScript, keys: string[], args: string[]) => Promise<unknown> {
  if ('runScript' in client && typeof client.runScript === 'function') {
    return (script, keys, args) => client.runScript(script, keys, args);
  }
  if ('evalSha' in client && typeof client.evalSha === 'function') {
    const nodeRedis = client as NodeRedisLike;
    return withNoScriptRetry(
      (script, keys, args) => nodeRedis.evalSha(script.sha1, { keys, arguments: args }),
      (script, keys, args) => nodeRedis.eval(script.source, { keys, arguments: args }),
    );
  }
  if ('evalsha' in client && typeof client.evalsha === 'function') {
    const ioredis = client as IoRedisLike;
    return withNoScriptRetry(
      (script, keys, args) => ioredis.evalsha(script.sha1, keys.length, ...keys, ...args),
      (script, keys, args) => ioredis.eval(script.source, keys.length, ...keys, ...args),
    );
  }
  throw new TypeError(
    'createRedisStore: expected an ioredis client, a node-redis client or a { runScript } adapter',
  );
}

type Runner = (script: RedisScript, keys: string[], args: string[]) => Promise<unknown>;

function withNoScriptRetry(bySha: Runner, bySource: Runner): Runner {
  return async (script, keys, args) => {
    try {
      return await bySha(script, keys, args);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return bySource(script, keys, args);
      throw error;
    }
  };
}
