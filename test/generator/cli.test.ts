/** The `logto-mgmt generate` command as a user runs it: exit codes, stderr lines, --check. */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseGenerateArgs } from '../../generator/cli/cli.js';
import { FIXTURES, REPO_ROOT, snapshot, workspace } from './workspace.js';

const execFileAsync = promisify(execFile);
const TSX = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const CLI = join(REPO_ROOT, 'generator', 'cli', 'cli.ts');

async function cli(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return execFileAsync(process.execPath, [TSX, CLI, ...args], { cwd }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

// Each case spawns tsx processes (~1 s each on an idle machine, far more on a busy one).
describe('logto-mgmt generate', { timeout: 180_000 }, () => {
  it('prints one progress line per step and a summary on stderr, nothing on stdout', async () => {
    const dir = await workspace({ 'spec.json': join(FIXTURES, 'mini', 'spec.json') });
    const { code, stdout, stderr } = await cli(dir, 'generate', '--spec', 'spec.json', '--runtime-import', 'logto-mgmt/runtime');
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const steps = stderr.split('\n').flatMap((line) => /^\[logto-mgmt\] (\S+(?: \S+)?) +\d+ ms/.exec(line)?.[1] ?? []);
    // The wrappers are emitted beside emit types and format (a worker thread when a core is spare), reported once in.
    expect(steps).toEqual(['load spec', 'parse', 'validate', 'compare', 'normalise', 'model', 'emit types', 'emit index', 'format', 'emit wrappers', 'write']);
    expect(stderr).toMatch(/\[logto-mgmt\] written: 13 operations, 7 tags, 1 paginated, 16 files \(16 changed\) in \d+ ms/);
  });

  it('--check exits 1 and lists the files that differ; 0 when up to date', async () => {
    const dir = await workspace({ 'spec.json': join(FIXTURES, 'mini', 'spec.json') });
    expect((await cli(dir, 'generate', '--spec', 'spec.json', '--runtime-import', 'logto-mgmt/runtime')).code).toBe(0);
    expect((await cli(dir, 'generate', '--check', '--offline', '--runtime-import', 'logto-mgmt/runtime')).code).toBe(0);
    const file = join(dir, 'generated', 'OPERATIONS.md');
    await writeFile(file, `${await readFile(file, 'utf8')}\nedited\n`);
    const { code, stderr } = await cli(dir, 'generate', '--check', '--offline', '--runtime-import', 'logto-mgmt/runtime');
    expect(code).toBe(1);
    expect(stderr).toMatch(/error: .*generated is out of date; run `npm run generate`\. Differing files:\n {2}OPERATIONS\.md\n$/);
  });

  it('exits 1 with one clear line for a broken spec and leaves generated/ untouched', async () => {
    const dir = await workspace({ 'spec.json': join(FIXTURES, 'mini', 'spec.json') });
    await cli(dir, 'generate', '--spec', 'spec.json', '--runtime-import', 'logto-mgmt/runtime');
    const before = await snapshot(join(dir, 'generated'));
    await writeFile(join(dir, 'broken.json'), '{"openapi": "3.0.1", "paths": ');
    const { code, stderr } = await cli(dir, 'generate', '--spec', 'broken.json');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^error: broken\.json #: is not valid JSON: .* at line 1, column \d+$/);
    expect(await snapshot(join(dir, 'generated'))).toEqual(before);
  });

  it('rejects unknown flags with the usage', async () => {
    const { code, stderr } = await cli(REPO_ROOT, 'generate', '--nope');
    expect(code).toBe(1);
    expect(stderr).toMatch(/error: Unknown option '--nope'/);
    expect(stderr).toMatch(/Usage: logto-mgmt generate/);
  });
});

describe('parseGenerateArgs', () => {
  it('maps every flag onto generate() options', () => {
    expect(
      parseGenerateArgs([
        '--spec', 'https://tenant.logto.app/api/swagger.json',
        '--header', 'Authorization: Bearer x',
        '--header', 'X-Extra: 1',
        '--offline', '--strict', '--check', '--force',
        '--out', 'src/logto',
        '--runtime-import', 'logto-mgmt/runtime',
        '--timeout', '2500',
      ]),
    ).toEqual({
      spec: 'https://tenant.logto.app/api/swagger.json',
      headers: ['Authorization: Bearer x', 'X-Extra: 1'],
      offline: true,
      strict: true,
      check: true,
      force: true,
      out: 'src/logto',
      runtimeImport: 'logto-mgmt/runtime',
      timeoutMs: 2500,
      help: undefined,
    });
  });

  it('maps --strict-patches and --fail-on-breaking', () => {
    expect(parseGenerateArgs(['--strict-patches', '--fail-on-breaking'])).toMatchObject({ strictPatches: true, failOnBreaking: true });
    expect(parseGenerateArgs([]).strictPatches).toBeUndefined();
  });

  it('rejects a timeout that is not a positive integer', () => {
    expect(() => parseGenerateArgs(['--timeout', 'soon'])).toThrow(/--timeout must be a positive number of milliseconds/);
  });
});
