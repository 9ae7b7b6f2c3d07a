/**
 * The Redis store's fallback share (runtime/store/fallback-share.ts): what one process may
 * spend alone so that all of them together stay within the limit.
 */
import { describe, expect, it } from 'vitest';
import { fallbackShare, processesSharing, UNKNOWN_PROCESSES } from '../../runtime/store/fallback-share.js';

describe('fallbackShare', () => {
  it.each([
    { given: { limit: 200, windowMs: 10_000, processes: 8 }, want: { limit: 25, windowMs: 10_000 } },
    { given: { limit: 40, windowMs: 2_000, processes: 3 }, want: { limit: 13, windowMs: 2_000 } },
    { given: { limit: 8, windowMs: 1_000, processes: 8 }, want: { limit: 1, windowMs: 1_000 } },
    { given: { limit: 2, windowMs: 1_000, processes: 5 }, want: { limit: 1, windowMs: 3_000 } },
    { given: { limit: 1, windowMs: 500, processes: 4 }, want: { limit: 1, windowMs: 2_000 } },
  ])('splits $given.limit per $given.windowMs ms between $given.processes processes', ({ given, want }) => {
    const share = fallbackShare(given.limit, given.windowMs, given.processes);
    expect(share).toEqual(want);
    // All processes together, per configured window, never more than the limit.
    expect((given.processes * share.limit * given.windowMs) / share.windowMs).toBeLessThanOrEqual(given.limit);
  });
});

describe('processesSharing', () => {
  it.each([
    { lastSeen: undefined, floor: undefined, want: UNKNOWN_PROCESSES },
    { lastSeen: undefined, floor: 12, want: 12 },
    { lastSeen: 6, floor: undefined, want: 6 },
    { lastSeen: 6, floor: 10, want: 10 },
    { lastSeen: 6, floor: 2, want: 6 },
  ])('heartbeats saw $lastSeen, floor $floor → $want', ({ lastSeen, floor, want }) => {
    expect(processesSharing(lastSeen, floor)).toBe(want);
  });
});
