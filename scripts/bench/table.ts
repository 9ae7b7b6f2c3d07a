/**
 * The one row shape every benchmark returns, how a row decides PASS/MISS, and the Markdown
 * table they are printed as. Every row reads "ours vs theirs = ratio"; a row we lose says by
 * how much, and a row whose piece is missing says why instead of disappearing.
 */

export type Verdict = 'PASS' | 'MISS' | 'INFO' | 'N/A';

export interface BenchRow {
  /** Which of the six benchmarks, e.g. `1. Generation`. */
  group: string;
  /** What this row compares, e.g. `full generate vs @hey-api/openapi-ts`. */
  name: string;
  /** Our measurement, formatted with its unit. */
  ours: string;
  /** The comparison's measurement, formatted, naming what it is. */
  theirs: string;
  /** `ours ÷ theirs`, e.g. `0.78×`; `—` when there is nothing to divide. */
  ratio: string;
  target: string;
  verdict: Verdict;
  /** One line: why it passed/missed and by how much, or why it is not available. */
  detail: string;
  /** e.g. `median of 5`. */
  runs: string;
}

/** A benchmark's result: its rows plus optional Markdown detail (a sub-table, notes). */
export interface BenchResult {
  rows: BenchRow[];
  details?: string;
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatMicros(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(2)} kB`;
  return `${bytes} B`;
}

export function formatRatio(ours: number, theirs: number): string {
  if (!Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0) return '—';
  return `${(ours / theirs).toFixed(2)}×`;
}

/** "ours is 27 % slower than theirs" / "ours is 12 % faster than theirs", for lower-is-better values. */
export function compareLowerIsBetter(ours: number, theirs: number, word: string): string {
  const ratio = ours / theirs;
  return ratio > 1 ? `ours is ${percent(ratio - 1)} ${word} than theirs` : `ours is ${percent(1 - ratio)} ${opposite(word)} than theirs`;
}

/**
 * Verdict for "lower is better, ours may be at most `maxRatio` × theirs" (time, memory, bytes,
 * CPU). `word` names the direction we lose in: "slower", "bigger", "more CPU".
 */
export function judgeLowerIsBetter(
  ours: number,
  theirs: number,
  maxRatio: number,
  word: string,
): { verdict: Verdict; detail: string } {
  const versus = compareLowerIsBetter(ours, theirs, word);
  if (ours / theirs <= maxRatio) return { verdict: 'PASS', detail: versus };
  return { verdict: 'MISS', detail: `${versus}: ${percent(ours / theirs / maxRatio - 1)} over the ≤ ${maxRatio}× target` };
}

/** Verdict for an absolute limit, e.g. "no-change regenerate ≤ 300 ms". */
export function judgeAtMost(value: number, limit: number, format: (n: number) => string): { verdict: Verdict; detail: string } {
  if (value <= limit) return { verdict: 'PASS', detail: `${format(limit - value)} under the limit` };
  return { verdict: 'MISS', detail: `${format(value - limit)} (${percent(value / limit - 1)}) over the limit` };
}

/** Verdict for "at least", e.g. achieved rate ≥ 95 % of configured, pagination ≥ 2× faster. */
export function judgeAtLeast(value: number, limit: number, format: (n: number) => string): { verdict: Verdict; detail: string } {
  if (value >= limit) return { verdict: 'PASS', detail: `${format(value)} ≥ ${format(limit)}` };
  return { verdict: 'MISS', detail: `${format(value)} < ${format(limit)}: short by ${percent(1 - value / limit)}` };
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)} %`;
}

function opposite(word: string): string {
  return ({ slower: 'faster', bigger: 'smaller', 'more CPU': 'less CPU', larger: 'smaller' } as Record<string, string>)[word] ?? `less ${word}`;
}

/** A row for a piece that has not landed or failed: it says why instead of vanishing. */
export function unavailableRow(group: string, name: string, target: string, why: string): BenchRow {
  return { group, name, ours: '—', theirs: '—', ratio: '—', target, verdict: 'N/A', detail: `not available: ${why}`, runs: '—' };
}

export function renderTable(rows: BenchRow[]): string {
  const header = ['Benchmark', 'Ours', 'Theirs', 'Ours ÷ theirs', 'Target', 'Result', 'Runs'];
  const lines = [row(header), row(header.map(() => '---'))];
  for (const r of rows) {
    const result = r.detail ? `**${r.verdict}** — ${r.detail}` : `**${r.verdict}**`;
    lines.push(row([`${r.group}: ${r.name}`, r.ours, r.theirs, r.ratio, r.target, result, r.runs]));
  }
  return lines.join('\n');
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
}

/** What a benchmark run alone prints: its rows, then its details. */
export function printResult(result: BenchResult): void {
  console.log(renderTable(result.rows));
  if (result.details) console.log(`\n${result.details}`);
}
