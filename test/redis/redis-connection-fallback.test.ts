/**
 * `RedisConnection` against a real redis-server: its options, the client shapes it drives,
 * when it switches to the fallback and back, what it warns, and its call budgets (a paused
 * Redis: CLIENT PAUSE). A script that fails (`error_reply`) is a real Redis failure, at once.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineScript, RedisConnection, RedisUnavailableError, type RedisClientLike, type RedisConnectionOptions } from '../../runtime/store/redis-connection.js';
import { useRedisServer } from './real-redis.js';
import { redisServerPath } from './redis-server.js';

const OK = defineScript('return 1');
/** Counts its runs in KEYS[1], then fails. */
const BOOM = defineScript("redis.call('INCR', KEYS[1]) return redis.error_reply('boom')");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unavailable = (message: string) => expect.objectContaining({ name: 'RedisUnavailableError', message });

describe.skipIf(!redisServerPath)('RedisConnection (real redis-server)', () => {
  const redis = useRedisServer();
  const warnings: string[] = [];
  const logger = { warn: (message: string) => warnings.push(message) }; // no info: optional
  const connection = (options: RedisConnectionOptions = {}, client: RedisClientLike = redis.connect()) => {
    const created = new RedisConnection(client, { timeoutMs: 2_000, recheckMs: 20, logger, ...options });
    redis.cleanup(() => created.close());
    return created;
  };
  const connected = async (options: RedisConnectionOptions = {}) => {
    const created = connection(options);
    await created.eval(OK, [], []);
    return created;
  };
  const boom = (on: RedisConnection) => on.eval(BOOM, ['runs'], []).catch((error: unknown) => error);
  const runs = async () => Number(await redis.admin.get('runs'));
  const pause = (ms: number, mode = 'ALL') => redis.admin.call('CLIENT', 'PAUSE', String(ms), mode);
  afterEach(() => {
    warnings.length = 0;
    vi.restoreAllMocks();
  });

  it('refuses a timeout that is not a positive number of ms, and reports its recheck interval', () => {
    expect(() => connection({ timeoutMs: 0 })).toThrow(new RangeError('createRedisStore: timeoutMs must be a positive number of ms, got 0'));
    expect(() => connection({ connectTimeoutMs: Number.NaN })).toThrow(/connectTimeoutMs must be a positive number of ms, got NaN/);
    expect(connection({ timeoutMs: 1, connectTimeoutMs: 1 }).recheckMs).toBe(20);
    expect(connection({ recheckMs: undefined }).recheckMs).toBe(1_000);
  });

  it('drives a { runScript } adapter (the health check probes with no keys), and skips members that are not functions', async () => {
    const io = redis.connect();
    const probes: unknown[] = [];
    const adapter = {
      runScript: (script: { source: string }, keys: string[], args: string[]) => {
        if (script.source === OK.source) probes.push([keys, args]);
        return io.eval(script.source, keys.length, ...keys, ...args);
      },
    };
    const viaAdapter = connection({}, adapter);
    expect(await viaAdapter.eval(defineScript('return ARGV[1]'), [], [7])).toBe('7');
    await boom(viaAdapter);
    await vi.waitFor(() => expect(viaAdapter.healthy).toBe(true), { timeout: 2_000, interval: 10 });
    expect(probes).toEqual([[[], []]]);

    const ioredisLike = { evalsha: io.evalsha.bind(io), eval: io.eval.bind(io) } as unknown as RedisClientLike;
    expect(await connection({}, { ...ioredisLike, runScript: undefined, evalSha: undefined } as never).eval(OK, [], [])).toBe(1);
    expect(() => connection({}, { evalsha: 'not a function', eval: io.eval.bind(io) } as never)).toThrow(TypeError);
  });

  it('names a script by the sha1 Redis gives it, so after one EVAL (on NOSCRIPT) every call is an EVALSHA', async () => {
    const script = defineScript('return ARGV[1] .. "!"');
    await redis.admin.script('FLUSH');
    const io = redis.connect();
    const calls: string[] = [];
    const counted = {
      evalsha: (...args: Parameters<typeof io.evalsha>) => (calls.push('evalsha'), io.evalsha(...args)),
      eval: (...args: Parameters<typeof io.eval>) => (calls.push('eval'), io.eval(...args)),
    } as unknown as RedisClientLike;
    const on = connection({}, counted);
    for (let i = 1; i <= 3; i++) expect(await on.eval(script, [], [i])).toBe(`${i}!`);
    expect(calls).toEqual(['evalsha', 'eval', 'evalsha', 'evalsha']);
    expect(await redis.admin.script('LOAD', script.source)).toBe(script.sha1);
  });

  it('runs a failing script once per call (EVAL only after NOSCRIPT)', async () => {
    const on = connection({ recheckMs: 10 });
    for (let i = 1; i <= 2; i++) {
      await boom(on);
      expect(await runs()).toBe(i);
      await vi.waitFor(() => expect(on.healthy).toBe(true), { timeout: 2_000, interval: 10 });
    }
  });

  it('on a failure: warns once, refuses calls without asking Redis until a check finds it back, and warns again after warnEveryMs', async () => {
    let clock = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    const on = connection({ recheckMs: 50, warnEveryMs: 300 });
    const failure = await boom(on);
    expect(failure).toEqual(unavailable('Redis store call failed'));
    expect((failure as RedisUnavailableError).cause).toEqual(expect.objectContaining({ message: 'ERR boom' }));
    expect(on.healthy).toBe(false);
    await expect(on.eval(BOOM, ['runs'], [])).rejects.toEqual(unavailable('Redis store is on its local fallback'));
    expect(await runs()).toBe(1);
    expect(warnings).toEqual([
      'logto-mgmt: Redis store unavailable (ERR boom, and it has not answered this process yet); using the local rate limiter and token cache, checking Redis again every 50 ms',
    ]);
    await vi.waitFor(() => expect(on.healthy).toBe(true), { timeout: 2_000, interval: 10 });

    for (let i = 0; i < 3; i++) {
      clock += 100;
      await boom(on);
      await vi.waitFor(() => expect(on.healthy).toBe(true), { timeout: 2_000, interval: 10 });
    }
    // The check answered: no "not answered yet". 2 outages went unwarned; this one is 300 ms after the warning.
    expect(warnings.slice(1)).toEqual([
      'logto-mgmt: Redis store unavailable (ERR boom) (2 more outages since the last warning); using the local rate limiter and token cache, checking Redis again every 50 ms',
    ]);
  });

  it('warns once per outage however many calls fail in it, and by default through console.warn', async () => {
    const on = connection({ warnEveryMs: 0 });
    await Promise.all([boom(on), boom(on)]);
    expect(warnings).toHaveLength(1);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await boom(connection({ logger: undefined }));
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^logto-mgmt: Redis store unavailable \(ERR boom.*every 20 ms$/));
  });

  it('close() stops the health check: the store stays on its fallback', async () => {
    const on = connection();
    await boom(on);
    on.close();
    await sleep(200);
    expect(on.healthy).toBe(false);
  });

  it('waits up to connectTimeoutMs for the first answer, then only timeoutMs', async () => {
    const client = redis.connect();
    await client.ping();
    await pause(400);
    const on = connection({ timeoutMs: 100, connectTimeoutMs: 3_000 }, client);
    expect(await on.eval(OK, [], [])).toBe(1);
    expect(on.healthy).toBe(true);

    const slow = await connected({ timeoutMs: 100, connectTimeoutMs: 200 });
    await pause(400);
    const timedOut = await boom(slow);
    expect((timedOut as Error).cause).toEqual(expect.objectContaining({ message: 'no answer within 100 ms' }));
  });

  it('says a call that never got an answer timed out while connecting, and ends the allowance when it is used up', async () => {
    const client = redis.connect();
    await client.ping();
    await pause(600);
    let clock = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    const on = connection({ timeoutMs: 100, connectTimeoutMs: 300 }, client);
    const first = boom(on);
    clock += 300; // the allowance ends now: a call from now on gets timeoutMs, and is no longer "connecting"
    const second = boom(on);
    expect(((await second) as Error).cause).toEqual(expect.objectContaining({ message: 'no answer within 100 ms' }));
    expect(((await first) as Error).cause).toEqual(expect.objectContaining({ message: 'no answer within 300 ms of connecting' }));
    expect(warnings[0]).toMatch(/\(no answer within 100 ms, and it has not answered this process yet\)/);
  });

  it('checks at once when a call that timed out is answered late, not only after recheckMs', async () => {
    const on = await connected({ timeoutMs: 100, recheckMs: 60_000 });
    await pause(300);
    await expect(on.eval(OK, [], [])).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(on.healthy).toBe(false);
    await vi.waitFor(() => expect(on.healthy).toBe(true), { timeout: 3_000, interval: 10 });
  });

  it('does not check early for an answer that was in time, from a call started before the outage', async () => {
    const io = redis.connect();
    const unconnected = new Redis(redis.server.port, '127.0.0.1', { lazyConnect: true, enableOfflineQueue: false });
    // BOOM goes through a client that cannot send (it fails at once); the rest through a connected one.
    const on = connection({ recheckMs: 60_000 }, { runScript: (script, keys, args) => (script === BOOM ? unconnected : io).eval(script.source, keys.length, ...keys, ...args) });
    await on.eval(OK, [], []);
    await pause(300);
    const inTime = on.eval(OK, [], []);
    await expect(on.eval(BOOM, [], [])).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(await inTime).toBe(1);
    await sleep(100);
    expect(on.healthy).toBe(false);
  });

  it('leaves no timer behind once a call is answered', async () => {
    const on = await connected({ connectTimeoutMs: 10_000 });
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    await on.eval(OK, [], []);
    expect(timers()).toBe(before);
  });
});
