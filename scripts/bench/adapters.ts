/**
 * Turns the results of the pagination and rate-limit engineers' benchmark scripts
 * (`{ table, rows }`) into rows of our table. Their own Markdown table is kept verbatim as
 * detail under the main table. A result whose shape has changed falls back to one row that
 * says so, rather than a wrong number.
 */
import type { PaginationBenchRow } from './pagination.js';
import type { RateLimitBenchRow } from './rate-limit.js';
import type { RedisRateLimitBenchRow } from './redis-rate-limit.js';
import { formatMs, formatRatio, judgeAtLeast, judgeAtMost, type BenchResult, type BenchRow } from './table.js';

const PAGINATION = '4. Pagination';
const PAGINATION_TARGET = '≥ 2× faster than a sequential Link loop, flat memory';
const RATE_LIMIT = '5. Rate limiter accuracy';
const RATE_LIMIT_TARGET = '≥ 95 % of configured rate, no window over';
const REDIS = '8. Rate limit across processes (Redis store)';
const REDIS_TARGET = '≥ 95 % of configured rate, no window over, nothing lost';

/** The fields of scripts/bench/pagination.ts's rows we read (type-only import: tsc catches a rename). */
type PaginationRow = Pick<PaginationBenchRow, 'variant' | 'medianMs' | 'speedup' | 'peakHeapGrowthMb' | 'requests'>;

/** The fields of scripts/bench/rate-limit.ts's rows we read. */
type RateLimitRow = Pick<
  RateLimitBenchRow,
  'scenario' | 'achievedRate' | 'configuredRate' | 'rateRatio' | 'worstWindow' | 'requests' | 'intervalMs'
>;

interface ExternalResult<Row> {
  table?: string;
  rows?: Row[];
}

function hasNumbers(value: unknown, keys: string[]): boolean {
  return typeof value === 'object' && value !== null && keys.every((key) => typeof (value as Record<string, unknown>)[key] === 'number');
}

function unmapped(group: string, target: string, why: string): BenchRow {
  return { group, name: 'see the detail table below', ours: '—', theirs: '—', ratio: '—', target, verdict: 'N/A', detail: `not available: ${why}`, runs: '—' };
}

function withTable(title: string, table: unknown): string | undefined {
  return typeof table === 'string' ? `${title}:\n\n${table}` : undefined;
}

/**
 * rows[0] is the sequential Link loop (what @logto/api users write), the others are our
 * `paginate()` at several concurrencies. The ≥ 2× target is judged on the highest concurrency
 * (prefetch is what it exists for); lower concurrencies are informational. Memory: the
 * sequential loop holds one page at a time, which is what "flat" means; ours may hold the
 * pages in flight, so its peak heap growth may be at most 2× the loop's (+1 MB slack for
 * GC timing) — growth with the item count would blow far past that. The 200 000-item
 * flat-memory assertion itself is test/runtime/pagination-memory.test.ts.
 */
export function adaptPagination(result: unknown): BenchResult {
  const { table, rows } = (result ?? {}) as ExternalResult<PaginationRow>;
  const details = withTable('Pagination (scripts/bench/pagination.ts)', table);
  const keys = ['medianMs', 'speedup', 'peakHeapGrowthMb', 'requests'];
  if (!Array.isArray(rows) || rows.length < 2 || !rows.every((row) => hasNumbers(row, keys))) {
    return { rows: [unmapped(PAGINATION, PAGINATION_TARGET, 'pagination.ts returned rows of an unexpected shape')], details };
  }
  const runs = /median of (\d+) runs/.exec(String(table))?.[1];
  const runsLabel = runs ? `median of ${runs} (+1 warm-up)` : 'see detail';
  const [sequential, ...ours] = rows;
  const gated = ours.at(-1)!;
  const out: BenchRow[] = ours.map((row) => {
    const isGated = row === gated;
    const speed = judgeAtLeast(row.speedup, 2, (n) => `${n.toFixed(2)}× speed-up`);
    return {
      group: PAGINATION,
      name: `10 000 items: ${row.variant} vs ${sequential.variant}`,
      ours: `${formatMs(row.medianMs)} (${row.requests} requests)`,
      theirs: `${formatMs(sequential.medianMs)} (${sequential.requests} requests)`,
      ratio: formatRatio(row.medianMs, sequential.medianMs),
      target: isGated ? '≥ 2× faster (ratio ≤ 0.50×)' : 'informational',
      ...(isGated ? speed : { verdict: 'INFO' as const, detail: speed.detail }),
      runs: runsLabel,
    };
  });
  const heapLimit = 2 * sequential.peakHeapGrowthMb + 1;
  const worstHeap = ours.reduce((worst, row) => (row.peakHeapGrowthMb > worst.peakHeapGrowthMb ? row : worst));
  const heap = judgeAtMost(worstHeap.peakHeapGrowthMb, heapLimit, (n) => `${n.toFixed(1)} MB`);
  out.push({
    group: PAGINATION,
    name: `peak heap growth while iterating, worst of ours (${worstHeap.variant}) vs sequential loop`,
    ours: `${worstHeap.peakHeapGrowthMb.toFixed(1)} MB`,
    theirs: `${sequential.peakHeapGrowthMb.toFixed(1)} MB (sequential loop, one page held)`,
    ratio: formatRatio(worstHeap.peakHeapGrowthMb, sequential.peakHeapGrowthMb),
    target: 'flat: ≤ 2× the loop’s + 1 MB',
    ...heap,
    runs: runs ? `worst of ${runs} runs` : 'see detail',
  });
  return { rows: out, details };
}

