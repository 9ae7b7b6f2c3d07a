/**
 * The real Logto 1.42 spec, end to end: generate into a fresh directory, compile the result
 * with tsc (its `// @ts-nocheck` lines removed, so every wrapper body is checked) together
 * with a consumer that calls three operations (and misuses some, which must not compile) and
 * a file proving our types are more precise than openapi-typescript's alone; then run the
 * consumer against the fake Logto server, so the wrappers really send HTTP.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';
import { generate, type GenerateResult } from '../../generator/pipeline/generate.js';
import { uncheckedTsBanner } from '../../generator/pipeline/banner.js';
import { typecheck } from './typecheck.js';
import { LOGTO_SPEC, REPO_ROOT, quiet, snapshot, workspace } from './workspace.js';

const CONSUMER = `
import { createLogtoManagementClient, users } from './generated/index.js';

/** Three operations through the bound client, one through the tree-shakeable form. */
export async function threeCalls(endpoint: string, token: string) {
  const client = createLogtoManagementClient({ endpoint, getAccessToken: () => token });
  const created = await client.users.create({ body: { username: 'consumer_1', primaryEmail: 'consumer1@example.com' } });
  const id: string = created.id;
  const fetched = await client.users.get({ path: { userId: id } });
  const username: string | null = fetched.username;
  const page = await users.list(client.raw, { query: { page: 1, page_size: 5 } });
  const firstId: string | undefined = page[0]?.id;
  const listed = await client.users.list();
  return { id, username, firstId, total: listed.length };
}

export function misuse(client: ReturnType<typeof createLogtoManagementClient>) {
  // @ts-expect-error the path parameter is required
  void client.users.get();
  // @ts-expect-error userId is a string
  void client.users.get({ path: { userId: 42 } });
  // @ts-expect-error there is no such method
  void client.users.fetchEverything;
  // @ts-expect-error the body is required for createUser
  void client.users.create();
  // @ts-expect-error unknown key in a params object
  void client.users.list({ querry: {} });
}
`;

const PRECISION = `
import type { operations as Ours } from './generated/schema.js';
import type { operations as Plain } from './plain-schema.js';

// zod literal \`type: string, format: '"email"'\`
type OurIdentifierType = Ours['VerifyOneTimeTokenVerification']['requestBody']['content']['application/json']['identifier']['type'];
type PlainIdentifierType = Plain['VerifyOneTimeTokenVerification']['requestBody']['content']['application/json']['identifier']['type'];
export const plainAcceptsAnyString: PlainIdentifierType = 'phone';
// @ts-expect-error only the literal 'email' is allowed
export const oursRejectsOtherStrings: OurIdentifierType = 'phone';
export const oursAcceptsTheLiteral: OurIdentifierType = 'email';

// oneOf of string literals "true"/"false" in a query parameter
type OurIsThirdParty = NonNullable<Ours['ListApplications']['parameters']['query']>['isThirdParty'];
type PlainIsThirdParty = NonNullable<Plain['ListApplications']['parameters']['query']>['isThirdParty'];
export const plainAcceptsYes: PlainIsThirdParty = 'yes';
// @ts-expect-error only 'true' | 'false'
export const oursRejectsYes: OurIsThirdParty = 'yes';

