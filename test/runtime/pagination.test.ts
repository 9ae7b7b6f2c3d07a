/**
 * paginate() / .iterate() over real HTTP against the shared fake Logto (testing/),
 * which answers GET /api/users and /api/logs with Logto 1.42's exact pagination headers.
 * Endpoints Logto does not have in the fake (no pagination headers, broken Link headers) are
 * served by interceptors that answer pages of the same lazily seeded users.
 */
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { bindNamespace } from '../../runtime/client/bind.js';
import { LogtoClient } from '../../runtime/client/client.js';
import { definePaginatedOperation, type OperationDescriptor } from '../../runtime/client/operation.js';
import { paginate, PaginationError, type Page, type PageFailure, type PaginatedIterator } from '../../runtime/pagination/pagination.js';
import { startFakeLogto, type FakeLogto, type Fault, type RecordedRequest, type User } from '../../testing/src/index.js';

type ListParams = { query?: { page?: number; page_size?: number; search?: string; enableCap?: string } };
const list = (id: string, path: string) =>
  definePaginatedOperation<ListParams, User>({
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

/** The fake's lazily seeded user ids: `u` + 11 digits. */
const ids = (count: number, from = 0) => Array.from({ length: count }, (_, index) => `u${String(from + index).padStart(11, '0')}`);
const collect = async <T>(iterable: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
};
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pageOf = (request: RecordedRequest) => Number(request.query.get('page'));
/** Waits (polling) until `condition` holds: no fixed sleeps that a loaded CI machine outruns. */
const until = async (condition: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
};

let fake: FakeLogto;
let client: LogtoClient;
let token: string;
/** Every request the client sent; `cancelled`: its signal aborted before the response came. */
let sent: { page: number; cancelled: boolean }[];

const pagesRequested = (path = '/api/users') => fake.requestsTo(path, 'GET').map(pageOf);
const byNumber = (pages: number[]) => [...pages].sort((a, b) => a - b);

/** Serves `path` from the seeded users with the given headers (a list route Logto lacks here). */
const serveUsers = (path: string, headersFor: (page: number, pageSize: number) => Record<string, string | string[]> | undefined, ignorePaging = false) =>
  fake.intercept((request): Fault | undefined => {
    if (request.path !== path) return undefined;
    const page = pageOf(request);
    const pageSize = Number(request.query.get('page_size'));
    const body = ignorePaging ? fake.data.users.slice(0, fake.data.users.size) : fake.data.users.slice((page - 1) * pageSize, pageSize);
    return { type: 'respond', status: 200, body, headers: headersFor(page, pageSize) };
  });

beforeEach(async () => {
  fake = await startFakeLogto();
  token = fake.issueToken();
  sent = [];
  client = new LogtoClient({
    endpoint: fake.url,
    getAccessToken: () => token,
    maxRetries: 0, // a page's failure must surface here, not be retried away (retries: faults.test.ts)
    fetch: (input, init) => {
      const request = new Request(input, init);
      const entry = { page: Number(new URL(request.url).searchParams.get('page')), cancelled: false };
      sent.push(entry);
      const onAbort = () => (entry.cancelled = true);
      request.signal.addEventListener('abort', onAbort);
      const response = fetch(request);
      response.then(() => request.signal.removeEventListener('abort', onAbort), () => {});
      return response;
    },
  });
});
afterEach(() => fake.close());

describe('paginate over Logto pagination headers', () => {
  it('walks every page with page and page_size 100 by default, sending the token on each', async () => {
    fake.data.seedUsers(245);
    const users = await collect(paginate(client, listUsers));
    expect(users.map((user) => user.id)).toEqual(ids(245));
    const requests = fake.requestsTo('/api/users');
    expect(requests.map((request) => request.query.toString())).toEqual(['page=1&page_size=100', 'page=2&page_size=100', 'page=3&page_size=100']);
    expect(requests.every((request) => request.headers.authorization === `Bearer ${token}`)).toBe(true);
  });

  it('follows rel="next" from four folded Link lines, keeping other query params, never requesting the link URL', async () => {
    fake.data.seedUsers(45);
    const raw = await fetch(`${fake.url}/api/users?page=2&page_size=20`, { headers: { authorization: `Bearer ${token}` } });
    expect(raw.headers.get('link')).toBe(
      `<${fake.url}/users?page=1&page_size=20>; rel="first", <${fake.url}/users?page=1&page_size=20>; rel="prev", ` +
        `<${fake.url}/users?page=3&page_size=20>; rel="last", <${fake.url}/users?page=3&page_size=20>; rel="next"`,
    );
    fake.clearRequests();

    const pages = await collect(paginate(client, listUsers, { query: { search: '%user%' } }, { pageSize: 20 }).pages());
    expect(pages.map(({ page, items, pageSize, totalCount, totalCountIsCapped }) => [page, items.length, pageSize, totalCount, totalCountIsCapped])).toEqual([
      [1, 20, 20, 45, false],
      [2, 20, 20, 45, false],
      [3, 5, 20, 45, false],
    ]);
    expect(pages[2].response.status).toBe(200);
    expect(pages.flatMap((page) => page.items.map((user) => user.id))).toEqual(ids(45));
    expect(fake.requests.map((request) => `${request.path}?${request.query}`)).toEqual([
      '/api/users?search=%25user%25&page=1&page_size=20',
      '/api/users?search=%25user%25&page=2&page_size=20',
      '/api/users?search=%25user%25&page=3&page_size=20',
    ]);
  });

  it('walks a capped total (no next/last links) page + 1 until an empty page, never in parallel', async () => {
    fake = (await Promise.all([fake.close(), startFakeLogto({ logsCountCap: 150 })]))[1];
    token = fake.issueToken();
    client = new LogtoClient({ endpoint: fake.url, getAccessToken: () => token });
    fake.data.seedLogs(350);
    const pages = await collect(paginate(client, listLogs, { query: { enableCap: 'true' } }, { concurrency: 4 }).pages());
    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual(
      Array.from({ length: 350 }, (_, index) => `log${String(index).padStart(18, '0')}`),
    );
    // Logto saturates a capped count at cap + 1: a lower bound, never trusted for parallel fetching.
    expect(pages.map((page) => [page.page, page.items.length, page.totalCount, page.totalCountIsCapped])).toEqual([
      [1, 100, 151, true], [2, 100, 151, true], [3, 100, 151, true], [4, 50, 151, true], [5, 0, 151, true],
    ]);
    const requests = fake.requestsTo('/api/logs');
    expect(requests.map(pageOf)).toEqual([1, 2, 3, 4, 5]);
    // Strictly one after the other: each request starts after the previous page arrived.
    expect(requests.every((request, index) => index === 0 || request.seq === requests[index - 1].seq + 1)).toBe(true);
  });

  it('stops after a short page when the endpoint sends no pagination headers', async () => {
    fake.data.seedUsers(250);
    serveUsers('/api/plain', () => undefined);
    expect((await collect(paginate(client, listPlain))).map((user) => user.id)).toEqual(ids(250));
    expect(pagesRequested('/api/plain')).toEqual([1, 2, 3]);
  });

  it('stops on an empty page after full pages when there are no pagination headers', async () => {
    fake.data.seedUsers(200);
    serveUsers('/api/plain', () => undefined);
    expect(await collect(paginate(client, listPlain))).toHaveLength(200);
    expect(pagesRequested('/api/plain')).toEqual([1, 2, 3]);
  });

  it('stops after one page when the endpoint ignores page_size and answers everything', async () => {
    fake.data.seedUsers(130);
    serveUsers('/api/greedy', () => undefined, true);
    expect(await collect(paginate(client, listGreedy, undefined, { pageSize: 50, concurrency: 4 }))).toHaveLength(130);
    expect(pagesRequested('/api/greedy')).toEqual([1]);
  });

  it('yields nothing for an empty first page after one request', async () => {
    const pages = await collect(paginate(client, listUsers).pages());
    expect(pages.map((page) => [page.page, page.items.length, page.totalCount])).toEqual([[1, 0, 0]]);
    expect(await collect(paginate(client, listUsers))).toEqual([]);
    expect(pagesRequested()).toEqual([1, 1]);
  });
});

describe('malformed Link headers', () => {
  it('falls back to counting pages when the Link header cannot be parsed', async () => {
    fake.data.seedUsers(230);
    serveUsers('/api/users', (page) => ({ 'total-number': '230', link: `${fake.url}/users?page=${page + 1}; rel=next, <garbage` }));
    const users = await collect(paginate(client, listUsers, undefined, { concurrency: 3 }));
    expect(users.map((user) => user.id)).toEqual(ids(230));
    expect(byNumber(pagesRequested())).toEqual([1, 2, 3]);
  });

  it('falls back to counting up to an empty page when a broken Link comes without Total-Number', async () => {
    fake.data.seedUsers(200);
    serveUsers('/api/users', () => ({ link: '<broken' }));
    expect(await collect(paginate(client, listUsers))).toHaveLength(200);
    expect(pagesRequested()).toEqual([1, 2, 3]);
  });

  it.each([
    { name: 'skips a page', link: (page: number) => `</users?page=${page + 2}&page_size=100>; rel="next"`, message: /rel="next" points at page "4" .* expected 3/ },
    { name: 'repeats a page', link: (page: number) => `</users?page=${page}&page_size=100>; rel="next"`, message: /points at page "2" .* expected 3/ },
    { name: 'has no page number', link: () => `</users?cursor=abc>; rel="next"`, message: /points at page null/ },
    { name: 'changes the page size', link: (page: number) => `</users?page=${page + 1}&page_size=20>; rel="next"`, message: /uses page_size "20" .* expected 100/ },
  ])('throws a PaginationError naming the page when a readable rel="next" $name', async ({ link, message }) => {
    fake.data.seedUsers(1000);
    fake.intercept((request) => {
      if (request.path !== '/api/users' || pageOf(request) !== 2) return undefined;
      return { type: 'respond', status: 200, body: fake.data.users.slice(100, 100), headers: { 'total-number': '1000', link: link(2) } };
    });
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
    expect(fake.requests).toEqual([]);
  });

  it('stops at maxItems without requesting pages past it', async () => {
    fake.data.seedUsers(1000);
    const users = await collect(paginate(client, listUsers, undefined, { maxItems: 150, concurrency: 4 }));
    expect(users.map((user) => user.id)).toEqual(ids(150));
    expect(pagesRequested()).toEqual([1, 2]);
    const pages = await collect(paginate(client, listUsers, undefined, { maxItems: 150, pageSize: 100 }).pages());
    expect(pages.map((page) => page.items.length)).toEqual([100, 50]);
    expect(await collect(paginate(client, listUsers, undefined, { maxItems: 0 }))).toEqual([]);
    expect(pagesRequested()).toEqual([1, 2, 1, 2]);
  });

  it('starts at startPage', async () => {
    fake.data.seedUsers(95);
    const users = await collect(paginate(client, listUsers, undefined, { startPage: 3, pageSize: 20 }));
    expect(users.map((user) => user.id)).toEqual(ids(55, 40));
    expect(pagesRequested()).toEqual([3, 4, 5]);
  });

  it('toArray refuses to collect without a cap and says how to opt out, before any request', async () => {
    fake.data.seedUsers(250);
    const iterator = paginate(client, listUsers);
    // @ts-expect-error the cap is required
    await expect(iterator.toArray()).rejects.toThrow(/needs a cap.*toArray\(\{ maxItems: Infinity \}\)/);
    expect(fake.requests).toEqual([]);
    expect((await iterator.toArray({ maxItems: 120 })).map((user) => user.id)).toEqual(ids(120));
    expect(pagesRequested()).toEqual([1, 2]);
    expect(await iterator.toArray({ maxItems: Infinity })).toHaveLength(250);
  });

  it('is lazy and re-iterable: nothing is requested until iteration starts', async () => {
    fake.data.seedUsers(10);
    const iterator = paginate(client, listUsers);
    await sleep(20);
    expect(fake.requests).toEqual([]);
    expect(await collect(iterator)).toHaveLength(10);
    expect(await collect(iterator)).toHaveLength(10);
  });
});

describe('errors and cancellation', () => {
  it('throws the error of page 3 annotated with the page, and resumes from it with startPage', async () => {
    fake.data.seedUsers(500);
    let failed = false;
    fake.intercept((request) => {
      if (request.path !== '/api/users' || pageOf(request) !== 3 || failed) return undefined;
      failed = true;
      return { type: 'server-error', status: 503 };
    });
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
    expect(failure.message).toMatch(/503/); // the client's own error is kept
    expect(failure.message).toContain('while fetching page 3 of ListUsers; resume with { startPage: 3 }');
    expect(seen).toEqual(ids(200));

    for await (const user of paginate(client, listUsers, undefined, { startPage: failure.page })) seen.push(user.id);
    expect(seen).toEqual(ids(500));
  });

  it('breaking out of the loop aborts the pages in flight and requests no more', async () => {
    fake.data.seedUsers(2000);
    fake.intercept((request) => (pageOf(request) > 1 ? { type: 'stall' } : undefined));
    for await (const user of paginate(client, listUsers, undefined, { concurrency: 4 })) {
      expect(user.id).toBe(ids(1)[0]);
      await until(() => fake.requests.length === 5); // pages 2..5 are in flight
      break;
    }
    expect(byNumber(pagesRequested())).toEqual([1, 2, 3, 4, 5]);
    expect(sent.map(({ page, cancelled }) => [page, cancelled])).toEqual([[1, false], [2, true], [3, true], [4, true], [5, true]]);
    await sleep(100);
    expect(fake.requests).toHaveLength(5);
  });

  it('aborting the signal mid-iteration rejects with its reason and cancels pages in flight', async () => {
    fake.data.seedUsers(2000);
    fake.intercept((request) => (pageOf(request) > 2 ? { type: 'stall' } : undefined));
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const seen: string[] = [];
    const error = await (async () => {
      for await (const user of paginate(client, listUsers, undefined, { signal: controller.signal, concurrency: 2 })) {
        seen.push(user.id);
        // Abort once pages 3 and 4 (stalled) have reached the server.
        if (seen.length === 150) void until(() => fake.requests.length === 4).then(
            () => controller.abort(reason),
            (timeout: unknown) => controller.abort(timeout),
          );
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBe(reason);
    expect(seen).toEqual(ids(200));
    expect(byNumber(pagesRequested())).toEqual([1, 2, 3, 4]);
    expect(sent.filter((request) => request.cancelled).map((request) => request.page).sort()).toEqual([3, 4]);
  });

  it('rejects at once without a request when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('already gone'));
    await expect(collect(paginate(client, listUsers, undefined, { signal: controller.signal }))).rejects.toThrow('already gone');
    expect(fake.requests).toEqual([]);
  });
});

describe('prefetching', () => {
  it('loads the next page (only that one) while the caller is still on the current one', async () => {
    fake.data.seedUsers(1000);
    const pages = paginate(client, listUsers).pages();
    const first = await pages.next();
    expect((first.value as Page<User>).page).toBe(1);
    await until(() => fake.requests.length === 2);
    await sleep(100); // and nothing more arrives
    expect(pagesRequested()).toEqual([1, 2]);
    await pages.return(undefined);
  });

  it.each([1, 2, 4, 8])(
    'with concurrency %i under random latency, yields every item once in order and requests each page once',
    async (concurrency) => {
      fake.data.seedUsers(1234);
      fake.setLatency({ min: 0, max: 15 });
      let consumed = 0;
      const users: string[] = [];
      for await (const user of paginate(client, listUsers, undefined, { pageSize: 25, concurrency })) {
        users.push(user.id);
        if (++consumed % 97 === 0) await sleep(Math.random() * 10);
      }
      expect(users).toEqual(ids(1234));
      expect(byNumber(pagesRequested())).toEqual(range(1, 50));
      expect(sent.every((request) => !request.cancelled)).toBe(true);
    },
  );

  it('fetches up to `concurrency` pages in parallel once an uncapped total is known', async () => {
    fake.data.seedUsers(1000);
    // Hold pages 2.. at the server until 5 of them wait together (or 2 s pass: then the
    // iterator did not fetch in parallel and the count below says so).
    let held = 0;
    let mostHeld = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const timer = setTimeout(() => release(), 2000);
    fake.intercept(async (request) => {
      if (pageOf(request) === 1) return undefined;
      mostHeld = Math.max(mostHeld, ++held);
      if (held === 5) release();
      await gate;
      held--;
      return undefined;
    });
    expect(await collect(paginate(client, listUsers, undefined, { concurrency: 5 }))).toHaveLength(1000);
    clearTimeout(timer);
    expect(mostHeld).toBe(5);
    expect(byNumber(pagesRequested())).toEqual(range(1, 10));
  });
});

describe('bound client', () => {
  it('client.<tag>.list.iterate() walks every page; a plain call still returns one page', async () => {
    fake.data.seedUsers(130);
    const bound = bindNamespace(client, { list: listUsers });
    const page = await bound.list({ query: { page: 2, page_size: 100 } });
    expect(page).toHaveLength(30);
    const users = await collect(bound.list.iterate({ query: { search: '%user%' } }, { pageSize: 50 }));
    expect(users.map((user) => user.id)).toEqual(ids(130));
    expect(pagesRequested()).toEqual([2, 1, 2, 3]);
  });

  it('lists its operations as enumerable properties', () => {
    expect(Object.keys(bindNamespace(client, { list: listUsers, get: listUsers }))).toEqual(['list', 'get']);
  });
});

describe('types', () => {
  const listRoleUsers = definePaginatedOperation<
    { path: { id: string }; query?: { page?: number; page_size?: number; search?: string } },
    User
  >({ id: 'ListRoleUsers', method: 'GET', path: '/api/roles/{id}/users', security: 'm2m', paginated: true, body: 'none' });

  it('types items from the operation and params without page/page_size; required params stay required', () => {
    expectTypeOf(paginate(client, listUsers)).toEqualTypeOf<PaginatedIterator<User>>();
    expectTypeOf(paginate(client, listRoleUsers, { path: { id: 'r1' }, query: { search: 'a' } })).toEqualTypeOf<PaginatedIterator<User>>();
    // @ts-expect-error path params are required
    paginate(client, listRoleUsers);
    // @ts-expect-error page_size is driven by the pageSize option (and refused at run time too)
    expect(() => paginate(client, listRoleUsers, { path: { id: 'r1' }, query: { page_size: 5 } })).toThrow(/page_size/);
    const bound = bindNamespace(client, { listRoleUsers, listUsers });
    expectTypeOf(bound.listRoleUsers.iterate({ path: { id: 'r1' } }, { pageSize: 10 })).toEqualTypeOf<PaginatedIterator<User>>();
    // @ts-expect-error path params are required
    bound.listRoleUsers.iterate();
    expectTypeOf(bound.listUsers.iterate().pages()).toEqualTypeOf<AsyncGenerator<Page<User>, void, undefined>>();
    expect(fake.requests).toEqual([]); // all lazy: nothing was requested
  });

  it('rejects an operation whose descriptor is not paginated', () => {
    const getUser = definePaginatedOperation<{}, User>({ id: 'GetUser', method: 'GET', path: '/api/users/{userId}', security: 'm2m', paginated: false, body: 'none' });
    expect(() => paginate(client, getUser)).toThrow('paginate(GetUser): the operation is not a paginated list');
  });
});
