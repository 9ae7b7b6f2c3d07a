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
 * - A slot is counted from the moment it is taken; it frees `windowMs` later (the configured
 *   interval). The limiter additionally holds its own process's slots until an interval after
 *   each response (rate-limit.ts), which a start-time store cannot express.
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
}