// items typed object "Validator function" are strings (redirect URIs)
type OurRedirectUris = NonNullable<Ours['CreateApplication']['requestBody']['content']['application/json']['oidcClientMetadata']>['redirectUris'];
type PlainRedirectUris = NonNullable<Plain['CreateApplication']['requestBody']['content']['application/json']['oidcClientMetadata']>['redirectUris'];
export const oursTakesStrings: OurRedirectUris = ['https://app.example.com/callback'];
// @ts-expect-error openapi-typescript alone wants objects here
export const plainRejectsStrings: PlainRedirectUris = ['https://app.example.com/callback'];
`;

let dir: string;
let result: GenerateResult;
let fake: FakeLogto | undefined;

beforeAll(async () => {
  dir = await workspace({}, join(REPO_ROOT, '.tmp'));
  result = await generate(quiet(dir, { spec: relative(dir, LOGTO_SPEC), runtimeImport: undefined }));
}, 180_000);

afterAll(async () => {
  await fake?.close();
});

describe('the real Logto spec', () => {
  it('generates one wrapper per operation: 359 operations, 40 tags, 28 paginated', async () => {
    expect(result).toMatchObject({ status: 'written', operations: 359, tags: 40, paginated: 28 });
    const spec = JSON.parse(await readFile(LOGTO_SPEC, 'utf8'));
    const ids: string[] = Object.values(spec.paths).flatMap((item) => Object.values(item as object).map((op) => op.operationId));
    const files = await snapshot(join(dir, 'generated'));
    const modules = [...files].filter(([path]) => path.startsWith('operations/') && path !== 'operations/index.ts');
    expect(modules).toHaveLength(40);
    const wrapperIds = modules.flatMap(([, { text }]) => [...text.matchAll(/\bid: '([^']+)'/g)].map((match) => match[1]));
    expect(wrapperIds.sort()).toEqual([...ids].sort());
    const index = files.get('OPERATIONS.md')!.text;
    expect(index.match(/^\| `[a-zA-Z]+\.[a-zA-Z_$]+` /gm)).toHaveLength(359);
  });

  it('derives names from tags and operationIds', async () => {
    const names = JSON.parse(await readFile(join(dir, 'generated', 'name-map.json'), 'utf8'));
    expect(names.ListUsers).toEqual({ namespace: 'users', method: 'list' });
    expect(names.ListUserCustomData).toEqual({ namespace: 'users', method: 'listCustomData' });
    expect(names.UpdateUserCustomData).toEqual({ namespace: 'users', method: 'updateCustomData' });
    expect(names.ListApplicationRoles).toEqual({ namespace: 'applications', method: 'listRoles' });
    expect(names.ListOrganizationRoleScopes).toEqual({ namespace: 'organizationRoles', method: 'listScopes' });
    expect(names.CreateSsoConnector).toEqual({ namespace: 'ssoConnectors', method: 'create' });
    expect(names.GetSignInExp).toEqual({ namespace: 'signInExperience', method: 'get' });
    expect(names.ListLogs).toEqual({ namespace: 'auditLogs', method: 'list' });
  });

  it('carries security, pagination and body encoding in each descriptor', async () => {
    const read = (module: string) => readFile(join(dir, 'generated', 'operations', `${module}.ts`), 'utf8');
    expect(await read('users')).toMatch(/id: 'ListUsers',\s+method: 'GET',\s+path: '\/api\/users',\s+security: 'm2m',\s+paginated: true,\s+body: 'none'/);
    expect(await read('status')).toMatch(/security: 'none'/);
    expect(await read('my-account')).not.toMatch(/security: '(m2m|none)'/);
    expect(await read('user-assets')).toMatch(/id: 'CreateUserAsset',[^)]*body: 'multipart'/);
    expect(await read('applications')).toMatch(/id: 'ListApplicationUserConsentOrganizations',[^)]*paginated: false/);
  });

  it('compiles with tsc, with a consumer calling three operations and a precision check against openapi-typescript alone', async () => {
    const { default: openapiTS, astToString } = await import('openapi-typescript');
    const plain = astToString(await openapiTS(JSON.parse(await readFile(LOGTO_SPEC, 'utf8')), { silent: true }));
    await writeFile(join(dir, 'plain-schema.ts'), plain);
    await writeFile(join(dir, 'consumer.ts'), CONSUMER);
    await writeFile(join(dir, 'precision.ts'), PRECISION);
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: relative(dir, join(REPO_ROOT, 'tsconfig.json')),
        compilerOptions: { noEmit: true, types: ['node'], typeRoots: [relative(dir, join(REPO_ROOT, 'node_modules', '@types'))] },
        include: ['generated', 'consumer.ts', 'precision.ts', 'plain-schema.ts'],
      }),
    );
    // The generated code too: its `// @ts-nocheck` lines removed, every wrapper body is checked.
    const { errors, uncheckedFiles } = typecheck(join(dir, 'tsconfig.json'), { checkGenerated: true });
    expect(errors).toEqual([]);
    expect(uncheckedFiles).toHaveLength(42); // schema.ts, client.ts, 40 tag modules
  }, 300_000);

  it('writes schema.ts (formatted in pieces, and on worker threads) and OPERATIONS.md (in prettier’s layout, not formatted) exactly as prettier gives the whole file', async () => {
    const { sortKeys } = await import('../../generator/pipeline/pin-spec.js');
    const { validateSpec } = await import('../../generator/pipeline/validate-spec.js');
    const { normaliseSpec } = await import('../../generator/pipeline/normalise-spec.js');
    const { LOGTO_PATCHES } = await import('../../generator/pipeline/patches.js');
    const { emitTypes } = await import('../../generator/pipeline/emit-types.js');
    const { formatTexts, PRETTIER_OPTIONS } = await import('../../generator/pipeline/format.js');
    const prettier = await import('prettier');
    const document = sortKeys(JSON.parse(await readFile(LOGTO_SPEC, 'utf8')));
    const normalised = normaliseSpec(validateSpec(document, 'spec.json'), LOGTO_PATCHES, 'spec.json');
    const raw = `${uncheckedTsBanner(result.sha256)}${await emitTypes(normalised.document, 'spec.json')}`;
    const whole = await prettier.format(raw, { ...PRETTIER_OPTIONS, parser: 'babel-ts' });
    expect(await readFile(join(dir, 'generated', 'schema.ts'), 'utf8')).toBe(whole);
    const { buildOperationModel } = await import('../../generator/pipeline/operation-model.js');
    const { emitOperationsIndex, isPlainIndex } = await import('../../generator/pipeline/emit-index.js');
    const model = buildOperationModel(normalised.document, {}, { spec: 'spec.json', nameMap: 'name-map.json' });
    expect(isPlainIndex(model)).toBe(true); // Logto's summaries and tags: written without prettier
    const index = await prettier.format(emitOperationsIndex(model, result.sha256), { ...PRETTIER_OPTIONS, parser: 'markdown' });
    expect(await readFile(join(dir, 'generated', 'OPERATIONS.md'), 'utf8')).toBe(index);
    process.env.LOGTO_MGMT_FORMAT_THREADS = '3';
    try {
      expect((await formatTexts([{ path: 'schema.ts', text: raw }]))[0].text).toBe(whole);
    } finally {
      delete process.env.LOGTO_MGMT_FORMAT_THREADS;
    }
  }, 300_000);

  it('writes every other file as prettier gives it, whether formatted in pieces (the wrappers) or not formatted at all (name-map.json)', async () => {
    const { PRETTIER_OPTIONS } = await import('../../generator/pipeline/format.js');
    const prettier = await import('prettier');
    const files = await snapshot(join(dir, 'generated'));
    const parsers: Array<[RegExp, string]> = [[/\.ts$/, 'babel-ts'], [/\.md$/, 'markdown'], [/\.json$/, 'json']];
    // schema.ts and OPERATIONS.md are compared with the whole file's formatting above; spec.json is the vendor's document.
    const checked = [...files].filter(([path]) => !['schema.ts', 'OPERATIONS.md', 'spec.json'].includes(path));
    expect(checked.map(([path]) => path)).toEqual(expect.arrayContaining(['name-map.json', 'operations/users.ts', 'client.ts', 'README.md']));
    for (const [path, { text }] of checked) {
      const parser = parsers.find(([pattern]) => pattern.test(path))![1];
      expect(await prettier.format(text, { ...PRETTIER_OPTIONS, parser }), path).toBe(text);
    }
  }, 120_000);

  it('the generated client really sends HTTP: three calls against the fake Logto', async () => {
    fake = await startFakeLogto();
    fake.data.seedUsers(3);
    const token = fake.issueToken();
    await writeFile(join(dir, 'consumer-run.ts'), CONSUMER);
    const { threeCalls } = await import(/* @vite-ignore */ join(dir, 'consumer-run.ts'));
    const outcome = await threeCalls(fake.url, token);
    expect(outcome).toMatchObject({ username: 'consumer_1', total: 4 });
    const calls = fake.requests.filter((request) => request.path.startsWith('/api/')).map((request) => `${request.method} ${request.path}`);
    expect(calls).toEqual(['POST /api/users', `GET /api/users/${outcome.id}`, 'GET /api/users', 'GET /api/users']);
    const page = fake.requests.find((request) => request.path === '/api/users' && request.query.get('page_size') === '5');
    expect(page?.headers.authorization).toMatch(/^Bearer /);
  });
});
