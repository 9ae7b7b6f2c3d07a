/**
 * The two packages as a real service gets them: `npm pack` the client (this repo's root) and
 * the generator (generator/), install them into a fresh project the way a consumer on a new
 * machine does (client as a dependency, generator as a devDependency; the registry is reachable,
 * the npm cache may be cold), check both with publint and arethetypeswrong, `npx logto-mgmt
 * init`, `npm run generate` against a spec served by a loopback server that demands a token,
 * type-check a consumer file (and prove a wrong call fails to type-check), run the consumer's own
 * node:test suite against the fake Logto of the packed `logto-mgmt-testing` (a devDependency),
 * then drop the dev dependencies as a production image does and run the compiled consumer
 * against the fake Logto.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const specText = await readFile(fileURLToPath(new URL('../specs/logto-1.42.0.json', import.meta.url)), 'utf8');
const specToken = 'spec-token-e2e-4f1c';

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a command; never throws, so a test can assert on a failing exit code and its output. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ stdout, stderr, code });
      },
    );
  });
}

function ok(result: Run, what: string): Run {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  return result;
}

/**
 * Bare import specifiers reachable from `entry` through relative imports of the built JS
 * (static, re-exports and dynamic `import()`; TypeScript's scanner skips comments and strings).
 */
async function externalImports(entry: string): Promise<Set<string>> {
  const external = new Set<string>();
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const { importedFiles } = ts.preProcessFile(await readFile(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.')) pending.push(path.resolve(path.dirname(file), specifier));
      else external.add(specifier);
    }
  }
  return external;
}

let workspace: string;
let consumer: string;
let clientTarball: string;
let generatorTarball: string;
let testingTarball: string;
let clientFiles: string[];
let generatorFiles: string[];
let testingFiles: string[];
let specServer: Server;
let specUrl: string;
let specRequests: Array<string | undefined>;
let fake: FakeLogto;

const GENERATOR_TOOLS = ['typescript', 'prettier', 'ts-morph', '@ts-morph/common', 'openapi-typescript', '@redocly/openapi-core', 'yaml', 'logto-mgmt-generator'];
/** What the test kit brings; a production install has none of it. */
const TESTING_KIT = ['logto-mgmt-testing', 'openapi-backend', 'ajv'];

