/**
 * Row 7 — what a production install costs: `npm install --omit=dev` of the packed client
 * package (`npm pack` of this repo's root) into an empty service, beside `@logto/api` (the
 * version this repo benchmarks against) installed the same way. Counts the packages that land
 * in node_modules (nested ones included) and the bytes of their files on disk. The registry
 * is reached through the normal npm client; the result does not depend on the cache.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertSucceeded, freshScratchDir, isMain, repoRoot, runChild } from './measure.js';
import { formatBytes, formatRatio, judgeAtMost, judgeLowerIsBetter, printResult, type BenchResult } from './table.js';

const GROUP = '7. Production install';
const MAX_PACKAGES = 3;
const MAX_BYTES_RATIO = 2;

export interface InstallSize {
  packages: string[];
  bytes: number;
}

/** Every package directory under `node_modules` (scoped and nested too) and the bytes of all their files. */
export function measureNodeModules(root: string): InstallSize {
  const packages: string[] = [];
  let bytes = 0;
  const walkModules = (dir: string, prefix = '') => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith('@') && !prefix) {
        walkModules(path, `${entry.name}/`);
        continue;
      }
      packages.push(`${prefix}${entry.name}`);
      walkModules(join(path, 'node_modules'));
    }
  };
  const sumFiles = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) sumFiles(path);
      else if (entry.isFile()) bytes += statSync(path).size;
    }
  };
  walkModules(join(root, 'node_modules'));
  sumFiles(join(root, 'node_modules'));
  return { packages: packages.sort(), bytes };
}

async function installInto(dir: string, spec: string): Promise<InstallSize> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'service', private: true, type: 'module' })}\n`);
  assertSucceeded(
    await runChild('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', spec], { cwd: dir, timeoutMs: 300_000 }),
    `npm install --omit=dev ${spec}`,
  );
  return measureNodeModules(dir);
}

export async function benchInstallSize(): Promise<BenchResult> {
  const scratch = freshScratchDir('install-size');
  const packed = assertSucceeded(await runChild('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: repoRoot, timeoutMs: 300_000 }), 'npm pack');
  const [manifest] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
  const logtoApiVersion = (JSON.parse(readFileSync(join(repoRoot, 'node_modules/@logto/api/package.json'), 'utf8')) as { version: string }).version;

  const ours = await installInto(join(scratch, 'ours'), join(scratch, manifest.filename));
  const theirs = await installInto(join(scratch, 'theirs'), `@logto/api@${logtoApiVersion}`);
  const theirsLabel = `@logto/api ${logtoApiVersion}`;
  const count = judgeAtMost(ours.packages.length, MAX_PACKAGES, (n) => `${n} packages`);
  const size = judgeLowerIsBetter(ours.bytes, theirs.bytes, MAX_BYTES_RATIO, 'bigger');
  return {
    rows: [
      {
        group: GROUP,
        name: '`npm install --omit=dev logto-mgmt`: packages',
        ours: `${ours.packages.length} (${ours.packages.join(', ')})`,
        theirs: `${theirs.packages.length} (${theirsLabel}: ${theirs.packages.join(', ')})`,
        ratio: formatRatio(ours.packages.length, theirs.packages.length),
        target: `≤ ${MAX_PACKAGES} packages`,
        ...count,
        runs: '1 (deterministic)',
      },
      {
        group: GROUP,
        name: '`npm install --omit=dev logto-mgmt`: bytes on disk',
        ours: formatBytes(ours.bytes),
        theirs: `${formatBytes(theirs.bytes)} (${theirsLabel})`,
        ratio: formatRatio(ours.bytes, theirs.bytes),
        target: `≤ ${MAX_BYTES_RATIO}× @logto/api`,
        ...size,
        runs: '1 (deterministic)',
      },
    ],
  };
}

if (isMain(import.meta.url)) printResult(await benchInstallSize());
