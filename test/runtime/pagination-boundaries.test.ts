/**
 * The edges of paginate()'s stopping and parallel-fetching rules, over real HTTP against a
 * loopback `node:http` server of this file that answers pages of numbered items with exactly
 * the headers each case gives (Logto's own headers are covered in pagination.test.ts). The
 * server records every page requested and how many requests it held at once. Also: which Link
 * headers count, the exact option errors, failures that are not Errors, and what an iteration
 * that ends early leaves behind (abort reasons, listeners on the caller's signal).
 */
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogtoClient } from '../../runtime/client/client.js';
import { definePaginatedOperation } from '../../runtime/client/operation.js';
import { paginate, PaginationError, type Page, type PaginateOptions } from '../../runtime/pagination/pagination.js';

const listItems = definePaginatedOperation<{ query?: { page?: number; page_size?: number } }, number>({
  id: 'ListItems',
  method: 'GET',
  path: '/api/items',
  security: 'm2m',
  paginated: true,
  body: 'none',
});

interface PageRequest {
  page: number;
  pageSize: number;
}
interface Answer {
  headers?: Record<string, string>;
  /** Replaces the page's items (e.g. with something that is not an array). */
  body?: unknown;
  /**
   * Holds the response until this many such requests wait together (or 2 s pass), so a test
   * that expects parallel requests sees them overlap however slowly a loaded machine sends them.
   */
  gather?: number;
}

let server: Server;
let endpoint: string;
let client: LogtoClient;
let requested: number[];
let inFlight: number;
let mostInFlight: number;
/** How many items exist, and what each page answers besides them. */
let itemCount: number;
let answer: (request: PageRequest) => Answer;
/** Each response waits this long, so requests that are sent in parallel overlap at the server. */
const LATENCY_MS = 30;
/** Responses held by `gather`. */
let gathered: (() => void)[];

