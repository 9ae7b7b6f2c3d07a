/**
 * Writes MUTATION.md from Stryker's JSON reports (reports/mutation/<scope>.json, written by
 * `npm run mutation`): the mutation score per source folder, and every surviving mutant with
 * its explanation from reports/equivalent-mutants/<scope>.json (a mutant no test can tell apart from
 * the original) or marked "not explained" when it has none.
 *
 *   npx tsx scripts/mutation-summary.ts [--check] [--before DIR --before-label TEXT]
 *
 * --check exits 1 when a scope is below its target or a survivor is not explained.
 * --before DIR adds a "before" column per folder from the same scopes' reports in DIR (a run
 * of an earlier commit), labelled with TEXT.
 * --without-tests FILE,… adds the same column computed from this run's report as if those
 * test files did not exist — exact when the run used --disableBail (every killing test is
 * listed) and the other test files are unchanged since the earlier commit.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argument = (name: string) => {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
};
const beforeDir = argument('--before');
const beforeLabel = argument('--before-label') ?? 'before';
const withoutTests = new Set((argument('--without-tests') ?? '').split(',').filter(Boolean));

/** A folder's target, and the Stryker scopes (stryker.config.mjs) whose reports make it up. */
const SCOPES = [
  { name: 'runtime', reports: ['runtime-pagination', 'runtime-limits', 'runtime-transport', 'runtime-auth', 'runtime-client', 'store'], label: 'runtime/', folder: 'runtime', target: 85 },
  { name: 'changes', reports: ['changes', 'changes-release'], label: 'generator/changes/', folder: 'generator/changes', target: 80 },
] as const;

interface Mutant {
  id: string;
  killedBy?: string[];
  coveredBy?: string[];
  mutatorName: string;
  replacement?: string;
  status: 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
  testFiles?: Record<string, { tests: Array<{ id: string; name: string }> }>;
}

/** The report as it would have been without the tests in `files`: their kills and coverage removed. */
function withoutTestFiles(report: Report, files: Set<string>): Report {
  const dropped = new Set(Object.entries(report.testFiles ?? {}).flatMap(([file, { tests }]) => (files.has(file) ? tests.map((test) => test.id) : [])));
  const kept = (ids: string[] | undefined) => (ids ?? []).filter((id) => !dropped.has(id));
  const status = (mutant: Mutant): Mutant['status'] => {
    const covered = kept(mutant.coveredBy).length > 0;
    if (mutant.status === 'Killed') return kept(mutant.killedBy).length > 0 ? 'Killed' : covered ? 'Survived' : 'NoCoverage';
    if (mutant.status === 'Timeout' || mutant.status === 'Survived') return covered ? mutant.status : 'NoCoverage';
    return mutant.status;
  };
  return {
    files: Object.fromEntries(
      Object.entries(report.files).map(([path, file]) => [path, { ...file, mutants: file.mutants.map((mutant) => ({ ...mutant, status: status(mutant) })) }]),
    ),
  };
}
/**
 * A scope's report: the JSON reporter's file of the last run, else the incremental file (the
 * same schema, committed, so the summary can be rebuilt without rerunning Stryker).
 */
function reportFile(scope: string): string | undefined {
  return [join(root, 'reports', 'mutation', `${scope}.json`), join(root, 'reports', `stryker-incremental-${scope}.json`)].find((path) => existsSync(path));
}

/** Declarations and re-exports only (an interface, an index) give Stryker nothing to mutate. */
function hasCode(path: string): boolean {
  const text = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return /\b(function|class|const|let|var|if|return)\b|=>/.test(text);
}

function mergeReports(reports: Report[]): Report {
  return {
    files: Object.assign({}, ...reports.map((report) => report.files)),
    testFiles: Object.assign({}, ...reports.map((report) => report.testFiles ?? {})),
  };
}

/** `file:line mutator replacement` → why no test can notice it. */
type Explanations = Record<string, string>;

