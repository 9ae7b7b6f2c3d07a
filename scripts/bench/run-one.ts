/**
 * Runs one benchmark in this (fresh) process and writes its BenchResult as JSON:
 *   tsx scripts/bench/run-one.ts <name> <result.json>
 * run.ts starts one of these per benchmark, one after another, so no benchmark inherits
 * another's heap, JIT state or open sockets, and a crash or hang costs one row, not the run.
 *
 * Pagination and rate limits are measured by their own engineers' scripts
 * (`benchPagination()`, `benchRateLimit()`); the adapters below turn their results into rows.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchBundleSize } from './bundle-size.js';
import { benchGeneration } from './generation.js';
import { benchInstallSize } from './install-size.js';
import { benchDir, isMain, runsFromEnv } from './measure.js';
import { adaptPagination, adaptRateLimit, adaptRedisRateLimit } from './adapters.js';
import { benchRequestOverhead } from './request-overhead.js';
import { unavailableRow, type BenchResult } from './table.js';
import { benchTypecheck } from './typecheck.js';

export const benchmarks = {
  generation: benchGeneration,
  typecheck: benchTypecheck,
  'request-overhead': benchRequestOverhead,
  // BENCH_RUNS, when set, also sets pagination.ts's run count (its default is 7).
  pagination: () => runExternal('pagination.ts', 'benchPagination', paginationOptions(), '4. Pagination', '≥ 2× faster than a sequential Link loop, flat memory', adaptPagination),
  'rate-limit': () => runExternal('rate-limit.ts', 'benchRateLimit', {}, '5. Rate limiter accuracy', '≥ 95 % of configured rate, no window over', adaptRateLimit),
  'redis-rate-limit': () => runExternal('redis-rate-limit.ts', 'benchRedisRateLimit', {}, '8. Rate limit across processes (Redis store)', '≥ 95 % of configured rate, no window over', adaptRedisRateLimit),
  'bundle-size': benchBundleSize,
  'install-size': benchInstallSize,
} satisfies Record<string, () => Promise<BenchResult>>;

function paginationOptions(): Record<string, unknown> {
  return process.env.BENCH_RUNS ? { runs: runsFromEnv(7) } : {};
}

export type BenchmarkName = keyof typeof benchmarks;

/** Imports another engineer's benchmark script when it has landed, and adapts its result. */
async function runExternal(
  file: string,
  exportName: string,
  options: Record<string, unknown>,
  group: string,
  target: string,
  adapt: (result: unknown) => BenchResult,
): Promise<BenchResult> {
  const path = join(benchDir, file);
  if (!existsSync(path)) return { rows: [unavailableRow(group, 'all rows', target, `scripts/bench/${file} is not on this branch yet`)] };
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const bench = module[exportName];
  if (typeof bench !== 'function') {
    return { rows: [unavailableRow(group, 'all rows', target, `scripts/bench/${file} does not export ${exportName}()`)] };
  }
  return adapt(await bench(options));
}

async function main() {
  const [name, resultFile] = process.argv.slice(2);
  const bench = benchmarks[name as BenchmarkName];
  if (!bench || !resultFile) {
    console.error(`usage: tsx scripts/bench/run-one.ts <${Object.keys(benchmarks).join('|')}> <result.json>`);
    process.exit(2);
  }
  const result = await bench();
  writeFileSync(resultFile, JSON.stringify(result));
  // Other engineers' scripts may leave servers or timers behind; the result is written.
  process.exit(0);
}

if (isMain(import.meta.url)) await main();
