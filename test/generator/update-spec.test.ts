/**
 * `npm run update-spec`: this repository's own release flow, run on a copy of its two packages
 * (manifests, lock, generator, runtime, the script) whose generated/ pins the mini spec, against
 * a loopback server serving a changed spec.
 */
import { execFile } from 'node:child_process';
import { cp, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT, snapshot, workspace } from './workspace.js';

const run = promisify(execFile);
const miniSpec = JSON.parse(await readFile(join(FIXTURES, 'mini', 'spec.json'), 'utf8'));

let served: unknown = miniSpec;
const server = createServer((request, response) => {
  if (request.url !== '/api/swagger.json') return void response.writeHead(404).end();
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const specUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/swagger.json`;
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** A copy of this repo's packages, its generated/ pinned from the mini spec. */
async function repositoryCopy() {
  const dir = await workspace();
  for (const file of ['package.json', 'package-lock.json']) await cp(join(REPO_ROOT, file), join(dir, file));
  const skip = (source: string) => !relative(REPO_ROOT, source).split(sep).some((part) => part === 'dist' || part === 'node_modules');
  for (const folder of ['generator', 'runtime']) await cp(join(REPO_ROOT, folder), join(dir, folder), { recursive: true, filter: skip });
  await cp(join(REPO_ROOT, 'scripts', 'update-spec.ts'), join(dir, 'scripts', 'update-spec.ts'));
  await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, 'mini.json'), JSON.stringify(miniSpec));
  await node(dir, 'generator/cli/cli.ts', 'generate', '--spec', 'mini.json');
  return dir;
}

const node = (cwd: string, script: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', script, ...args], { cwd, env: { ...process.env, SOURCE_DATE_EPOCH: '' } });
const json = async (dir: string, file: string) => JSON.parse(await readFile(join(dir, file), 'utf8'));

describe('npm run update-spec', () => {
  it('releases logto-mgmt by the change report and keeps logto-mgmt-generator, the lock and generated/ in step', async () => {
    const dir = await repositoryCopy();
    const { version } = await json(dir, 'package.json');
    expect(version).toBe('0.1.0');

    const changed = structuredClone(miniSpec);
    delete changed.paths['/api/users/{userId}'].delete;
    served = changed;
    const { stderr } = await node(dir, 'scripts/update-spec.ts', '--spec', specUrl, '--date', '2026-12-01');
    expect(stderr).toContain('minor release: logto-mgmt 0.1.0 → 0.2.0 (1 breaking change; below 1.0.0 a breaking change bumps the minor version (semver 0.x))');
    expect(stderr).toContain('logto-mgmt and logto-mgmt-generator are now 0.2.0');

    const [client, generator, lock, specLock] = await Promise.all(['package.json', 'generator/package.json', 'package-lock.json', 'generated/spec.lock.json'].map((file) => json(dir, file)));
    expect(client.version).toBe('0.2.0');
    expect(client.devDependencies['logto-mgmt-generator']).toBe('0.2.0');
    expect([generator.version, generator.peerDependencies['logto-mgmt']]).toEqual(['0.2.0', '^0.2.0']);
    expect([lock.version, lock.packages[''].version, lock.packages[''].devDependencies['logto-mgmt-generator']]).toEqual(['0.2.0', '0.2.0', '0.2.0']);
    expect([lock.packages.generator.version, lock.packages.generator.peerDependencies['logto-mgmt']]).toEqual(['0.2.0', '^0.2.0']);
    expect([specLock.generator, specLock.runtime, specLock.source]).toEqual(['logto-mgmt-generator@0.2.0', 'logto-mgmt@^0.2.0', specUrl]);
    const changelog = await readFile(join(dir, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('## [0.2.0] - 2026-12-01');
    expect(changelog).toContain('### Breaking\n\n- `DeleteUser` (DELETE /api/users/{userId}): operation removed');
    expect(await readFile(join(dir, 'generated', 'CHANGES.md'), 'utf8')).toContain('## Breaking changes (1)');
    // What CI checks passes on the result.
    await node(dir, 'generator/cli/cli.ts', 'generate', '--check', '--offline');

    // The spec cannot be pulled (offline, or here a closed port): the pinned spec is used, nothing is released.
    const released = async () => [await snapshot(join(dir, 'generated')), ...(await Promise.all(['package.json', 'generator/package.json', 'package-lock.json', 'CHANGELOG.md'].map((file) => readFile(join(dir, file), 'utf8'))))];
    const before = await released();
    const offline = await node(dir, 'scripts/update-spec.ts', '--spec', 'http://127.0.0.1:9/api/swagger.json');
    expect(offline.stderr).toContain('using the pinned spec generated/spec.json');
    expect(offline.stderr).toContain('[update-spec] no release: no change to the client');
    expect(await released()).toEqual(before);
  }, 600_000);

  it('refuses, writing nothing, when the two packages are out of step', async () => {
    const dir = await repositoryCopy();
    const generatorManifest = await json(dir, 'generator/package.json');
    generatorManifest.version = '0.1.5';
    await writeFile(join(dir, 'generator', 'package.json'), `${JSON.stringify(generatorManifest, null, 2)}\n`);
    served = { ...miniSpec, paths: { ...miniSpec.paths, '/api/status': undefined } };
    const before = await snapshot(join(dir, 'generated'));
    const failed = await node(dir, 'scripts/update-spec.ts', '--spec', specUrl).then(
      () => undefined,
      (error: { stderr: string; code: number }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('logto-mgmt 0.1.0 and logto-mgmt-generator are versioned together, but generator/package.json version is "0.1.5": put them in step first (nothing was written)');
    expect(await snapshot(join(dir, 'generated'))).toEqual(before);
    expect((await json(dir, 'package.json')).version).toBe('0.1.0');
  }, 600_000);
});
