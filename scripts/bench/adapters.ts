/**
 * Turns the results of the pagination and rate-limit engineers' benchmark scripts into rows
 * of our table. Their own Markdown table is kept verbatim as detail under the main table.
 */
import { type BenchResult, type BenchRow } from './table.js';

interface ExternalResult {
  table?: unknown;
  rows?: unknown;
}

function isBenchRow(value: unknown): value is BenchRow {
  const row = value as Partial<BenchRow> | null;
  return typeof row === 'object' && row !== null && typeof row.ours === 'string' && typeof row.verdict === 'string';
}

/** Their result as-is when it already speaks in our rows; otherwise one row pointing to their table. */
function adaptGeneric(group: string, target: string, title: string, result: unknown): BenchResult {
  const { table, rows } = (result ?? {}) as ExternalResult;
  const details = typeof table === 'string' ? `${title}:\n\n${table}` : undefined;
  if (Array.isArray(rows) && rows.length > 0 && rows.every(isBenchRow)) return { rows, details };
  return {
    rows: [
      {
        group,
        name: 'see the detail table below',
        ours: '—',
        theirs: '—',
        ratio: '—',
        target,
        verdict: 'N/A',
        detail: 'not available: the script ran, but its result shape is not yet mapped to a summary row',
        runs: '—',
      },
    ],
    details,
  };
}

export function adaptPagination(result: unknown): BenchResult {
  return adaptGeneric('4. Pagination', '≥ 2× faster than a sequential Link loop, flat memory', 'Pagination (scripts/bench/pagination.ts)', result);
}

export function adaptRateLimit(result: unknown): BenchResult {
  return adaptGeneric('5. Rate limiter accuracy', '≥ 95 % of configured rate, no window over', 'Rate limiter (scripts/bench/rate-limit.ts)', result);
}
