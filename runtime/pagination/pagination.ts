/**
 * Iterating Logto's paginated lists: `paginate(client, users.list, params, options)` or,
 * on the bound client, `client.users.list.iterate(params, options)`.
 *
 * Every page is requested through the wrapper itself, so the client's auth, rate limiter and
 * retries apply to each page. How the next page is found (Logto 1.42, see
 * test/specs/README.md):
 * - `Link` rel="next" gives the next page *number*; its URL omits the `/api` prefix, so it
 *   is never requested as such — we call the same operation with `page` + 1;
 * - `Total-Number-Is-Capped: true` drops `next`/`last`: keep asking for page + 1;
 * - no `Link` header (or one we cannot parse): count — go on after a full page, stop after a
 *   short one or once an uncapped `Total-Number` is reached;
 * - an empty page always ends the iteration.
 */
import { findLink, parseLinkHeader, type Link } from './link-header.js';
import type { CallOptions, OperationClient, PaginatedOperation, RequestParams } from '../client/operation.js';
import { prefetchPages, type FetchedPage } from './page-prefetch.js';

/** Logto rejects `page_size` > 100 with 400 `guard.invalid_pagination`. */
export const MAX_PAGE_SIZE = 100;

export interface PaginateOptions extends CallOptions {
  /** Items per request, 1–100. Default 100 (Logto's maximum: fewest requests). */
  pageSize?: number;
  /** First page to request (1-based). Default 1; pass a failed page's number to resume. */
  startPage?: number;
  /**
   * Stop after this many items. Counted in items, not pages: a short page does not end the
   * iteration early, and no page past the one that reaches the cap is requested. Default: no cap.
   */
  maxItems?: number;
  /**
   * Page requests kept in flight ahead of the page being consumed. Default 1 (the next page
   * loads while you process this one). Above 1, pages are fetched in parallel when an
   * uncapped `Total-Number` says they exist; items still come in order.
   */
  concurrency?: number;
}

export interface Page<Item> {
  /** This page's items (the last page is cut short when `maxItems` is reached). */
  items: Item[];
  page: number;
  pageSize: number;
  /** `Total-Number`, when sent. A lower bound when `totalCountIsCapped`. */
  totalCount: number | undefined;
  /** `Total-Number-Is-Capped: true`: Logto stopped counting (logs routes). */
  totalCountIsCapped: boolean;
  response: Response;
}

export interface PaginatedIterator<Item> extends AsyncIterable<Item> {
  /** Iterates page by page instead of item by item. Each call starts a new iteration. */
  pages(): AsyncGenerator<Page<Item>, void, undefined>;
  /**
   * Collects the items into an array. A cap is required, so a list that turns out to be
   * huge cannot exhaust memory by accident: pass `{ maxItems: Infinity }` to opt out.
   */
  toArray(options: { maxItems: number }): Promise<Item[]>;
}