/** `npm pack` of one package of this repo (its `prepack` builds dist/): the tarball and its file list. */
async function pack(args: string[], what: string): Promise<{ tarball: string; files: string[] }> {
  const packed = ok(await run('npm', ['pack', '--json', '--pack-destination', workspace, ...args], { cwd: repo, timeoutMs: 240_000 }), what);
  const [manifest] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
  return { tarball: path.join(workspace, manifest.filename), files: manifest.files.map((file: { path: string }) => file.path) };
}

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'logto-mgmt-e2e-'));
  ({ tarball: clientTarball, files: clientFiles } = await pack([], 'npm pack (client)'));
  ({ tarball: generatorTarball, files: generatorFiles } = await pack(['--workspace', 'logto-mgmt-generator'], 'npm pack (generator)'));
  ({ tarball: testingTarball, files: testingFiles } = await pack(['--workspace', 'logto-mgmt-testing'], 'npm pack (testing)'));

  specRequests = [];
  specServer = createServer((request, response) => {
    specRequests.push(request.headers.authorization);
    if (request.url !== '/api/swagger.json') return void response.writeHead(404).end('Not Found');
    if (request.headers.authorization !== `Bearer ${specToken}`) return void response.writeHead(401).end('{"code":"auth.unauthorized"}');
    response.writeHead(200, { 'content-type': 'application/json' }).end(specText);
  });
  await new Promise<void>((resolve) => specServer.listen(0, '127.0.0.1', resolve));
  specUrl = `http://127.0.0.1:${(specServer.address() as AddressInfo).port}`;
  fake = await startFakeLogto();

  consumer = path.join(workspace, 'consumer-app');
  await mkdir(consumer);
  await writeFile(
    path.join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'consumer-app', private: true, type: 'module', scripts: { test: 'node build/main.js' } }, null, 2)}\n`,
  );
  // As a consumer on a new machine: the cache is used when it has what is needed, the registry
  // otherwise (`--offline` needs registry metadata that `npm ci` never caches: ENOTCACHED).
  const install = ['install', '--prefer-offline', '--no-audit', '--no-fund'];
  ok(await run('npm', [...install, '--save', clientTarball], { cwd: consumer, timeoutMs: 240_000 }), 'npm install <client tarball>');
  ok(await run('npm', [...install, '--save-dev', generatorTarball, testingTarball], { cwd: consumer, timeoutMs: 240_000 }), 'npm install -D <generator and testing tarballs>');
}, 600_000);

afterAll(async () => {
  await fake?.close();
  await new Promise((resolve) => specServer?.close(resolve));
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it('the client holds the runtime and the prebuilt client, and nothing of the generator, test/ or the sources', () => {
    expect(clientFiles).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/runtime/index.js', 'dist/runtime/index.d.ts', 'dist/generated/index.js', 'dist/runtime/store/redis.js']),
    );
    expect(clientFiles.filter((file) => !file.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(file))).toEqual([]);
    expect(clientFiles.filter((file) => /(^|\/)(test|generator)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts')))).toEqual([]);
  });

  it('the generator holds its bin and library, and nothing of the runtime, test/ or the sources', () => {
    expect(generatorFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/cli/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/pipeline/generate.js']));
    expect(generatorFiles.filter((file) => !file.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(file))).toEqual([]);
    expect(generatorFiles.filter((file) => /(^|\/)(test|runtime)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts')))).toEqual([]);
  });

  it('the test kit holds its build and the Logto spec it validates against, and nothing of test/ or the sources', () => {
    expect(testingFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/msw/handlers.js', 'spec/logto-1.42.0.json']));
    expect(testingFiles.filter((file) => !file.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE', 'spec/logto-1.42.0.json'].includes(file))).toEqual([]);
    expect(testingFiles.filter((file) => /(^|\/)(test|runtime|generator)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts')))).toEqual([]);
  });

  it('the client depends on openapi-fetch only; the generator carries the tools and asks for the client as an optional peer', async () => {
    const client = JSON.parse(await readFile(path.join(consumer, 'node_modules/logto-mgmt/package.json'), 'utf8'));
    const generator = JSON.parse(await readFile(path.join(consumer, 'node_modules/logto-mgmt-generator/package.json'), 'utf8'));
    expect(Object.keys(client.dependencies)).toEqual(['openapi-fetch']);
    expect(client.bin).toBeUndefined();
    expect(Object.keys(generator.dependencies).sort()).toEqual(['openapi-typescript', 'prettier', 'semver', 'ts-morph', 'typescript', 'yaml']);
    expect(generator.bin).toEqual({ 'logto-mgmt': './dist/cli/cli.js' });
    expect(generator.version).toBe(client.version);
    expect(generator.peerDependencies).toEqual({ 'logto-mgmt': `^${client.version}` });
    const consumerManifest = JSON.parse(await readFile(path.join(consumer, 'package.json'), 'utf8'));
    expect(Object.keys(consumerManifest.dependencies)).toEqual(['logto-mgmt']);
    expect(Object.keys(consumerManifest.devDependencies)).toEqual(['logto-mgmt-generator', 'logto-mgmt-testing']);
    const testing = JSON.parse(await readFile(path.join(consumer, 'node_modules/logto-mgmt-testing/package.json'), 'utf8'));
    expect(testing.version).toBe(client.version);
    expect(testing.peerDependenciesMeta).toEqual({ msw: { optional: true } });
  });

  it('its built runtime imports nothing but openapi-fetch, and the Redis entry no Redis library', async () => {
    const dist = path.join(consumer, 'node_modules/logto-mgmt/dist');
    expect([...(await externalImports(path.join(dist, 'runtime/index.js')))].sort()).toEqual(['openapi-fetch']);
    expect([...(await externalImports(path.join(dist, 'generated/index.js')))].sort()).toEqual(['openapi-fetch']);
    expect([...(await externalImports(path.join(dist, 'runtime/store/redis.js')))].sort()).toEqual(['node:crypto']);
  });

  it("keeps openapi-fetch's types out of the runtime's declarations: only the fetch-client entry names them", async () => {
    const runtime = path.join(consumer, 'node_modules/logto-mgmt/dist/runtime');
    const declarations = (await readdir(runtime, { recursive: true })).filter((file) => file.endsWith('.d.ts'));
    const naming: string[] = [];
    // An import of it, static or `import('openapi-fetch')` type (comments may name it).
    const importsIt = /from ['"]openapi-fetch['"]|import\(['"]openapi-fetch['"]\)/;
    for (const file of declarations) if (importsIt.test(await readFile(path.join(runtime, file), 'utf8'))) naming.push(file);
    expect(declarations.length).toBeGreaterThan(20);
    expect(naming).toEqual([path.join('client', 'fetch-client.d.ts')]);
  });

  it('resolves the entries of the exports maps from the consumer', async () => {
    const script = `
      const root = await import('logto-mgmt');
      const runtime = await import('logto-mgmt/runtime');
      const operations = await import('logto-mgmt/operations');
      const users = await import('logto-mgmt/operations/users');
      await import('logto-mgmt/schema');
      const redis = await import('logto-mgmt/redis');
      const fetchClient = await import('logto-mgmt/fetch-client');
      const generator = await import('logto-mgmt-generator');
      const testing = await import('logto-mgmt-testing');
      console.log(JSON.stringify({
        client: typeof root.createLogtoManagementClient,
        runtime: typeof runtime.defineOperation,
        usersList: typeof operations.users.list,
        usersGet: typeof users.get,
        redis: typeof redis.createRedisStore,
        fetchClient: typeof fetchClient.createFetchClient(root.createLogtoManagementClient({ endpoint: 'https://x.logto.app', getAccessToken: () => 't' }).raw).GET,
        generate: typeof generator.generate,
        diffSpecs: typeof generator.diffSpecs,
        startFakeLogto: typeof testing.startFakeLogto,
      }));`;
    const result = ok(await run('node', ['--input-type=module', '-e', script], { cwd: consumer }), 'import the exports maps');
    expect(JSON.parse(result.stdout)).toEqual({
      client: 'function', runtime: 'function', usersList: 'function', usersGet: 'function', redis: 'function', fetchClient: 'function', generate: 'function', diffSpecs: 'function', startFakeLogto: 'function',
    });
  });

  it('passes publint and arethetypeswrong (ESM-only), all three packages', async () => {
    const bin = (name: string) => path.join(repo, 'node_modules/.bin', name);
    for (const name of ['logto-mgmt', 'logto-mgmt-generator', 'logto-mgmt-testing']) {
      const lint = ok(await run(bin('publint'), ['--strict', path.join(consumer, 'node_modules', name)], { cwd: repo }), `publint ${name}`);
      expect(lint.stdout + lint.stderr).not.toMatch(/error|warning|suggestion/i);
    }
    for (const tarball of [clientTarball, generatorTarball, testingTarball]) {
      ok(await run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], { cwd: repo, timeoutMs: 180_000 }), `attw ${path.basename(tarball)}`);
    }
  }, 300_000);
});

describe('a consumer repo', () => {
  it('init writes the config and a "generate" script, and sees both packages installed', async () => {
    const result = ok(
      await run('npx', ['--no-install', 'logto-mgmt', 'init', '--endpoint', specUrl, '--header', 'Authorization: Bearer ${SPEC_TOKEN}', '--output', 'src/logto'], { cwd: consumer }),
      'logto-mgmt init',
    );
    expect(result.stdout + result.stderr).toContain('added "generate": "logto-mgmt generate"');
    expect(result.stdout + result.stderr).not.toMatch(/npm install/);
    const config = JSON.parse(await readFile(path.join(consumer, 'logto-mgmt.config.json'), 'utf8'));
    expect(config).toEqual({
      source: { type: 'self-hosted', endpoint: specUrl, headers: { Authorization: 'Bearer ${SPEC_TOKEN}' } },
      output: 'src/logto',
    });
    const manifest = JSON.parse(await readFile(path.join(consumer, 'package.json'), 'utf8'));
    expect(manifest.scripts).toEqual({ test: 'node build/main.js', generate: 'logto-mgmt generate' });
  });

  it('npm run generate pulls the spec with the header from the environment and writes a client that imports logto-mgmt/runtime', async () => {
    const missing = await run('npm', ['run', 'generate'], { cwd: consumer, env: { SPEC_TOKEN: '' } });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('needs the environment variable SPEC_TOKEN, which is not set');

    const generated = ok(await run('npm', ['run', 'generate'], { cwd: consumer, env: { SPEC_TOKEN: specToken }, timeoutMs: 180_000 }), 'npm run generate');
    expect(generated.stderr).not.toMatch(/warning: logto-mgmt/); // the installed runtime is in range
    expect(specRequests.at(-1)).toBe(`Bearer ${specToken}`);

    const out = path.join(consumer, 'src/logto');
    const files = await readdir(out, { recursive: true });
    expect(files).toEqual(expect.arrayContaining(['client.ts', 'index.ts', 'schema.ts', 'spec.json', 'spec.lock.json', 'operations/users.ts']));
    expect(files.filter((file) => file.startsWith('runtime'))).toEqual([]);
    const users = await readFile(path.join(out, 'operations/users.ts'), 'utf8');
    expect(users).toMatch(/from ['"]logto-mgmt\/runtime['"]/);
    expect(users).not.toMatch(/from ['"]\.\.?\/.*runtime/);
    // The bodies the consumer's tsc need not re-check; the entry that re-exports stays checked.
    expect(users.split('\n')[1]).toMatch(/^\/\/ @ts-nocheck\b/);
    expect((await readFile(path.join(out, 'schema.ts'), 'utf8')).split('\n')[1]).toMatch(/^\/\/ @ts-nocheck\b/);
    expect(await readFile(path.join(out, 'index.ts'), 'utf8')).not.toContain('@ts-nocheck');
    const lock = JSON.parse(await readFile(path.join(out, 'spec.lock.json'), 'utf8'));
    const { version } = JSON.parse(await readFile(path.join(consumer, 'node_modules/logto-mgmt/package.json'), 'utf8'));
    expect(lock).toMatchObject({ generator: `logto-mgmt-generator@${version}`, runtime: `logto-mgmt@^${version}`, runtimeImport: 'logto-mgmt/runtime' });
  }, 240_000);

  it('a second generate with the same spec takes the no-change fast path and rewrites nothing', async () => {
    const before = await readFile(path.join(consumer, 'src/logto/spec.lock.json'), 'utf8');
    const again = ok(await run('npm', ['run', 'generate'], { cwd: consumer, env: { SPEC_TOKEN: specToken } }), 'second generate');
    expect(again.stderr).toMatch(/up to date .*nothing written/);
    expect(again.stderr).not.toMatch(/emit types|format /);
    expect(await readFile(path.join(consumer, 'src/logto/spec.lock.json'), 'utf8')).toBe(before);
  }, 60_000);

  it('--check --force regenerates in memory and finds src/logto/ exactly as written', async () => {
    const check = ok(await run('npm', ['run', 'generate', '--', '--check', '--offline', '--force'], { cwd: consumer, env: { SPEC_TOKEN: specToken }, timeoutMs: 180_000 }), 'generate --check --force');
    expect(check.stderr).toMatch(/check-passed/);
  }, 240_000);

  it('type-checks a consumer file and rejects a wrong call', async () => {
    await writeFile(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, outDir: 'build', rootDir: 'src', lib: ['ES2022', 'DOM'] },
        include: ['src/main.ts', 'src/wrong.ts'],
      }),
    );
    await writeFile(path.join(consumer, 'src/main.ts'), CONSUMER_MAIN);
    await writeFile(path.join(consumer, 'src/wrong.ts'), CONSUMER_WRONG);
    // One tsc run (the generated schema is large), with the TypeScript the generator brought
    // in: the only errors must be wrong.ts's; tsc still emits build/main.js for the next step.
    const tsc = await run('node', [path.join(consumer, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: consumer, timeoutMs: 240_000 });
    const errorLines = tsc.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errorLines.length, tsc.stdout + tsc.stderr).toBeGreaterThan(0);
    expect(errorLines.filter((line) => !line.startsWith('src/wrong.ts'))).toEqual([]);
    expect(tsc.stdout).toMatch(/src\/wrong\.ts\(4,\d+\): error TS\d+: Object literal may only specify known properties, (and|but) 'user_id' does not exist/);
  }, 300_000);

  it('type-checks the same under Bundler resolution with allowJs and skipLibCheck off: only the wrong call fails', async () => {
    await writeFile(
      path.join(consumer, 'tsconfig.bundler.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, allowJs: true, skipLibCheck: false, noEmit: true, types: [], lib: ['ES2022', 'DOM'] },
        include: ['src'],
      }),
    );
    const tsc = await run('node', [path.join(consumer, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.bundler.json'], { cwd: consumer, timeoutMs: 240_000 });
    const errorLines = tsc.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errorLines.length, tsc.stdout + tsc.stderr).toBe(1);
    expect(errorLines[0]).toMatch(/^src\/wrong\.ts\(4,\d+\): error TS\d+: Object literal may only specify known properties, (and|but) 'user_id' does not exist/);
  }, 300_000);

  it("runs the consumer's node:test suite against the fake Logto of the packed test kit", async () => {
    await mkdir(path.join(consumer, 'test'), { recursive: true });
    await writeFile(path.join(consumer, 'test/provisioning.test.mjs'), CONSUMER_KIT_TEST);
    const result = await run('node', ['--test', 'test/'], { cwd: consumer, timeoutMs: 120_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/# pass 2/);
    expect(result.stdout).toMatch(/# fail 0/);
  }, 180_000);

  it("runs the consumer's jest suite (ESM, --experimental-vm-modules) against the same packed kit", async () => {
    ok(await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', 'jest@30'], { cwd: consumer, timeoutMs: 240_000 }), 'npm install -D jest');
    await mkdir(path.join(consumer, 'jest'), { recursive: true });
    await writeFile(path.join(consumer, 'jest/provisioning.test.mjs'), CONSUMER_JEST_TEST);
    await writeFile(path.join(consumer, 'jest.config.mjs'), "export default { testEnvironment: 'node', transform: {}, roots: ['<rootDir>/jest'], testMatch: ['**/*.test.mjs'] };\n");
    const result = await run('node', ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--ci'], { cwd: consumer, timeoutMs: 180_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Tests:\s+2 passed, 2 total/);
  }, 300_000);

  it('after `npm prune --omit=dev` has no generator tool left, and the compiled consumer runs against the fake Logto', async () => {
    ok(await run('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund'], { cwd: consumer, timeoutMs: 180_000 }), 'npm prune --omit=dev');
    const installed = await readdir(path.join(consumer, 'node_modules'), { recursive: true });
    const left = [...GENERATOR_TOOLS, ...TESTING_KIT, 'jest'].filter((name) => installed.includes(name));
    expect(left).toEqual([]);
    expect(installed).toEqual(expect.arrayContaining(['logto-mgmt', 'openapi-fetch']));

    const result = ok(
      await run('npm', ['test'], {
        cwd: consumer,
        env: { LOGTO_ENDPOINT: fake.url, LOGTO_CLIENT_ID: fake.clientId, LOGTO_CLIENT_SECRET: fake.clientSecret, LOGTO_RESOURCE: fake.resource },
      }),
      'the consumer program',
    );
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ createdUsername: 'e2e_consumer', fetchedUsername: 'e2e_consumer' });
    expect(summary.listed).toBeGreaterThan(0);
  }, 240_000);
});

const CONSUMER_MAIN = `import { createLogtoManagementClient, users } from './logto/index.js';

