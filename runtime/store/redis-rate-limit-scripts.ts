/**
 * The Lua scripts of `RedisRateLimitStore` (see its file comment for the model): each runs
 * atomically on the server and takes its times from Redis's `TIME`. Every key a script touches
 * starts with the store's prefix, whose hash tag keeps them in one Redis Cluster slot.
 */
import { defineScript } from './redis-connection.js';

/**
 * KEYS: window, pause, live processes. ARGV: limit, window (ms), member, instance, lease.
 * Replies {wait, live processes, slots counted (-1 while paused)}.
 */
export const ACQUIRE = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local lease = tonumber(ARGV[5])
redis.call('ZADD', KEYS[3], now + lease, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('PEXPIRE', KEYS[3], lease)
local processes = redis.call('ZCARD', KEYS[3])
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {paused, processes, -1} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + lease)
  return {0, processes, count + 1}
end
local edge = tonumber(redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')[2])
return {math.max(1, math.min(edge, now) + window - now), processes, count}
`);

/** The slot's response arrived: it counts a window from now (unless it is gone already). */
export const RELEASE = defineScript(`
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'XX', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
return 0
`);

export const PAUSE = defineScript(`
local ms = tonumber(ARGV[1])
if ms > redis.call('PTTL', KEYS[1]) then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 0
`);

export const PAUSED = defineScript(`return redis.call('PTTL', KEYS[1])`);

/**
 * ARGV: key expiry (window + lease), lease, how many finished sends, how many in flight; then
 * member and age (ms) of each finished send; each member still in flight; then the members to
 * take out (acquires that timed out). Idempotent: a replay that timed out but ran anyway, and
 * is sent again, writes the same members.
 */
export const REPLAY = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local finished = tonumber(ARGV[3])
local flying = tonumber(ARGV[4])
local i = 5
for n = 1, finished do redis.call('ZADD', KEYS[1], now - tonumber(ARGV[i + 1]), ARGV[i]) i = i + 2 end
for n = 1, flying do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[i]) i = i + 1 end
for n = i, #ARGV do redis.call('ZREM', KEYS[1], ARGV[n]) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 0
`);
