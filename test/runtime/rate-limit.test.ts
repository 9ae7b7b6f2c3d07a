import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter, RateLimitQueueError, type Release } from '../../runtime/limits/rate-limit.js';
import type { RateLimitStore } from '../../runtime/limits/rate-limit-store.js';
import { MemoryRateLimitStore } from '../../runtime/store/memory-rate-limit-store.js';

/** The largest number of start times inside any closed window of `intervalMs`. */
function worstWindow(starts: number[], intervalMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] > intervalMs) i++;
    worst = Math.max(worst, j - i + 1);
  }
  return worst;
}

/** A store that answers through promises, like a shared (Redis) store does. */
class AsyncStore implements RateLimitStore {
  readonly inner = new MemoryRateLimitStore();
  calls = 0;
  tryAcquire(key: string, limit: number, windowMs: number) {
    this.calls++;
    return Promise.resolve().then(() => this.inner.tryAcquire(key, limit, windowMs));
  }
  pauseUntil(key: string, until: number) {
    return Promise.resolve().then(() => this.inner.pauseUntil(key, until));
  }
  pausedUntil(key: string) {
    return Promise.resolve().then(() => this.inner.pausedUntil(key));
  }
}

describe('RateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Starts `count` calls that each hold their slot for `holdMs(i)` and records when they start. */
  async function run(limiter: RateLimiter, count: number, holdMs: (i: number) => number) {
    const starts: number[] = [];
    /** When a server would see each request: anywhere between its start and its response. */
    const arrivals: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const calls = Array.from({ length: count }, async (_, i) => {
      const release = await limiter.acquire();
      const start = Date.now();
      starts.push(start);
      arrivals.push(start + holdMs(i) * ((i * 0.618) % 1));
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        release();
      }, holdMs(i));
    });
    const done = Promise.all(calls);
    await vi.runAllTimersAsync();
    await done;
    return { starts, arrivals, maxInFlight };
  }

  it('never lets a rolling window hold more than the limit, at the client or at the server, and keeps ≥ 95 % of the rate', async () => {
    const limiter = new RateLimiter({ rateLimit: { requests: 10, intervalMs: 1000 }, maxConcurrency: Infinity });
    const t0 = Date.now();
    const { starts, arrivals } = await run(limiter, 205, (i) => (i * 37) % 50);
    expect(starts).toHaveLength(205);
    expect(worstWindow(starts, 1000)).toBe(10);
    // Latency varies from 0 to 49 ms, yet no server window sees more than the limit either.
    expect(worstWindow(arrivals, 1000)).toBeLessThanOrEqual(10);
    // Every start waits for the start `limit` places before it to be a full interval old.
    const sorted = [...starts].sort((a, b) => a - b);
    for (let i = 10; i < sorted.length; i++) expect(sorted[i] - sorted[i - 10]).toBeGreaterThan(1000);
    // 205 calls = 10 now + 195 more at 10 per interval: 20 intervals after the first burst.
    const rate = (205 - 10) / (Math.max(...starts) - t0);
    expect(rate / (10 / 1000)).toBeGreaterThanOrEqual(0.95);
    expect(rate / (10 / 1000)).toBeLessThanOrEqual(1);
  });

  it('keeps the window exact when calls arrive spread out rather than in one burst', async () => {
    const limiter = new RateLimiter({ rateLimit: { requests: 5, intervalMs: 1000 }, maxConcurrency: Infinity });
    const starts: number[] = [];
    const calls: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      calls.push(limiter.acquire().then((release) => (starts.push(Date.now()), release())));
      await vi.advanceTimersByTimeAsync(((i * 7919) % 230) + 1);
    }
    await vi.runAllTimersAsync();
    await Promise.all(calls);
    expect(worstWindow(starts, 1000)).toBeLessThanOrEqual(5);
  });

  it('caps calls in flight at maxConcurrency and serves the queue first in, first out', async () => {
    const limiter = new RateLimiter({ rateLimit: false, maxConcurrency: 3 });
    const order: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const calls = Array.from({ length: 12 }, async (_, i) => {
      const release = await limiter.acquire();
      order.push(i);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight--;
      release();
    });
    await vi.runAllTimersAsync();
    await Promise.all(calls);
    expect(maxInFlight).toBe(3);
    expect(order).toEqual([...Array(12).keys()]);
  });

  it('takes a free slot synchronously, and counts a slot until an interval after its release', async () => {
    const limiter = new RateLimiter({ rateLimit: { requests: 2, intervalMs: 1000 }, maxConcurrency: 10 });
    const first = limiter.tryAcquire();
    expect(first).toBeTypeOf('function');
    const second = limiter.tryAcquire()!;
    expect(limiter.tryAcquire()).toBeUndefined(); // window full
    const queued = limiter.acquire();
    expect(limiter.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    first!(); // finished at 200 ms: its slot frees after 1200 ms, not 1000
    await vi.advanceTimersByTimeAsync(1000);
    expect(limiter.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(queued).resolves.toBeTypeOf('function');
    // Still in flight after more than an interval: its slot stays taken.
    await vi.advanceTimersByTimeAsync(5000);
    expect(limiter.tryAcquire()).toBeUndefined();
    second();
    expect(limiter.tryAcquire()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1001);
    expect(limiter.tryAcquire()).toBeTypeOf('function');
  });

  it('hands a released slot to the queued call before any newcomer', async () => {
    const limiter = new RateLimiter({ rateLimit: false, maxConcurrency: 1 });
    const held = limiter.tryAcquire()!;
    const queued = limiter.acquire();
    held();
    expect(limiter.tryAcquire()).toBeUndefined();
    await expect(queued).resolves.toBeTypeOf('function');
    expect(limiter.active).toBe(1);
  });

  it('release is idempotent', () => {
    const limiter = new RateLimiter({ rateLimit: false, maxConcurrency: 1 });
    const release = limiter.tryAcquire()!;
    release();
    release();
    expect(limiter.active).toBe(0);
    expect(limiter.tryAcquire()).toBeTypeOf('function');
    expect(limiter.tryAcquire()).toBeUndefined();
  });

  it('holds queued and new calls during a 429 pause, but not past it', async () => {
    const limiter = new RateLimiter({ rateLimit: { requests: 100, intervalMs: 1000 }, maxConcurrency: 4 });
    const t0 = Date.now();
    limiter.pauseUntil(t0 + 3000);
    expect(limiter.tryAcquire()).toBeUndefined();
    const starts: number[] = [];
    const calls = Array.from({ length: 6 }, () => limiter.acquire().then((release: Release) => (starts.push(Date.now() - t0), release())));
    await vi.advanceTimersByTimeAsync(2999);
    expect(starts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(calls);
    expect(starts).toEqual([3000, 3000, 3000, 3000, 3000, 3000]);
    // A shorter pause later never shortens a longer one.
    limiter.pauseUntil(t0 + 10_000);
    limiter.pauseUntil(t0 + 5000);
    const late = limiter.acquire();
    await vi.advanceTimersByTimeAsync(6000);
    expect(limiter.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(late).resolves.toBeTypeOf('function');
  });

  it('rejects a call aborted while queued, says it was queued, and gives its turn to the next', async () => {
    const limiter = new RateLimiter({ rateLimit: false, maxConcurrency: 1 });
    const held = limiter.tryAcquire()!;
    const controller = new AbortController();
    const aborted = limiter.acquire({ signal: controller.signal });
    const next = limiter.acquire();
    await vi.advanceTimersByTimeAsync(250);
    controller.abort(new Error('user gave up'));
    const error = await aborted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitQueueError);
    expect(error).toMatchObject({ reason: 'aborted', queuedMs: 250 });
    expect((error as Error).message).toMatch(/while queued/);
    expect((error as Error).cause).toEqual(new Error('user gave up'));
    held();
    await expect(next).resolves.toBeTypeOf('function');
    expect(limiter.active).toBe(1);
    expect(limiter.queued).toBe(0);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const limiter = new RateLimiter({ rateLimit: false, maxConcurrency: 1 });
    limiter.tryAcquire();
    await expect(limiter.acquire({ signal: AbortSignal.abort() })).rejects.toMatchObject({ reason: 'aborted', queuedMs: 0 });
    expect(limiter.queued).toBe(0);
  });

  it('times a queued call out after timeoutMs and never sends it', async () => {
    const limiter = new RateLimiter({ rateLimit: { requests: 1, intervalMs: 60_000 } });
    limiter.tryAcquire()!();
    const timedOut = limiter.acquire({ timeoutMs: 5000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5000);
    const error = await timedOut;
    expect(error).toBeInstanceOf(RateLimitQueueError);
    expect(error).toMatchObject({ reason: 'timeout', queuedMs: 5000 });
    expect((error as Error).message).toMatch(/Timed out after 5000 ms while queued .*1 requests \/ 60000 ms/);
    expect(limiter.queued).toBe(0);
    // Nothing is left scheduled: the process could exit.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shares one budget between limiters that share a store and key', async () => {
    const store = new MemoryRateLimitStore();
    const a = new RateLimiter({ store, key: 'tenant', rateLimit: { requests: 4, intervalMs: 1000 } });
    const b = new RateLimiter({ store, key: 'tenant', rateLimit: { requests: 4, intervalMs: 1000 } });
    const other = new RateLimiter({ store, key: 'other', rateLimit: { requests: 4, intervalMs: 1000 } });
    expect([a.tryAcquire(), b.tryAcquire(), a.tryAcquire(), b.tryAcquire()].every(Boolean)).toBe(true);
    expect(a.tryAcquire()).toBeUndefined();
    expect(b.tryAcquire()).toBeUndefined();
    expect(other.tryAcquire()).toBeTypeOf('function');
    // One limiter's 429 pause holds back the other.
    const c = new RateLimiter({ store, key: 'other' });
    other.pauseUntil(Date.now() + 1000);
    expect(c.tryAcquire()).toBeUndefined();
  });

  it('works with a store that answers through promises, including a pause set elsewhere', async () => {
    const store = new AsyncStore();
    const limiter = new RateLimiter({ store, key: 'k', rateLimit: { requests: 5, intervalMs: 1000 }, maxConcurrency: 2 });
    expect(limiter.tryAcquire()).toBeUndefined(); // no synchronous path through an async store
    const t0 = Date.now();
    store.inner.pauseUntil('k', t0 + 500); // another process's 429
    const { starts, maxInFlight } = await run(limiter, 23, () => 5);
    expect(starts).toHaveLength(23);
    expect(Math.min(...starts) - t0).toBeGreaterThanOrEqual(500);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(worstWindow(starts, 1000)).toBeLessThanOrEqual(5);
  });

  it('rejects invalid options with a clear message', () => {
    expect(() => new RateLimiter({ rateLimit: { requests: 0, intervalMs: 1000 } })).toThrow(/requests must be a positive integer/);
    expect(() => new RateLimiter({ rateLimit: { requests: 10, intervalMs: NaN } })).toThrow(/intervalMs/);
    expect(() => new RateLimiter({ maxConcurrency: 0 })).toThrow(/maxConcurrency/);
  });
});

describe('MemoryRateLimitStore', () => {
  it('answers how long until the oldest slot frees', () => {
    let now = 1000;
    const store = new MemoryRateLimitStore({ now: () => now });
    expect(store.tryAcquire('k', 2, 100)).toBe(0);
    now = 1030;
    expect(store.tryAcquire('k', 2, 100)).toBe(0);
    expect(store.tryAcquire('k', 2, 100)).toBe(70);
    now = 1100;
    expect(store.tryAcquire('k', 2, 100)).toBe(0);
    expect(store.tryAcquire('k', 2, 100)).toBe(30);
  });

  it('keeps recent starts when a key is used with a different limit', () => {
    let now = 0;
    const store = new MemoryRateLimitStore({ now: () => now });
    for (let i = 0; i < 4; i++) expect(store.tryAcquire('k', 4, 100)).toBe(0), (now += 10);
    // now = 40; starts at 0, 10, 20, 30. With limit 2 the two newest (20, 30) count.
    expect(store.tryAcquire('k', 2, 100)).toBe(80);
    now = 120;
    expect(store.tryAcquire('k', 2, 100)).toBe(0);
  });

  it('reports and honours a pause, which expires', () => {
    let now = 0;
    const store = new MemoryRateLimitStore({ now: () => now });
    store.pauseUntil('k', 500);
    expect(store.pausedUntil('k')).toBe(500);
    expect(store.tryAcquire('k', 10, 100)).toBe(500);
    now = 500;
    expect(store.pausedUntil('k')).toBe(0);
    expect(store.tryAcquire('k', 10, 100)).toBe(0);
  });
});
