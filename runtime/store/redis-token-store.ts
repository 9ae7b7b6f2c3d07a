/**
 * `TokenStore` on Redis, with a local `MemoryTokenStore` fallback while Redis is down.
 *
 * Every successful write is mirrored locally, so when Redis goes away this process keeps the
 * token it already has instead of fetching a new one. Values arrive encrypted
 * (`SharedTokenCache`); TTLs are Redis's own (`PX`/`PTTL`), so no client clock is involved.
 */
import { defineScript, RedisUnavailableError, type RedisConnection } from './redis-connection.js';
import { MemoryTokenStore, randomId, type StoredToken, type TokenStore } from './token-store.js';

const GET = defineScript(`
local value = redis.call('GET', KEYS[1])
if not value then return false end
return {value, redis.call('PTTL', KEYS[1])}
`);
const SET = defineScript(`redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1`);
const DELETE = defineScript(`
if #ARGV == 0 or redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
const LOCK = defineScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`);

export class RedisTokenStore implements TokenStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #local = new MemoryTokenStore();

  constructor(redis: RedisConnection, options: { prefix: string }) {
    this.#redis = redis;
    this.#prefix = options.prefix;
  }

  async get(key: string): Promise<StoredToken | undefined> {
    const reply = await this.#try(GET, key, []);
    if (reply === FALLBACK) return this.#local.get(key);
    if (!Array.isArray(reply)) return undefined;
    const [value, ttlMs] = reply as [unknown, unknown];
    return typeof value === 'string' && Number(ttlMs) > 0 ? { value, ttlMs: Number(ttlMs) } : undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const ms = Math.floor(ttlMs);
    await this.#local.set(key, value, ms);
    if (ms > 0) await this.#try(SET, key, [value, ms]);
  }

  async delete(key: string, ifValue?: string): Promise<void> {
    await this.#local.delete(key, ifValue);
    await this.#try(DELETE, key, ifValue === undefined ? [] : [ifValue]);
  }

  async lock(key: string, ttlMs: number): Promise<string | undefined> {
    const lockId = randomId();
    const reply = await this.#try(LOCK, key, [lockId, Math.max(1, Math.floor(ttlMs))]);
    if (reply === FALLBACK) return this.#local.lock(key, ttlMs);
    return Number(reply) === 1 ? lockId : undefined;
  }

  async unlock(key: string, lockId: string): Promise<void> {
    await this.#local.unlock(key, lockId);
    await this.#try(DELETE, key, [lockId]);
  }

  /** The script's reply, or `FALLBACK` when Redis is down (the connection has warned). */
  async #try(script: Parameters<RedisConnection['eval']>[0], key: string, args: (string | number)[]) {
    if (!this.#redis.healthy) return FALLBACK;
    try {
      return await this.#redis.eval(script, [`${this.#prefix}${key}`], args);
    } catch (error) {
      if (error instanceof RedisUnavailableError) return FALLBACK;
      throw error;
    }
  }
}

const FALLBACK = Symbol('fallback');
