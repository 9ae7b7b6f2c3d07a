/**
 * The edges of paginate()'s stopping and parallel-fetching rules, over real HTTP against a
 * loopback `node:http` server of this file that answers pages of numbered items with exactly
 * the headers each case gives (Logto's own headers are covered in pagination.test.ts). The
 * server records every page requested and how many requests it held at once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogtoClient } from '../../runtime/client/client.js';
import { definePaginatedOperation } from '../../runtime/client/operation.js';
import { paginate, PaginationError, type PaginateOptions } from '../../runtime/pagination/pagination.js';

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
}

let server: Server;
let client: LogtoClient;
let requested: number[];
let inFlight: number;
let mostInFlight: number;
/** How many items exist, and what each page answers besides them. */
let itemCount: number;
let answer: (request: PageRequest) => Answer;
/** Each response waits this long, so requests that are sent in parallel overlap at the server. */
const LATENCY_MS = 30;

beforeEach(async () => {
  requested = [];
  inFlight = 0;
  mostInFlight = 0;
  itemCount = 0;
  answer = () => ({});
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = Number(url.searchParams.get('page'));
    const pageSize = Number(url.searchParams.get('page_size'));
    requested.push(page);
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    setTimeout(() => {
      inFlight--;
      const { headers = {}, body } = answer({ page, pageSize });
      const from = (page - 1) * pageSize;
      const items = Array.from({ length: Math.max(0, Math.min(pageSize, itemCount - from)) }, (_, index) => from + index);
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body === undefined ? items : body));
    }, LATENCY_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new LogtoClient({ endpoint: `http://127.0.0.1:${port}`, getAccessToken: () => 'token', rateLimit: false, maxRetries: 0 });
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const walk = async (options: PaginateOptions) => {
  const pages = [];
  for await (const page of paginate(client, listItems, undefined, options).pages()) pages.push(page);
  return pages;
};
const numbers = (count: number) => Array.from({ length: count }, (_, index) => index);

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
    answer = () => ({ headers: { 'Total-Number': '50' } });
    const pages = await walk({ pageSize: 10, concurrency: 4 });
    expect(pages.flatMap((page) => page.items)).toEqual(numbers(50));
    expect([...requested].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(mostInFlight).toBe(4);
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
    expect(error).toMatchObject({ page: 2, pageSize: 10, status: 200 });
    expect((error as Error).message).toBe(`paginate(ListItems) page 2: expected a JSON array, got ${described}`);
    expect(requested).toEqual([1, 2]);
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
