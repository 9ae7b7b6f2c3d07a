/**
 * Which processes share a prefix right now, so that each one knows its share of the budget
 * should Redis go away: every rate-limit store writes a heartbeat into one sorted set (member =
 * its instance id, score = when the entry expires, by Redis's clock) every `HEARTBEAT_MS`, and
 * reads how many unexpired entries it holds. A process that stops (crash, exit, SIGKILL) drops
 * out `LEASE_MS` later; `close()` takes it out at once.
 *
 * The same beat keeps this process's slots in flight alive in the shared window: a slot is
 * written with the lease as its "finished" time and moved to the real time by `release`, so a
 * process that dies mid-request does not hold its slots for more than a lease (plus a window),
 * while one that is merely slow (a stall between taking a slot and sending, up to a lease)
 * keeps them, and so cannot crowd a window when it finally sends.
 */
import { defineScript, type RedisConnection } from './redis-connection.js';

/** How often a process says it is alive. */
export const HEARTBEAT_MS = 1_000;
/** How long an entry (a process, a slot in flight) stays without a beat: a few missed beats. */
export const LEASE_MS = 10_000;

/**
 * KEYS: the process set, then each window with slots in flight. ARGV: instance id, lease, then
 * per window its expiry (window + lease), the number of members, and the members.
 */
const HEARTBEAT = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], lease)
local i = 3
for k = 2, #KEYS do
  local expiry = tonumber(ARGV[i])
  local n = tonumber(ARGV[i + 1])
  i = i + 2
  for j = 1, n do
    redis.call('ZADD', KEYS[k], 'XX', now + lease, ARGV[i])
    i = i + 1
  end
  redis.call('PEXPIRE', KEYS[k], expiry)
end
return redis.call('ZCARD', KEYS[1])
`);

const LEAVE = defineScript(`return redis.call('ZREM', KEYS[1], ARGV[1])`);

export interface SlotsInFlight {
  /** The window's Redis key. */
  key: string;
  /** Its window (ms, margin included). */
  windowMs: number;
  members: string[];
}

export class ProcessHeartbeat {
  readonly #redis: RedisConnection;
  readonly #processesKey: string;
  readonly #instance: string;
  readonly #inFlight: () => SlotsInFlight[];
  #live: number | undefined;
  #liveSeenAt = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(redis: RedisConnection, options: { processesKey: string; instance: string; inFlight: () => SlotsInFlight[] }) {
    this.#redis = redis;
    this.#processesKey = options.processesKey;
    this.#instance = options.instance;
    this.#inFlight = options.inFlight;
    void this.beat();
    this.#timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.#timer.unref?.(); // never what keeps a process alive
  }

  /** Live processes under the prefix when Redis last told us (this one included); undefined if it never did. */
  get live(): number | undefined {
    return this.#live;
  }

  /**
   * Another answer from Redis (the acquire script also counts the processes). A smaller count
   * replaces a larger one only after a lease: a Redis that restarted empty, or a failover to
   * a replica that had not caught up, lists the processes again one beat at a time, and the
   * first to come back would otherwise take itself for the only one.
   */
  seen(live: number): void {
    if (!(live > 0)) return;
    const now = Date.now();
    if (this.#live === undefined || live >= this.#live || now - this.#liveSeenAt > LEASE_MS) {
      this.#live = live;
      this.#liveSeenAt = now;
    }
  }

  async beat(): Promise<void> {
    // While on the fallback the connection's own check probes Redis; a beat would only fail.
    if (!this.#redis.healthy) return;
    const windows = this.#inFlight().filter((window) => window.members.length !== 0);
    const args: (string | number)[] = [this.#instance, LEASE_MS];
    for (const window of windows) args.push(window.windowMs + LEASE_MS, window.members.length, ...window.members);
    try {
      this.seen(Number(await this.#redis.eval(HEARTBEAT, [this.#processesKey, ...windows.map((window) => window.key)], args)));
    } catch {
      // Down: the connection has switched to the fallback and warned.
    }
  }

  /** Stops beating and leaves the set (best effort), so the others' share grows at once. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#redis.healthy) this.#redis.eval(LEAVE, [this.#processesKey], [this.#instance]).catch(() => {});
  }
}
