/**
 * Row 1 — generation time. Each command runs in a fresh child process, timed from spawn to
 * exit (node start-up included, as a user sees it), interleaved and after one discarded warm-up:
 * - ours, the command `npm run generate` runs (`node scripts/generate.mjs generate`: the compiled CLI
 *   when generator/dist is current, else the sources through tsx), `--spec <pinned spec.json> --out
 *   <empty dir>`; the sources through tsx (`node --import tsx generator/cli/cli.ts`, what it falls
 *   back to); and the compiled `bin` too when it is built;
 * - the floor: the openapi-typescript CLI alone on the same spec (types only, no wrappers);
 * - @hey-api/openapi-ts with its fetch client: another full-SDK generator (types + one function
 *   per operation + client);
 * - no-change regenerate: ours `--offline` again into the directory it has just written
 *   (absolute target).
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertSucceeded,
  freshScratchDir,
  interleave,
  isMain,
  median,
  repoRoot,
  type ChildRun,
  runNode,
  runsFromEnv,
} from './measure.js';
import { compiledGeneratorIsCurrent } from '../generator-build.mjs';
import {
  formatMs,
  formatRatio,
  judgeAtMost,
  judgeLowerIsBetter,
  printResult,
  unavailableRow,
  type BenchResult,
  type BenchRow,
} from './table.js';

const GROUP = '1. Generation';
const NO_CHANGE_LIMIT_MS = 300;
const CHECK_LIMIT_MS = 300;
const SMALL_CHANGE_LIMIT_MS = 1000;
const TIMEOUT_MS = 180_000;

const openapiTypescriptCli = join(repoRoot, 'node_modules/openapi-typescript/bin/cli.js');
const heyApiCli = join(repoRoot, 'node_modules/@hey-api/openapi-ts/bin/run.js');
const ourCliSource = join(repoRoot, 'generator/cli/cli.ts');
const ourLauncher = join(repoRoot, 'scripts/generate.mjs');
const toolLoadScript = join(repoRoot, 'scripts/bench/tool-load.mjs');

/** The spec every generator reads: the real Logto 1.42.0 document kept in the repo. */
function specPath(): string {
  return join(repoRoot, 'test/specs/logto-1.42.0.json');
}

/**
 * The compiled CLI from generator/package.json `bin` when `npm run build` has produced it and it is
 * current by the rule `npm run generate` uses (scripts/generator-build.mjs: a stale build would
 * time yesterday's code); otherwise why not.
 */
function compiledCli(): { path: string } | { missing: string } {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'generator/package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const relativeBin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin && Object.values(pkg.bin)[0];
  if (!relativeBin) return { missing: 'generator/package.json has no `bin`' };
  const bin = join('generator', relativeBin);
  const path = join(repoRoot, bin);
  if (!existsSync(path)) return { missing: `${bin} is not built (run \`npm run build\` before \`npm run bench\`)` };
  if (!compiledGeneratorIsCurrent()) return { missing: `${bin} is older than the generator's sources (run \`npm run build\` again)` };
  return { path };
}

