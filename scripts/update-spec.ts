/**
 * `npm run update-spec [-- --spec <url|file>] [--header 'Name: value'] [--origin <text>]`: this
 * repository's prebuilt client is a regenerated client package like any other. It pulls
 * Logto's spec (default: Logto's published one; a failed pull falls back to the pinned spec and
 * releases nothing), regenerates `generated/` with `--bump` — the change report decides the
 * version of `logto-mgmt` and writes its CHANGELOG.md entry — and then keeps the generator in
 * step: `logto-mgmt-generator` is versioned together with `logto-mgmt` (same version, peer range
 * `^<version>`, the root's devDependency and package-lock.json to match), and the generated lock
 * records the generator that made it, so `generated/` is regenerated once more, offline, by the
 * generator at its new version (a fresh process: the version is read when the generator loads).
 *
 * `generate --bump` alone bumps only the package holding the output; this lockstep belongs to
 * this repository's two packages, so it lives here and not in the generator.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGenerateArgs } from '../generator/cli/cli.js';
import { generate } from '../generator/pipeline/generate.js';
import { GeneratorError } from '../generator/pipeline/generator-error.js';
import { GENERATOR_PACKAGE, RUNTIME_PACKAGE } from '../generator/pipeline/package-names.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main(argv: string[]): Promise<number> {
  const { help, config: _config, ...options } = parseGenerateArgs(argv);
  if (help) {
    process.stdout.write('Usage: npm run update-spec [-- --spec <url|file>] [--header "Name: value"] [--origin <text>] [--date YYYY-MM-DD]\n');
    return 0;
  }
  if (options.out !== undefined || options.check) throw new GeneratorError('update-spec regenerates generated/ and releases it: --out and --check do not apply');
  checkVersionedTogether();
  const result = await generate({ ...options, cwd: root, bump: true });
  const release = result.release!;
  if (release.to === undefined) {
    process.stderr.write(`[update-spec] ${release.note}\n`);
    return 0;
  }
  versionGeneratorTogether(release.to);
  // The lock names the generator version (and its runtime range): record the new one.
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'generator', 'cli', 'cli.ts'), 'generate', '--offline', '--force'], { cwd: root, stdio: 'inherit' });
  process.stderr.write(`[update-spec] ${RUNTIME_PACKAGE} and ${GENERATOR_PACKAGE} are now ${release.to}; review CHANGELOG.md and generated/CHANGES.md, then commit\n`);
  return 0;
}

/** Before anything is written: the two packages must be in step now, or the lockstep would hide it. */
function checkVersionedTogether() {
  const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));
  const [client, generator, lock] = [read('package.json'), read('generator/package.json'), read('package-lock.json')];
  const version = client.version;
  const found = {
    'generator/package.json version': generator.version,
    [`generator/package.json peerDependencies.${RUNTIME_PACKAGE}`]: generator.peerDependencies?.[RUNTIME_PACKAGE],
    [`package.json devDependencies.${GENERATOR_PACKAGE}`]: client.devDependencies?.[GENERATOR_PACKAGE],
    'package-lock.json version': lock.version,
    'package-lock.json packages[""].version': lock.packages?.['']?.version,
    'package-lock.json packages.generator.version': lock.packages?.generator?.version,
  };
  const expected = (key: string) => (key.includes('peerDependencies') ? `^${version}` : version);
  const wrong = Object.entries(found).filter(([key, value]) => value !== expected(key));
  if (wrong.length > 0) {
    throw new GeneratorError(
      `${RUNTIME_PACKAGE} ${version} and ${GENERATOR_PACKAGE} are versioned together, but ${wrong.map(([key, value]) => `${key} is ${JSON.stringify(value)}`).join(', ')}: put them in step first (nothing was written)`,
    );
  }
}

/** The generator's version, its peer range on the client, the root's devDependency and the lock. */
function versionGeneratorTogether(version: string) {
  update(join(root, 'generator', 'package.json'), (manifest) => {
    manifest.version = version;
    manifest.peerDependencies[RUNTIME_PACKAGE] = `^${version}`;
  });
  update(join(root, 'package.json'), (manifest) => {
    manifest.devDependencies[GENERATOR_PACKAGE] = version;
  });
  update(join(root, 'package-lock.json'), (lock) => {
    lock.version = version;
    lock.packages[''].version = version;
    lock.packages[''].devDependencies[GENERATOR_PACKAGE] = version;
    lock.packages.generator.version = version;
    lock.packages.generator.peerDependencies[RUNTIME_PACKAGE] = `^${version}`;
  });
}

function update(file: string, change: (value: any) => void) {
  const text = readFileSync(file, 'utf8');
  const value = JSON.parse(text);
  change(value);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}${text.endsWith('\n') ? '\n' : ''}`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof GeneratorError ? error.message : ((error as Error)?.stack ?? String(error))}\n`);
    process.exitCode = 1;
  },
);
