/** Module worker threads: an idle one must not keep its process alive; a dead one must not swallow calls. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startModuleWorker } from '../../generator/pipeline/module-worker.js';
import { REPO_ROOT } from './workspace.js';

const execFileAsync = promisify(execFile);
const TSX = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

describe('startModuleWorker', () => {
  it('lets the process exit when the worker was never called', async () => {
    const moduleWorker = pathToFileURL(join(REPO_ROOT, 'generator', 'pipeline', 'module-worker.ts')).href;
    const script = `import { siblingModule, startModuleWorker } from ${JSON.stringify(moduleWorker)};
startModuleWorker(siblingModule('banner'));
console.log('started');`;
    // A kept-alive process is killed at the timeout: execFile then rejects.
    const { stdout } = await execFileAsync(process.execPath, [TSX, '--eval', script], { cwd: REPO_ROOT, timeout: 20_000 });
    expect(stdout.trim()).toBe('started');
  }, 30_000);

  /** Runs `check` on a worker thread started on a module of `source`, in a directory removed afterwards. */
  async function withWorker(source: string, check: (worker: ReturnType<typeof startModuleWorker>) => Promise<void>) {
    const dir = mkdtempSync(join(tmpdir(), 'module-worker-'));
    try {
      const file = join(dir, 'module.mjs');
      writeFileSync(file, source);
      await check(startModuleWorker(pathToFileURL(file).href));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('fails a call to a thread that has exited instead of leaving it unsettled', () =>
    withWorker('process.exit(3);\nexport const never = () => 1;\n', async (worker) => {
      for (let waited = 0; worker.alive && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(worker.alive).toBe(false);
      // Before the fix this promise never settled: nothing was left to answer it, and the CLI exited 0 having written nothing.
      await expect(worker.call('never', [])).rejects.toThrow(/exited \(code 3\)/);
    }), 30_000);

  it('fails a call that was waiting when the thread died', () =>
    withWorker('export const die = () => process.exit(4);\n', async (worker) => {
      await expect(worker.call('die', [])).rejects.toThrow(/exited \(code 4\)/);
      expect(worker.alive).toBe(false);
      await expect(worker.call('die', [])).rejects.toThrow(/exited \(code 4\)/);
    }), 30_000);
});
