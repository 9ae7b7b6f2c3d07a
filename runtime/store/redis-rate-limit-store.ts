/**
 * `RateLimitStore` on Redis: one budget and one 429 pause shared by every process that uses
 * the same key prefix, with a local fallback while Redis is down.
 *
 * - Acquire is one Lua script (atomic on the server): a rolling-window log in a sorted set of
 *   send times taken from the Redis server's `TIME`, so the clocks of the machines involved
 *   never matter. Times are Redis's; waits and pauses cross the wire as durations.
 * - A slot is held `marginMs` past the window: Logto counts requests when they arrive, and the
 *   time between taking a slot and the request reaching the server varies by a few ms to tens
 *   of ms (event loop, GC, network); without the margin two such delays could put limit + 1
 *   arrivals into one server-side window.
 * - Fallback (see `RedisConnection`): each process limits itself locally to its share of the
 *   budget, limit ÷ N processes (every acquire registers its process in a sorted set, so N is
 *   the number seen recently). The local window already holds this process's recent sends
 *   (mirrored on every acquire), so the switch opens no burst. For the first window of the
 *   outage, when the shared window still holds everyone's sends from before (R at the last
 *   answer, own_i of them ours), process i may send own_i + (limit − R) ÷ N: summed over the
 *   processes that is at most the limit, however unevenly the budget was used before.
 *   When Redis is back, the sends made meanwhile are written into the shared window (as ages,
 *   so again no clock is compared) before anyone acquires through Redis again.
 */
import type { RateLimitStore } from '../limits/rate-limit-store.js';
import { LocalSendLog } from './local-send-log.js';
import { defineScript, RedisUnavailableError, type RedisConnection } from './redis-connection.js';
import { randomId } from './token-store.js';

const ACQUIRE = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local presence = math.max(window * 2, 10000)
redis.call('ZADD', KEYS[3], now, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - presence)
redis.call('PEXPIRE', KEYS[3], presence)
local processes = redis.call('ZCARD', KEYS[3])
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {paused, processes, -1} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {0, processes, count + 1}
end
local edge = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return {math.max(1, tonumber(edge[2]) + window - now), processes, count}
`);

const PAUSE = defineScript(`
local ms = tonumber(ARGV[1])
if ms > redis.call('PTTL', KEYS[1]) then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 0
`);

const PAUSED = defineScript(`return redis.call('PTTL', KEYS[1])`);

/** ARGV: window (ms), member prefix, then the age (ms) of each send to record. */
const REPLAY = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 3, #ARGV do redis.call('ZADD', KEYS[1], now - tonumber(ARGV[i]), ARGV[2] .. i) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 0
`);

export interface RedisRateLimitStoreOptions {
  /** Prepended to every key, e.g. `logto-mgmt:{3f2a…}:` (the braces keep a client's keys in one Cluster slot). */
  prefix: string;
  /** Extra time a slot stays taken after the window (default 100 ms); see the file comment. */
  marginMs?: number;
  /** Processes to divide the budget by while on the fallback (default: as many as Redis saw recently). */
  fallbackProcesses?: number;
}

export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #marginMs: number;
  readonly #fixedProcesses: number | undefined;
  readonly #instance = randomId();
  readonly #local = new LocalSendLog();
  /** Window (with margin) last used per key: what to replay after an outage. */
  readonly #windows = new Map<string, number>();
  #processes = 1;
  /** Per key: the shared window's count at the last answer from Redis. */
  readonly #lastSeen = new Map<string, { count: number; at: number }>();
  /** Per key, while on the fallback: the limit of the outage's first window, and its end. */
  readonly #outages = new Map<string, { limit: number; until: number }>();
  #sequence = 0;
  #outageStartedAt = 0;

  constructor(redis: RedisConnection, options: RedisRateLimitStoreOptions) {
    this.#redis = redis;
    this.#prefix = options.prefix;
    this.#marginMs = options.marginMs ?? 100;
    this.#fixedProcesses = options.fallbackProcesses;
    redis.onRecover((run) => this.#replay(run));
  }

  async tryAcquire(key: string, limit: number, windowMs: number): Promise<number> {
    const window = windowMs + this.#marginMs;
    this.#windows.set(key, window);
    if (this.#redis.healthy) {
      try {
        const [wait, processes, count] = (await this.#redis.eval(
          ACQUIRE,
          [this.#key('rl', key), this.#key('pause', key), this.#key('processes')],
          [limit, window, `${this.#instance}:${++this.#sequence}`, this.#instance],
        )) as [number, number, number];
        this.#processes = Number(processes) || 1;
        if (Number(count) >= 0) this.#lastSeen.set(key, { count: Number(count), at: Date.now() });
        // Mirror our own sends locally, so a fallback starts from what this process really sent.
        if (Number(wait) === 0) this.#local.tryAcquire(key, Number.POSITIVE_INFINITY, window);
        return Number(wait);
      } catch (error) {
        if (!(error instanceof RedisUnavailableError)) throw error;
        this.#outageStartedAt ||= Date.now();
      }
    }
    this.#outageStartedAt ||= Date.now();
    const localLimit = this.#fallbackLimit(key, limit, window);
    if (localLimit === 0) return Math.max(1, this.#outages.get(key)!.until - Date.now());
    return this.#local.tryAcquire(key, localLimit, window);
  }

  #fallbackLimit(key: string, limit: number, window: number): number {
    const now = Date.now();
    const processes = this.#fixedProcesses ?? this.#processes;
    let outage = this.#outages.get(key);
    if (!outage) {
      const own = this.#local.recent(key, window).length;
      const last = this.#lastSeen.get(key);
      const shared = last && now - last.at < window ? Math.max(last.count, own) : own;
      outage = { limit: own + Math.floor(Math.max(0, limit - shared) / processes), until: now + window };
      this.#outages.set(key, outage);
    }
    return now < outage.until ? outage.limit : Math.max(1, Math.floor(limit / processes));
  }

  async pauseUntil(key: string, untilEpochMs: number): Promise<void> {
    this.#local.pauseUntil(key, untilEpochMs);
    const ms = Math.ceil(untilEpochMs - Date.now());
    if (ms <= 0 || !this.#redis.healthy) return;
    await this.#redis.eval(PAUSE, [this.#key('pause', key)], [ms]).catch(() => {});
  }

  async pausedUntil(key: string): Promise<number> {
    const local = this.#local.pausedUntil(key);
    if (!this.#redis.healthy) return local;
    try {
      const ms = Number(await this.#redis.eval(PAUSED, [this.#key('pause', key)], []));
      return ms > 0 ? Math.max(local, Date.now() + ms) : local;
    } catch {
      return local;
    }
  }

  #key(kind: string, key?: string): string {
    return key === undefined ? `${this.#prefix}${kind}` : `${this.#prefix}${kind}:${key}`;
  }

  /** Writes the sends and pauses of the outage into Redis; runs before the switch back. */
  async #replay(run: Parameters<Parameters<RedisConnection['onRecover']>[0]>[0]): Promise<void> {
    const now = Date.now();
    for (const [key, window] of this.#windows) {
      const ages = this.#local.recent(key, window).filter((at) => at >= this.#outageStartedAt).map((at) => now - at);
      if (ages.length) await run(REPLAY, [this.#key('rl', key)], [window, `${this.#instance}:replay:${randomId()}:`, ...ages]);
      const pause = this.#local.pausedUntil(key) - now;
      if (pause > 0) await run(PAUSE, [this.#key('pause', key)], [Math.ceil(pause)]);
    }
    this.#outageStartedAt = 0;
    this.#outages.clear();
  }
}
