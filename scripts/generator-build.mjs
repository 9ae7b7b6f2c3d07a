/**
 * Whether the compiled generator (generator/dist, from `npm run build -w logto-mgmt-generator`)
 * is current: every file in it at least as new as every TypeScript source of the generator (an
 * edit, a `git checkout` or a pull gives a source a newer mtime; a build starts by deleting
 * dist). Read by `npm run generate` (scripts/generate.mjs) and by the benchmark, which says
 * which of the two the command ran. Plain JavaScript: it runs before tsx is loaded.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const generator = fileURLToPath(new URL('../generator/', import.meta.url));
export const generatorSourceCli = join(generator, 'cli', 'cli.ts');
export const compiledGeneratorCli = join(generator, 'dist', 'cli', 'cli.js');

/** The mtimes of the files under `dir` whose names end with `suffix` ([] when there is no such folder). */
function mtimes(dir, suffix) {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
      .map((entry) => statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  } catch {
    return [];
  }
}

/** `directory`: the generator package (default: this repository's generator/). */
export function compiledGeneratorIsCurrent(directory = generator) {
  const built = mtimes(join(directory, 'dist'), '.js');
  if (built.length === 0) return false;
  const sources = ['cli', 'pipeline', 'changes'].flatMap((folder) => mtimes(join(directory, folder), '.ts'));
  try {
    sources.push(statSync(join(directory, 'index.ts')).mtimeMs);
  } catch {
    // no index.ts: nothing to compare
  }
  return Math.min(...built) >= Math.max(...sources);
}
