/**
 * The tools a small-change regenerate cannot do without, loaded as the generator loads them and
 * nothing else done: ts-morph on one worker thread (the wrappers'), openapi-typescript's
 * transform with its TypeScript on another (the types'), prettier with its TypeScript and
 * Markdown printers on the main thread, the threads' TypeScript from the code cache as the
 * generator compiles it. generation.ts times this script beside the real
 * small-change run: what that run spends above it is the generator's own work.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(new URL('../../generator/pipeline/', import.meta.url));
// The generator's threads compile the tools from V8's code cache (generator/pipeline/code-cache.ts),
// so these do too: the compiled module, which the benchmark's generator runs build (else none).
const codeCache = new URL('../../generator/dist/pipeline/code-cache.js', import.meta.url);
const enableCodeCache = existsSync(codeCache) ? `await import(${JSON.stringify(codeCache.href)}).then((m) => m.enableCodeCache(), () => {});` : '';
const load = (specifier) =>
  new Promise((resolve, reject) => {
    const source = `(async () => { ${enableCodeCache} require(${JSON.stringify(require.resolve(specifier))}); require('node:worker_threads').parentPort.postMessage('loaded'); })();`;
    const worker = new Worker(source, { eval: true });
    worker.once('message', () => worker.terminate().then(resolve));
    worker.once('error', reject);
  });
const threads = [load('ts-morph'), load('openapi-typescript/dist/transform/index.cjs')];
// As format.ts imports it (its ESM entry), from this repository's node_modules like the generator's.
const prettier = await import('prettier');
await prettier.format('export const a = 1;\n', { parser: 'babel-ts' });
await prettier.format('# a\n\n| a | b |\n| - | - |\n', { parser: 'markdown' });
await Promise.all(threads);