export async function benchGeneration(): Promise<BenchResult> {
  const runs = runsFromEnv(3);
  const noChangeRuns = runsFromEnv(5);
  const spec = specPath();
  const scratch = freshScratchDir('generation');
  let outputCounter = 0;
  const freshOut = (name: string) => join(scratch, `${name}-${outputCounter++}`);
  const timed = async (args: string[], what: string, env?: Record<string, string>) => assertSucceeded(await runNode(args, { timeoutMs: TIMEOUT_MS, treeCpu: true, env }), what);

  const measurements: Record<string, () => Promise<ChildRun>> = {
    openapiTypescript: () => timed([openapiTypescriptCli, spec, '-o', join(freshOut('ots'), 'schema.ts')], 'openapi-typescript'),
    heyApi: () =>
      timed([heyApiCli, '-i', spec, '-o', freshOut('hey'), '-c', '@hey-api/client-fetch', '--silent', '--no-log-file'], '@hey-api/openapi-ts'),
  };
  // Exactly what `npm run generate` runs (package.json), and the sources through tsx as a loader
  // in this process (what it falls back to when generator/dist is not current).
  const ours = existsSync(ourLauncher) ? ['scripts/generate.mjs'] : undefined;
  const fromSources = existsSync(ourCliSource) ? ['--import', 'tsx', 'generator/cli/cli.ts'] : undefined;
  const compiledBin = compiledCli();
  const compiled = 'path' in compiledBin ? compiledBin.path : undefined;
  const launcherPath = compiled ? 'compiled CLI' : 'sources through tsx: generator/dist is not current';
  // Full: from the pinned spec file into an empty directory (nothing to compare with, so
  // everything is generated, formatted and written). No-change: `--offline` re-reads the spec
  // pinned in that directory, which is what `npm run generate` does when nothing changed.
  const fullArgs = (cli: string[], out: string) => [...cli, 'generate', '--spec', spec, '--out', out];
  const noChangeArgs = (cli: string[], out: string) => [...cli, 'generate', '--offline', '--out', out];
  if (ours) measurements.ours = () => timed(fullArgs(ours, freshOut('ours')), 'ours (npm run generate)');
  if (fromSources) measurements.oursSources = () => timed(fullArgs(fromSources, freshOut('ours-tsx')), 'ours (generator/cli/cli.ts through tsx)');
  if (compiled) measurements.oursCompiled = () => timed(fullArgs([compiled], freshOut('ours-bin')), `ours (${compiled})`);

  const rows: BenchRow[] = [];
  let samples: Record<string, ChildRun[]>;
  try {
    await interleave(1, measurements); // warm-up: file cache, tsx's transform cache
    samples = await interleave(runs, measurements);
  } catch (error) {
    return { rows: [unavailableRow(GROUP, 'full generate', 'ours ≤ hey-api', (error as Error).message)] };
  }
  const runsLabel = `median of ${runs} (+1 warm-up)`;
  const wall = (key: string) => median(samples[key].map((run) => run.wallMs));
  // Wall time is the target; the CPU time of the process tree is shown beside it because it
  // barely moves when the machine is busy, so a row taken under load can still be read.
  const cell = (key: string) => {
    const cpu = median(samples[key].map((run) => run.treeCpuMs ?? Number.NaN));
    return Number.isNaN(cpu) ? formatMs(wall(key)) : `${formatMs(wall(key))} (CPU ${formatMs(cpu)})`;
  };
  const heyApi = wall('heyApi');
  const floor = wall('openapiTypescript');

  const fullRows = (label: string, key: string) => {
    const value = wall(key);
    const vsHey = judgeLowerIsBetter(value, heyApi, 1, 'slower');
    rows.push({
      group: GROUP,
      name: `full generate, ${label} vs @hey-api/openapi-ts full SDK`,
      ours: cell(key),
      theirs: `${cell('heyApi')} (hey-api)`,
      ratio: formatRatio(value, heyApi),
      target: 'ours ≤ hey-api (≤ 1.00×)',
      ...vsHey,
      runs: runsLabel,
    });
    rows.push({
      group: GROUP,
      name: `full generate, ${label} vs openapi-typescript CLI alone (the floor)`,
      ours: cell(key),
      theirs: `${cell('openapiTypescript')} (openapi-typescript, types only)`,
      ratio: formatRatio(value, floor),
      target: 'informational (floor)',
      verdict: 'INFO',
      detail: `wrappers, formatting and pinning cost ${formatMs(Math.max(0, value - floor))} over the floor`,
      runs: runsLabel,
    });
  };
  if (ours) fullRows(`\`npm run generate\` (scripts/generate.mjs → ${launcherPath})`, 'ours');
  else rows.push(unavailableRow(GROUP, 'full generate vs hey-api / openapi-typescript', 'ours ≤ hey-api', 'scripts/generate.mjs is not on this branch yet'));
  if (fromSources) fullRows('sources through tsx (`node --import tsx generator/cli/cli.ts`)', 'oursSources');
  if (compiled) fullRows(`compiled bin`, 'oursCompiled');
  else if ('missing' in compiledBin) rows.push(unavailableRow(GROUP, 'full generate, compiled bin', 'ours ≤ hey-api', compiledBin.missing));

  rows.push({
    group: GROUP,
    name: 'reference: hey-api vs openapi-typescript',
    ours: '—',
    theirs: `${cell('heyApi')} vs ${cell('openapiTypescript')}`,
    ratio: formatRatio(heyApi, floor),
    target: 'informational',
    verdict: 'INFO',
    detail: 'how far the other full-SDK generator sits above the floor',
    runs: runsLabel,
  });

  // Repeated runs on output that already exists: nothing changed (regenerate, --check), or one
  // operation added to the spec (a small-change regenerate, which reuses the formatted pieces
  // the lock records). Each small-change run starts from a copy of the same base output.
  const smallChangeSpec = join(scratch, 'spec-one-operation-added.json');
  writeFileSync(smallChangeSpec, JSON.stringify(withOneOperationAdded(JSON.parse(readFileSync(spec, 'utf8')))));
  /** `env` and `info`: a variant shown for comparison (informational, judged against nothing). */
  const repeated = async (what: string, label: string, cli: string[], args: (out: string) => string[], limitMs: number, fresh: boolean, variant?: { env: Record<string, string>; info: string }) => {
    const slug = what.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
    const base = freshOut(slug);
    await timed(fullArgs(cli, base), `${label} first generate`, variant?.env);
    const target = () => {
      if (!fresh) return base;
      const copy = freshOut(`${slug}-copy`);
      cpSync(base, copy, { recursive: true });
      return copy;
    };
    await timed(args(target()), `${label} warm-up`, variant?.env);
    const samples: ChildRun[] = [];
    for (let run = 0; run < noChangeRuns; run++) {
      const out = target(); // the copy is made before the clock starts
      samples.push(await timed(args(out), `${label} ${what}`, variant?.env));
    }
    const ms = median(samples.map((run) => run.wallMs));
    const cpu = median(samples.map((run) => run.treeCpuMs ?? Number.NaN));
    rows.push({
      group: GROUP,
      name: `${what}, ${label}`,
      ours: Number.isNaN(cpu) ? formatMs(ms) : `${formatMs(ms)} (CPU ${formatMs(cpu)})`,
      theirs: `${formatMs(limitMs)} (absolute limit)`,
      ratio: formatRatio(ms, limitMs),
      ...(variant ? { target: 'informational', verdict: 'INFO' as const, detail: variant.info } : { target: `≤ ${formatMs(limitMs)}`, ...judgeAtMost(ms, limitMs, formatMs) }),
      runs: `median of ${noChangeRuns} (+1 warm-up)`,
    });
    return ms;
  };
  const checkArgs = (cli: string[]) => (out: string) => [...cli, 'generate', '--check', '--offline', '--out', out];
  const smallChangeArgs = (cli: string[]) => (out: string) => [...cli, 'generate', '--spec', smallChangeSpec, '--out', out];
  const clis: Array<[string, string[]]> = [];
  if (ours) clis.push([`\`npm run generate\` (scripts/generate.mjs → ${launcherPath})`, ours]);
  else rows.push(unavailableRow(GROUP, 'no-change regenerate', `≤ ${formatMs(NO_CHANGE_LIMIT_MS)}`, 'scripts/generate.mjs is not on this branch yet'));
  if (fromSources) clis.push(['sources through tsx (`node --import tsx generator/cli/cli.ts`)', fromSources]);
  if (compiled) clis.push(['compiled bin', [compiled]]);
  const smallChange = new Map<string, number>();
  for (const [label, cli] of clis) {
    try {
      await repeated('no-change regenerate', label, cli, (out) => noChangeArgs(cli, out), NO_CHANGE_LIMIT_MS, false);
      await repeated('`--check --offline`, nothing changed', label, cli, checkArgs(cli), CHECK_LIMIT_MS, false);
      smallChange.set(label, await repeated('small-change regenerate (one operation added)', label, cli, smallChangeArgs(cli), SMALL_CHANGE_LIMIT_MS, true));
    } catch (error) {
      rows.push(unavailableRow(GROUP, `repeated runs, ${label}`, `≤ ${formatMs(NO_CHANGE_LIMIT_MS)}`, (error as Error).message));
    }
  }
  // The same small change with the code cache off (generator/pipeline/code-cache.ts): every
  // run above, after its warm-up, compiled TypeScript from the cache its first run left.
  if (compiled) {
    try {
      const cli = [compiled];
      await repeated('small-change regenerate (one operation added)', 'compiled bin, code cache off (LOGTO_MGMT_CODE_CACHE=0)', cli, smallChangeArgs(cli), SMALL_CHANGE_LIMIT_MS, true, {
        env: { LOGTO_MGMT_CODE_CACHE: '0' },
        info: 'what the code cache saves: the compiled-bin row above ran with it',
      });
    } catch (error) {
      rows.push(unavailableRow(GROUP, 'small change, code cache off', 'informational', (error as Error).message));
    }
  }
  // The floor under a small change: the three tools it needs, loaded as the generator loads
  // them (tool-load.mjs), and no work. Above it is the generator's own work.
  try {
    const loads: ChildRun[] = [];
    await timed([toolLoadScript], 'tool load (warm-up)');
    for (let run = 0; run < noChangeRuns; run++) loads.push(await timed([toolLoadScript], 'tool load'));
    const ms = median(loads.map((run) => run.wallMs));
    const cpu = median(loads.map((run) => run.treeCpuMs ?? Number.NaN));
    const above = [...smallChange].map(([label, total]) => `${formatMs(total - ms)} above it (${label.replace(/ \(.*$/, '')})`).join('; ');
    rows.push({
      group: GROUP,
      name: 'small-change floor: ts-morph, openapi-typescript (with TypeScript) and prettier loaded on the threads the generator uses, no work (scripts/bench/tool-load.mjs)',
      ours: Number.isNaN(cpu) ? formatMs(ms) : `${formatMs(ms)} (CPU ${formatMs(cpu)})`,
      theirs: `${formatMs(SMALL_CHANGE_LIMIT_MS)} (the small-change limit)`,
      ratio: formatRatio(ms, SMALL_CHANGE_LIMIT_MS),
      target: 'informational (floor)',
      verdict: 'INFO',
      detail: `loading the tools alone takes ${formatRatio(ms, SMALL_CHANGE_LIMIT_MS)} of the limit on this machine; the small change spends ${above || 'no measurement'}`,
      runs: `median of ${noChangeRuns} (+1 warm-up)`,
    });
  } catch (error) {
    rows.push(unavailableRow(GROUP, 'small-change floor (tool load)', 'informational', (error as Error).message));
  }
  return { rows, details: ours ? stepTimes(samples.ours.at(-1)!) : undefined };
}

/** The spec with one more operation (a copy of GET /api/users/{userId} under a new path): a typical small API change. */
function withOneOperationAdded(spec: { paths: Record<string, Record<string, { operationId?: string }>> }) {
  const template = spec.paths['/api/users/{userId}'];
  if (!template?.get) throw new Error('the pinned spec has no GET /api/users/{userId} to copy');
  const added = structuredClone(template.get);
  added.operationId = 'GetUserBenchmarkCopy';
  return { ...spec, paths: { ...spec.paths, '/api/users/{userId}/benchmark-copy': { parameters: (template as { parameters?: unknown }).parameters, get: added } } };
}

/** Where our generator's time goes: its own per-step progress lines (stderr) from the last run. */
function stepTimes(run: ChildRun): string | undefined {
  const steps = run.stderr.split('\n').filter((line) => line.startsWith('[logto-mgmt]'));
  if (steps.length === 0) return undefined;
  return ['Generation, our steps (stderr of the last full run):', '', '```', ...steps, '```'].join('\n');
}

if (isMain(import.meta.url)) printResult(await benchGeneration());
