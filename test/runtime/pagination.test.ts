import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { bindNamespace } from '../../runtime/bind.js';
import { LogtoClient } from '../../runtime/client.js';
import { definePaginatedOperation, type OperationDescriptor } from '../../runtime/operation.js';
import { paginate, PaginationError, type Page, type PageFailure, type PaginatedIterator } from '../../runtime/pagination.js';
import { startPagedListServer, userAt, type PagedListServer, type UserItem } from './paged-list-server.js';

type ListParams = { query?: { page?: number; page_size?: number; search?: string } };
const list = (id: string, path: string) =>
  definePaginatedOperation<ListParams, UserItem>({
    id,
    method: 'GET',
    path,
    security: 'm2m',
    paginated: true,
    body: 'none',
  } satisfies OperationDescriptor);
const listUsers = list('ListUsers', '/api/users');
const listLogs = list('ListLogs', '/api/logs');
const listPlain = list('ListPlain', '/api/plain');
const listGreedy = list('ListGreedy', '/api/greedy');

const ids = (count: number, from = 0) => Array.from({ length: count }, (_, index) => userAt(from + index).id);
const collect = async <T>(iterable: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
};
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: PagedListServer;
let client: LogtoClient;
beforeAll(async () => {
  server = await startPagedListServer();
  client = new LogtoClient({ endpoint: server.url, getAccessToken: () => 'm2m-token' });
});
afterAll(() => server.close());
afterEach(() => {
  server.reset();
  server.state.latency = () => 0;
  server.state.failOnce.clear();
  server.state.linkOverride = undefined;
});

describe('paginate over Logto pagination headers', () => {
  it('walks every page with page and page_size 100 by default, sending the token on each', async () => {
    server.state.total = 245;
    const users = await collect(paginate(client, listUsers));
    expect(users.map((user) => user.id)).toEqual(ids(245));
    expect(server.log.map(({ page, pageSize }) => [page, pageSize])).toEqual([[1, 100], [2, 100], [3, 100]]);
    expect(server.log.every((entry) => entry.authorization === 'Bearer m2m-token')).toBe(true);
  });

  it('follows rel="next" from four folded Link lines, keeping other query params, never requesting the link URL', async () => {
    server.state.total = 45;
    const raw = await fetch(`${server.url}/api/users?page=2&page_size=20`);
    expect(raw.headers.get('link')).toBe(
      '<http://127.0.0.1:3001/users?page=1&page_size=20>; rel="first", ' +
        '<http://127.0.0.1:3001/users?page=1&page_size=20>; rel="prev", ' +
        '<http://127.0.0.1:3001/users?page=3&page_size=20>; rel="last", ' +
        '<http://127.0.0.1:3001/users?page=3&page_size=20>; rel="next"',
    );
    server.reset();

    const pages = await collect(paginate(client, listUsers, { query: { search: 'user' } }, { pageSize: 20 }).pages());
    expect(pages.map(({ page, items, pageSize, totalCount, totalCountIsCapped }) => [page, items.length, pageSize, totalCount, totalCountIsCapped])).toEqual([
      [1, 20, 20, 45, false],
      [2, 20, 20, 45, false],
      [3, 5, 20, 45, false],
    ]);
    expect(pages[2].response.status).toBe(200);
    expect(server.log.map((entry) => entry.path)).toEqual(['/api/users', '/api/users', '/api/users']);
  });

  it('walks a capped total (no next/last links) page + 1 until an empty page', async () => {
    server.state.total = 350;
    server.state.cap = 200;
    const pages = await collect(paginate(client, listLogs, undefined, { concurrency: 4 }).pages());
    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual(ids(350));
    expect(pages.map((page) => [page.page, page.totalCount, page.totalCountIsCapped])).toEqual([
      [1, 200, true], [2, 200, true], [3, 200, true], [4, 200, true], [5, 200, true],
    ]);
    // A capped count is only a lower bound: never trusted to fetch in parallel.
    expect(server.pagesRequested('/api/logs')).toEqual([1, 2, 3, 4, 5]);
    expect(server.maxInFlight()).toBeLessThanOrEqual(1);
  });

  it('stops after a short page when the endpoint sends no pagination headers', async () => {
    server.state.total = 250;
    expect((await collect(paginate(client, listPlain))).map((user) => user.id)).toEqual(ids(250));
    expect(server.pagesRequested('/api/plain')).toEqual([1, 2, 3]);
  });

  it('stops on an empty page after full pages when there are no pagination headers', async () => {
    server.state.total = 200;
    expect(await collect(paginate(client, listPlain))).toHaveLength(200);
    expect(server.pagesRequested('/api/plain')).toEqual([1, 2, 3]);
  });

  it('stops after one page when the endpoint ignores page_size and answers everything', async () => {
    server.state.total = 130;
    expect(await collect(paginate(client, listGreedy, undefined, { pageSize: 50, concurrency: 4 }))).toHaveLength(130);
    expect(server.pagesRequested('/api/greedy')).toEqual([1]);
  });

  it('yields nothing for an empty first page after one request', async () => {
    server.state.total = 0;
    const pages = await collect(paginate(client, listUsers).pages());
    expect(pages.map((page) => [page.page, page.items.length, page.totalCount])).toEqual([[1, 0, 0]]);
    expect(await collect(paginate(client, listUsers))).toEqual([]);
    expect(server.pagesRequested()).toEqual([1, 1]);
  });
});

