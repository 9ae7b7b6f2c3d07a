/** Test helpers: throw-away working directories and snapshots of what is on disk. */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';
import type { GenerateOptions } from '../../generator/pipeline/generate.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'generator', 'fixtures');
/** The real Logto 1.42.0 spec, the one generated/ is pinned at (test/specs/README.md). */
export const LOGTO_SPEC = join(REPO_ROOT, 'test', 'specs', 'logto-1.42.0.json');

const created: string[] = [];
afterAll(async () => {
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * The default parent of workspaces: a directory whose node_modules has this repo's client
 * package installed (a link), as in a consumer repo — the generated code imports
 * logto-mgmt/runtime, and generate warns when that runtime is missing.
 */
let consumerRoot: Promise<string> | undefined;
function withInstalledRuntime(): Promise<string> {
  consumerRoot ??= (async () => {
    const root = await mkdtemp(join(tmpdir(), 'logto-mgmt-consumer-'));
    created.push(root);
    await mkdir(join(root, 'node_modules'));
    await symlink(REPO_ROOT, join(root, 'node_modules', 'logto-mgmt'), 'dir');
    return root;
  })();
  return consumerRoot;
}

/** A fresh directory (removed after the test file), optionally with fixture files copied in. */
export async function workspace(files: Record<string, string> = {}, parentDir?: string): Promise<string> {
  const parent = parentDir ?? (await withInstalledRuntime());
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'logto-mgmt-'));
  created.push(dir);
  for (const [target, source] of Object.entries(files)) {
    await mkdir(dirname(join(dir, target)), { recursive: true });
    await cp(source, join(dir, target));
  }
  return dir;
}

/** Every file under `dir` with its content and mtime, for "left untouched" assertions. */
export async function snapshot(dir: string): Promise<Map<string, { text: string; mtimeMs: number }>> {
  const result = new Map<string, { text: string; mtimeMs: number }>();
  const walk = async (current: string) => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else result.set(relative(dir, full).split(sep).join('/'), { text: await readFile(full, 'utf8'), mtimeMs: (await stat(full)).mtimeMs });
    }
  };
  await walk(dir);
  return result;
}

/** Options every test uses: quiet, collecting log lines; fixtures import the runtime as a package. */
export function quiet(cwd: string, extra: GenerateOptions = {}): GenerateOptions & { lines: string[] } {
  const lines: string[] = [];
  return { cwd, runtimeImport: 'logto-mgmt/runtime', log: (line) => lines.push(line), lines, ...extra };
}

/**
 * Generated files equal the committed golden copy byte for byte, file list included.
 * UPDATE_GOLDEN=1 rewrites the golden copy from them first (then review the diff).
 */
export async function expectGolden(files: Map<string, { text: string }>, golden: string): Promise<void> {
  if (process.env.UPDATE_GOLDEN) {
    await rm(golden, { recursive: true, force: true });
    for (const [path, { text }] of files) {
      await mkdir(join(golden, path, '..'), { recursive: true });
      await writeFile(join(golden, path), text);
    }
  }
  const expected = await snapshot(golden);
  expect([...files.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [path, { text }] of files) expect(text, path).toBe(expected.get(path)!.text);
}