/** Thrown when Logto's pagination headers contradict page-by-page iteration. */
export class PaginationError extends Error {
  override name = 'PaginationError';
  constructor(
    message: string,
    readonly page: number,
    readonly pageSize: number,
    readonly response: Response | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
  get status(): number | undefined {
    return this.response?.status;
  }
}

/**
 * Set on an error thrown mid-iteration (the client's `LogtoApiError`, a network error...):
 * the page that failed, so `paginate(..., { startPage: error.page })` resumes there.
 */
export interface PageFailure {
  page: number;
  pageSize: number;
}

// Key remapping rather than `Omit`: it keeps optionality and index signatures intact.
type PageQuery<Query> = { [Key in keyof NonNullable<Query> as Key extends 'page' | 'page_size' ? never : Key]: NonNullable<Query>[Key] };
/** An operation's params without `query.page`/`query.page_size` (options drive those). */
export type PageParams<Params> = Params extends { query?: infer Query }
  ? Omit<Params, 'query'> & ({} extends PageQuery<Query> ? { query?: PageQuery<Query> } : { query: PageQuery<Query> })
  : Params;

export type PaginateArgs<Params> = {} extends PageParams<Params>
  ? [params?: PageParams<Params>, options?: PaginateOptions]
  : [params: PageParams<Params>, options?: PaginateOptions];

interface FetchedItems<Item> extends FetchedPage {
  page: Page<Item>;
}

export function paginate<Params, Item>(
  client: OperationClient,
  operation: PaginatedOperation<Params, Item>,
  ...[params, options = {}]: PaginateArgs<Params>
): PaginatedIterator<Item> {
  const { id } = operation.descriptor;
  const { pageSize = MAX_PAGE_SIZE, startPage = 1, maxItems = Infinity, concurrency = 1, signal, ...callOptions } = options;
  const base = (params ?? {}) as RequestParams;
  // Checked here, before any request, so a bad option never reaches Logto as a 400.
  if (!operation.descriptor.paginated) throw new TypeError(`paginate(${id}): the operation is not a paginated list`);
  checkInteger(id, 'pageSize', pageSize, 1, MAX_PAGE_SIZE, ` (Logto's maximum page size is ${MAX_PAGE_SIZE})`);
  checkInteger(id, 'startPage', startPage, 1, Number.MAX_SAFE_INTEGER);
  checkInteger(id, 'concurrency', concurrency, 1, Number.MAX_SAFE_INTEGER);
  if (maxItems !== Infinity) checkInteger(id, 'maxItems', maxItems, 0, Number.MAX_SAFE_INTEGER, ' or Infinity');
  for (const key of ['page', 'page_size']) {
    if (base.query && key in base.query) {
      throw new TypeError(`paginate(${id}): do not set query.${key}; use the startPage/pageSize options`);
    }
  }

  const fetchPage = async (page: number, pageSignal: AbortSignal): Promise<FetchedItems<Item>> => {
    const pageParams = { ...base, query: { ...base.query, page, page_size: pageSize } };
    let result: { data: Item[]; response: Response };
    try {
      result = await operation(client, pageParams as never, { ...callOptions, signal: pageSignal }).withResponse();
    } catch (error) {
      if (pageSignal.aborted) throw pageSignal.reason;
      throw annotatePageError(error, id, page, pageSize);
    }
    return readPage(id, page, pageSize, result.data, result.response);
  };

  async function* pages(cap: number): AsyncGenerator<Page<Item>, void, undefined> {
    let remaining = Math.min(cap, maxItems);
    if (remaining === 0) return;
    const plan = { startPage, concurrency, maxItems: remaining, pageSize, signal, fetchPage };
    // The prefetcher ends with the page that reaches the cap, so only that one is cut short.
    for await (const { page } of prefetchPages(plan)) {
      yield { ...page, items: page.items.slice(0, remaining) };
      remaining -= page.items.length;
    }
  }

  return {
    pages: () => pages(Infinity),
    async *[Symbol.asyncIterator]() {
      for await (const page of pages(Infinity)) yield* page.items;
    },
    async toArray(collect?: { maxItems: number }) {
      const cap = collect?.maxItems;
      if (cap === undefined) {
        throw new TypeError(
          `paginate(${id}).toArray() needs a cap, e.g. toArray({ maxItems: 1000 }); pages past it are never ` +
            'requested. To collect every item into memory, pass toArray({ maxItems: Infinity }).',
        );
      }
      if (cap !== Infinity) checkInteger(id, 'toArray maxItems', cap, 0, Number.MAX_SAFE_INTEGER, ' or Infinity');
      const items: Item[] = [];
      for await (const page of pages(cap)) items.push(...page.items);
      return items;
    },
  };
}

/** Reads one page's items and headers, and decides whether there is a next page. */
function readPage<Item>(id: string, page: number, pageSize: number, data: unknown, response: Response): FetchedItems<Item> {
  const fail = (message: string) => new PaginationError(`paginate(${id}) page ${page}: ${message}`, page, pageSize, response);
  if (!Array.isArray(data)) throw fail(`expected a JSON array, got ${data === null ? 'null' : typeof data}`);
  const items = data as Item[];

  const totalHeader = response.headers.get('total-number')?.trim();
  // A malformed count is ignored (not trusted for parallel fetching), never guessed at.
  const totalCount = totalHeader && /^\d+$/.test(totalHeader) ? Number(totalHeader) : undefined;
  const totalCountIsCapped = response.headers.get('total-number-is-capped')?.trim().toLowerCase() === 'true';
  const lastPage = totalCount !== undefined && !totalCountIsCapped ? Math.ceil(totalCount / pageSize) : undefined;

  let links: Link[];
  try {
    links = parseLinkHeader(response.headers.get('link'));
  } catch {
    // parseLinkHeader throws only LinkHeaderError, for a syntactically broken header.
    // Documented fallback: such a header is treated as absent and pages are counted instead
    // (safe: Logto pages are addressed by number). A *readable* next link that disagrees with
    // page + 1 is an error below, since following it would skip or repeat.
    links = [];
  }
  const paginationLinks = links.filter((link) => link.rel.some((rel) => PAGINATION_RELS.has(rel)));

  let hasNext: boolean;
  if (items.length === 0) {
    hasNext = false;
  } else if (paginationLinks.length > 0) {
    const next = findLink(paginationLinks, 'next');
    if (next) checkNextLink(next, page, pageSize, fail);
    hasNext = next !== undefined || totalCountIsCapped;
  } else if (totalCountIsCapped) {
    hasNext = true;
  } else {
    // No usable Link: a full page may have a successor; more items than asked means the
    // endpoint ignored page_size (and returned everything), so asking again would repeat them.
    hasNext = items.length === pageSize && (lastPage === undefined || page < lastPage);
  }
  return { hasNext, itemCount: items.length, lastPage, page: { items, page, pageSize, totalCount, totalCountIsCapped, response } };
}

const PAGINATION_RELS = new Set(['first', 'prev', 'previous', 'next', 'last']);

/** rel="next" must point at page + 1 with our page size; anything else would skip or repeat. */
function checkNextLink(next: Link, page: number, pageSize: number, fail: (message: string) => Error) {
  let query: URLSearchParams;
  try {
    query = new URL(next.target, 'http://link.invalid/').searchParams;
  } catch {
    throw fail(`rel="next" target ${JSON.stringify(next.target)} is not a URL`);
  }
  const nextPage = query.get('page');
  if (nextPage !== String(page + 1)) {
    throw fail(`rel="next" points at page ${JSON.stringify(nextPage)} (${next.target}), expected ${page + 1}`);
  }
  const nextSize = query.get('page_size');
  if (nextSize !== null && nextSize !== String(pageSize)) {
    throw fail(`rel="next" uses page_size ${JSON.stringify(nextSize)} (${next.target}), expected ${pageSize}`);
  }
}

/**
 * Keeps the client's error (its class, `status`, `code`... stay intact for callers that check
 * them) and adds which page failed, as `PageFailure` fields and in the message.
 */
function annotatePageError(error: unknown, id: string, page: number, pageSize: number): unknown {
  const hint = `while fetching page ${page} of ${id}; resume with { startPage: ${page} }`;
  if (!(error instanceof Error)) {
    return new PaginationError(`paginate(${id}) failed ${hint}: ${String(error)}`, page, pageSize, undefined, { cause: error });
  }
  try {
    Object.assign(error, { page, pageSize } satisfies PageFailure);
    error.message = `${error.message} (${hint})`;
  } catch {
    // A frozen error cannot be annotated; rethrowing it unchanged beats losing it.
  }
  return error;
}

function checkInteger(id: string, name: string, value: number, min: number, max: number, note = '') {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`paginate(${id}): ${name} must be an integer ${range}${note}, got ${String(value)}`);
  }
}
