/**
 * How long the change report costs on the real 2.3 MB spec, next to the cost of just parsing
 * that spec (which `generate` pays anyway). Run: `npx tsx scripts/bench/diff-specs.ts`.
 * Target: a diff well under 300 ms, so a spec change adds little to `generate`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderMarkdown } from '../../generator/changes/change-report.js';
import { diffSpecs } from '../../generator/changes/diff-specs.js';

const specText = readFileSync(fileURLToPath(new URL('../../test/specs/logto-1.42.0.json', import.meta.url)), 'utf8');
const oldText = readFileSync(fileURLToPath(new URL('../../test/specs/logto-1.34.0.json', import.meta.url)), 'utf8');
const runs = Number(process.env.RUNS ?? 15);

function median(run: () => unknown): number {
  const times: number[] = [];
  run(); // warm-up: the first call pays for JIT compilation
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const spec = JSON.parse(specText);
const copy = JSON.parse(specText);
const old = JSON.parse(oldText);
const sides = { fromSha256: '0'.repeat(64), toSha256: '1'.repeat(64) };

// What one `generate` run pays: the first call, before the JIT has seen the code.
const coldStart = performance.now();
diffSpecs(old, spec);
const cold = performance.now() - coldStart;

const parse = median(() => JSON.parse(specText));
const rows: Array<[string, number]> = [
  ['diffSpecs 1.34 → 1.42, first call (cold, as in one generate run)', cold],
  ['JSON.parse of the 1.42 spec (baseline)', parse],
  ['diffSpecs 1.42 → 1.42 (no change)', median(() => diffSpecs(spec, copy))],
  ['diffSpecs 1.34 → 1.42 (real upgrade)', median(() => diffSpecs(old, spec))],
  ['diffSpecs + renderMarkdown 1.34 → 1.42', median(() => renderMarkdown(diffSpecs(old, spec), sides))],
];

console.log(`median of ${runs} runs, node ${process.version}\n`);
console.log('| step | ms | × parse |');
console.log('| --- | ---: | ---: |');
for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(1)} | ${(ms / parse).toFixed(2)} |`);
