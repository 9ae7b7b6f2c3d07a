/**
 * Ordered page prefetching for `paginate()`: keeps up to `concurrency` page requests in
 * flight ahead of the page the caller is consuming, and yields pages strictly in order.
 *
 * Invariants (tested in test/runtime/pagination.test.ts):
 * - every page from `startPage` on is requested at most once and none is skipped: page
 *   numbers are handed out by one counter, `highestRequested`, that only grows by one;
 * - page p+1 is only requested once some page p' ≥ p said there is a next page and fewer than
 *   `maxItems` items have come; beyond p+1, only up to the last page implied by a trusted
 *   `Total-Number` (`lastPage`) and the pages the items still wanted fill when full;
 * - memory is bounded: at most `concurrency` pages are requested or buffered beyond the one
 *   being consumed, however slow the consumer is;
 * - when iteration ends — the last page, `break`, an error or the caller's signal — the pages
 *   still in flight are aborted (speculative pages past a shrunken total are just dropped).
 */
import { raceWithSignal } from '../transport/timeout.js';

/** What fetching one page tells the scheduler. */
export interface FetchedPage {
  /** Whether the page after this one exists (or may exist: capped totals, full pages). */
  hasNext: boolean;
  /** How many items the page holds (towards `maxItems`). */
  itemCount: number;
  /** The last page implied by a trusted (uncapped) `Total-Number`, if known. */
  lastPage: number | undefined;
}

export interface PrefetchPlan<Fetched extends FetchedPage> {
  startPage: number;
  /** Requests kept in flight ahead of the page being consumed (≥ 1). */
  concurrency: number;
  /** Items wanted in all: no page is requested once this many have come; `Infinity` when uncapped. */
  maxItems: number;
  /** Items a full page holds: how far ahead the items still wanted reach. */
  pageSize: number;
  /** The caller's signal: aborting it cancels the pages in flight and ends iteration. */
  signal?: AbortSignal;
  /** Requests one page; must reject (not hang) once `signal` aborts. */
  fetchPage(page: number, signal: AbortSignal): Promise<Fetched>;
}

export async function* prefetchPages<Fetched extends FetchedPage>(
  plan: PrefetchPlan<Fetched>,
): AsyncGenerator<Fetched, void, undefined> {
  plan.signal?.throwIfAborted();
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(plan.signal?.reason);
  plan.signal?.addEventListener('abort', forwardAbort, { once: true });

  const inFlight = new Map<number, Promise<Fetched>>();
  let highestRequested = plan.startPage - 1;
  const request = (page: number) => {
    const pending = plan.fetchPage(page, controller.signal);
    // A rejection is rethrown when its page's turn comes; until then it must not count as
    // unhandled (it may never come: the caller can break out first).
    pending.catch(() => {});
    inFlight.set(page, pending);
    highestRequested = page;
  };

  let received = 0;
  try {
    request(plan.startPage);
    for (let page = plan.startPage; ; page++) {
      const fetched = await raceWithSignal(inFlight.get(page)!, controller.signal);
      inFlight.delete(page);
      received += fetched.itemCount;
      // Counted in items, not pages: a short page leaves items wanted that a later page holds.
      const wanted = plan.maxItems - received;
      const more = fetched.hasNext && wanted > 0;
      if (more) {
        // Speculate past page+1 only as far as a trusted total says pages exist, and no further
        // than the pages the items still wanted fill if full (pages in flight count as full:
        // should they come short, the bound moves out as they arrive).
        const knownEnd = Math.max(page + 1, fetched.lastPage ?? 0);
        const wantedEnd = page + Math.ceil(wanted / plan.pageSize);
        const until = Math.min(page + plan.concurrency, knownEnd, wantedEnd);
        for (let next = highestRequested + 1; next <= until; next++) request(next);
      }
      yield fetched;
      if (!more) return;
    }
  } finally {
    controller.abort(new DOMException('Pagination ended; page request no longer needed', 'AbortError'));
    plan.signal?.removeEventListener('abort', forwardAbort);
  }
}