// One file per source folder (reports/equivalent-mutants/<scope>.json), merged.
const explanationsDir = join(root, 'reports', 'equivalent-mutants');
const explanations: Explanations = Object.assign(
  {},
  ...(existsSync(explanationsDir) ? readdirSync(explanationsDir).filter((name) => name.endsWith('.json')).sort() : []).map(
    (name) => JSON.parse(readFileSync(join(explanationsDir, name), 'utf8')) as Explanations,
  ),
);
const keyOf = (file: string, mutant: Mutant) => `${file}:${mutant.location.start.line} ${mutant.mutatorName} ${oneLine(mutant.replacement ?? '')}`;
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const cell = (text: string) => oneLine(text).replace(/\|/g, '\\|').slice(0, 120);

interface Tally {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  errors: number;
}
const emptyTally = (): Tally => ({ killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 });
function count(tally: Tally, mutant: Mutant) {
  if (mutant.status === 'Killed') tally.killed++;
  else if (mutant.status === 'Timeout') tally.timeout++;
  else if (mutant.status === 'Survived') tally.survived++;
  else if (mutant.status === 'NoCoverage') tally.noCoverage++;
  else if (mutant.status === 'Ignored') tally.ignored++;
  else tally.errors++;
}
/** Stryker's score: detected ÷ valid mutants (compile and runtime errors and ignored ones left out). */
const score = (t: Tally) => {
  const valid = t.killed + t.timeout + t.survived + t.noCoverage;
  return valid === 0 ? 100 : (100 * (t.killed + t.timeout)) / valid;
};
/** The same, counting an explained (equivalent) survivor as undetectable rather than missed. */
const scoreWithoutEquivalent = (t: Tally, equivalent: number) => {
  const valid = t.killed + t.timeout + t.survived + t.noCoverage - equivalent;
  return valid === 0 ? 100 : (100 * (t.killed + t.timeout)) / valid;
};
function tallies(report: Report) {
  const byFolder = new Map<string, Tally>();
  const total = emptyTally();
  for (const [path, { mutants }] of Object.entries(report.files)) {
    const tally = byFolder.get(dirname(path)) ?? emptyTally();
    byFolder.set(dirname(path), tally);
    for (const mutant of mutants) {
      count(tally, mutant);
      count(total, mutant);
    }
  }
  return { byFolder, total };
}
const percent = (value: number) => `${value.toFixed(2)} %`;

const lines: string[] = [
  '# Mutation testing',
  '',
  'Written by `npm run mutation` (Stryker, `stryker.config.mjs`; this summary: `scripts/mutation-summary.ts`',
  "from Stryker's JSON reports). Score = killed (or timed out) ÷ every mutant that ran or had no",
  "covering test. Mutants in module-level code are left out (`ignoreStatic`: each would run the",
  'whole suite); explained survivors are in `reports/equivalent-mutants/<scope>.json`.',
  '',
];
const survivorsSection: string[] = [];
let failed = false;

