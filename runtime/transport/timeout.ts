/**
 * One signal per attempt that fires on the caller's abort or on the timeout, whichever comes
 * first. It is passed to `fetch`, and undici keeps watching it while the body streams, so the
 * timeout covers reading the body too (a server that sends headers and then stalls is cut).
 *
 * Hot path: one AbortController and one timer per attempt; the caller's signal is observed
 * through `handleEvent` on this object rather than a fresh closure, and both are released in
 * `dispose()`. (`AbortSignal.any` + `AbortSignal.timeout` would allocate more and keep the
 * timer alive after the call.)
 */

export const DEFAULT_TIMEOUT_MS = 30_000;

/** setTimeout fires at once (with a warning) past 2³¹−1 ms; longer timeouts mean "none". */
export const MAX_TIMER_MS = 2_147_483_647;

/** The reason our own timeout aborts with; never surfaces (the transport throws LogtoTimeoutError). */
const TIMEOUT_REASON = Object.freeze(new Error('logto-mgmt attempt timeout'));

function onTimeout(attempt: AttemptSignal): void {
  attempt.timedOut = true;
  attempt.controller.abort(TIMEOUT_REASON);
}

export class AttemptSignal {
  readonly controller = new AbortController();
  /** The timeout fired (as opposed to the caller aborting). */
  timedOut = false;
  readonly #caller: AbortSignal | undefined;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;

  /** `timeoutMs` (positive: the transport checks it) of `Infinity` or past ~24.8 days means no timeout. */
  constructor(caller: AbortSignal | undefined, timeoutMs: number) {
    this.#caller = caller;
    if (caller) {
      if (caller.aborted) this.controller.abort(caller.reason);
      else caller.addEventListener('abort', this, { once: true });
    }
    if (timeoutMs <= MAX_TIMER_MS) this.#timer = setTimeout(onTimeout, timeoutMs, this);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The caller aborted (checked before `timedOut`: a caller's abort wins over a late timer). */
  get callerAborted(): boolean {
    return this.#caller?.aborted === true;
  }

  /** The caller's abort reason (an AbortError DOMException unless they gave one). */
  get callerReason(): unknown {
    return this.#caller?.reason;
  }

  /** EventListener protocol: the caller's signal aborted. */
  handleEvent(): void {
    this.controller.abort(this.#caller!.reason);
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#caller?.removeEventListener('abort', this);
  }
}

/**
 * Waits for a shared promise (e.g. the single-flight token request) but gives up when
 * `signal` aborts, without cancelling the shared work for the other waiters.
 */
export function raceWithSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
