/**
 * The Redis store's local side: a one-process `RateLimitStore` (rolling-window log of send
 * times and a pause end per key) that also records the sends made through Redis. While Redis
 * is unreachable the store limits with it; when Redis is back it replays the sends made
 * meanwhile (`recent`). Unlike `MemoryRateLimitStore` (a ring of `limit` entries) it keeps
 * every send of the window, because the limit it is asked for changes with the fallback share.
 */
import type { RateLimitStore } from '../limits/rate-limit-store.js';

export class LocalSendLog implements RateLimitStore {
  readonly #sent = new Map<string, number[]>();
  readonly #paused = new Map<string, number>();

  tryAcquire(key: string, limit: number, windowMs: number): number {
    const now = Date.now();
    const pause = this.pausedUntil(key) - now;
    if (pause > 0) return pause;
    const sent = this.#prune(key, windowMs, now);
    if (sent.length < limit) {
      sent.push(now);
      return 0;
    }
    // The oldest send in the window leaves it first; when the limit shrank, wait for enough of them.
    return Math.max(1, sent[sent.length - limit]! + windowMs - now);
  }

  pauseUntil(key: string, untilEpochMs: number): void {
    if (untilEpochMs > (this.#paused.get(key) ?? 0)) this.#paused.set(key, untilEpochMs);
  }

  pausedUntil(key: string): number {
    const until = this.#paused.get(key) ?? 0;
    if (until <= Date.now()) {
      this.#paused.delete(key);
      return 0;
    }
    return until;
  }

  /** Send times (epoch ms) under `key` within the last `windowMs`, oldest first. */
  recent(key: string, windowMs: number): number[] {
    return [...this.#prune(key, windowMs, Date.now())];
  }

  #prune(key: string, windowMs: number, now: number): number[] {
    let sent = this.#sent.get(key);
    if (!sent) this.#sent.set(key, (sent = []));
    let expired = 0;
    while (expired < sent.length && sent[expired]! <= now - windowMs) expired++;
    if (expired) sent.splice(0, expired);
    return sent;
  }
}