for (const scope of SCOPES) {
  const missing = scope.reports.filter((name) => !reportFile(name));
  const present = scope.reports.filter((name) => reportFile(name));
  if (present.length === 0) {
    lines.push(`## ${scope.label}`, '', `No report for scope ${missing.join(', ')} (reports/mutation/<scope>.json or reports/stryker-incremental-<scope>.json): run \`npm run mutation\`.`, '');
    failed = true;
    continue;
  }
  // A scope that has not run yet leaves its folders out of the score, and the target unmet.
  if (missing.length > 0) failed = true;
  const report = mergeReports(present.map((name) => JSON.parse(readFileSync(reportFile(name)!, 'utf8')) as Report));
  const beforeFiles = beforeDir ? scope.reports.map((name) => join(beforeDir, `${name}.json`)).filter((path) => existsSync(path)) : [];
  const before =
    beforeFiles.length > 0
      ? tallies(mergeReports(beforeFiles.map((path) => JSON.parse(readFileSync(path, 'utf8')) as Report)))
      : withoutTests.size > 0
        ? tallies(withoutTestFiles(report, withoutTests))
        : undefined;
  const byFolder = new Map<string, Tally>();
  const total = emptyTally();
  const survivors: Array<{ file: string; mutant: Mutant; explanation?: string }> = [];
  for (const [path, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const folder = dirname(path);
    const tally = byFolder.get(folder) ?? emptyTally();
    byFolder.set(folder, tally);
    for (const mutant of mutants) {
      count(tally, mutant);
      count(total, mutant);
      if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
        survivors.push({ file: path, mutant, explanation: explanations[keyOf(path, mutant)] });
        void source;
      }
    }
  }
  const equivalent = survivors.filter((survivor) => survivor.explanation).length;
  const unmutated = (readdirSync(join(root, scope.folder), { recursive: true }) as string[])
    .map((file) => `${scope.folder}/${file.split('\\').join('/')}`)
    .filter((file) => file.endsWith('.ts') && !report.files[file] && hasCode(join(root, file)))
    .sort();
  if (unmutated.length > 0) failed = true;
  const overall = score(total);
  if (overall < scope.target || survivors.some((survivor) => !survivor.explanation)) failed = true;
  lines.push(
    `## ${scope.label} — ${percent(overall)} (target ≥ ${scope.target} %)`,
    '',
    `${survivors.length} survivors, ${equivalent} of them explained as equivalent; score with those left out: ${percent(scoreWithoutEquivalent(total, equivalent))}.`,
    '',
    ...(unmutated.length > 0 ? [`**Source files no run has mutated yet:** ${unmutated.map((file) => `\`${file}\``).join(', ')}.`, ''] : []),
    ...(missing.length > 0 ? [`**Not run yet:** scope${missing.length === 1 ? '' : 's'} ${missing.map((name) => `\`${name}\``).join(', ')} — the score above covers only the folders listed below.`, ''] : []),
    `| Folder | Score${before ? ` (${beforeLabel})` : ''} | Killed | Timed out | Survived | No coverage | Ignored (static) | Errors |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const [folder, t] of [...byFolder, [`**${scope.label}**`, total] as const]) {
    const earlier = before && (folder.startsWith('**') ? before.total : before.byFolder.get(folder));
    const was = before ? ` (${earlier ? percent(score(earlier)) : '—'})` : '';
    lines.push(`| ${folder} | ${percent(score(t))}${was} | ${t.killed} | ${t.timeout} | ${t.survived} | ${t.noCoverage} | ${t.ignored} | ${t.errors} |`);
  }
  lines.push('');
  survivorsSection.push(`### ${scope.label}`, '');
  if (survivors.length === 0) survivorsSection.push('None.', '');
  else {
    survivorsSection.push('| Where | Mutator | Replacement | Status | Why it survives |', '| --- | --- | --- | --- | --- |');
    for (const { file, mutant, explanation } of survivors) {
      survivorsSection.push(
        `| ${file}:${mutant.location.start.line} | ${mutant.mutatorName} | \`${cell(mutant.replacement ?? '')}\` | ${mutant.status} | ${explanation ? cell(explanation) : '**not explained**'} |`,
      );
    }
    survivorsSection.push('');
  }
}

// How the reports above were produced (scopes, test selection, commits): kept by hand beside them.
const runsFile = join(root, 'reports', 'mutation-runs.md');
if (existsSync(runsFile)) lines.push('## What ran', '', readFileSync(runsFile, 'utf8').trim(), '');
lines.push('## Survivors', '', ...survivorsSection);
writeFileSync(join(root, 'MUTATION.md'), `${lines.join('\n').trimEnd()}\n`);
console.log(`MUTATION.md written${failed ? ' (a scope is below target, unexplained survivors remain, or a report is missing)' : ''}`);
if (process.argv.includes('--check') && failed) process.exit(1);
