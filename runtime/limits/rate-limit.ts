/**
 * The client-wide rate limiter: a rolling window (default 200 requests / 10 s, what Logto
 * Cloud asks for), a cap on concurrent requests (default 16), one FIFO queue, and the 429
 * pause ("nobody sends before T") that every queued call honours.
 *
 * Why the window counts until a response, not from a start: the server counts *arrivals*, and
 * arrival = start + a one-way delay that varies (a cold connection's first requests took
 * 120–270 ms on loopback, warm ones 1 ms). Counting start times only, a request that left one
 * interval after a slow one arrives inside the same server window: 114 arrivals in 2 s for a
 * limit of 100 in our benchmark. So this process's own requests hold their slot from start
 * until `intervalMs` after they finished (released) — arrival lies between those, so no
 * server-side window can hold more than the limit, whatever the latency. It costs one latency
 * per interval (≈ 0.1 % at 10 ms per 10 s). A store shared with other processes additionally
 * enforces the budget across them; the limiter tells it when each slot finished (`release`),
 * so a shared store can count from the response too (the Redis store does).
 *
 * Hot path: with capacity free and nobody queued, `tryAcquire()` takes a slot synchronously —
 * no promise, no timer, one small release closure. Timers and promises exist only for calls
 * that really wait.
 */
import type { RateLimitStore } from './rate-limit-store.js';
import { MemoryRateLimitStore } from '../store/memory-rate-limit-store.js';

export interface RateLimit {
  /** Requests allowed per rolling interval. */
  requests: number;
  intervalMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 200, intervalMs: 10_000 };
export const DEFAULT_MAX_CONCURRENCY = 16;

export interface RateLimiterOptions {
  /** Rolling-window budget, or `false` for none (concurrency and 429 pauses still apply). */
  rateLimit?: RateLimit | false;
  /** Requests in flight at once in this process. Default 16; `Infinity` for no cap. */
  maxConcurrency?: number;
  /** Where the window and the pause live. Default: a `MemoryRateLimitStore` of its own. */
  store?: RateLimitStore;
  /** The store key: clients sharing a store and key share one budget. */
  key?: string;
  /** Clock in epoch ms (tests inject one). Default `Date.now`. */
  now?: () => number;
}

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Longest time to stay queued, ms. */
  timeoutMs?: number;
}

/** Gives the slot's concurrency back. Idempotent. (The window slot stays used: it was sent.) */
export type Release = () => void;