// The consumer project has no @types/node: declare the one global this file reads.
declare const process: { env: Record<string, string | undefined> };

const client = createLogtoManagementClient({
  endpoint: process.env.LOGTO_ENDPOINT!,
  clientId: process.env.LOGTO_CLIENT_ID!,
  clientSecret: process.env.LOGTO_CLIENT_SECRET!,
  resource: process.env.LOGTO_RESOURCE!,
});

const created = await client.users.create({ body: { username: 'e2e_consumer', name: 'E2E consumer' } });
const fetched = await users.get(client.raw, { path: { userId: created.id } });
const page = await client.users.list({ query: { page: 1, page_size: 5 } });
const createdUsername: string | null = created.username;
console.log(JSON.stringify({ createdUsername, fetchedUsername: fetched.username, listed: page.length }));
`;

const CONSUMER_WRONG = `import { createLogtoManagementClient } from './logto/index.js';

const client = createLogtoManagementClient({ endpoint: 'http://127.0.0.1:1' } as never);
await client.users.get({ path: { user_id: 'x' } });
`;

/** The same consumer test under jest (globals, ESM through --experimental-vm-modules). */
const CONSUMER_JEST_TEST = `import { startFakeLogto } from 'logto-mgmt-testing';
import { createLogtoManagementClient } from '../build/logto/index.js';