export function adaptRateLimit(result: unknown): BenchResult {
  const { table, rows } = (result ?? {}) as ExternalResult<RateLimitRow>;
  const details = withTable('Rate limiter (scripts/bench/rate-limit.ts)', table);
  const keys = ['achievedRate', 'configuredRate', 'rateRatio', 'worstWindow', 'requests', 'intervalMs'];
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every((row) => hasNumbers(row, keys))) {
    return { rows: [unmapped(RATE_LIMIT, RATE_LIMIT_TARGET, 'rate-limit.ts returned rows of an unexpected shape')], details };
  }
  return {
    rows: rows.flatMap((row): BenchRow[] => [
      {
        group: RATE_LIMIT,
        name: `achieved ÷ configured rate, ${row.scenario}`,
        ours: `${row.achievedRate.toFixed(2)} req/s achieved`,
        theirs: `${row.configuredRate.toFixed(2)} req/s configured`,
        ratio: formatRatio(row.achievedRate, row.configuredRate),
        target: '≥ 0.95×',
        ...judgeAtLeast(row.rateRatio, 0.95, (n) => `${n.toFixed(3)}×`),
        runs: '1 (real time)',
      },
      {
        group: RATE_LIMIT,
        name: `most requests in any rolling ${row.intervalMs} ms window, ${row.scenario}`,
        ours: `${row.worstWindow} requests`,
        theirs: `${row.requests} (the limit)`,
        ratio: formatRatio(row.worstWindow, row.requests),
        target: `≤ ${row.requests}`,
        ...(row.worstWindow <= row.requests
          ? { verdict: 'PASS' as const, detail: 'no rolling window held more than the limit' }
          : { verdict: 'MISS' as const, detail: `a rolling window held ${row.worstWindow - row.requests} requests over the limit` }),
        runs: '1 (real time)',
      },
    ]),
    details,
  };
}

/** The fields of scripts/bench/redis-rate-limit.ts's rows we read. */
type RedisRow = Pick<RedisRateLimitBenchRow, 'variant' | 'processes' | 'limit' | 'windowMs' | 'rateRatio' | 'worstWindow' | 'fallbacks' | 'lostOrDuplicated' | 'failed'>;

/**
 * The shared store's rows: achieved ÷ configured rate and the worst rolling window, judged
 * against the guide's limiter target for the Redis-store variants (warm and cold start); the
 * per-process memory limiter is the informational "without the store" row.
 */
export function adaptRedisRateLimit(result: unknown): BenchResult {
  const { table, rows } = (result ?? {}) as ExternalResult<RedisRow>;
  const details = withTable('Rate limit across processes (scripts/bench/redis-rate-limit.ts)', table);
  const keys = ['processes', 'limit', 'windowMs', 'rateRatio', 'worstWindow', 'fallbacks', 'lostOrDuplicated', 'failed'];
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every((row) => hasNumbers(row, keys))) {
    return { rows: [unmapped(REDIS, REDIS_TARGET, 'redis-rate-limit.ts returned rows of an unexpected shape')], details };
  }
  return {
    rows: rows.flatMap((row): BenchRow[] => {
      const shared = row.variant.startsWith('Redis store');
      const lost = row.lostOrDuplicated + row.failed;
      return [
        {
          group: REDIS,
          name: `achieved ÷ configured rate, ${row.processes} processes, ${row.variant}`,
          ours: `${row.rateRatio.toFixed(3)} of the rate (${row.fallbacks}/${row.processes} processes fell back)`,
          theirs: `${row.limit} requests / ${row.windowMs} ms configured`,
          ratio: `${row.rateRatio.toFixed(2)}×`,
          target: shared ? '≥ 0.95×' : 'informational',
          ...(shared ? judgeAtLeast(row.rateRatio, 0.95, (n) => `${n.toFixed(3)}×`) : { verdict: 'INFO' as const, detail: 'each process spends the whole budget' }),
          runs: '1 (real time)',
        },
        {
          group: REDIS,
          name: `most requests in any rolling ${row.windowMs} ms window, ${row.variant}`,
          ours: `${row.worstWindow} requests${lost ? `, ${lost} calls lost, failed or duplicated` : ''}`,
          theirs: `${row.limit} (the limit)`,
          ratio: formatRatio(row.worstWindow, row.limit),
          target: shared ? `≤ ${row.limit}, every call once` : 'informational',
          ...(!shared
            ? { verdict: 'INFO' as const, detail: 'what the store prevents' }
            : row.worstWindow <= row.limit && lost === 0
              ? { verdict: 'PASS' as const, detail: 'no rolling window held more than the limit; every call arrived once' }
              : { verdict: 'MISS' as const, detail: `worst window ${row.worstWindow}/${row.limit}; ${lost} calls lost, failed or duplicated` }),
          runs: '1 (real time)',
        },
      ];
    }),
    details,
  };
}

