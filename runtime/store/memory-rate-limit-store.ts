/**
 * The default `RateLimitStore`: one process, synchronous, exact.
 *
 * Each key keeps a ring buffer of the start times of its last `limit` slots (a sliding log
 * that never grows past `limit` entries). A new slot is free exactly when the oldest of those
 * is at least `windowMs` old, so no rolling window of `windowMs` ever holds more than `limit`
 * starts — unlike a fixed window or a token bucket, which allow 2× bursts across a boundary.
 */
import type { RateLimitStore } from '../limits/rate-limit-store.js';

interface Window {
  /** Start times (epoch ms) of the last `starts.length` slots; `next` is the oldest. */
  starts: Float64Array;
  next: number;
  /** Slots taken so far, up to `starts.length`. */
  filled: number;
  pausedUntil: number;
}

export interface MemoryRateLimitStoreOptions {
  /** Clock in epoch ms (tests inject one). Default `Date.now`. */
  now?: () => number;
}

export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows = new Map<string, Window>();
  readonly #now: () => number;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  tryAcquire(key: string, limit: number, windowMs: number): number {
    // A ring of zero slots would grant every call (its "oldest start" is undefined → NaN wait).
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`MemoryRateLimitStore: limit must be a positive integer, got ${limit}`);
    const now = this.#now();
    const window = this.#window(key, limit);
    if (window.pausedUntil > now) return window.pausedUntil - now;
    const { starts } = window;
    if (window.filled < starts.length) {
      window.filled++;
    } else {
      const wait = starts[window.next] + windowMs - now;
      if (wait > 0) return wait;
    }
    starts[window.next] = now;
    window.next = window.next + 1 === starts.length ? 0 : window.next + 1;
    return 0;
  }

  pauseUntil(key: string, untilEpochMs: number): void {
    const window = this.#windows.get(key);
    if (window) window.pausedUntil = Math.max(window.pausedUntil, untilEpochMs);
    else this.#windows.set(key, { starts: new Float64Array(0), next: 0, filled: 0, pausedUntil: untilEpochMs });
  }

  pausedUntil(key: string): number {
    const until = this.#windows.get(key)?.pausedUntil ?? 0;
    return until > this.#now() ? until : 0;
  }

  #window(key: string, limit: number): Window {
    let window = this.#windows.get(key);
    if (!window) {
      window = { starts: new Float64Array(limit), next: 0, filled: 0, pausedUntil: 0 };
      this.#windows.set(key, window);
    } else if (window.starts.length !== limit) {
      window = resize(window, limit);
      this.#windows.set(key, window);
    }
    return window;
  }
}

/** A key used with a new limit keeps its most recent starts, so a change never opens a burst. */
function resize(window: Window, limit: number): Window {
  const oldest = window.filled < window.starts.length ? 0 : window.next;
  const recent: number[] = [];
  for (let i = 0; i < window.filled; i++) recent.push(window.starts[(oldest + i) % window.starts.length]);
  const kept = recent.slice(-limit);
  const starts = new Float64Array(limit);
  starts.set(kept);
  return { starts, next: kept.length % limit, filled: kept.length, pausedUntil: window.pausedUntil };
}
