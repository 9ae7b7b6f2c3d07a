/**
 * Logto's `koaPagination`: `page` (from 1) and `page_size` (default 20, max 100), then
 * `Total-Number` and one `Link` header line per rel in the order first, prev, last, next.
 *
 * The Management API router is mounted under `/api`, so the link URLs Logto builds from the
 * router-relative path omit that prefix (`/users?page=2…`, not `/api/users?page=2…`).
 */
import type { FakeRequest, FakeResponse } from '../http/exchange.js';
import { logtoErrors, sendJson } from '../http/responses.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface Pagination {
  page: number;
  pageSize: number;
  offset: number;
  /** No `page`/`page_size` on a route where pagination is optional: answer everything. */
  disabled: boolean;
}

function positiveInteger(raw: string): number | undefined {
  // zod's `number().positive()` over `Number(raw)`: "abc", "0", "-1" are rejected; "1.5" too
  // (page_size is used as a SQL LIMIT, which Postgres rejects for non-integers).
  const value = Number(raw);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Returns undefined when the values are invalid (→ 400 `guard.invalid_pagination`). */
export function parsePagination(query: URLSearchParams, optional: boolean): Pagination | undefined {
  const rawPage = query.get('page');
  const rawPageSize = query.get('page_size');
  const page = rawPage ? positiveInteger(rawPage) : 1;
  const pageSize = rawPageSize ? positiveInteger(rawPageSize) : DEFAULT_PAGE_SIZE;
  if (page === undefined || pageSize === undefined || pageSize > MAX_PAGE_SIZE) return undefined;
  return { page, pageSize, offset: (page - 1) * pageSize, disabled: optional && !rawPage && !rawPageSize };
}

export interface PaginationHeaderInput {
  /** `http://127.0.0.1:port` */
  origin: string;
  /** Route path as the API router sees it, i.e. without `/api`. */
  routerPath: string;
  query: URLSearchParams;
  pagination: Pagination;
  totalCount: number;
  /** The count was capped (logs with `enableCap=true`): no `last`/`next`. */
  capped?: boolean;
}

export function setPaginationHeaders(res: FakeResponse, input: PaginationHeaderInput): void {
  const { origin, routerPath, query, pagination, totalCount, capped = false } = input;
  const { page, pageSize } = pagination;
  const totalPages = Math.max(1, Math.ceil(totalCount / pageSize));
  const link = (target: number, rel: string) => {
    // Logto spreads the request query and overwrites page/page_size, so other parameters
    // (search, filters) survive and existing keys keep their position.
    const params = new URLSearchParams(query);
    params.set('page', String(target));
    params.set('page_size', String(pageSize));
    return `<${origin}${routerPath}?${params}>; rel="${rel}"`;
  };
  const links = [link(1, 'first')];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (!capped) links.push(link(totalPages, 'last'));
  if (!capped && page < totalPages) links.push(link(page + 1, 'next'));
  res.setHeader('Total-Number', String(totalCount));
  if (capped) res.setHeader('Total-Number-Is-Capped', 'true');
  // An array value makes node:http send one `Link:` line per element, as Koa's ctx.append does.
  res.setHeader('Link', links);
}

/** Answers a list route: everything when pagination is off, else one page with Logto's headers. */
export function sendList<T>(
  ctx: { req: FakeRequest; res: FakeResponse; query: URLSearchParams; origin: string },
  rows: { size: number; slice(offset: number, limit: number): T[] } | T[],
  /** `map`: the list item shape, applied to the answered page only. */
  options: { optional: boolean; capAt?: number; map?: (row: T) => unknown },
): void {
  const pagination = parsePagination(ctx.query, options.optional);
  if (!pagination) return sendJson(ctx.res, 400, logtoErrors.invalidPagination());
  const size = Array.isArray(rows) ? rows.length : rows.size;
  const slice = (offset: number, limit: number) => {
    const page = Array.isArray(rows) ? rows.slice(offset, offset + limit) : rows.slice(offset, limit);
    return options.map ? page.map(options.map) : page;
  };
  if (pagination.disabled) return sendJson(ctx.res, 200, slice(0, size));
  const capped = options.capAt !== undefined && size > options.capAt;
  setPaginationHeaders(ctx.res, {
    origin: ctx.origin,
    routerPath: ctx.req.url.pathname.replace(/^\/api/, ''),
    query: ctx.query,
    pagination,
    // Logto's capped count saturates at the sentinel cap + 1 (10001 by default).
    totalCount: capped ? options.capAt! + 1 : size,
    capped,
  });
  sendJson(ctx.res, 200, slice(pagination.offset, pagination.pageSize));
}
