/**
 * Pagination through the generated wrappers and the generated bound client, against the
 * shared fake Logto: the real client (client-credentials token, LogtoApiError) underneath.
 */
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { createLogtoManagementClient, users } from '../../generated/index.js';
import * as operations from '../../generated/operations/index.js';
import { createLogtoClient, LogtoApiError, LogtoServerError, paginate, type PageFailure, type PaginatedIterator } from '../../runtime/index.js';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';

const ids = (count: number, from = 0) => Array.from({ length: count }, (_, index) => `u${String(from + index).padStart(11, '0')}`);

let fake: FakeLogto;
beforeEach(async () => {
  fake = await startFakeLogto();
});
afterEach(() => fake.close());

const credentials = () => ({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret });

describe('generated wrappers', () => {
  it('client.users.list.iterate() walks every page with one token, typed as the spec\'s user', async () => {
    fake.data.seedUsers(250);
    const logto = createLogtoManagementClient(credentials());
    const iterator = logto.users.list.iterate({ query: { search_params: { 'search.username': 'user_%' } } }, { pageSize: 100, concurrency: 3 });
    type ListedUser = Awaited<ReturnType<typeof users.list>>[number];
    expectTypeOf(iterator).toEqualTypeOf<PaginatedIterator<ListedUser>>();
    expectTypeOf<ListedUser['primaryEmail']>().toEqualTypeOf<string | null>();
    expectTypeOf<ListedUser['id']>().toEqualTypeOf<string>();

    const seen: string[] = [];
    for await (const user of iterator) seen.push(user.id);
    expect(seen).toEqual(ids(250));
    const requests = fake.requestsTo('/api/users');
    expect(requests.map((request) => [request.query.get('page'), request.query.get('page_size')])).toEqual([
      ['1', '100'],
      ['2', '100'],
      ['3', '100'],
    ]);
    expect(new Set(requests.map((request) => request.headers.authorization)).size).toBe(1);
    expect(fake.counters.tokenRequests).toBe(1);
  });

  it('paginate(core, users.list) is the tree-shakeable form of the same iteration', async () => {
    fake.data.seedUsers(45);
    const core = createLogtoClient(credentials());
    const pages = [];
    for await (const page of paginate(core, users.list, undefined, { pageSize: 20 }).pages()) pages.push([page.page, page.items.length, page.totalCount]);
    expect(pages).toEqual([[1, 20, 45], [2, 20, 45], [3, 5, 45]]);
    // @ts-expect-error page_size is driven by the pageSize option
    expect(() => paginate(core, users.list, { query: { page_size: 10 } })).toThrow(/page_size/);
  });

  it('a failing page throws the client\'s LogtoApiError with the page, and startPage resumes', async () => {
    fake.data.seedUsers(300);
    let broken = true;
    // Fails every attempt at page 2 (retries included) until the "outage" ends.
    fake.intercept((request) =>
      request.path === '/api/users' && request.query.get('page') === '2' && broken ? { type: 'server-error', status: 500 } : undefined,
    );
    const logto = createLogtoManagementClient(credentials());
    const seen: string[] = [];
    const error = await (async () => {
      for await (const user of logto.users.list.iterate(undefined, { maxRetries: 0 })) seen.push(user.id);
    })().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LogtoServerError);
    const failure = error as LogtoApiError & PageFailure;
    expect([failure.status, failure.code, failure.page, failure.pageSize]).toEqual([500, 'unknown', 2, 100]);
    expect(failure.message).toMatch(/^GET \/api\/users failed with 500 .*\(while fetching page 2 of ListUsers; resume with \{ startPage: 2 \}\)$/);
    expect(JSON.parse(JSON.stringify(failure))).toMatchObject({ status: 500, page: 2, pageSize: 100 });
    expect(seen).toEqual(ids(100));

    broken = false;
    for await (const user of logto.users.list.iterate(undefined, { startPage: failure.page })) seen.push(user.id);
    expect(seen).toEqual(ids(300));
  });

  it('auditLogs.list with enableCap walks past a capped Total-Number until an empty page', async () => {
    fake = (await Promise.all([fake.close(), startFakeLogto({ logsCountCap: 120 })]))[1];
    // 259 seeded + 1: the fake, like Logto, logs the client's token exchange too.
    fake.data.seedLogs(259);
    const logto = createLogtoManagementClient(credentials());
    const pages = [];
    for await (const page of logto.auditLogs.list.iterate({ query: { enableCap: 'true' } }, { concurrency: 4 }).pages()) {
      pages.push([page.page, page.items.length, page.totalCount, page.totalCountIsCapped]);
    }
    expect(pages).toEqual([[1, 100, 121, true], [2, 100, 121, true], [3, 60, 121, true], [4, 0, 121, true]]);
    expect(fake.requestsTo('/api/logs').map((request) => request.query.toString())).toEqual(
      [1, 2, 3, 4].map((page) => `enableCap=true&page=${page}&page_size=100`),
    );
  });

  it('every page goes through the client\'s rate limiter, also when prefetching in parallel', async () => {
    fake.data.seedUsers(1200);
    const logto = createLogtoManagementClient({ ...credentials(), rateLimit: { requests: 4, intervalMs: 250 } });
    const started = performance.now();
    let count = 0;
    for await (const _user of logto.users.list.iterate(undefined, { concurrency: 8 })) count++;
    expect(count).toBe(1200);
    // 1 token request + 12 pages (page 12 has no rel="next", so no 13th) at 4 per 250 ms: the
    // limiter must have held them back for at least 3 windows.
    const requests = fake.requests.filter((request) => request.path === '/api/users' || request.path === '/oidc/token');
    expect(requests).toHaveLength(13);
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 250);
    for (const request of requests) {
      const inWindow = requests.filter((other) => other.monotonic >= request.monotonic && other.monotonic < request.monotonic + 250);
      expect(inWindow.length).toBeLessThanOrEqual(4);
    }
  });

  it('every paginated generated operation gets .iterate(); the others do not', () => {
    const logto = createLogtoManagementClient(credentials());
    let paginated = 0;
    for (const [tag, namespace] of Object.entries(operations)) {
      const bound = (logto as unknown as Record<string, Record<string, object>>)[tag];
      for (const [name, operation] of Object.entries(namespace)) {
        expect('iterate' in bound[name], `${tag}.${name}`).toBe(operation.descriptor.paginated);
        if (operation.descriptor.paginated) paginated++;
      }
    }
    expect(paginated).toBe(28); // the spec's 29 page/page_size operations minus the one answering an object
    expect(typeof logto.users.list.iterate).toBe('function');
    expect(typeof logto.auditLogs.list.iterate).toBe('function');
    expect('iterate' in logto.users.get).toBe(false);
    // @ts-expect-error not a paginated list
    void logto.users.get.iterate;
  });
});
