/**
 * Last step: write atomically, or (for --check) compare. Files are written into a temporary
 * sibling directory which then replaces the out dir with two renames, so a failure at any
 * point leaves the old generated/ exactly as it was. Files in the out dir that the generator
 * does not own (not listed in the previous lock) are carried over untouched.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';

export interface OutputDiff {
  /** Files whose bytes differ or that are missing. */
  changed: string[];
  /** Files the previous run wrote that this run no longer produces. */
  stale: string[];
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which files differ from those in `outDir`. `read`: texts of files already read from it this
 * run (the format step read every file the lock lists); those are compared as they are, unless
 * decoding may have lost something (a U+FFFD: the bytes may not have been UTF-8).
 */
export async function diffOutput(outDir: string, files: ReadonlyMap<string, string>, previouslyOwned: readonly string[], read?: ReadonlyMap<string, string>): Promise<OutputDiff> {
  const changed: string[] = [];
  await Promise.all(
    [...files].map(async ([path, text]) => {
      const known = read?.get(path);
      if (known !== undefined && !known.includes('\uFFFD')) {
        if (known !== text) changed.push(path);
        return;
      }
      // Compared as bytes: the old output is not decoded to strings.
      const bytes = await readFile(join(outDir, path)).catch(() => undefined);
      if (bytes === undefined || !bytes.equals(Buffer.from(text))) changed.push(path);
    }),
  );
  const stale: string[] = [];
  for (const path of previouslyOwned) {
    if (!files.has(path) && (await exists(join(outDir, path)))) stale.push(path);
  }
  return { changed: changed.sort(), stale: stale.sort() };
}

async function listFiles(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, full)));
    else files.push(relative(root, full).split(sep).join('/'));
  }
  return files;
}

/** Replaces `outDir` with `files` (+ files the generator does not own). */
export async function writeOutput(outDir: string, files: ReadonlyMap<string, string>, previouslyOwned: readonly string[]): Promise<void> {
  const parent = dirname(outDir);
  await mkdir(parent, { recursive: true });
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temporary = join(parent, `.${basename(outDir)}.tmp-${suffix}`);
  const previous = join(parent, `.${basename(outDir)}.old-${suffix}`);
  const hadOutput = await exists(outDir);
  try {
    await mkdir(temporary, { recursive: true });
    if (hadOutput) {
      const owned = new Set([...previouslyOwned, ...files.keys()]);
      for (const path of await listFiles(outDir)) {
        if (!owned.has(path)) await cp(join(outDir, path), join(temporary, path), { recursive: true, preserveTimestamps: true });
      }
    }
    const directories = new Set([...files.keys()].map((path) => dirname(join(temporary, path))));
    for (const directory of directories) await mkdir(directory, { recursive: true });
    await Promise.all([...files].map(([path, text]) => writeFile(join(temporary, path), text)));
    if (hadOutput) await rename(outDir, previous);
    try {
      await rename(temporary, outDir);
    } catch (error) {
      if (hadOutput) await rename(previous, outDir);
      throw error;
    }
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  if (hadOutput) await rm(previous, { recursive: true, force: true });
}
