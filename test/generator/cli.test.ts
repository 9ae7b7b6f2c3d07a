/** The `logto-mgmt generate` command as a user runs it: exit codes, stderr lines, --check. */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseGenerateArgs } from '../../generator/cli/cli.js';
import { NO_CHECK_DIRECTIVE } from '../../generator/pipeline/banner.js';
import { defaultRuntimeImport } from '../../generator/pipeline/generate.js';
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
    expect(steps).toEqual(['load spec', 'parse', 'validate', 'normalise', 'compare', 'model', 'emit types', 'emit index', 'format', 'emit wrappers', 'write']);
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

  it('in a consumer repo (config file): writes src/logto/ with @ts-nocheck under the banner of the modules with bodies; --check catches the line removed', async () => {
    const dir = await workspace({ 'logto.json': join(FIXTURES, 'mini', 'spec.json') });
    await writeFile(join(dir, 'logto-mgmt.config.json'), JSON.stringify({ source: { type: 'file', path: 'logto.json' }, output: 'src/logto' }));
    expect((await cli(dir, 'generate')).code).toBe(0);
    const users = join(dir, 'src', 'logto', 'operations', 'users.ts');
    const text = await readFile(users, 'utf8');
    expect(text.split('\n').slice(1, 3)).toEqual([NO_CHECK_DIRECTIVE.trimEnd(), "import { defineOperation, definePaginatedOperation } from 'logto-mgmt/runtime';"]);
    expect(await readFile(join(dir, 'src', 'logto', 'index.ts'), 'utf8')).not.toContain('@ts-nocheck');
    expect((await cli(dir, 'generate', '--check', '--offline', '--force')).code).toBe(0);
    await writeFile(users, text.replace(NO_CHECK_DIRECTIVE, ''));
    const { code, stderr } = await cli(dir, 'generate', '--check', '--offline');
    expect(code).toBe(1);
    expect(stderr).toMatch(/Differing files:\n {2}operations\/users\.ts\n$/);
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

describe('the default runtime import', () => {
  it('is the relative path to runtime/index.js inside the client package itself', async () => {
    expect(defaultRuntimeImport(join(REPO_ROOT, 'generated'))).toBe('../runtime/index.js');
    const scratch = join(await workspace({}, join(REPO_ROOT, '.tmp')), 'generated');
    expect(defaultRuntimeImport(scratch)).toMatch(/^(\.\.\/)+runtime\/index\.js$/);
  });

  it('is logto-mgmt/runtime in a project of its own, even one nested in the client package (a benchmark\'s consumer)', async () => {
    const nested = await workspace({}, join(REPO_ROOT, '.tmp'));
    await writeFile(join(nested, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    await mkdir(join(nested, 'src', 'logto'), { recursive: true });
    expect(defaultRuntimeImport(join(nested, 'src', 'logto'))).toBe('logto-mgmt/runtime');
    expect(defaultRuntimeImport(join(tmpdir(), 'elsewhere', 'src', 'logto'))).toBe('logto-mgmt/runtime');
  });
});
