/** MemoryRateLimitStore: a pause's last millisecond, and a key whose limit changes (the ring is resized). */
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from '../../runtime/store/memory-rate-limit-store.js';

/** A store on a hand-moved clock, and a helper that acquires at a given time. */
function clocked() {
  let now = 0;
  const store = new MemoryRateLimitStore({ now: () => now });
  const at = (time: number, limit: number) => {
    now = time;
    return store.tryAcquire('k', limit, 1_000);
  };
  return { store, at };
}

describe('MemoryRateLimitStore', () => {
  it('a pause is over at its end: the slot is taken then, and counts', () => {
    const { store, at } = clocked();
    store.pauseUntil('k', 500);
    expect(at(500, 1)).toBe(0);
    expect(at(500, 1)).toBe(1_000);
  });

  it('a lower limit on a ring not yet full keeps the starts it had', () => {
    const { at } = clocked();
    expect(at(5_000, 3)).toBe(0);
    expect(at(5_100, 3)).toBe(0);
    expect(at(5_200, 2)).toBe(800); // both starts are kept (not the unused slot): the one at 5000 must leave first
  });

  it('a lower limit on a full ring that wrapped keeps the most recent starts', () => {
    const { at } = clocked();
    for (const time of [0, 100, 200]) expect(at(time, 3)).toBe(0);
    expect(at(1_000, 3)).toBe(0); // ring: [1000, 100, 200], oldest at index 1
    expect(at(1_050, 2)).toBe(150); // keeps 200 and 1000: 200 leaves at 1200
  });

  it('a higher limit keeps every start and frees only the new slots', () => {
    const { at } = clocked();
    expect(at(0, 2)).toBe(0);
    expect(at(100, 2)).toBe(0);
    expect(at(200, 3)).toBe(0);
    expect(at(300, 3)).toBe(700);
  });
});
