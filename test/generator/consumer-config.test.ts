import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, findConsumerConfig, resolveConsumerConfig } from '../../generator/cli/consumer-config.js';
import { initConsumer } from '../../generator/cli/init.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'logto-mgmt-config-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const resolve = (config: unknown, environment: NodeJS.ProcessEnv = {}, pull = true) =>
  resolveConsumerConfig(config, '/repo/logto-mgmt.config.json', '/repo', environment, { pull });

describe('resolveConsumerConfig', () => {
  it.each([
    [{ type: 'cloud', tenant: 'abc123' }, 'https://abc123.logto.app/api/swagger.json'],
    [{ type: 'cloud' }, 'https://openapi.logto.io/source.json'],
    [{ type: 'self-hosted', endpoint: 'https://auth.example.com/' }, 'https://auth.example.com/api/swagger.json'],
    [{ type: 'url', url: 'http://127.0.0.1:3001/custom.yaml' }, 'http://127.0.0.1:3001/custom.yaml'],
    [{ type: 'file', path: 'specs/logto.json' }, '/repo/specs/logto.json'],
  ])('maps source %j to %s', (source, spec) => {
    const settings = resolve({ source, output: 'src/logto' });
    expect(settings).toMatchObject({ spec, outDir: '/repo/src/logto', runtimeImport: 'logto-mgmt/runtime', strict: false });
  });

  it('expands ${ENV_VAR} in header values and keeps $${ literal', () => {
    const settings = resolve(
      { source: { type: 'self-hosted', endpoint: 'https://a.example', headers: { Authorization: 'Bearer ${TOKEN}', 'X-Raw': 'a$${b}' } }, output: 'out' },
      { TOKEN: 's3cret' },
    );
    expect(settings.headers).toEqual({ Authorization: 'Bearer s3cret', 'X-Raw': 'a${b}' });
  });

  it('names the missing environment variable', () => {
    expect(() => resolve({ source: { type: 'url', url: 'https://a.example/spec.json', headers: { Authorization: 'Bearer ${LOGTO_SPEC_TOKEN}' } }, output: 'out' })).toThrow(
      'header "Authorization" needs the environment variable LOGTO_SPEC_TOKEN, which is not set',
    );
  });

  it('offline (no pull) needs no header variables and sends no headers, but still refuses a malformed one', () => {
    const source = { type: 'url', url: 'https://a.example/spec.json', headers: { Authorization: 'Bearer ${LOGTO_SPEC_TOKEN}' } };
    expect(resolve({ source, output: 'out' }, {}, false).headers).toEqual({});
    expect(resolve({ source: { ...source, type: 'self-hosted', endpoint: 'https://a.example' }, output: 'out' }, {}, false).headers).toEqual({});
    expect(() => resolve({ source: { ...source, headers: { Authorization: 'Bearer ${not valid}' } }, output: 'out' }, {}, false)).toThrow(
      '"${not valid}" is not a valid environment variable name',
    );
  });

  it.each([
    [null, '/: expected an object'],
    [{ output: 'x' }, '/source: expected an object'],
    [{ source: { type: 'cloud' } }, '/output: expected the output directory'],
    [{ source: { type: 'azure' }, output: 'x' }, '/source/type: expected "cloud", "self-hosted", "url" or "file", got "azure"'],
    [{ source: { type: 'cloud', tenant: 'a/b' }, output: 'x' }, '/source/tenant: expected the tenant id'],
    [{ source: { type: 'self-hosted', endpoint: 'auth.example.com' }, output: 'x' }, '/source/endpoint: expected the Logto endpoint URL'],
    [{ source: { type: 'url', url: 'https://a', headers: { A: 1 } }, output: 'x' }, '/source/headers: expected an object'],
    [{ source: { type: 'cloud' }, output: 'x', strict: 'yes' }, '/strict: expected true or false'],
  ])('rejects %j with a located message', (config, message) => {
    expect(() => resolve(config)).toThrow(ConfigError);
    expect(() => resolve(config)).toThrow(`/repo/logto-mgmt.config.json: ${message}`);
  });
});

describe('findConsumerConfig', () => {
  it('prefers logto-mgmt.config.json, then the "logto-mgmt" key of package.json, else none', async () => {
    expect(findConsumerConfig(directory)).toBeUndefined();
    await writeFile(path.join(directory, 'package.json'), JSON.stringify({ name: 'x', 'logto-mgmt': { source: { type: 'cloud' }, output: 'a' } }));
    expect(findConsumerConfig(directory)).toMatchObject({ configPath: path.join(directory, 'package.json#logto-mgmt'), config: { output: 'a' } });
    await writeFile(path.join(directory, 'logto-mgmt.config.json'), JSON.stringify({ source: { type: 'cloud' }, output: 'b' }));
    expect(findConsumerConfig(directory)).toMatchObject({ configPath: path.join(directory, 'logto-mgmt.config.json'), config: { output: 'b' } });
  });

  it('reports a config that is not JSON', async () => {
    await writeFile(path.join(directory, 'logto-mgmt.config.json'), '{ source: cloud }');
    expect(() => findConsumerConfig(directory)).toThrow(/logto-mgmt\.config\.json: not valid JSON/);
  });
});

