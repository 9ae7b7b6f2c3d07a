/**
 * How much of the shared budget one process may spend on its own, while it cannot reach Redis
 * (and for a moment after): the limit divided by the processes that share it, so that when
 * every process falls back at once their sum still stays within the limit.
 */

/**
 * A process that never heard from Redis cannot know how many others there are: it assumes
 * this many, unless `fallbackProcesses` says otherwise. Big enough for a small deploy to stay
 * within the limit, small enough that a lone process is not slowed to a crawl.
 */
export const UNKNOWN_PROCESSES = 4;

/**
 * The processes to split the budget between: the live ones Redis last counted, at least
 * `floor` (the `fallbackProcesses` option); `floor`, or `UNKNOWN_PROCESSES`, when Redis never answered.
 */
export function processesSharing(lastSeen: number | undefined, floor: number | undefined): number {
  if (lastSeen === undefined) return floor ?? UNKNOWN_PROCESSES;
  return Math.max(lastSeen, floor ?? 1);
}

export interface Share {
  limit: number;
  windowMs: number;
}

/**
 * `limit` ÷ `processes` per window, rounded down. With more processes than slots, one slot per
 * as many windows as it takes (1 per 3 windows for 5 processes and a limit of 2), rather than
 * one per window each, which would add up to more than the limit.
 */
export function fallbackShare(limit: number, windowMs: number, processes: number): Share {
  if (limit >= processes) return { limit: Math.floor(limit / processes), windowMs };
  return { limit: 1, windowMs: windowMs * Math.ceil(processes / limit) };
}