beforeEach(async () => {
  requested = [];
  inFlight = 0;
  mostInFlight = 0;
  itemCount = 0;
  answer = () => ({});
  gathered = [];
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = Number(url.searchParams.get('page'));
    const pageSize = Number(url.searchParams.get('page_size'));
    requested.push(page);
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    const { headers = {}, body, gather } = answer({ page, pageSize });
    const respond = () => {
      inFlight--;
      const from = (page - 1) * pageSize;
      const items = Array.from({ length: Math.max(0, Math.min(pageSize, itemCount - from)) }, (_, index) => from + index);
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body === undefined ? items : body));
    };
    if (gather === undefined) {
      setTimeout(respond, LATENCY_MS);
      return;
    }
    gathered.push(respond);
    if (gathered.length >= gather) gathered.splice(0).forEach((held) => held());
    else {
      setTimeout(() => {
        const index = gathered.indexOf(respond);
        if (index !== -1) gathered.splice(index, 1)[0]();
      }, 2000).unref();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  endpoint = `http://127.0.0.1:${port}`;
  client = new LogtoClient({ endpoint, getAccessToken: () => 'token', rateLimit: false, maxRetries: 0 });
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const walk = async (options: PaginateOptions) => {
  const pages = [];
  for await (const page of paginate(client, listItems, undefined, options).pages()) pages.push(page);
  return pages;
};
const numbers = (count: number) => Array.from({ length: count }, (_, index) => index);
/** What an iteration threw (undefined if it ended normally). */
const failure = (run: () => Promise<unknown>) =>
  run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
/** Waits (polling) until `condition` holds: no fixed sleeps that a loaded CI machine outruns. */
const until = async (condition: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('a capped Total-Number is a lower bound, never a reason to fetch in parallel', () => {
  it('walks 5 pages one at a time under concurrency 4 when the count says 10 001 (capped)', async () => {
    itemCount = 50;
    // Logto's logs: the count saturates at the cap + 1 and next/last links are left out.
    answer = () => ({ headers: { 'Total-Number': '10001', 'Total-Number-Is-Capped': 'true' } });
    const pages = await walk({ pageSize: 10, concurrency: 4 });
    expect(pages.flatMap((page) => page.items)).toEqual(numbers(50));
    expect(pages.every((page) => page.totalCount === 10001 && page.totalCountIsCapped)).toBe(true);
    // Page + 1 after each page, up to the empty page 6: the 1 000 pages the capped count implies
    // are never speculated on, and no two requests overlap.
    expect(requested).toEqual([1, 2, 3, 4, 5, 6]);
    expect(mostInFlight).toBe(1);
  });

  it('fetches in parallel once the same count comes uncapped', async () => {
    itemCount = 50;
    // Pages 2–5 are answered once all four wait together (a sequential walk waits 2 s each
    // and is caught by the count below).
    answer = ({ page }) => ({ headers: { 'Total-Number': '50' }, ...(page > 1 ? { gather: 4 } : {}) });
    const pages = await walk({ pageSize: 10, concurrency: 4 });
    expect(pages.flatMap((page) => page.items)).toEqual(numbers(50));
    expect([...requested].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(mostInFlight).toBe(4);
  });

  it('without a Link header, goes on after a short page too and stops only on the empty one', async () => {
    itemCount = 45;
    answer = () => ({ headers: { 'Total-Number': '10001', 'Total-Number-Is-Capped': 'true' } });
    const pages = await walk({ pageSize: 10 });
    // A capped count is not a length, and no link says "last": a short page 5 is not taken as
    // the end, only the empty page 6 is.
    expect(pages.map((page) => page.items.length)).toEqual([10, 10, 10, 10, 5, 0]);
    expect(requested).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('no Link header: counting pages', () => {
  it('stops once an uncapped Total-Number is reached, without asking for the empty page after it', async () => {
    itemCount = 30;
    answer = () => ({ headers: { 'Total-Number': '30' } });
    const pages = await walk({ pageSize: 10 });
    expect(pages.map((page) => [page.page, page.items.length, page.totalCount])).toEqual([
      [1, 10, 30],
      [2, 10, 30],
      [3, 10, 30],
    ]);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('without any count, goes on after a full page and stops on the empty one', async () => {
    itemCount = 30;
    const pages = await walk({ pageSize: 10 });
    expect(pages.map((page) => page.items.length)).toEqual([10, 10, 10, 0]);
    expect(requested).toEqual([1, 2, 3, 4]);
  });

  it.each(['1e1', '0x0A', '10.0', '-10', '10 items', '10, 10', ''])(
    'ignores a malformed Total-Number %j: not trusted to stop early nor to fetch in parallel',
    async (total) => {
      itemCount = 45;
      answer = () => ({ headers: { 'Total-Number': total } });
      const pages = await walk({ pageSize: 10, concurrency: 4 });
      expect(pages.flatMap((page) => page.items)).toEqual(numbers(45));
      expect(pages.map((page) => page.totalCount)).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(requested).toEqual([1, 2, 3, 4, 5]);
      expect(mostInFlight).toBe(1);
    },
  );

  it('reads a count with surrounding whitespace', async () => {
    itemCount = 20;
    answer = () => ({ headers: { 'Total-Number': ' 20 ' } });
    const pages = await walk({ pageSize: 10 });
    expect(pages.map((page) => page.totalCount)).toEqual([20, 20]);
    expect(requested).toEqual([1, 2]);
  });
});

describe('a page that is not a JSON array', () => {
  it.each([
    ['an object', { items: [1, 2] }, 'object'],
    ['null', null, 'null'],
    ['a number', 3, 'number'],
  ])('throws a PaginationError naming the page when page 2 is %s', async (_name, body, described) => {
    itemCount = 30;
    answer = ({ page }) => (page === 2 ? { body } : {});
    const seen: number[] = [];
    const error = await (async () => {
      for await (const item of paginate(client, listItems, undefined, { pageSize: 10 })) seen.push(item);
    })().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(seen).toEqual(numbers(10));
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ name: 'PaginationError', page: 2, pageSize: 10, status: 200 });
    expect((error as Error).message).toBe(`paginate(ListItems) page 2: expected a JSON array, got ${described}`);
    expect(requested).toEqual([1, 2]);
  });

  it('has no cause: nothing was thrown under it (no "[cause]: undefined" in logs)', async () => {
    itemCount = 30;
    answer = () => ({ body: { items: [] } });
    const error = await failure(() => walk({ pageSize: 10 }));
    expect(error).toBeInstanceOf(PaginationError);
    expect(Object.hasOwn(error as Error, 'cause')).toBe(false);
  });
});

describe('toArray with two caps', () => {
  it.each([
    { option: 25, collect: 15, want: 15 },
    { option: 15, collect: 25, want: 15 },
    { option: 15, collect: Infinity, want: 15 },
    { option: undefined, collect: 15, want: 15 },
  ])('maxItems $option and toArray({ maxItems: $collect }) collect $want: the lower cap wins', async ({ option, collect, want }) => {
    itemCount = 100;
    const items = await paginate(client, listItems, undefined, { pageSize: 10, ...(option === undefined ? {} : { maxItems: option }) }).toArray({ maxItems: collect });
    expect(items).toEqual(numbers(want));
    // Pages past the cap are never requested.
    expect(requested).toEqual([1, 2]);
  });
});

describe('which Link headers steer the iteration', () => {
  it('ignores links without a pagination relation and counts pages instead', async () => {
    itemCount = 25;
    answer = () => ({ headers: { Link: '<https://docs.example/items>; rel="help"' } });
    const pages = await walk({ pageSize: 10 });
    expect(pages.map((page) => page.items.length)).toEqual([10, 10, 5]);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('reads a link with one pagination relation among others, and ends where no next is given', async () => {
    itemCount = 20;
    answer = ({ page }) => ({
      headers: { Link: page === 1 ? '</items?page=2&page_size=10>; rel="next alternate"' : '</items?page=1&page_size=10>; rel="prev alternate"' },
    });
    const pages = await walk({ pageSize: 10 });
    expect(pages.map((page) => page.items)).toEqual([numbers(10), numbers(20).slice(10)]);
    // Page 2 is full, but its Link (prev, no next) says it is the last: no page 3 is asked for.
    expect(requested).toEqual([1, 2]);
  });

  it('follows a rel="next" that leaves page_size out (only a different page_size contradicts)', async () => {
    itemCount = 25;
    answer = ({ page }) => (page < 3 ? { headers: { Link: `</items?page=${page + 1}>; rel="next"` } } : {});
    const pages = await walk({ pageSize: 10 });
    expect(pages.map((page) => page.items.length)).toEqual([10, 10, 5]);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('throws a PaginationError naming the page when the rel="next" target is not a URL', async () => {
    itemCount = 30;
    answer = () => ({ headers: { Link: '<http://[::1/items?page=2&page_size=10>; rel="next"' } });
    const error = await failure(() => walk({ pageSize: 10 }));
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ page: 1, pageSize: 10, status: 200 });
    expect((error as Error).message).toBe('paginate(ListItems) page 1: rel="next" target "http://[::1/items?page=2&page_size=10" is not a URL');
    expect(requested).toEqual([1]);
  });
});

describe('maxItems bounds the pages requested', () => {
  it('stops at the page that reaches maxItems, even though a capped count says go on', async () => {
    itemCount = 30;
    answer = () => ({ headers: { 'Total-Number': '10001', 'Total-Number-Is-Capped': 'true' } });
    const pages = await walk({ pageSize: 10, maxItems: 15 });
    expect(pages.map((page) => [page.page, page.items])).toEqual([
      [1, numbers(10)],
      [2, numbers(15).slice(10)],
    ]);
    // 15 items fill 2 full pages of 10: page 3 is never asked for.
    expect(requested).toEqual([1, 2]);
  });

  it('ends on a page longer than page_size that reaches maxItems exactly: no page is requested or yielded after it', async () => {
    itemCount = 30;
    // Page 1 ignores page_size and answers 20 items; the capped count says more may follow.
    answer = ({ page }) => ({ headers: { 'Total-Number': '10001', 'Total-Number-Is-Capped': 'true' }, ...(page === 1 ? { body: numbers(20) } : {}) });
    const iterator = paginate(client, listItems, undefined, { pageSize: 10, maxItems: 20 }).pages();
    const first = await iterator.next();
    expect((first.value as Page<number>).items).toEqual(numbers(20));
    // The cap is reached with page 1: page 2 is neither asked for nor yielded (not even empty).
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(requested).toEqual([1]);
  });
});

describe('maxItems with short pages: the cap, not a page count, ends the iteration', () => {
  it('goes on past a short page with rel="next" until maxItems items are yielded', async () => {
    itemCount = 40;
    // Page 1 answers 5 of its 10 items, yet says a page 2 follows: 20 items take 3 pages here.
    answer = ({ page }) => ({
      headers: { Link: `</items?page=${page + 1}&page_size=10>; rel="next"` },
      ...(page === 1 ? { body: numbers(5) } : {}),
    });
    const items = await paginate(client, listItems, undefined, { pageSize: 10, maxItems: 20 }).toArray({ maxItems: Infinity });
    expect(items).toEqual([...numbers(5), ...numbers(25).slice(10)]);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('fetches ahead only the pages the items still wanted need, counting the pages in flight as full', async () => {
    itemCount = 40;
    answer = ({ page }) => ({
      headers: { 'Total-Number': '40', Link: `</items?page=${page + 1}&page_size=10>; rel="next"` },
      ...(page === 1 ? { body: numbers(5) } : {}),
    });
    const pages = await walk({ pageSize: 10, maxItems: 20, concurrency: 4 });
    expect(pages.map((page) => [page.page, page.items.length])).toEqual([
      [1, 5],
      [2, 10],
      [3, 5],
    ]);
    // After page 1, 15 items are wanted: pages 2 and 3, not page 4 that the count says exists.
    expect([...requested].sort((a, b) => a - b)).toEqual([1, 2, 3]);
  });

  it('under a capped count, goes on past a short page until the empty one', async () => {
    itemCount = 12;
    answer = () => ({ headers: { 'Total-Number': '10001', 'Total-Number-Is-Capped': 'true' } });
    const pages = await walk({ pageSize: 10, maxItems: 15 });
    // A short page is no end under a capped count (see above): only the empty page 3 is.
    expect(pages.map((page) => [page.page, page.items])).toEqual([
      [1, numbers(10)],
      [2, [10, 11]],
      [3, []],
    ]);
    expect(requested).toEqual([1, 2, 3]);
  });
});

describe('bad options are refused with the whole rule, before any request', () => {
  const rangeError = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a RangeError');
  };

  it.each([
    { given: { pageSize: 101 }, message: "pageSize must be an integer from 1 to 100 (Logto's maximum page size is 100), got 101" },
    { given: { startPage: 0 }, message: 'startPage must be an integer ≥ 1, got 0' },
    { given: { concurrency: 1.5 }, message: 'concurrency must be an integer ≥ 1, got 1.5' },
    { given: { maxItems: -1 }, message: 'maxItems must be an integer ≥ 0 or Infinity, got -1' },
  ])('paginate() with $given', ({ given, message }) => {
    const error = rangeError(() => paginate(client, listItems, undefined, given));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe(`paginate(ListItems): ${message}`);
  });

  it('toArray({ maxItems: 2.5 })', async () => {
    const error = await failure(() => paginate(client, listItems, undefined, { pageSize: 10 }).toArray({ maxItems: 2.5 }));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('paginate(ListItems): toArray maxItems must be an integer ≥ 0 or Infinity, got 2.5');
    expect(requested).toEqual([]);
  });
});

describe('a failure that is not an Error', () => {
  it('becomes a PaginationError naming the page, with the thrown value as its cause', async () => {
    itemCount = 30;
    let calls = 0;
    // A token provider that rejects with a bare string when page 2 asks for its token.
    const flaky = new LogtoClient({ endpoint, getAccessToken: () => (++calls === 2 ? Promise.reject('vault sealed') : 'token'), rateLimit: false, maxRetries: 0 });
    const seen: number[] = [];
    const error = await failure(async () => {
      for await (const item of paginate(flaky, listItems, undefined, { pageSize: 10 })) seen.push(item);
    });
    expect(seen).toEqual(numbers(10));
    expect(error).toBeInstanceOf(PaginationError);
    const paginationError = error as PaginationError;
    expect(paginationError.message).toBe('paginate(ListItems) failed while fetching page 2 of ListItems; resume with { startPage: 2 }: vault sealed');
    expect([paginationError.page, paginationError.pageSize, paginationError.cause]).toEqual([2, 10, 'vault sealed']);
    // No response came back: page 2 never went out without its token.
    expect([paginationError.response, paginationError.status]).toEqual([undefined, undefined]);
    expect(requested).toEqual([1]);
  });
});

describe('ending an iteration early leaves nothing behind', () => {
  it('aborts the page fetched ahead with an AbortError that says the iteration ended', async () => {
    itemCount = 30;
    // getAccessToken is handed each page request's signal: the one its fetch runs under.
    const signals: AbortSignal[] = [];
    const watched = new LogtoClient({ endpoint, getAccessToken: ({ signal }) => (signals.push(signal), 'token'), rateLimit: false, maxRetries: 0 });
    const iterator = paginate(watched, listItems, undefined, { pageSize: 10 }).pages();
    await iterator.next();
    await until(() => requested.length === 2); // page 2 is in flight
    await iterator.return(undefined);
    expect(signals.map((signal) => signal.aborted)).toEqual([false, true]);
    const reason = signals[1].reason as DOMException;
    expect(reason).toBeInstanceOf(DOMException);
    expect([reason.name, reason.message]).toEqual(['AbortError', 'Pagination ended; page request no longer needed']);
    expect(requested).toEqual([1, 2]);
  });

  it("rejects with the caller's abort reason and leaves it as it was", async () => {
    itemCount = 30;
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const iterator = paginate(client, listItems, undefined, { pageSize: 10, signal: controller.signal }).pages();
    await iterator.next();
    await until(() => requested.length === 2); // page 2 is in flight
    controller.abort(reason);
    await expect(iterator.next()).rejects.toBe(reason);
    // Page 2's request failed with the same reason; a turn later that failure has been handled,
    // and the reason must not have been annotated like a page error (page fields, message suffix).
    await new Promise((resolve) => setImmediate(resolve));
    expect(reason.message).toBe('shutting down');
    expect(Object.keys(reason)).toEqual([]);
    expect(requested).toEqual([1, 2]);
  });

  it("drops its listener from the caller's signal as soon as it aborts, even while the iteration is paused", async () => {
    itemCount = 30;
    const controller = new AbortController();
    const iterator = paginate(client, listItems, undefined, { pageSize: 10, signal: controller.signal }).pages();
    await iterator.next();
    await until(() => requested.length === 2); // page 2 is in flight
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    // The paused iterator may never be resumed: nothing of it stays reachable from the signal.
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(requested).toEqual([1, 2]);
  });

  it('leaves no listener on a long-lived signal once each iteration is over', async () => {
    itemCount = 15;
    const controller = new AbortController();
    for (let run = 0; run < 3; run++) {
      expect(await paginate(client, listItems, undefined, { pageSize: 10, signal: controller.signal }).toArray({ maxItems: Infinity })).toEqual(numbers(15));
    }
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
    expect(requested).toEqual([1, 2, 1, 2, 1, 2]);
  });
});
