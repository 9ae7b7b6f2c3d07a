/**
 * Generator speed, side by side in one run: openapi-typescript's CLI and @hey-api/openapi-ts on
 * the same spec, then our generate cold (fresh out dir), no-change (fast path), --check and
 * --force (every file formatted already). Median wall time of N runs each, as ratios.
 *
 *   npx tsx scripts/bench/generator-timings.ts [--runs 3] [--spec test/specs/logto-1.42.0.json]
 *
 * Ours runs from dist/ when `npm run build` was done (what the `logto-mgmt` bin runs), else via tsx.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, spec: { type: 'string', default: 'test/specs/logto-1.42.0.json' } } });
const runs = Number(values.runs);
const spec = resolve(values.spec!);
const root = resolve(import.meta.dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', name);
const work = mkdtempSync(join(tmpdir(), 'logto-mgmt-bench-'));
const dist = join(root, 'generator', 'dist', 'cli', 'cli.js');
const ours = existsSync(dist) ? [dist] : ['--import', 'tsx', join(root, 'generator', 'cli', 'cli.ts')];

function time(args: string[], prepare?: () => void): number {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    prepare?.();
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    samples.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed:\n${result.stderr}`);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

const out = join(work, 'generated');
const fresh = () => rmSync(out, { recursive: true, force: true });
const rows: Array<[string, number]> = [];
rows.push(['openapi-typescript CLI (types only)', time([bin('openapi-typescript/bin/cli.js'), spec, '-o', join(work, 'ot.ts')])]);
rows.push(['@hey-api/openapi-ts CLI', time([bin('@hey-api/openapi-ts/bin/run.js'), '-i', spec, '-o', join(work, 'hey-api')])]);
rows.push(['logto-mgmt generate, cold', time([...ours, 'generate', '--spec', spec, '--out', out], fresh)]);
rows.push(['logto-mgmt generate, no change', time([...ours, 'generate', '--spec', spec, '--out', out])]);
rows.push(['logto-mgmt generate --check --offline', time([...ours, 'generate', '--check', '--offline', '--out', out])]);
rows.push(['logto-mgmt generate --force (formatting reused)', time([...ours, 'generate', '--force', '--spec', spec, '--out', out])]);
rmSync(work, { recursive: true, force: true });

const heyApi = rows[1][1];
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`${'step'.padEnd(width)}  median ms  vs hey-api   (${runs} runs, ${existsSync(dist) ? 'dist' : 'tsx'})`);
for (const [name, ms] of rows) console.log(`${name.padEnd(width)}  ${ms.toFixed(0).padStart(9)}  ${(ms / heyApi).toFixed(2).padStart(8)}x`);