let logto;
beforeAll(async () => {
  logto = await startFakeLogto({ seed: { users: [{ username: 'existing' }] } });
});
afterAll(() => logto.close());

test('provisions a user, and a second one with the same name is a 422', async () => {
  const client = createLogtoManagementClient({ ...logto.credentials, maxRetries: 0 });
  const created = await client.users.create({ body: { username: 'from_jest' } });
  expect(created.id).toMatch(/^[a-z0-9]{12}$/);
  await expect(client.users.create({ body: { username: 'from_jest' } })).rejects.toMatchObject({ status: 422, code: 'user.username_already_in_use' });
  expect((await client.users.list()).map((user) => user.username).sort()).toEqual(['existing', 'from_jest']);
});

test('a 429 from the fake reaches the caller with its Retry-After', async () => {
  const client = createLogtoManagementClient({ ...logto.credentials, maxRetries: 0 });
  logto.enqueueFault({ type: 'rate-limit', retryAfter: 2 }, { match: { operationId: 'ListUsers' } });
  await expect(client.users.list()).rejects.toMatchObject({ status: 429, retryAfterMs: 2000 });
});
`;

/** A consumer's own test of its provisioning code, with node:test and the packed kit. */
const CONSUMER_KIT_TEST = `import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeLogto } from 'logto-mgmt-testing';
import { createLogtoManagementClient } from '../build/logto/index.js';

let logto;
before(async () => {
  logto = await startFakeLogto({ seed: { users: [{ username: 'existing' }] } });
});
after(() => logto.close());

test('provisions a user, and a second one with the same name is a 422', async () => {
  const client = createLogtoManagementClient({ ...logto.credentials, maxRetries: 0 });
  const created = await client.users.create({ body: { username: 'from_node_test' } });
  assert.match(created.id, /^[a-z0-9]{12}$/);
  await assert.rejects(client.users.create({ body: { username: 'from_node_test' } }), (error) => error.status === 422 && error.code === 'user.username_already_in_use');
  assert.deepEqual((await client.users.list()).map((user) => user.username).sort(), ['existing', 'from_node_test']);
  assert.equal(logto.requests.filter((request) => request.operationId === 'CreateUser').length, 2);
});

test('a 429 from the fake reaches the caller with its Retry-After', async () => {
  const client = createLogtoManagementClient({ ...logto.credentials, maxRetries: 0 });
  logto.enqueueFault({ type: 'rate-limit', retryAfter: 2 }, { match: { operationId: 'ListUsers' } });
  await assert.rejects(client.users.list(), (error) => error.status === 429 && error.retryAfterMs === 2000);
});
`;
