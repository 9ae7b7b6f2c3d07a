/**
 * The code cache for big CommonJS files (generator/pipeline/code-cache.ts), in child processes
 * (it patches CommonJS's Module, which vitest's own process must not get): entries are written,
 * used, replaced when the file changes, rewritten when V8 refuses them; modules behave as Node
 * loads them; off means off. And the generator's worker threads turn it on for themselves.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeCacheDirectory, MIN_CHARS } from '../../generator/pipeline/code-cache.js';
import { startModuleWorker } from '../../generator/pipeline/module-worker.js';
import { REPO_ROOT } from './workspace.js';

const execFileAsync = promisify(execFile);
const TSX = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const CODE_CACHE = pathToFileURL(join(REPO_ROOT, 'generator', 'pipeline', 'code-cache.ts')).href;

let work: string;
let cache: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'code-cache-'));
  cache = join(work, 'cache');
  writeFileSync(join(work, 'sibling.cjs'), 'exports.value = 100;\n');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A CommonJS file over the size limit: a hashbang, a require of its sibling, `__filename`. */
function bigModule(name: string, variant = 0): string {
  const lines = ['#!/usr/bin/env node', "'use strict';", "const sibling = require('./sibling.cjs');"];
  for (let index = 0, length = 0; length < MIN_CHARS + 1000; index++) {
    lines.push(`function f${index}(x) { return x + ${index}; } // padding to make the file big, ${variant}`);
    length += lines.at(-1)!.length + 1;
  }
  lines.push(`exports.answer = () => f41(1) + sibling.value + ${variant};`);
  lines.push("exports.where = { filename: __filename, dirname: __dirname, resolved: require.resolve('./sibling.cjs'), same: module.exports === exports };");
  const file = join(work, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

interface Loaded {
  status: { mode: string; directory?: string };
  counts: { fromCache: number; rejected: number; stored: number };
  answer?: number;
  where?: Record<string, unknown>;
  error?: { name: string; message: string };
}

/** Loads `file` in a new process with the hook on (or, with `env`, as that says). */
async function load(file: string, env: Record<string, string> = { LOGTO_MGMT_CODE_CACHE: cache }): Promise<Loaded> {
  const script = `import { codeCacheCounts, enableCodeCache } from ${JSON.stringify(CODE_CACHE)};
import { createRequire } from 'node:module';
const status = enableCodeCache({ nativeFirst: false });
const out = { status, counts: codeCacheCounts };
try {
  const loaded = createRequire(${JSON.stringify(file)})(${JSON.stringify(file)});
  Object.assign(out, { answer: loaded.answer(), where: loaded.where });
} catch (error) {
  out.error = { name: error.name, message: error.message };
}
console.log(JSON.stringify(out));`;
  const { stdout } = await execFileAsync(process.execPath, [TSX, '--eval', script], { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Loaded;
}

const entries = () => {
  try {
    return readdirSync(codeCacheDirectory({ LOGTO_MGMT_CODE_CACHE: cache })!).filter((name) => name.endsWith('.bin'));
  } catch {
    return [];
  }
};

describe('code cache', () => {
  it('stores an entry on the first load and compiles from it on the next, the module unchanged', async () => {
    const file = bigModule('big.cjs');
    const first = await load(file);
    expect(first.status).toEqual({ mode: 'hook', directory: codeCacheDirectory({ LOGTO_MGMT_CODE_CACHE: cache }) });
    expect(first.counts).toEqual({ fromCache: 0, rejected: 0, stored: 1 });
    expect(entries()).toHaveLength(1);
    const second = await load(file);
    expect(second.counts).toEqual({ fromCache: 1, rejected: 0, stored: 0 });
    for (const loaded of [first, second]) {
      expect(loaded.answer).toBe(42 + 100);
      expect(loaded.where).toEqual({ filename: file, dirname: work, resolved: join(work, 'sibling.cjs'), same: true });
    }
  }, 60_000);

  it('replaces the entry of a file that changed, and does not use the old one', async () => {
    const file = bigModule('big.cjs');
    await load(file);
    const [before] = entries();
    bigModule('big.cjs', 7); // same path, new source (an npm update)
    const changed = await load(file);
    expect(changed.answer).toBe(42 + 100 + 7);
    expect(changed.counts).toEqual({ fromCache: 0, rejected: 0, stored: 1 });
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).not.toBe(before);
  }, 60_000);

  it('rewrites an entry V8 refuses (another V8, a damaged file) and still loads the module', async () => {
    const file = bigModule('big.cjs');
    await load(file);
    const entry = join(codeCacheDirectory({ LOGTO_MGMT_CODE_CACHE: cache })!, entries()[0]);
    writeFileSync(entry, Buffer.alloc(4096, 7));
    const damaged = await load(file);
    expect(damaged.answer).toBe(142);
    expect(damaged.counts).toEqual({ fromCache: 0, rejected: 1, stored: 1 });
    expect((await load(file)).counts).toEqual({ fromCache: 1, rejected: 0, stored: 0 });
  }, 60_000);

  it('leaves small files to Node', async () => {
    const file = join(work, 'small.cjs');
    writeFileSync(file, "exports.answer = () => 142; exports.where = { filename: __filename };\n");
    const loaded = await load(file);
    expect(loaded.answer).toBe(142);
    expect(loaded.counts).toEqual({ fromCache: 0, rejected: 0, stored: 0 });
    expect(entries()).toEqual([]);
  }, 60_000);

  it('reports a syntax error in a big file as Node does', async () => {
    const file = bigModule('broken.cjs');
    writeFileSync(file, `${'// padding\n'.repeat(MIN_CHARS / 10)}const = 1;\n`);
    const hooked = await load(file);
    const plain = await load(file, { LOGTO_MGMT_CODE_CACHE: '0' });
    expect(hooked.error?.name).toBe('SyntaxError');
    expect(hooked.error).toEqual(plain.error);
    expect(entries()).toEqual([]);
  }, 60_000);

  it('is off with LOGTO_MGMT_CODE_CACHE=0, and keeps to the directory it is given', async () => {
    expect(codeCacheDirectory({ LOGTO_MGMT_CODE_CACHE: '0' })).toBeUndefined();
    expect(codeCacheDirectory({ LOGTO_MGMT_CODE_CACHE: '/somewhere' })).toBe(join('/somewhere', `${process.versions.v8}-${process.arch}`));
    expect(codeCacheDirectory({})).toBe(join(tmpdir(), `logto-mgmt-code-cache-${process.getuid!()}`, `${process.versions.v8}-${process.arch}`));
    const off = await load(bigModule('big.cjs'), { LOGTO_MGMT_CODE_CACHE: '0' });
    expect(off.status).toEqual({ mode: 'off' });
    expect(off.answer).toBe(142);
    expect(entries()).toEqual([]);
  }, 60_000);

  it('stays off in a directory others may write to (they could plant compiled code there)', async () => {
    const file = bigModule('big.cjs');
    mkdirSync(cache, { recursive: true });
    chmodSync(cache, 0o777);
    const shared = await load(file);
    expect(shared.status).toEqual({ mode: 'off' });
    expect(shared.answer).toBe(142);
    expect(entries()).toEqual([]);
    chmodSync(cache, 0o755);
    expect((await load(file)).status.mode).toBe('hook');
    expect(statSync(codeCacheDirectory({ LOGTO_MGMT_CODE_CACHE: cache })!).mode & 0o777).toBe(0o700);
  }, 60_000);

  it('is turned on by the generator’s worker threads before they load their tools', async () => {
    const file = bigModule('big.cjs');
    // A .ts module in the repository, so the worker registers tsx for it as it does for the pipeline's.
    mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
    const probe = join(REPO_ROOT, '.tmp', `code-cache-probe-${process.pid}.ts`);
    writeFileSync(probe, `import { createRequire } from 'node:module';
import { codeCacheCounts } from ${JSON.stringify(CODE_CACHE)};
export function load(file: string) {
  return { answer: (createRequire(file)(file) as { answer(): number }).answer(), counts: { ...codeCacheCounts } };
}
`);
    const saved = process.env.LOGTO_MGMT_CODE_CACHE;
    process.env.LOGTO_MGMT_CODE_CACHE = cache; // a worker thread takes the environment as it is when started
    try {
      for (const expected of [{ fromCache: 0, rejected: 0, stored: 1 }, { fromCache: 1, rejected: 0, stored: 0 }]) {
        const worker = startModuleWorker(pathToFileURL(probe).href);
        try {
          expect(await worker.call('load', [file])).toEqual({ answer: 142, counts: expected });
        } finally {
          await worker.close();
        }
      }
    } finally {
      if (saved === undefined) delete process.env.LOGTO_MGMT_CODE_CACHE;
      else process.env.LOGTO_MGMT_CODE_CACHE = saved;
      rmSync(probe, { force: true });
    }
  }, 60_000);
});
