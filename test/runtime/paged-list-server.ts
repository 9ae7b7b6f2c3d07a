/**
 * A loopback server answering paginated list routes exactly as Logto 1.42 does (see
 * ../shared/spec/README.md): one `Link` line per rel in the order first, prev, last, next,
 * link URLs without the `/api` prefix, `Total-Number`, `Total-Number-Is-Capped` without
 * next/last, `400 guard.invalid_pagination` past page_size 100. Items are generated lazily
 * from their index, so a list can hold 200 000 users without the server holding them.
 *
 * Routes (all GET):
 * - /api/users   Logto's normal pagination headers over `total` users
 * - /api/logs    capped count: `Total-Number: cap` + `Total-Number-Is-Capped: true` once
 *                `total > cap`, and then no last/next links (real Logto logs routes)
 * - /api/plain   no pagination headers at all
 * - /api/greedy  ignores page/page_size and answers every item (some Logto lists do this
 *                when neither is sent)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UserItem {
  id: string;
  username: string;
  primaryEmail: string;
  name: string;
  customData: { index: number; tier: string };
  createdAt: number;
}

export const userAt = (index: number): UserItem => ({
  id: `u${String(index).padStart(9, '0')}`,
  username: `user_${index}`,
  primaryEmail: `user_${index}@example.com`,
  name: `User number ${index} with a reasonably long display name`,
  customData: { index, tier: index % 3 === 0 ? 'gold' : 'basic' },
  createdAt: 1_700_000_000_000 + index,
});

export interface LoggedRequest {
  path: string;
  page: number | undefined;
  pageSize: number | undefined;
  authorization: string | undefined;
  /** Set when the client went away before the answer was sent. */
  aborted: boolean;
  startedAt: number;
}

export interface ServerState {
  total: number;
  /** Capped count for /api/logs. */
  cap: number;
  /** Milliseconds to wait before answering one page (may be random). */
  latency: (page: number) => number;
  /** Answer these pages once with this status and a Logto error body. */
  failOnce: Map<number, number>;
  /** Replaces the Link header of /api/users (per page); `undefined` keeps Logto's. */
  linkOverride?: (page: number, pageSize: number) => string | string[] | undefined;
}

export interface PagedListServer {
  url: string;
  state: ServerState;
  log: LoggedRequest[];
  /** Pages requested on a route, in arrival order (concurrent requests may arrive in any order). */
  pagesRequested(path?: string): (number | undefined)[];
  inFlight: () => number;
  /** Most requests in flight at once since the last `reset()`. */
  maxInFlight: () => number;
  /** Clears the request log and the in-flight high-water mark. */
  reset(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPagedListServer(initial: Partial<ServerState> = {}): Promise<PagedListServer> {
  const state: ServerState = { total: 0, cap: 200, latency: () => 0, failOnce: new Map(), ...initial };
  const log: LoggedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const pageParam = url.searchParams.get('page');
    const sizeParam = url.searchParams.get('page_size');
    const entry: LoggedRequest = {
      path: url.pathname,
      page: pageParam === null ? undefined : Number(pageParam),
      pageSize: sizeParam === null ? undefined : Number(sizeParam),
      authorization: req.headers.authorization,
      aborted: false,
      startedAt: performance.now(),
    };
    log.push(entry);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => {
      inFlight--;
      if (!res.writableFinished) entry.aborted = true;
    });

    const page = entry.page ?? 1;
    const pageSize = entry.pageSize ?? 20;
    await sleep(state.latency(page));
    if (res.destroyed) return;

    const json = (status: number, body: unknown, headers: Record<string, string | string[]> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (!['/api/users', '/api/logs', '/api/plain', '/api/greedy'].includes(url.pathname)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    if (!Number.isInteger(page) || !Number.isInteger(pageSize) || page < 1 || pageSize < 1 || pageSize > 100) {
      json(400, { code: 'guard.invalid_pagination', message: 'The request pagination value is invalid.' });
      return;
    }
    const failStatus = state.failOnce.get(page);
    if (failStatus !== undefined) {
      state.failOnce.delete(page);
      json(failStatus, { code: 'internal', message: `Injected failure on page ${page}.` });
      return;
    }

    if (url.pathname === '/api/greedy') {
      json(200, Array.from({ length: state.total }, (_, index) => userAt(index)));
      return;
    }
    const items: UserItem[] = [];
    for (let index = (page - 1) * pageSize; index < Math.min(page * pageSize, state.total); index++) items.push(userAt(index));
    if (url.pathname === '/api/plain') {
      json(200, items);
      return;
    }

    const capped = url.pathname === '/api/logs' && state.total > state.cap;
    const totalNumber = capped ? state.cap : state.total;
    const totalPages = Math.max(Math.ceil(totalNumber / pageSize), 1);
    // Logto builds link URLs from the route path *inside* /api, keeping the other query params.
    const linkTo = (target: number, rel: string) => {
      const query = new URLSearchParams(url.searchParams);
      query.set('page', String(target));
      query.set('page_size', String(pageSize));
      return `<http://127.0.0.1:3001${url.pathname.replace(/^\/api/, '')}?${query}>; rel="${rel}"`;
    };
    const links = [linkTo(1, 'first')];
    if (page > 1) links.push(linkTo(page - 1, 'prev'));
    if (!capped) {
      links.push(linkTo(totalPages, 'last'));
      if (page < totalPages) links.push(linkTo(page + 1, 'next'));
    }
    const headers: Record<string, string | string[]> = { 'total-number': String(totalNumber) };
    if (capped) headers['total-number-is-capped'] = 'true';
    const override = url.pathname === '/api/users' ? state.linkOverride?.(page, pageSize) : undefined;
    headers.link = override ?? links; // an array: one `Link:` line per rel, as Logto sends
    json(200, items, headers);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    state,
    log,
    pagesRequested: (path = '/api/users') => log.filter((entry) => entry.path === path).map((entry) => entry.page),
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    reset: () => {
      log.length = 0;
      maxInFlight = inFlight;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
