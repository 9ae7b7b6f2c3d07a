/**
 * `npm run bench`: runs every benchmark, one after another, each in a fresh process
 * (run-one.ts), prints one Markdown table and writes it, with the machine and the date, to
 * BENCHMARKS.md. `npm run bench -- generation bundle-size` runs a subset and only prints.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine, loadAverage } from './machine.js';
import { benchDir, formatDuration, repoRoot, runNode, tsxCli } from './measure.js';
import { benchmarks, type BenchmarkName } from './run-one.js';
import { renderTable, unavailableRow, type BenchResult, type BenchRow } from './table.js';

const BENCHMARK_TIMEOUT_MS = 20 * 60_000;

async function runBenchmark(name: BenchmarkName): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-result-'));
  const resultFile = join(dir, 'result.json');
  try {
    const run = await runNode([tsxCli, join(benchDir, 'run-one.ts'), name, resultFile], { timeoutMs: BENCHMARK_TIMEOUT_MS });
    // The child's own output is progress: pass it on to stderr, keep stdout for the table.
    if (run.stdout.trim()) process.stderr.write(`${run.stdout.trimEnd()}\n`);
    if (run.stderr.trim()) process.stderr.write(`${run.stderr.trimEnd()}\n`);
    try {
      return JSON.parse(readFileSync(resultFile, 'utf8')) as BenchResult;
    } catch {
      const tail = `${run.stderr}`.trim().split('\n').slice(-3).join(' / ').slice(0, 300);
      return { rows: [unavailableRow(name, 'all rows', '—', `benchmark process exited with ${run.exitCode}: ${tail}`)] };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const requested = process.argv.slice(2) as BenchmarkName[];
  const unknown = requested.filter((name) => !(name in benchmarks));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  const names = requested.length ? requested : (Object.keys(benchmarks) as BenchmarkName[]);
  const machine = describeMachine();
  const loadAtStart = loadAverage();
  const started = performance.now();
  const rows: BenchRow[] = [];
  const details: string[] = [];
  for (const name of names) {
    const benchStarted = performance.now();
    process.stderr.write(`[bench] ${name}…\n`);
    const result = await runBenchmark(name);
    rows.push(...result.rows);
    if (result.details) details.push(result.details);
    process.stderr.write(`[bench] ${name} done in ${formatDuration(performance.now() - benchStarted)}\n`);
  }
  const total = performance.now() - started;
  const table = renderTable(rows);
  console.log(table);
  if (details.length) console.log(`\n${details.join('\n\n')}`);
  if (requested.length) return;

  const loadAtEnd = loadAverage();
  const busy = Math.max(Number(loadAtStart), Number(loadAtEnd)) > machine.cores;
  const summary = rows.reduce<Record<string, number>>((counts, row) => ({ ...counts, [row.verdict]: (counts[row.verdict] ?? 0) + 1 }), {});
  const markdown = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (scripts/bench/, see its README) on ${new Date().toISOString()}, in ${formatDuration(total)}.`,
    '',
    `- Machine: ${machine.cores} cores × ${machine.cpuModel}, ${machine.memoryGiB.toFixed(1)} GiB RAM, ${machine.os}`,
    `- Node ${machine.node}; 1-minute load average ${loadAtStart} at start, ${loadAtEnd} at end (${busy ? `above ${machine.cores}: other work competed with the run` : `at most ${machine.cores}: a quiet machine`})`,
    `- Results: ${Object.entries(summary).map(([verdict, count]) => `${count} ${verdict}`).join(', ')}`,
    '',
    'Every row is "ours vs theirs = ratio" (ours ÷ theirs: below 1.00× means ours is smaller/faster for times, sizes and CPU).',
    'Times are medians of several fresh-process runs, interleaved so load hits every side alike; the Runs column says how many.',
    'A row whose piece was missing when the run was taken says "not available" and why.',
    '',
    table,
    ...(details.length ? ['', '## Details', '', details.join('\n\n')] : []),
    '',
  ].join('\n');
  writeFileSync(join(repoRoot, 'BENCHMARKS.md'), markdown);
  process.stderr.write(`[bench] wrote BENCHMARKS.md (${formatDuration(total)} total)\n`);
}

await main();
