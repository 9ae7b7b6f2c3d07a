/**
 * RateLimiter details the throughput tests do not pin: its errors and description, the key it
 * gives the store, queue timeouts of 0 or less, pauses that only extend, a limiter without a
 * window that still honours a pause, a shared store that throws or hands a slot to a call
 * already gone, and a queue long enough to be compacted. Then, on fake timers: the timers and
 * listeners a queued call leaves behind, the wake-up that governs a waiting queue, and a
 * clock that steps back.
 */
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter, RateLimitQueueError } from '../../runtime/limits/rate-limit.js';
import type { RateLimitStore } from '../../runtime/limits/rate-limit-store.js';
import { MemoryRateLimitStore } from '../../runtime/store/memory-rate-limit-store.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `run`, then waits a moment, and returns the rejections nobody handled meanwhile. */
async function unhandledRejections(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => void seen.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    await run();
    await sleep(20);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  return seen;
}

/** A promise-answering store over a memory store, recording keys and releases. */
class SharedStore implements RateLimitStore {
  readonly inner = new MemoryRateLimitStore();
  readonly keys: string[] = [];
  releases = 0;
  failNext = 0;
  async tryAcquire(key: string, limit: number, windowMs: number) {
    this.keys.push(key);
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('store down');
    }
    return this.inner.tryAcquire(key, limit, windowMs);
  }
  async pauseUntil(key: string, until: number) {
    this.inner.pauseUntil(key, until);
  }
  async pausedUntil(key: string) {
    return this.inner.pausedUntil(key);
  }
  async release() {
    this.releases++;
  }
}