/** Thrown by `acquire` when a call times out or is aborted before it left the queue. */
export class RateLimitQueueError extends Error {
  override readonly name = 'RateLimitQueueError';
  constructor(
    readonly reason: 'timeout' | 'aborted',
    /** How long the call waited in the queue, ms. */
    readonly queuedMs: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface Waiter {
  resolve: (release: Release) => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  queuedAt: number;
  settled: boolean;
}

export class RateLimiter {
  readonly #store: RateLimitStore;
  /** The store answers synchronously: the hot path may take a slot without a promise. */
  readonly #sync: boolean;
  readonly #key: string;
  readonly #limit: number;
  readonly #intervalMs: number;
  /**
   * End times (epoch ms) of this limiter's released requests still inside the window, oldest
   * first, as a ring of `limit` entries. Releases happen in time order, so appending keeps it
   * sorted. Slots in use = `#active` (in flight) + `#endCount`; never more than `limit`.
   */
  readonly #ends: Float64Array;
  #endHead = 0;
  #endCount = 0;
  readonly #maxConcurrency: number;
  readonly #now: () => number;
  readonly #description: string;

  #active = 0;
  /** FIFO with a moving head; settled (aborted) waiters are skipped lazily. */
  #queue: (Waiter | undefined)[] = [];
  #head = 0;
  #waiting = 0;
  /** This process's own pause, so it holds even before an async store has stored it. */
  #localPauseUntil = 0;
  #wake: ReturnType<typeof setTimeout> | undefined;
  #pumping = false;

  constructor(options: RateLimiterOptions = {}) {
    const rateLimit = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit;
    if (rateLimit !== false) {
      if (!Number.isInteger(rateLimit.requests) || rateLimit.requests < 1) {
        throw new RangeError(`rateLimit.requests must be a positive integer, got ${rateLimit.requests}`);
      }
      if (!Number.isFinite(rateLimit.intervalMs) || rateLimit.intervalMs <= 0) {
        throw new RangeError(`rateLimit.intervalMs must be a positive number of ms, got ${rateLimit.intervalMs}`);
      }
    }
    const maxConcurrency = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    if (!(maxConcurrency === Infinity || (Number.isInteger(maxConcurrency) && maxConcurrency >= 1))) {
      throw new RangeError(`maxConcurrency must be a positive integer or Infinity, got ${maxConcurrency}`);
    }
    this.#now = options.now ?? Date.now;
    this.#store = options.store ?? new MemoryRateLimitStore({ now: this.#now });
    this.#sync = this.#store instanceof MemoryRateLimitStore;
    this.#key = options.key ?? 'logto-mgmt';
    this.#limit = rateLimit === false ? 0 : rateLimit.requests;
    this.#intervalMs = rateLimit === false ? 0 : rateLimit.intervalMs;
    this.#ends = new Float64Array(this.#limit);
    this.#maxConcurrency = maxConcurrency;
    this.#description =
      (rateLimit === false ? 'no rate limit' : `${rateLimit.requests} requests / ${rateLimit.intervalMs} ms`) +
      `, ${maxConcurrency} concurrent`;
  }

  /** Calls in flight (acquired, not yet released). */
  get active(): number {
    return this.#active;
  }

  /** Calls waiting in the queue. */
  get queued(): number {
    return this.#waiting;
  }

  /** `200 requests / 10000 ms, 16 concurrent; 3 queued, 16 in flight` — for error messages. */
  describe(): string {
    return `${this.#description}; ${this.#waiting} queued, ${this.#active} in flight`;
  }

  /** Takes a slot now if one is free and nobody is queued ahead; otherwise `undefined`. */
  tryAcquire(): Release | undefined {
    if (!this.#sync || this.#waiting !== 0 || this.#active >= this.#maxConcurrency) return undefined;
    if (this.#windowWait() !== 0 || this.#syncStoreWait() !== 0) return undefined;
    this.#active++;
    return this.#releaser();
  }

  /**
   * Waits for a slot in FIFO order. Rejects with `RateLimitQueueError` when `signal` aborts or
   * `timeoutMs` passes first; a rejected call never took a slot.
   */
  acquire(options: AcquireOptions = {}): Promise<Release> {
    const release = this.tryAcquire();
    if (release) return Promise.resolve(release);
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(this.#abortError(signal, 0));
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.reject(this.#timeoutError(0, timeoutMs));
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined, timer: undefined, queuedAt: this.#now(), settled: false };
      if (signal) {
        waiter.onAbort = () => this.#drop(waiter, this.#abortError(signal, this.#now() - waiter.queuedAt));
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      if (timeoutMs !== undefined && timeoutMs !== Infinity) {
        waiter.timer = setTimeout(() => this.#drop(waiter, this.#timeoutError(this.#now() - waiter.queuedAt, timeoutMs)), timeoutMs);
      }
      this.#queue.push(waiter);
      this.#waiting++;
      // A pending wake-up already knows when the next slot frees; asking the store again
      // for every newly queued call would only churn timers.
      if (this.#wake === undefined) this.#pump();
    });
  }

  /**
   * Nobody sends before `untilEpochMs` (a 429's Retry-After): queued calls wait, new calls
   * queue. Calls already in flight are not recalled. Pauses only ever extend.
   */
  pauseUntil(untilEpochMs: number): void {
    if (untilEpochMs > this.#localPauseUntil) this.#localPauseUntil = untilEpochMs;
    const stored = this.#store.pauseUntil(this.#key, untilEpochMs);
    // A shared store that fails to record the pause still leaves this process paused.
    if (stored) stored.catch(() => {});
    if (this.#waiting !== 0) {
      this.#clearWake();
      this.#pump();
    }
  }

  /**
   * 0 when this limiter's own window has a free slot; else ms until the oldest finished request
   * leaves it, or Infinity when every slot is still in flight (a release will pump).
   */
  #windowWait(): number {
    if (this.#limit === 0 || this.#active + this.#endCount < this.#limit) return 0;
    const now = this.#now();
    const ends = this.#ends;
    // Strictly older than the interval: a request ending at e and one starting at exactly
    // e + interval could arrive precisely one interval apart, i.e. in one closed window.
    while (this.#endCount !== 0 && ends[this.#endHead] + this.#intervalMs < now) {
      this.#endHead = this.#endHead + 1 === ends.length ? 0 : this.#endHead + 1;
      this.#endCount--;
    }
    if (this.#active + this.#endCount < this.#limit) return 0;
    return this.#endCount === 0 ? Infinity : ends[this.#endHead] + this.#intervalMs + 1 - now;
  }

  /** Takes a slot in a synchronous store (it honours the pause itself); 0 when taken. */
  #syncStoreWait(): number {
    const store = this.#store as MemoryRateLimitStore;
    return this.#limit !== 0 ? store.tryAcquire(this.#key, this.#limit, this.#intervalMs) : this.#pauseWait(store.pausedUntil(this.#key));
  }

  #pauseWait(pausedUntil: number): number {
    const until = Math.max(pausedUntil, this.#localPauseUntil);
    const now = this.#now();
    return until > now ? until - now : 0;
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      if (this.#limit !== 0) {
        this.#releaseStoreSlot();
        const ends = this.#ends;
        let tail = this.#endHead + this.#endCount;
        if (tail >= ends.length) tail -= ends.length;
        ends[tail] = this.#now();
        this.#endCount++;
      }
      // With a wake-up pending the queue waits for the window or a pause, not for us.
      if (this.#waiting !== 0 && this.#wake === undefined) this.#pump();
    };
  }

  /** Tells a store that counts from the response (`release`) that one of our slots finished. */
  #releaseStoreSlot(): void {
    const released = this.#store.release?.(this.#key, this.#intervalMs);
    // A shared store that cannot record it keeps the slot counted longer: it errs on sending less.
    if (released) released.catch(() => {});
  }

  /** Hands out slots to queued calls until the queue is empty or something says wait. */
  #pump(): void {
    if (this.#pumping) return;
    if (!this.#sync) {
      void this.#pumpAsync();
      return;
    }
    while (this.#waiting !== 0 && this.#active < this.#maxConcurrency) {
      const wait = this.#windowWait() || this.#syncStoreWait();
      if (wait === Infinity) return;
      if (wait !== 0) return this.#wakeIn(wait);
      this.#grant(this.#shift()!);
    }
  }

  /** Same loop for a store that answers with promises (shared stores): one request at a time. */
  async #pumpAsync(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#waiting !== 0 && this.#active < this.#maxConcurrency) {
        let wait = this.#windowWait() || this.#pauseWait(0);
        if (wait === Infinity) return;
        if (wait === 0) {
          try {
            wait = this.#pauseWait(await this.#store.pausedUntil(this.#key));
            if (wait === 0 && this.#limit !== 0) wait = await this.#store.tryAcquire(this.#key, this.#limit, this.#intervalMs);
          } catch (error) {
            // The store is expected to fall back on its own; if it throws anyway, fail the call
            // at the head with that error rather than hang every call behind it.
            const waiter = this.#shift();
            if (waiter) this.#settle(waiter).reject(error instanceof Error ? error : new Error(String(error)));
            continue;
          }
        }
        if (wait !== 0) return this.#wakeIn(wait);
        // A slot taken for a call that was aborted meanwhile goes to the next one; with nobody
        // left it is finished unused (a store counting from the response would hold it forever).
        const waiter = this.#shift();
        if (waiter) this.#grant(waiter);
        else if (this.#limit !== 0) this.#releaseStoreSlot();
      }
    } finally {
      this.#pumping = false;
    }
  }

  #wakeIn(ms: number): void {
    this.#clearWake();
    this.#wake = setTimeout(() => {
      this.#wake = undefined;
      this.#pump();
    }, Math.ceil(ms));
  }

  #clearWake(): void {
    if (this.#wake !== undefined) {
      clearTimeout(this.#wake);
      this.#wake = undefined;
    }
  }

  #shift(): Waiter | undefined {
    while (this.#head < this.#queue.length) {
      const waiter = this.#queue[this.#head];
      this.#queue[this.#head++] = undefined;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      if (waiter && !waiter.settled) return waiter;
    }
    return undefined;
  }

  #grant(waiter: Waiter): void {
    this.#active++;
    this.#settle(waiter).resolve(this.#releaser());
  }

  #settle(waiter: Waiter): Waiter {
    waiter.settled = true;
    this.#waiting--;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
    return waiter;
  }

  /** Removes an aborted or timed-out call; it stays in the array until the head passes it. */
  #drop(waiter: Waiter, error: Error): void {
    if (waiter.settled) return;
    this.#settle(waiter).reject(error);
    // Nobody left to wake: let the process exit.
    if (this.#waiting === 0) this.#clearWake();
  }

  #timeoutError(queuedMs: number, timeoutMs: number): RateLimitQueueError {
    return new RateLimitQueueError(
      'timeout',
      queuedMs,
      `Timed out after ${timeoutMs} ms while queued by the client's rate limiter (${this.describe()}) — the request was never sent`,
    );
  }

  #abortError(signal: AbortSignal, queuedMs: number): RateLimitQueueError {
    return new RateLimitQueueError(
      'aborted',
      queuedMs,
      `Aborted after ${queuedMs} ms while queued by the client's rate limiter — the request was never sent`,
      { cause: signal.reason },
    );
  }
}
