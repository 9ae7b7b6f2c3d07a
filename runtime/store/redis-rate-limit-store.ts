/**
 * `RateLimitStore` on Redis: one budget and one 429 pause shared by every process that uses
 * the same key prefix, with a local fallback while Redis is down.
 *
 * - Acquire is one Lua script (atomic on the server): a rolling-window log in a sorted set,
 *   timed by the Redis server's `TIME`, so the clocks of the machines involved never matter.
 *   Times are Redis's; waits and pauses cross the wire as durations.
 * - A slot counts from when it is taken until a window after its response (`release`), like
 *   the limiter's own window: Logto counts arrivals, and an arrival lies between the two
 *   however long a process stalled before sending. Until released, a slot's score is a lease
 *   that the heartbeat renews (redis-process-heartbeat.ts), so a crashed process frees it.
 *   It is also held `marginMs` past the window, for the clocks of Logto's servers.
 * - Fallback (see `RedisConnection`): each process limits itself locally to its share of the
 *   budget, limit ÷ N live processes (fallback-share.ts; N from the heartbeats). The local log
 *   already holds this process's slots (mirrored on every acquire), so the switch opens no
 *   burst. For the first window of the outage the shared window still holds everyone's sends
 *   from before, in proportions no process knows: process i keeps to the own_i slots it had
 *   then (one leaves, one may go), which sums to what the window held. Spending a share of
 *   what looked free at its last answer (the first version) summed to 41–44 for a limit of
 *   40: the others had taken more since.
 * - When Redis is back, the slots the fallback gave are written into the shared window (as
 *   ages, so again no clock is compared) and the acquires that timed out (Redis may have run
 *   them late) are taken out, before anyone acquires through Redis again. The others may come
 *   back up to a health check later, with sends Redis does not know of yet: for a window and
 *   two checks after its return, a process keeps to its share as well as to the shared window.
 */
import type { RateLimitStore } from '../limits/rate-limit-store.js';
import { fallbackShare, processesSharing, type Share } from './fallback-share.js';
import { LocalSendLog } from './local-send-log.js';
import { RedisUnavailableError, type RedisConnection } from './redis-connection.js';
import { ACQUIRE, PAUSE, PAUSED, RELEASE, REPLAY } from './redis-rate-limit-scripts.js';
import { LEASE_MS, ProcessHeartbeat } from './redis-process-heartbeat.js';
import { randomId } from './token-store.js';

export interface RedisRateLimitStoreOptions {
  /** Prepended to every key, e.g. `logto-mgmt:{3f2a…}:` (the braces keep a client's keys in one Cluster slot). */
  prefix: string;
  /** Extra time a slot stays taken after the window (default 100 ms); see the file comment. */
  marginMs?: number;
  /**
   * The fewest processes to split the budget between on the fallback (default: as many as the
   * heartbeats showed; `UNKNOWN_PROCESSES` when Redis never answered).
   */
  fallbackProcesses?: number;
}

