/**
 * The package as a consumer gets it: `npm pack` this repo, install the tarball into a fresh
 * project (as on a new machine: the registry is reachable, the npm cache may be cold), `npx logto-mgmt init`, `npm run generate` against a
 * spec served by a loopback server that demands a token, type-check a consumer file (and
 * prove a wrong call fails to type-check), then run it against the fake Logto.
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
import { startFakeLogto, type FakeLogto } from '../fake-logto/index.js';

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
let tarball: string;
let packedFiles: string[];
let specServer: Server;
let specUrl: string;
let specRequests: Array<string | undefined>;
let fake: FakeLogto;

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'logto-mgmt-e2e-'));
  // `npm pack` runs `prepack` (the tsc build into dist/) and prints the packed file list.
  const packed = ok(await run('npm', ['pack', '--json', '--pack-destination', workspace], { cwd: repo, timeoutMs: 180_000 }), 'npm pack');
  const [manifest] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
  tarball = path.join(workspace, manifest.filename);
  packedFiles = manifest.files.map((file: { path: string }) => file.path);

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
  ok(
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save', tarball], { cwd: consumer, timeoutMs: 180_000 }),
    'npm install --prefer-offline <tarball>',
  );
}, 400_000);

afterAll(async () => {
  await fake?.close();
  await new Promise((resolve) => specServer?.close(resolve));
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('contains dist, README, LICENSE and package.json, and nothing from test/ or the sources', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/runtime/index.js', 'dist/runtime/index.d.ts']));
    expect(packedFiles.filter((file) => !file.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(file))).toEqual([]);
    expect(packedFiles.filter((file) => /(^|\/)test\//.test(file) || file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('its built runtime imports nothing but openapi-fetch, and the Redis entry no Redis library', async () => {
    const dist = path.join(consumer, 'node_modules/logto-mgmt/dist');
    expect([...(await externalImports(path.join(dist, 'runtime/index.js')))].sort()).toEqual(['openapi-fetch']);
    expect([...(await externalImports(path.join(dist, 'generated/index.js')))].sort()).toEqual(['openapi-fetch']);
    expect([...(await externalImports(path.join(dist, 'runtime/store/redis.js')))].sort()).toEqual(['node:crypto']);
  });

  it('resolves every entry of its exports map from the consumer', async () => {
    const script = `
      const root = await import('logto-mgmt');
      const runtime = await import('logto-mgmt/runtime');
      const operations = await import('logto-mgmt/operations');
      await import('logto-mgmt/schema');
      const redis = await import('logto-mgmt/redis');
      const generator = await import('logto-mgmt/generator');
      console.log(JSON.stringify({
        client: typeof root.createLogtoManagementClient,
        runtime: typeof runtime.defineOperation,
        usersList: typeof operations.users.list,
        redis: typeof redis.createRedisStore,
        diffSpecs: typeof generator.diffSpecs,
      }));`;
    const result = ok(await run('node', ['--input-type=module', '-e', script], { cwd: consumer }), 'import the exports map');
    expect(JSON.parse(result.stdout)).toEqual({ client: 'function', runtime: 'function', usersList: 'function', redis: 'function', diffSpecs: 'function' });
  });
});

describe('a consumer repo', () => {
  it('init writes the config and a "generate" script', async () => {
    const result = ok(
      await run('npx', ['--no-install', 'logto-mgmt', 'init', '--endpoint', specUrl, '--header', 'Authorization: Bearer ${SPEC_TOKEN}', '--output', 'src/logto'], { cwd: consumer }),
      'logto-mgmt init',
    );
    expect(result.stdout + result.stderr).toContain('added "generate": "logto-mgmt generate"');
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

    ok(await run('npm', ['run', 'generate'], { cwd: consumer, env: { SPEC_TOKEN: specToken }, timeoutMs: 180_000 }), 'npm run generate');
    expect(specRequests.at(-1)).toBe(`Bearer ${specToken}`);

    const out = path.join(consumer, 'src/logto');
    const files = await readdir(out, { recursive: true });
    expect(files).toEqual(expect.arrayContaining(['client.ts', 'index.ts', 'schema.ts', 'spec.json', 'spec.lock.json', 'operations/users.ts']));
    expect(files.filter((file) => file.startsWith('runtime'))).toEqual([]);
    const users = await readFile(path.join(out, 'operations/users.ts'), 'utf8');
    expect(users).toMatch(/from ['"]logto-mgmt\/runtime['"]/);
    expect(users).not.toMatch(/from ['"]\.\.?\/.*runtime/);
  }, 240_000);

  it('a second generate with the same spec changes nothing and reports no API changes', async () => {
    const before = await readFile(path.join(consumer, 'src/logto/spec.lock.json'), 'utf8');
    const again = ok(await run('npm', ['run', 'generate'], { cwd: consumer, env: { SPEC_TOKEN: specToken } }), 'second generate');
    expect(again.stderr).toMatch(/up to date|no API changes/);
    expect(await readFile(path.join(consumer, 'src/logto/spec.lock.json'), 'utf8')).toBe(before);
  }, 60_000);

  it('type-checks a consumer file, rejects a wrong call, and runs against the fake Logto', async () => {
    await writeFile(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, outDir: 'build', rootDir: 'src', lib: ['ES2022', 'DOM'] },
        include: ['src/main.ts', 'src/wrong.ts'],
      }),
    );
    await writeFile(path.join(consumer, 'src/main.ts'), CONSUMER_MAIN);
    await writeFile(path.join(consumer, 'src/wrong.ts'), CONSUMER_WRONG);
    // One tsc run (the generated schema is large): the only errors must be wrong.ts's; tsc
    // still emits build/main.js, which the next step runs.
    const tsc = await run('node', [path.join(consumer, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: consumer, timeoutMs: 240_000 });
    const errorLines = tsc.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errorLines.length, tsc.stdout + tsc.stderr).toBeGreaterThan(0);
    expect(errorLines.filter((line) => !line.startsWith('src/wrong.ts'))).toEqual([]);
    expect(tsc.stdout).toMatch(/src\/wrong\.ts\(4,\d+\): error TS\d+: Object literal may only specify known properties, (and|but) 'user_id' does not exist/);

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
  }, 300_000);
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
