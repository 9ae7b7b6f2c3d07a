/** generate's one-line warning when the runtime its output imports is missing or out of range. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkInstalledRuntime } from '../../generator/pipeline/check-runtime.js';
import { RUNTIME_RANGE } from '../../generator/pipeline/generate.js';

let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'logto-mgmt-runtime-check-'));
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

async function installRuntime(version: string) {
  const dir = path.join(repo, 'node_modules', 'logto-mgmt');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'logto-mgmt', version, exports: { './package.json': './package.json' } }));
}

describe('checkInstalledRuntime', () => {
  const out = () => path.join(repo, 'src', 'logto');

  it('says how to install the runtime when the consumer repo has none', async () => {
    expect(await checkInstalledRuntime(out(), 'logto-mgmt/runtime', '^0.1.0')).toBe(
      'logto-mgmt is not installed here, and the generated code imports logto-mgmt/runtime: npm install logto-mgmt@"^0.1.0"',
    );
  });

  it('names the installed version when it is outside the range, and is silent inside it', async () => {
    await installRuntime('0.2.0');
    expect(await checkInstalledRuntime(out(), 'logto-mgmt/runtime', '^0.1.0')).toBe(
      'logto-mgmt@0.2.0 is installed, but this generator writes code for logto-mgmt@^0.1.0: npm install logto-mgmt@"^0.1.0"',
    );
    await installRuntime('0.1.7');
    expect(await checkInstalledRuntime(out(), 'logto-mgmt/runtime', '^0.1.0')).toBeUndefined();
  });

  it('checks nothing for a relative runtime import (the client package generating its own prebuilt client)', async () => {
    expect(await checkInstalledRuntime(out(), '../runtime/index.js', '^0.1.0')).toBeUndefined();
  });

  it("takes its range from the generator's peer dependency on the client, which is the client's own version", async () => {
    const client = (await import('../../package.json', { with: { type: 'json' } })).default;
    const generator = (await import('../../generator/package.json', { with: { type: 'json' } })).default;
    expect(generator.version).toBe(client.version);
    expect(RUNTIME_RANGE).toBe(`^${client.version}`);
    expect(generator.peerDependencies['logto-mgmt']).toBe(RUNTIME_RANGE);
    expect(client.devDependencies['logto-mgmt-generator']).toBe(generator.version);
  });
});
