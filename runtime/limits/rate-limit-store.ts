/**
 * Where the rate limiter keeps its rolling window and the shared 429 pause.
 *
 * The default is `MemoryRateLimitStore` (one process). A store that many processes share (the
 * Redis store, issue #8) makes the budget per tenant instead of per process: Logto counts
 * ~200 requests / 10 s per tenant. Concurrency (`maxConcurrency`) is never stored: it is a
 * property of one process's sockets.
 *
 * Contract for implementers:
 * - `tryAcquire` must be atomic: two callers never both take the last slot of a window.
 * - A slot is counted from the moment it is taken. A store with `release` holds it until
 *   `windowMs` after the limiter releases it (the response arrived), like the limiter's own
 *   window (rate-limit.ts): the request reached the server somewhere in between, so a process
 *   stalled between taking a slot and sending cannot crowd a window. A store without
 *   `release` frees it `windowMs` after it was taken.
 * - `tryAcquire` may also honour the pause (return the ms until it ends without taking a slot);
 *   the limiter checks `pausedUntil` itself before acquiring, so it is not required.
 * - Times are epoch milliseconds, so a pause set by one process means the same instant to all.
 */
export interface RateLimitStore {
  /** Take one slot of `limit` per rolling `windowMs` under `key`. Returns 0 when taken, else the ms to wait before trying again. */
  tryAcquire(key: string, limit: number, windowMs: number): number | Promise<number>;
  /** Shared 429 pause: nobody under `key` sends before `untilEpochMs`. */
  pauseUntil(key: string, untilEpochMs: number): void | Promise<void>;
  /** Current pause end (epoch ms), 0 when none. */
  pausedUntil(key: string): number | Promise<number>;
  /**
   * One slot this limiter took under `key` is finished (its response arrived, or it was never
   * used): it stays counted `windowMs` from now. Slots of one limiter are interchangeable, so
   * no id is passed: the store may finish whichever of its own slots under `key` it likes.
   */
  release?(key: string, windowMs: number): void | Promise<void>;
}