describe('RateLimiter details', () => {
  it('describes its settings and state', async () => {
    const limiter = new RateLimiter();
    expect(limiter.describe()).toBe('200 requests / 10000 ms, 16 concurrent; 0 queued, 0 in flight');
    const release = limiter.tryAcquire()!;
    expect(limiter.describe()).toBe('200 requests / 10000 ms, 16 concurrent; 0 queued, 1 in flight');
    release();
    expect(new RateLimiter({ rateLimit: false, maxConcurrency: Infinity }).describe()).toBe('no rate limit, Infinity concurrent; 0 queued, 0 in flight');
  });

  it('asks the store under its key, "logto-mgmt" by default', async () => {
    const store = new SharedStore();
    (await new RateLimiter({ store }).acquire())();
    (await new RateLimiter({ store, key: 'tenant-a' }).acquire())();
    expect(store.keys).toEqual(['logto-mgmt', 'tenant-a']);
  });

  it('rejects a queue timeout of 0 or less at once, as a named timeout that says nothing was sent', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 1 });
    const held = limiter.tryAcquire()!;
    for (const timeoutMs of [0, -5]) {
      const error = await limiter.acquire({ timeoutMs }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RateLimitQueueError);
      expect(error).toMatchObject({ name: 'RateLimitQueueError', reason: 'timeout', queuedMs: 0 });
      expect((error as Error).message).toBe(`Timed out after ${timeoutMs} ms while queued by the client's rate limiter (200 requests / 10000 ms, 1 concurrent; 0 queued, 1 in flight) — the request was never sent`);
    }
    expect(limiter.queued).toBe(0);
    // With no timeout, or an infinite one, a queued call simply waits for the slot (an
    // infinite timeout sets no timer: Node would fire one of Infinity ms after 1 ms).
    const waiting = [limiter.acquire(), limiter.acquire({ timeoutMs: Infinity })];
    expect(limiter.queued).toBe(2);
    await sleep(20);
    held();
    (await waiting[0])();
    (await waiting[1])();
    expect(limiter.active).toBe(0);
  });

  it('says how long an aborted call was queued, with the signal’s reason as cause', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 1 });
    const held = limiter.tryAcquire()!;
    const controller = new AbortController();
    const queued = limiter.acquire({ signal: controller.signal }).catch((caught: unknown) => caught);
    await sleep(40);
    controller.abort(new Error('caller gave up'));
    const error = (await queued) as RateLimitQueueError;
    expect(error.reason).toBe('aborted');
    expect(error.queuedMs).toBeGreaterThanOrEqual(30);
    expect(error.message).toMatch(/^Aborted after \d+ ms while queued by the client's rate limiter — the request was never sent$/);
    expect((error.cause as Error).message).toBe('caller gave up');
    // Aborting again later is harmless; the slot is still there for the next call.
    controller.abort();
    held();
    expect(limiter.tryAcquire()).toBeTypeOf('function');
  });

  it('only extends a pause, and a limiter without a window still honours it', async () => {
    const limiter = new RateLimiter({ rateLimit: false });
    const started = Date.now();
    limiter.pauseUntil(started + 150);
    limiter.pauseUntil(started + 20); // earlier: ignored
    expect(limiter.tryAcquire()).toBeUndefined();
    (await limiter.acquire())();
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    expect(limiter.tryAcquire()).toBeTypeOf('function');
  });

  it('holds its own pause even when a shared store has none (it failed to record it)', async () => {
    const store = new SharedStore();
    store.pauseUntil = async () => {
      throw new Error('not stored');
    };
    const limiter = new RateLimiter({ store, rateLimit: false });
    const started = Date.now();
    limiter.pauseUntil(started + 120);
    (await limiter.acquire())();
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('fails the call at the head of the queue when a shared store throws, and serves the next', async () => {
    const store = new SharedStore();
    store.failNext = 1;
    const limiter = new RateLimiter({ store, rateLimit: { requests: 10, intervalMs: 1000 } });
    const first = limiter.acquire().catch((caught: unknown) => caught);
    const second = limiter.acquire();
    expect(((await first) as Error).message).toBe('store down');
    (await second)();
    expect(limiter.active).toBe(0);
    expect(store.releases).toBe(1);
  });

  // A store answering with a negative wait (out of contract) took no slot: there is none to give back.
  it.each([
    [0, 1],
    [-1, 0],
  ])('gives a slot the store granted to a call aborted meanwhile back to the store (answer %d: %d released)', async (answer, released) => {
    const store = new SharedStore();
    let grant!: () => void;
    store.tryAcquire = async () => {
      await new Promise<void>((resolve) => (grant = resolve));
      return answer;
    };
    const limiter = new RateLimiter({ store, rateLimit: { requests: 10, intervalMs: 1000 } });
    const controller = new AbortController();
    const queued = limiter.acquire({ signal: controller.signal }).catch((caught: unknown) => (caught as RateLimitQueueError).reason);
    await sleep(10);
    controller.abort();
    expect(await queued).toBe('aborted');
    grant();
    await sleep(10);
    expect([store.releases, limiter.active]).toEqual([released, 0]);
  });

  // Out of contract, but read the same by a synchronous and an asynchronous store: any answer
  // other than 0 is a wait, never a slot.
  it('reads a negative answer of an asynchronous store as a wait, like a synchronous one', async () => {
    const store = new SharedStore();
    const answers = [-1, 0];
    store.tryAcquire = async () => answers.shift() ?? 0;
    const limiter = new RateLimiter({ store, rateLimit: { requests: 10, intervalMs: 1000 } });
    (await limiter.acquire())();
    expect(answers).toEqual([]);
    expect(store.releases).toBe(1);
  });

  it('when a shared store throws for a call aborted meanwhile, there is nobody to fail and nothing breaks', async () => {
    const store = new SharedStore();
    let fail!: () => void;
    store.tryAcquire = async () => {
      await new Promise<void>((resolve) => (fail = resolve));
      throw new Error('store down');
    };
    const limiter = new RateLimiter({ store, rateLimit: { requests: 10, intervalMs: 1000 } });
    const unhandled = await unhandledRejections(async () => {
      const controller = new AbortController();
      const queued = limiter.acquire({ signal: controller.signal }).catch((caught: unknown) => (caught as RateLimitQueueError).reason);
      await sleep(10);
      controller.abort();
      expect(await queued).toBe('aborted');
      fail();
    });
    expect(unhandled).toEqual([]);
    expect([limiter.queued, limiter.active]).toEqual([0, 0]);
  });

  it('ignores a shared store that fails to record a release (the slot just stays counted there)', async () => {
    const store = new SharedStore();
    store.release = async () => {
      throw new Error('not recorded');
    };
    const limiter = new RateLimiter({ store, rateLimit: { requests: 10, intervalMs: 1000 } });
    const unhandled = await unhandledRejections(async () => (await limiter.acquire())());
    expect(unhandled).toEqual([]);
    expect(limiter.active).toBe(0);
  });

  it('without a window, never asks a shared store for a slot nor gives one back, even for a call aborted meanwhile', async () => {
    const store = new SharedStore();
    const limiter = new RateLimiter({ store, rateLimit: false });
    (await limiter.acquire())();
    // The store is slow to say whether a pause holds; the call is aborted meanwhile.
    let answer!: () => void;
    store.pausedUntil = async () => {
      await new Promise<void>((resolve) => (answer = resolve));
      return 0;
    };
    const controller = new AbortController();
    const queued = limiter.acquire({ signal: controller.signal }).catch((caught: unknown) => (caught as RateLimitQueueError).reason);
    await sleep(10);
    controller.abort();
    expect(await queued).toBe('aborted');
    answer();
    await sleep(10);
    expect([store.keys, store.releases, limiter.active]).toEqual([[], 0, 0]);
  });

  it('without a window, leaves the budget of a memory store it shares with windowed limiters alone', () => {
    const store = new MemoryRateLimitStore();
    const a = new RateLimiter({ store, key: 'k', rateLimit: { requests: 2, intervalMs: 1000 } });
    const b = new RateLimiter({ store, key: 'k', rateLimit: { requests: 2, intervalMs: 1000 } });
    const unlimited = new RateLimiter({ store, key: 'k', rateLimit: false });
    a.tryAcquire()!();
    a.tryAcquire()!();
    expect(b.tryAcquire()).toBeUndefined(); // the key's two slots are used
    unlimited.tryAcquire()!(); // it honours the key's pause, not its budget
    expect(b.tryAcquire()).toBeUndefined();
  });

  it('hands a released slot to the head of the queue within the release call', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 1 });
    const held = limiter.tryAcquire()!;
    const queued = limiter.acquire();
    held();
    expect([limiter.queued, limiter.active]).toEqual([0, 1]);
    (await queued)();
  });

  it('serves a queue of thousands in order (the queue is compacted as it drains)', async () => {
    const limiter = new RateLimiter({ rateLimit: false, maxConcurrency: 1 });
    const held = limiter.tryAcquire()!;
    const order: number[] = [];
    const calls = Array.from({ length: 3000 }, (_, index) =>
      limiter.acquire().then((release) => {
        order.push(index);
        release();
      }),
    );
    expect(limiter.queued).toBe(3000);
    held();
    await Promise.all(calls);
    expect(order).toEqual(Array.from({ length: 3000 }, (_, index) => index));
    expect([limiter.queued, limiter.active]).toEqual([0, 0]);
  });
});

