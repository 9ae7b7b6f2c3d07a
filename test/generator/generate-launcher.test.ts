/**
 * `npm run generate` (scripts/generate.mjs) runs the compiled generator only while its build is
 * current (scripts/generator-build.mjs): decided here on a throw-away generator folder whose
 * files get the mtimes each case needs, and end to end on this repository's own CLI.
 */
import { execFile } from 'node:child_process';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compiledGeneratorIsCurrent } from '../../scripts/generator-build.mjs';
import { REPO_ROOT, workspace } from './workspace.js';

/** Writes `files` (path → seconds since 1970) under a new folder, each with that mtime. */
async function generatorFolder(files: Record<string, number>): Promise<string> {
  const dir = await workspace({}, tmpdir());
  for (const [path, seconds] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), '');
    await utimes(join(dir, path), seconds, seconds);
  }
  return dir;
}

describe('whether the compiled generator is current', () => {
  const sources = { 'index.ts': 100, 'cli/cli.ts': 100, 'pipeline/generate.ts': 100, 'changes/diff-specs.ts': 100 };

  it('is current when every built file is at least as new as every source', async () => {
    expect(compiledGeneratorIsCurrent(await generatorFolder({ ...sources, 'dist/cli/cli.js': 200, 'dist/index.js': 100, 'dist/index.d.ts': 50 }))).toBe(true);
  });

  it('is not when nothing is built, or dist holds no JavaScript', async () => {
    expect(compiledGeneratorIsCurrent(await generatorFolder(sources))).toBe(false);
    expect(compiledGeneratorIsCurrent(await generatorFolder({ ...sources, 'dist/index.d.ts': 200 }))).toBe(false);
  });

  it('is not when any source, in any of its folders or index.ts, was changed after the oldest built file', async () => {
    for (const source of Object.keys(sources)) {
      const dir = await generatorFolder({ ...sources, [source]: 300, 'dist/cli/cli.js': 400, 'dist/pipeline/generate.js': 200 });
      expect(compiledGeneratorIsCurrent(dir), source).toBe(false);
    }
  });

  it('reads only TypeScript sources: other files beside them do not count', async () => {
    expect(compiledGeneratorIsCurrent(await generatorFolder({ ...sources, 'README.md': 900, 'pipeline/notes.txt': 900, 'dist/cli/cli.js': 200 }))).toBe(true);
  });
});

describe('npm run generate', () => {
  it('runs the generator’s CLI with the arguments it is given', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'scripts/generate.mjs'), '--help'], { cwd: REPO_ROOT });
    expect(stdout).toMatch(/^Usage: logto-mgmt generate \[options\]\n/);
    const failure = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'scripts/generate.mjs'), 'frobnicate'], { cwd: REPO_ROOT }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: unknown command "frobnicate"/) });
  });
});
