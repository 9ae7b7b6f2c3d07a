/** LocalSendLog (the Redis store's local side) on a fake clock: waits, release order, counting, pruning, pauses. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalSendLog } from '../../runtime/store/local-send-log.js';

const T0 = 1_700_000_000_000;
const at = (ms: number) => vi.setSystemTime(T0 + ms);
/** A log that keeps `keepMs` (asked about it once) holding one slot finished at each of `times` (ms after T0). */
function finishedAt(keepMs: number, ...times: number[]): LocalSendLog {
  const log = new LocalSendLog();
  log.wait('k', 1, keepMs);
  for (const time of times) {
    at(time);
    log.take('k', `m${time}`, false);
    log.release('k');
  }
  return log;
}

describe('LocalSendLog', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('waits until the slot that must leave is a window past its finish; one in flight, a window from now', () => {
    const log = finishedAt(1_000, 0, 100);
    at(200);
    expect(log.wait('k', 2, 1_000)).toBe(800);
    log.take('k', 'flying', false);
    expect(log.wait('k', 1, 1_000)).toBe(1_000);
  });

  it('counts only this window even when the log keeps a longer one', () => {
    const log = finishedAt(10_000, 0, 500);
    at(1_500);
    expect(log.counted('k', 10_000)).toHaveLength(2);
    expect(log.wait('k', 1, 1_000)).toBe(0); // the slot finished at 500 left this window exactly now
    at(1_499);
    expect(log.wait('k', 2, 1_000)).toBe(0); // one of two (the one at 0 is out)
    expect(log.wait('k', 1, 1_000)).toBe(1);
  });

  it('counted: slots in flight and finished within the window, not at its edge', () => {
    const log = finishedAt(1_000, 0, 400);
    log.take('k', 'flying', false);
    at(1_000);
    expect(log.counted('k', 1_000).map((slot) => slot.member)).toEqual(['m400', 'flying']);
    expect(log.counted('other', 1_000)).toEqual([]);
  });

  it('release finishes the oldest slot in flight, once each; none in flight gives undefined', () => {
    const log = new LocalSendLog();
    expect(log.release('none')).toBeUndefined();
    log.take('k', 'a', false);
    log.take('k', 'b', true);
    at(100);
    expect(log.release('k')).toMatchObject({ member: 'a', at: T0 + 100 });
    at(200);
    expect(log.release('k')).toMatchObject({ member: 'b', at: T0 + 200, local: true });
    expect(log.release('k')).toBeUndefined();
  });

  it('keeps finished slots for the longest window asked about, and forgets them after it', () => {
    const log = finishedAt(1_000, 0);
    at(999);
    log.take('k', 'next', false); // taking prunes, but with the 1 s kept
    expect(log.counted('k', 5_000)).toHaveLength(2);
    at(1_000);
    log.take('k', 'last', false);
    expect(log.counted('k', 5_000).map((slot) => slot.member)).toEqual(['next', 'last']);
  });

  it('a pause holds until its end and only a later one extends it', () => {
    const log = new LocalSendLog();
    log.pauseUntil('k', T0 + 1_000);
    log.pauseUntil('k', T0 + 500);
    expect(log.pausedUntil('k')).toBe(T0 + 1_000);
    at(999);
    expect(log.wait('k', 1, 1_000)).toBe(1);
    at(1_000);
    expect(log.pausedUntil('k')).toBe(0);
    expect(log.wait('k', 1, 1_000)).toBe(0);
  });
});