export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #marginMs: number;
  readonly #floorProcesses: number | undefined;
  readonly #instance = randomId();
  readonly #local = new LocalSendLog();
  readonly #heartbeat: ProcessHeartbeat;
  /** Window (with margin) last used per key: what to replay after an outage. */
  readonly #windows = new Map<string, number>();
  /** Per key, while on the fallback: the limit of the outage's first window, and its end. */
  readonly #outages = new Map<string, { limit: number; until: number }>();
  /** Per key: members of acquires that timed out, which Redis may still have run. */
  readonly #abandoned = new Map<string, string[]>();
  #sequence = 0;
  /** Until then (after an outage) this process also keeps to its share; see the file comment. */
  #settleUntil = 0;

  constructor(redis: RedisConnection, options: RedisRateLimitStoreOptions) {
    const floor = options.fallbackProcesses;
    if (floor !== undefined && !(Number.isInteger(floor) && floor >= 1)) {
      throw new RangeError(`createRedisStore: fallbackProcesses must be a positive integer, got ${floor}`);
    }
    this.#redis = redis;
    this.#prefix = options.prefix;
    this.#marginMs = options.marginMs ?? 100;
    this.#floorProcesses = floor;
    redis.onRecover((run) => this.#replay(run));
    this.#heartbeat = new ProcessHeartbeat(redis, {
      processesKey: this.#key('live-processes'),
      instance: this.#instance,
      inFlight: () =>
        [...this.#local.keys()].map((key) => ({
          key: this.#key('rl', key),
          windowMs: this.#windows.get(key) ?? 0,
          members: this.#local.counted(key, 0).flatMap((slot) => (slot.at === Number.POSITIVE_INFINITY && slot.member ? [slot.member] : [])),
        })),
    });
  }

  async tryAcquire(key: string, limit: number, windowMs: number): Promise<number> {
    const window = windowMs + this.#marginMs;
    this.#windows.set(key, window);
    if (this.#redis.healthy) {
      if (Date.now() < this.#settleUntil) {
        const share = this.#share(limit, window);
        const wait = this.#local.wait(key, share.limit, share.windowMs);
        if (wait !== 0) return wait;
      }
      const member = `${this.#instance}:${++this.#sequence}`;
      try {
        const [wait, processes] = (await this.#redis.eval(
          ACQUIRE,
          [this.#key('rl', key), this.#key('pause', key), this.#key('live-processes')],
          [limit, window, member, this.#instance, LEASE_MS],
        )) as [number, number, number];
        this.#heartbeat.seen(Number(processes));
        // Mirror our own slots locally, so a fallback starts from what this process really sent.
        if (Number(wait) === 0) this.#local.take(key, member, false);
        return Number(wait);
      } catch (error) {
        if (!(error instanceof RedisUnavailableError)) throw error;
        this.#abandonedFor(key).push(member);
      }
    }
    const share = this.#fallbackLimit(key, limit, window);
    if (share.limit === 0) return Math.max(1, this.#outages.get(key)!.until - Date.now());
    const wait = this.#local.wait(key, share.limit, share.windowMs);
    // Named now, so that replaying it is idempotent.
    if (wait === 0) this.#local.take(key, `${this.#instance}:${++this.#sequence}`, true);
    return wait;
  }

  async release(key: string): Promise<void> {
    const slot = this.#local.release(key);
    if (!slot?.member || !this.#redis.healthy) return; // not in Redis (yet): its lease or the replay covers it
    await this.#redis.eval(RELEASE, [this.#key('rl', key)], [slot.member]).catch(() => {});
  }

  /** Stops the heartbeat and leaves the set of live processes. */
  close(): void {
    this.#heartbeat.close();
  }

  #share(limit: number, window: number): Share {
    return fallbackShare(limit, window, processesSharing(this.#heartbeat.live, this.#floorProcesses));
  }

  #fallbackLimit(key: string, limit: number, window: number): Share {
    const now = Date.now();
    let outage = this.#outages.get(key);
    if (!outage) {
      outage = { limit: this.#local.counted(key, window).length, until: now + window };
      this.#outages.set(key, outage);
    }
    return now < outage.until ? { limit: outage.limit, windowMs: window } : this.#share(limit, window);
  }

  #abandonedFor(key: string): string[] {
    let members = this.#abandoned.get(key);
    if (!members) this.#abandoned.set(key, (members = []));
    return members;
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

  /** Writes the outage's sends and pauses into Redis and takes out abandoned acquires; runs before the switch back. */
  async #replay(run: Parameters<Parameters<RedisConnection['onRecover']>[0]>[0]): Promise<void> {
    let longest = 0;
    for (const [key, window] of this.#windows) {
      longest = Math.max(longest, window);
      const now = Date.now();
      const slots = this.#local.counted(key, window).filter((slot) => slot.local);
      const finished = slots.filter((slot) => slot.at !== Number.POSITIVE_INFINITY);
      const flying = slots.filter((slot) => slot.at === Number.POSITIVE_INFINITY);
      const abandoned = this.#abandoned.get(key) ?? [];
      if (slots.length || abandoned.length) {
        await run(REPLAY, [this.#key('rl', key)], [
          window + LEASE_MS,
          LEASE_MS,
          finished.length,
          flying.length,
          ...finished.flatMap((slot) => [slot.member!, now - slot.at]),
          ...flying.map((slot) => slot.member!),
          ...abandoned,
        ]);
      }
      // A slot that finished meanwhile was written as in flight: held to its lease, not lost.
      for (const slot of slots) slot.local = false;
      this.#abandoned.delete(key);
      const pause = this.#local.pausedUntil(key) - now;
      if (pause > 0) await run(PAUSE, [this.#key('pause', key)], [Math.ceil(pause)]);
    }
    this.#outages.clear();
    this.#settleUntil = Date.now() + longest + 2 * this.#redis.recheckMs;
  }
}