describe('RateLimiter timers, listeners and clock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(['memory', 'shared'] as const)('with every window slot in flight, a queued call waits for a release with no timer running (%s store)', async (kind) => {
    const limiter = new RateLimiter({ store: kind === 'shared' ? new SharedStore() : undefined, rateLimit: { requests: 1, intervalMs: 1000 } });
    const held = await limiter.acquire();
    const queued = limiter.acquire();
    await vi.advanceTimersByTimeAsync(5000);
    expect([limiter.queued, vi.getTimerCount()]).toEqual([1, 0]);
    held(); // its window slot frees 1001 ms after the release
    await vi.advanceTimersByTimeAsync(1000);
    expect(limiter.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(limiter.queued).toBe(0);
    (await queued)();
  });

  it('a call granted from the queue leaves neither its timeout timer nor its abort listener behind', async () => {
    const limiter = new RateLimiter({ rateLimit: false, maxConcurrency: 1 });
    const held = limiter.tryAcquire()!;
    const controller = new AbortController();
    const queued = limiter.acquire({ signal: controller.signal, timeoutMs: 5000 });
    expect([vi.getTimerCount(), getEventListeners(controller.signal, 'abort').length]).toEqual([1, 1]);
    held();
    (await queued)();
    expect([vi.getTimerCount(), getEventListeners(controller.signal, 'abort').length]).toEqual([0, 0]);
  });

  it('a call dropped from a paused queue leaves the wake-up for the calls behind it', async () => {
    const limiter = new RateLimiter({ rateLimit: false });
    limiter.pauseUntil(Date.now() + 1000);
    const controller = new AbortController();
    const dropped = limiter.acquire({ signal: controller.signal }).catch((caught: unknown) => (caught as RateLimitQueueError).reason);
    const kept = limiter.acquire();
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(await dropped).toBe('aborted');
    await vi.advanceTimersByTimeAsync(899);
    expect(limiter.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(limiter.queued).toBe(0);
    (await kept)();
  });

  it('with a wake-up pending, the queue waits for it: a newcomer or a release does not re-check, a new pause does', async () => {
    const limiter = new RateLimiter({ rateLimit: false, maxConcurrency: 2 });
    const t0 = Date.now();
    const held = limiter.tryAcquire()!;
    limiter.pauseUntil(t0 + 1000);
    const first = limiter.acquire(); // queued; the wake-up is due in 1000 ms
    // The clock jumps past the pause (a wall-clock correction) before the wake-up fires.
    vi.setSystemTime(t0 + 1000);
    expect(limiter.tryAcquire()).toBeUndefined(); // no jumping the queue
    const second = limiter.acquire();
    held();
    await vi.advanceTimersByTimeAsync(0);
    expect([limiter.queued, limiter.active]).toEqual([2, 0]);
    // A pause (even one that ends earlier and so extends nothing) re-checks the queue at once.
    limiter.pauseUntil(t0 + 500);
    expect([limiter.queued, limiter.active, vi.getTimerCount()]).toEqual([0, 2, 0]);
    (await first)();
    (await second)();
  });

  it('keeps the longest of its own pauses when a shared store failed to record them', async () => {
    const store = new SharedStore();
    store.pauseUntil = async () => {
      throw new Error('not stored');
    };
    const limiter = new RateLimiter({ store, rateLimit: false });
    limiter.pauseUntil(Date.now() + 1000);
    limiter.pauseUntil(Date.now() + 200); // shorter: it must not shorten the first
    const queued = limiter.acquire();
    await vi.advanceTimersByTimeAsync(999);
    expect(limiter.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(limiter.queued).toBe(0);
    (await queued)();
  });

  it('asks a shared store for a slot only once the pause it reports is over (its tryAcquire need not check it)', async () => {
    const store = new SharedStore();
    const pausedTill = Date.now() + 1000; // another process's 429
    store.pausedUntil = async () => (Date.now() < pausedTill ? pausedTill : 0);
    const limiter = new RateLimiter({ store, rateLimit: { requests: 10, intervalMs: 1000 } });
    const queued = limiter.acquire();
    await vi.advanceTimersByTimeAsync(999);
    expect([limiter.queued, store.keys]).toEqual([1, []]);
    await vi.advanceTimersByTimeAsync(1);
    expect([limiter.queued, store.keys]).toEqual([0, ['logto-mgmt']]);
    (await queued)();
  });

  it('judges a finished request by the clock as it reads at each check, even after the clock steps back', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ rateLimit: { requests: 2, intervalMs: 100 }, maxConcurrency: 10, now: () => now });
    const first = limiter.tryAcquire()!;
    now += 50;
    first(); // finished at 50: its slot counts until 150
    now += 150;
    expect(limiter.tryAcquire()).toBeTypeOf('function'); // at 200: free again, one in flight now
    now -= 80; // steps back to 120: the request finished at 50 counts again
    expect(limiter.tryAcquire()).toBeUndefined();
    now += 31;
    expect(limiter.tryAcquire()).toBeTypeOf('function');
  });
});

describe('MemoryRateLimitStore: the limit it is asked for', () => {
  // The limiter never asks for fewer than one slot (rateLimit: false skips the store), but the
  // store is public: a limit it cannot keep is an error, not a window that grants every call.
  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %s', (limit) => {
    const store = new MemoryRateLimitStore({ now: () => 1_000 });
    expect(() => store.tryAcquire('k', limit, 1_000)).toThrow(new RangeError(`MemoryRateLimitStore: limit must be a positive integer, got ${limit}`));
  });

  it('still refuses it for a key that has a window of another size', () => {
    const store = new MemoryRateLimitStore({ now: () => 1_000 });
    expect(store.tryAcquire('k', 2, 1_000)).toBe(0);
    expect(() => store.tryAcquire('k', 0, 1_000)).toThrow(RangeError);
  });
});