describe('initConsumer', () => {
  const readJson = async (name: string) => JSON.parse(await readFile(path.join(directory, name), 'utf8'));

  it('writes the config and adds the generate script, keeping package.json indentation', async () => {
    await writeFile(path.join(directory, 'package.json'), '{\n\t"name": "app",\n\t"scripts": {\n\t\t"test": "vitest"\n\t}\n}\n');
    const messages = initConsumer({ directory, tenant: 'abc123' });
    expect(await readJson('logto-mgmt.config.json')).toEqual({ source: { type: 'cloud', tenant: 'abc123' }, output: 'src/logto' });
    const text = await readFile(path.join(directory, 'package.json'), 'utf8');
    expect(text).toBe('{\n\t"name": "app",\n\t"scripts": {\n\t\t"test": "vitest",\n\t\t"generate": "logto-mgmt generate"\n\t}\n}\n');
    expect(messages).toContain('added "generate": "logto-mgmt generate" to package.json scripts');
  });

  it('leaves a different "generate" script alone unless --force, and says so', async () => {
    await writeFile(path.join(directory, 'package.json'), JSON.stringify({ name: 'app', scripts: { generate: 'prisma generate' } }));
    const messages = initConsumer({ directory, endpoint: 'https://auth.example.com', header: ['Authorization: Bearer ${TOKEN}'] });
    expect((await readJson('package.json')).scripts).toEqual({ generate: 'prisma generate', 'logto-mgmt:generate': 'logto-mgmt generate' });
    expect(messages.join('\n')).toContain('already has a different "generate" script ("prisma generate")');
    expect(await readJson('logto-mgmt.config.json')).toEqual({
      source: { type: 'self-hosted', endpoint: 'https://auth.example.com', headers: { Authorization: 'Bearer ${TOKEN}' } },
      output: 'src/logto',
    });

    const again = initConsumer({ directory, spec: './spec.json', force: true });
    expect((await readJson('package.json')).scripts.generate).toBe('logto-mgmt generate');
    expect(again.join('\n')).toContain('replaced the "generate" script (was "prisma generate")');
    expect(await readJson('logto-mgmt.config.json')).toEqual({ source: { type: 'file', path: './spec.json' }, output: 'src/logto' });
  });

  it('keeps an existing config without --force', async () => {
    await writeFile(path.join(directory, 'package.json'), '{"name":"app"}');
    await writeFile(path.join(directory, 'logto-mgmt.config.json'), '{"source":{"type":"cloud"},"output":"mine"}');
    const messages = initConsumer({ directory, tenant: 'other' });
    expect(await readJson('logto-mgmt.config.json')).toEqual({ source: { type: 'cloud' }, output: 'mine' });
    expect(messages[0]).toMatch(/kept the existing config .*logto-mgmt\.config\.json \(pass --force to replace it\)/);
  });

  it('tells the exact two install commands for what is missing, and flags packages in the wrong dependency field', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../generator/package.json', import.meta.url), 'utf8'));
    await writeFile(path.join(directory, 'package.json'), '{"name":"app"}');
    const bare = initConsumer({ directory, tenant: 'abc123' });
    expect(bare).toContain(`install the runtime: npm install logto-mgmt@"^${version}"`);
    expect(bare).toContain(`install the generator: npm install -D logto-mgmt-generator@${version}`);

    await writeFile(path.join(directory, 'package.json'), JSON.stringify({ name: 'app', dependencies: { 'logto-mgmt-generator': version }, devDependencies: { 'logto-mgmt': version } }));
    const swapped = initConsumer({ directory, tenant: 'abc123', force: true }).join('\n');
    expect(swapped).toContain('warning: logto-mgmt is a devDependency, but the generated client imports logto-mgmt/runtime at run time');
    expect(swapped).toContain("warning: logto-mgmt-generator is a dependency, so production installs carry the generator's tools");

    await writeFile(path.join(directory, 'package.json'), JSON.stringify({ name: 'app', dependencies: { 'logto-mgmt': version }, devDependencies: { 'logto-mgmt-generator': version } }));
    const installed = initConsumer({ directory, tenant: 'abc123', force: true }).join('\n');
    expect(installed).not.toMatch(/install|warning/);
  });

  it('needs a package.json and one spec source', async () => {
    expect(() => initConsumer({ directory })).toThrow(/package\.json not found: run `npm init` first/);
    await writeFile(path.join(directory, 'package.json'), '{"name":"app"}');
    expect(() => initConsumer({ directory, tenant: 'a', endpoint: 'https://b' })).toThrow('pass only one of --tenant, --endpoint and --spec');
  });
});
