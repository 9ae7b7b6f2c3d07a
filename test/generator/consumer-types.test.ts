/**
 * What a consumer's tsc makes of a generated client: the mini fixture generated into a consumer
 * repo's `src/logto/` (importing `logto-mgmt/runtime`, installed as declarations the way the
 * package ships them), compiled with tsc under NodeNext and Bundler resolution, with and without
 * `allowJs` and `skipLibCheck`. The generated schema, tag modules and client.ts carry
 * `// @ts-nocheck` (tsc does not re-check their bodies); these tests prove that costs no
 * precision: every type is exact, and every misuse is still an error, with the message it
 * always had.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_CHECK_DIRECTIVE } from '../../generator/pipeline/banner.js';
import { generate } from '../../generator/pipeline/generate.js';
import { FIXTURES, REPO_ROOT } from './workspace.js';
import { typecheck } from './typecheck.js';

/** Exact types of what the consumer gets back, and misuses that must not compile. */
const USES = `import { createLogtoManagementClient, users, userAssets, type Operation, type PaginatedOperation, type operations } from './logto/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | void {}
type User = { id: string; username: string | null };

// The wrappers' own types, as the schema spells them: not widened, not any.
expectType<Equal<typeof users.get, Operation<{ path: operations['GetUser']['parameters']['path'] }, operations['GetUser']['responses'][200]['content']['application/json']>>>();
expectType<Equal<typeof users.list, PaginatedOperation<{ query?: operations['ListUsers']['parameters']['query'] }, User>>>();

export async function calls() {
  const client = createLogtoManagementClient({ endpoint: 'http://127.0.0.1:1', clientId: 'id', clientSecret: 'secret' });
  const user = await client.users.get({ path: { userId: 'u1' } });
  expectType<Equal<typeof user, User>>();
  const page = await client.users.list({ query: { page: 1, page_size: 20, isSuspended: 'false' } });
  expectType<Equal<typeof page, User[]>>();
  for await (const each of client.users.list.iterate()) expectType<Equal<typeof each, User>>();
  const created = await users.create(client.raw, { body: { username: 'a', redirectUris: ['https://app.example/cb'] } });
  expectType<Equal<typeof created, User>>();
  const asset = await userAssets.create(client.raw, { body: new FormData() });
  expectType<Equal<typeof asset, { url: string }>>();
  expectType<Equal<Awaited<ReturnType<typeof client.status.get>>, void>>();
  expectType<Equal<Awaited<ReturnType<typeof client.users.delete>>, void>>();

  // @ts-expect-error the path parameter is required
  void client.users.get();
  // @ts-expect-error userId is a string
  void client.users.get({ path: { userId: 42 } });
  // @ts-expect-error isSuspended is 'true' | 'false'
  void client.users.list({ query: { isSuspended: 'yes' } });
  // @ts-expect-error the body is required
  void client.users.create();
  // @ts-expect-error there is no such method
  void client.users.fetchEverything;
  // @ts-expect-error nor such a namespace
  void client.people;
}
`;

/** Mistakes whose exact errors the consumer must see: the same as when tsc checked every generated file. */
const WRONG = `import { createLogtoManagementClient, users } from './logto/index.js';

const client = createLogtoManagementClient({ endpoint: 'http://127.0.0.1:1', clientId: 'id', clientSecret: 'secret' });
await client.users.get({ path: { user_id: 'u1' } });
await users.create(client.raw, { body: { username: 7 } });
export const name: number = (await client.users.get({ path: { userId: 'u1' } })).username;
`;

const WRONG_ERRORS = [
  "src/wrong.ts(4,34): error TS2561: Object literal may only specify known properties, but 'user_id' does not exist in type '{ userId: string; }'. Did you mean to write 'userId'?",
  "src/wrong.ts(5,42): error TS2322: Type 'number' is not assignable to type 'string'.",
  "src/wrong.ts(6,14): error TS2322: Type 'string | null' is not assignable to type 'number'.  Type 'null' is not assignable to type 'number'.",
];

const VARIANTS = [
  { module: 'NodeNext', moduleResolution: 'NodeNext', allowJs: false, skipLibCheck: true },
  { module: 'NodeNext', moduleResolution: 'NodeNext', allowJs: true, skipLibCheck: false },
  { module: 'ESNext', moduleResolution: 'Bundler', allowJs: false, skipLibCheck: true },
  { module: 'ESNext', moduleResolution: 'Bundler', allowJs: true, skipLibCheck: true },
  { module: 'ESNext', moduleResolution: 'Bundler', allowJs: true, skipLibCheck: false },
] as const;

let root: string;
let out: string;

