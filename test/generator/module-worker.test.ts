/** A module worker thread that is started but never called must not keep its process alive. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
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
});