describe('malformed Link headers', () => {
  it('falls back to counting pages when the Link header cannot be parsed', async () => {
    server.state.total = 230;
    server.state.linkOverride = (page) => `http://127.0.0.1:3001/users?page=${page + 1}; rel=next, <garbage`;
    const users = await collect(paginate(client, listUsers, undefined, { concurrency: 3 }));
    expect(users.map((user) => user.id)).toEqual(ids(230));
    expect(server.pagesRequested()).toEqual([1, 2, 3]);
  });

  it('falls back to counting up to an empty page when a broken Link comes without a usable total', async () => {
    server.state.total = 200;
    server.state.linkOverride = () => '<broken';
    expect(await collect(paginate(client, listUsers))).toHaveLength(200);
    // Total-Number (200) is still sent and trusted: page 2 is the last, no page 3 request.
    expect(server.pagesRequested()).toEqual([1, 2]);
  });

  it.each([
    { name: 'skips a page', link: (page: number) => `</users?page=${page + 2}&page_size=100>; rel="next"`, message: /rel="next" points at page "4" .* expected 3/ },
    { name: 'repeats a page', link: (page: number) => `</users?page=${page}&page_size=100>; rel="next"`, message: /points at page "2" .* expected 3/ },
    { name: 'has no page number', link: () => `</users?cursor=abc>; rel="next"`, message: /points at page null/ },
    { name: 'changes the page size', link: (page: number) => `</users?page=${page + 1}&page_size=20>; rel="next"`, message: /uses page_size "20" .* expected 100/ },
  ])('throws a PaginationError naming the page when a readable rel="next" $name', async ({ link, message }) => {
    server.state.total = 1000;
    server.state.linkOverride = (page) => (page === 1 ? undefined : link(page));
    const seen: string[] = [];
    const error = await (async () => {
      for await (const user of paginate(client, listUsers)) seen.push(user.id);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaginationError);
    const failure = error as PaginationError;
    expect(failure.message).toMatch(message);
    expect(failure.message).toContain('page 2');
    expect([failure.page, failure.pageSize, failure.status]).toEqual([2, 100, 200]);
    // Page 1's items were delivered; page 2 is the one whose successor is in doubt.
    expect(seen).toEqual(ids(100));
  });
});

describe('options', () => {
  it('rejects a page size outside 1..100 and other bad options before any request', () => {
    for (const pageSize of [0, 101, 1.5, Number.NaN]) {
      expect(() => paginate(client, listUsers, undefined, { pageSize })).toThrow(/pageSize must be an integer from 1 to 100/);
    }
    expect(() => paginate(client, listUsers, undefined, { startPage: 0 })).toThrow(/startPage must be an integer ≥ 1/);
    expect(() => paginate(client, listUsers, undefined, { concurrency: 0 })).toThrow(/concurrency must be an integer ≥ 1/);
    expect(() => paginate(client, listUsers, undefined, { maxItems: -1 })).toThrow(/maxItems must be an integer ≥ 0/);
    // @ts-expect-error page is driven by the startPage option
    expect(() => paginate(client, listUsers, { query: { page: 2 } })).toThrow(/do not set query.page; use the startPage/);
    expect(server.log).toEqual([]);
  });

  it('stops at maxItems without requesting pages past it', async () => {
    server.state.total = 1000;
    const users = await collect(paginate(client, listUsers, undefined, { maxItems: 150, concurrency: 4 }));
    expect(users.map((user) => user.id)).toEqual(ids(150));
    expect(server.pagesRequested()).toEqual([1, 2]);
    const pages = await collect(paginate(client, listUsers, undefined, { maxItems: 150, pageSize: 100 }).pages());
    expect(pages.map((page) => page.items.length)).toEqual([100, 50]);
    expect(await collect(paginate(client, listUsers, undefined, { maxItems: 0 }))).toEqual([]);
    expect(server.pagesRequested()).toEqual([1, 2, 1, 2]);
  });

  it('starts at startPage', async () => {
    server.state.total = 95;
    const users = await collect(paginate(client, listUsers, undefined, { startPage: 3, pageSize: 20 }));
    expect(users.map((user) => user.id)).toEqual(ids(55, 40));
    expect(server.pagesRequested()).toEqual([3, 4, 5]);
  });

  it('toArray refuses to collect without a cap and says how to opt out, before any request', async () => {
    server.state.total = 250;
    const iterator = paginate(client, listUsers);
    // @ts-expect-error the cap is required
    await expect(iterator.toArray()).rejects.toThrow(/needs a cap.*toArray\(\{ maxItems: Infinity \}\)/);
    expect(server.log).toEqual([]);
    expect((await iterator.toArray({ maxItems: 120 })).map((user) => user.id)).toEqual(ids(120));
    expect(server.pagesRequested()).toEqual([1, 2]);
    expect(await iterator.toArray({ maxItems: Infinity })).toHaveLength(250);
  });

  it('is lazy and re-iterable: nothing is requested until iteration starts', async () => {
    server.state.total = 10;
    const iterator = paginate(client, listUsers);
    await sleep(20);
    expect(server.log).toEqual([]);
    expect(await collect(iterator)).toHaveLength(10);
    expect(await collect(iterator)).toHaveLength(10);
  });
});

describe('errors and cancellation', () => {
  it('throws the error of page 3 annotated with the page, and resumes from it with startPage', async () => {
    server.state.total = 500;
    server.state.failOnce.set(3, 500);
    const seen: string[] = [];
    let error: unknown;
    try {
      for await (const user of paginate(client, listUsers, undefined, { concurrency: 2 })) seen.push(user.id);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    const failure = error as Error & PageFailure;
    expect([failure.page, failure.pageSize]).toEqual([3, 100]);
    expect(failure.message).toMatch(/Injected failure on page 3/); // the client's own error is kept
    expect(failure.message).toContain('while fetching page 3 of ListUsers; resume with { startPage: 3 }');
    expect(seen).toEqual(ids(200));

    for await (const user of paginate(client, listUsers, undefined, { startPage: failure.page })) seen.push(user.id);
    expect(seen).toEqual(ids(500));
  });

  it('breaking out of the loop aborts the pages in flight and requests no more', async () => {
    server.state.total = 2000;
    server.state.latency = (page) => (page === 1 ? 0 : 300);
    for await (const user of paginate(client, listUsers, undefined, { concurrency: 4 })) {
      expect(user.id).toBe(userAt(0).id);
      await sleep(50); // pages 2..5 are now in flight
      break;
    }
    await sleep(50);
    expect(server.pagesRequested().sort()).toEqual([1, 2, 3, 4, 5]);
    expect(server.log.filter((entry) => entry.aborted).map((entry) => entry.page).sort()).toEqual([2, 3, 4, 5]);
    await sleep(350);
    expect(server.log).toHaveLength(5);
  });

  it('aborting the signal mid-iteration rejects with its reason and cancels pages in flight', async () => {
    server.state.total = 2000;
    server.state.latency = (page) => (page <= 2 ? 0 : 300);
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const seen: string[] = [];
    const error = await (async () => {
      for await (const user of paginate(client, listUsers, undefined, { signal: controller.signal, concurrency: 2 })) {
        seen.push(user.id);
        if (seen.length === 150) setTimeout(() => controller.abort(reason), 30);
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBe(reason);
    expect(seen).toEqual(ids(200));
    await sleep(50);
    expect(server.pagesRequested().sort()).toEqual([1, 2, 3, 4]);
    expect(server.log.filter((entry) => entry.aborted).map((entry) => entry.page).sort()).toEqual([3, 4]);
  });

  it('rejects at once without a request when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('already gone'));
    await expect(collect(paginate(client, listUsers, undefined, { signal: controller.signal }))).rejects.toThrow('already gone');
    expect(server.log).toEqual([]);
  });
});

describe('prefetching', () => {
  it('loads the next page (only that one) while the caller is still on the current one', async () => {
    server.state.total = 1000;
    const pages = paginate(client, listUsers).pages();
    const first = await pages.next();
    expect((first.value as Page<UserItem>).page).toBe(1);
    await sleep(100);
    expect(server.pagesRequested()).toEqual([1, 2]);
    await pages.return(undefined);
  });

  it.each([1, 2, 4, 8])(
    'with concurrency %i under random latency, yields every item once in order and requests each page once',
    async (concurrency) => {
      server.state.total = 1234;
      server.state.latency = () => Math.random() * 15;
      let slowConsumer = 0;
      const users: string[] = [];
      for await (const user of paginate(client, listUsers, undefined, { pageSize: 25, concurrency })) {
        users.push(user.id);
        if (++slowConsumer % 97 === 0) await sleep(Math.random() * 10);
      }
      expect(users).toEqual(ids(1234));
      expect(server.pagesRequested().sort((a, b) => a! - b!)).toEqual(range(1, 50));
      expect(server.log.every((entry) => !entry.aborted)).toBe(true);
    },
  );

  it('fetches up to `concurrency` pages in parallel once an uncapped total is known', async () => {
    server.state.total = 1000;
    server.state.latency = () => 40;
    const started = performance.now();
    expect(await collect(paginate(client, listUsers, undefined, { concurrency: 5 }))).toHaveLength(1000);
    const elapsed = performance.now() - started;
    // Page 1 alone, then pages 2..10 five at a time: about 4 rounds of 40 ms, not 10.
    expect(elapsed).toBeLessThan(9 * 40);
    const inFlightAt = (time: number) => server.log.filter((entry) => entry.startedAt <= time && time < entry.startedAt + 40).length;
    expect(Math.max(...server.log.map((entry) => inFlightAt(entry.startedAt)))).toBe(5);
  });
});

describe('bound client', () => {
  it('client.<tag>.list.iterate() walks every page; a plain call still returns one page', async () => {
    server.state.total = 130;
    const bound = bindNamespace(client, { list: listUsers });
    const page = await bound.list({ query: { page: 2, page_size: 100 } });
    expect(page).toHaveLength(30);
    const users = await collect(bound.list.iterate({ query: { search: 'x' } }, { pageSize: 50 }));
    expect(users.map((user) => user.id)).toEqual(ids(130));
    expect(server.pagesRequested()).toEqual([2, 1, 2, 3]);
  });
});

describe('types', () => {
  const listRoleUsers = definePaginatedOperation<
    { path: { id: string }; query?: { page?: number; page_size?: number; search?: string } },
    UserItem
  >({ id: 'ListRoleUsers', method: 'GET', path: '/api/roles/{id}/users', security: 'm2m', paginated: true, body: 'none' });

  it('types items from the operation and params without page/page_size; required params stay required', () => {
    expectTypeOf(paginate(client, listUsers)).toEqualTypeOf<PaginatedIterator<UserItem>>();
    expectTypeOf(paginate(client, listRoleUsers, { path: { id: 'r1' }, query: { search: 'a' } })).toEqualTypeOf<PaginatedIterator<UserItem>>();
    // @ts-expect-error path params are required
    paginate(client, listRoleUsers);
    // @ts-expect-error page_size is driven by the pageSize option (and refused at run time too)
    expect(() => paginate(client, listRoleUsers, { path: { id: 'r1' }, query: { page_size: 5 } })).toThrow(/page_size/);
    const bound = bindNamespace(client, { listRoleUsers, listUsers });
    expectTypeOf(bound.listRoleUsers.iterate({ path: { id: 'r1' } }, { pageSize: 10 })).toEqualTypeOf<PaginatedIterator<UserItem>>();
    // @ts-expect-error path params are required
    bound.listRoleUsers.iterate();
    expectTypeOf(bound.listUsers.iterate().pages()).toEqualTypeOf<AsyncGenerator<Page<UserItem>, void, undefined>>();
    expect(server.log).toEqual([]); // all lazy: nothing was requested
  });

  it('rejects an operation whose descriptor is not paginated', () => {
    const getUser = definePaginatedOperation<{}, UserItem>({ id: 'GetUser', method: 'GET', path: '/api/users/{userId}', security: 'm2m', paginated: false, body: 'none' });
    expect(() => paginate(client, getUser)).toThrow('paginate(GetUser): the operation is not a paginated list');
  });
});