/** A consumer's tsconfig: strict, `include` of all of src/ (so allowJs would pick up any .js there). */
async function writeTsconfig(name: string, compilerOptions: Record<string, unknown>, include = ['src']): Promise<string> {
  const file = join(root, name);
  const options = { target: 'ES2022', lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: [], strict: true, noEmit: true, ...compilerOptions };
  await writeFile(file, JSON.stringify({ compilerOptions: options, include }, null, 2));
  return file;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'logto-mgmt-consumer-types-'));
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }));

  // logto-mgmt as npm installs it: package.json and the runtime's declarations (what the
  // consumer's tsc reads), next to the openapi-fetch it depends on.
  const installed = join(root, 'node_modules', 'logto-mgmt');
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8'));
  await mkdir(installed, { recursive: true });
  await writeFile(
    join(installed, 'package.json'),
    JSON.stringify({ name: manifest.name, version: manifest.version, type: 'module', exports: { './runtime': manifest.exports['./runtime'], './package.json': './package.json' } }),
  );
  await symlink(join(REPO_ROOT, 'node_modules', 'openapi-fetch'), join(root, 'node_modules', 'openapi-fetch'), 'dir');
  const build = ts.getParsedCommandLineOfConfigFile(join(REPO_ROOT, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram([join(REPO_ROOT, 'runtime', 'index.ts')], {
    ...build.options,
    outDir: join(installed, 'dist'),
    emitDeclarationOnly: true,
  });
  const emitted = program.emit();
  expect(emitted.diagnostics).toEqual([]);

  await writeFile(join(root, 'spec.json'), await readFile(join(FIXTURES, 'mini', 'spec.json')));
  const result = await generate({ cwd: root, spec: 'spec.json', out: 'src/logto', log: () => {} });
  expect(result.warnings.filter((warning) => !warning.includes('has no operationId'))).toEqual([]);
  out = join(root, 'src', 'logto');
  await writeFile(join(root, 'src', 'uses.ts'), USES);
}, 180_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("a consumer repo's generated client", { timeout: 120_000 }, () => {
  it('imports the installed runtime, and marks the schema, the tag modules and client.ts @ts-nocheck, not the re-export files', async () => {
    expect(JSON.parse(await readFile(join(out, 'spec.lock.json'), 'utf8')).runtimeImport).toBe('logto-mgmt/runtime');
    const sources = (await readdir(out, { recursive: true })).filter((path) => path.endsWith('.ts')).sort();
    const unchecked: string[] = [];
    for (const path of sources) {
      const [banner, second] = (await readFile(join(out, path), 'utf8')).split('\n');
      expect(banner, path).toMatch(/^\/\/ generated by logto-mgmt from [0-9a-f]{64} — do not edit$/);
      if (`${second}\n` === NO_CHECK_DIRECTIVE) unchecked.push(path);
    }
    expect(sources.filter((path) => !unchecked.includes(path))).toEqual(['index.ts', 'operations/index.ts']);
    expect(unchecked).toEqual(expect.arrayContaining(['schema.ts', 'client.ts', 'operations/users.ts']));
  });

  it.each(VARIANTS)('compiles with exact types and rejects every misuse: module $module, moduleResolution $moduleResolution, allowJs $allowJs, skipLibCheck $skipLibCheck', async (options) => {
    await writeFile(join(root, 'src', 'wrong.ts'), WRONG);
    const tsconfig = await writeTsconfig(`tsconfig.${options.moduleResolution}.${options.allowJs}.${options.skipLibCheck}.json`, options);
    const { errors } = typecheck(tsconfig);
    expect(errors).toEqual(WRONG_ERRORS);
  });

  it('type-checks its generated code too, with @ts-nocheck removed: the line hides no error, and the consumer sees the same errors', async () => {
    await writeFile(join(root, 'src', 'wrong.ts'), WRONG);
    const tsconfig = await writeTsconfig('tsconfig.generated.json', { module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: false });
    const { errors, uncheckedFiles } = typecheck(tsconfig, { checkGenerated: true });
    expect(errors).toEqual(WRONG_ERRORS);
    expect(uncheckedFiles.map((file) => file.slice(out.length + 1)).sort()).toEqual(
      (await readdir(out, { recursive: true })).filter((path) => path.endsWith('.ts') && !path.endsWith('index.ts')).sort(),
    );
  });

  it('still reports a runtime it cannot resolve, in the checked index.ts', async () => {
    // Node10 resolution ignores the exports map, so `logto-mgmt/runtime` does not resolve.
    const tsconfig = await writeTsconfig('tsconfig.node10.json', { module: 'ES2022', moduleResolution: 'Node10', skipLibCheck: true }, ['src/uses.ts']);
    const { errors } = typecheck(tsconfig);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/^src\/logto\/index\.ts\(\d+,\d+\): error TS2307: Cannot find module 'logto-mgmt\/runtime'/)]));
  });
});
