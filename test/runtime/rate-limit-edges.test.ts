/**
 * RateLimiter details the throughput tests do not pin: its errors and description, the key it
 * gives the store, queue timeouts of 0 or less, pauses that only extend, a limiter without a
 * window that still honours a pause, a shared store that throws or hands a slot to a call
 * already gone, and a queue long enough to be compacted.
 */
import { describe, expect, it } from 'vitest';
import { RateLimiter, RateLimitQueueError } from '../../runtime/limits/rate-limit.js';
import type { RateLimitStore } from '../../runtime/limits/rate-limit-store.js';
import { MemoryRateLimitStore } from '../../runtime/store/memory-rate-limit-store.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    // With no timeout, or an infinite one, a queued call simply waits for the slot.
    const waiting = [limiter.acquire(), limiter.acquire({ timeoutMs: Infinity })];
    expect(limiter.queued).toBe(2);
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
    const now = Date.now();
    limiter.pauseUntil(now + 150);
    limiter.pauseUntil(now + 20); // earlier: ignored
    expect(limiter.tryAcquire()).toBeUndefined();
    const started = Date.now();
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
    limiter.pauseUntil(Date.now() + 120);
    const started = Date.now();
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

  it('gives a slot the store granted to a call aborted meanwhile back to the store', async () => {
    const store = new SharedStore();
    let grant!: () => void;
    store.tryAcquire = async (key, limit, windowMs) => {
      await new Promise<void>((resolve) => (grant = resolve));
      return store.inner.tryAcquire(key, limit, windowMs);
    };
    const limiter = new RateLimiter({ store, rateLimit: { requests: 10, intervalMs: 1000 } });
    const controller = new AbortController();
    const queued = limiter.acquire({ signal: controller.signal }).catch((caught: unknown) => (caught as RateLimitQueueError).reason);
    await sleep(10);
    controller.abort();
    expect(await queued).toBe('aborted');
    grant();
    await sleep(10);
    expect([store.releases, limiter.active]).toEqual([1, 0]);
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
