/**
 * The Redis store's local side: a one-process log of this process's slots per key (in flight,
 * or finished at a time) and a pause end per key. It records every slot, whether Redis gave
 * it or the fallback did, so that when Redis goes away the fallback starts from what this
 * process really sent, and when Redis is back the slots the fallback gave (`local`) can be
 * written into the shared window.
 *
 * Like the limiter and the Redis window, a slot counts from when it was taken until `windowMs`
 * after it finished (`release`). Slots are interchangeable, so `release` finishes the oldest
 * one in flight; that keeps the log sorted (finished ones first, ascending, then the ones in
 * flight) and the set of "counted until" times the same as if each had been matched exactly.
 */
export interface LoggedSlot {
  /** When it finished (epoch ms); `Infinity` while in flight. */
  at: number;
  /** Its member in the Redis window, when Redis holds it. */
  member: string | undefined;
  /** Given by the fallback and not yet written into Redis. */
  local: boolean;
}

export class LocalSendLog {
  readonly #slots = new Map<string, LoggedSlot[]>();
  /** Per key, the longest window asked about: what the log must keep. */
  readonly #keepMs = new Map<string, number>();
  readonly #paused = new Map<string, number>();

  /** 0 when a slot under `limit` per `windowMs` is free (and no pause holds); else the ms to wait. */
  wait(key: string, limit: number, windowMs: number): number {
    const now = Date.now();
    const pause = this.pausedUntil(key) - now;
    if (pause > 0) return pause;
    const slots = this.#prune(key, windowMs, now);
    let first = 0; // the log may keep more than this window (a longer one was asked about)
    while (first < slots.length && slots[first]!.at <= now - windowMs) first++;
    if (slots.length - first < limit) return 0;
    // The slot that must leave for one to free up; one still in flight leaves a window after
    // it finishes, so a window from now is the soonest.
    const edge = slots[slots.length - limit]!.at;
    return Math.max(1, Math.min(edge, now) + windowMs - now);
  }

  /** Records a slot just taken (in flight). */
  take(key: string, member: string | undefined, local: boolean): void {
    this.#prune(key, 0, Date.now()).push({ at: Number.POSITIVE_INFINITY, member, local });
  }

  /** Finishes the oldest slot in flight under `key`; returns it (undefined when none is in flight). */
  release(key: string): LoggedSlot | undefined {
    const slot = this.#slots.get(key)?.find((entry) => entry.at === Number.POSITIVE_INFINITY);
    if (slot) slot.at = Date.now();
    return slot;
  }

  /** Slots under `key` still counted in a window of `windowMs` (in flight, or finished within it). */
  counted(key: string, windowMs: number): LoggedSlot[] {
    const from = Date.now() - windowMs;
    return (this.#slots.get(key) ?? []).filter((slot) => slot.at > from);
  }

  keys(): IterableIterator<string> {
    return this.#slots.keys();
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

  #prune(key: string, windowMs: number, now: number): LoggedSlot[] {
    let slots = this.#slots.get(key);
    if (!slots) this.#slots.set(key, (slots = []));
    const keepMs = Math.max(windowMs, this.#keepMs.get(key) ?? 0);
    this.#keepMs.set(key, keepMs);
    let expired = 0;
    while (expired < slots.length && slots[expired]!.at <= now - keepMs) expired++;
    if (expired) slots.splice(0, expired);
    return slots;
  }
}
