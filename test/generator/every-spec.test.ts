/**
 * Regenerating tracks Logto's API as it changes: the generator must work, compile and call
 * correctly for every real Logto spec, not only the pinned one.
 * - A consumer repo pinned at the real Logto 1.34.0 spec generates, compiles and passes the
 *   contract check; then upgrades to 1.42.0: `--fail-on-breaking` exits 1 writing nothing, the
 *   upgrade prints the change report and writes CHANGES.md, and a consumer file that uses a
 *   field removed in 1.42 stops compiling while one that does not keeps compiling.
 * - The change report is checked against an oracle that shares none of its code: each
 *   operation's generated types (generated-operation-types.ts) in the two schema.ts files.
 * - A Logto that fixed a quirk (each patch's target gone from the spec) generates too, and gets
 *   the very client the patch gave: for each quirk, on the mini fixture and on 1.42.0, and one
 *   1.42.0 with all five fixed, which also passes the contract check.
 * All outputs are type-checked in one tsc program, run beside the contract checks.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asGenerated } from '../../generator/changes/compare-as-generated.js';
import { diffSpecs } from '../../generator/changes/diff-specs.js';
import { generate, type GenerateResult } from '../../generator/pipeline/generate.js';
import { normaliseSpec } from '../../generator/pipeline/normalise-spec.js';
import { LOGTO_PATCHES } from '../../generator/pipeline/patches.js';
import { sortKeys } from '../../generator/pipeline/pin-spec.js';
import { validateSpec, type OpenApiDocument } from '../../generator/pipeline/validate-spec.js';
import type { SpecDocument } from '../runtime/contract/minimal-arguments.js';
import { CONTRACT_TOKENS, generatedOperations, runContract, specOperationCount } from '../runtime/contract/run-contract.js';
import { startSpecServer } from '../runtime/contract/spec-server.js';
import { operationTypes, operationsWithDifferentTypes } from './generated-operation-types.js';
import { FIXTURES, REPO_ROOT, quiet, snapshot, workspace } from './workspace.js';

const run = promisify(execFile);
const SPECS = join(REPO_ROOT, 'test', 'specs');
const text134 = await readFile(join(SPECS, 'logto-1.34.0.json'), 'utf8');
const text142 = await readFile(join(SPECS, 'logto-1.42.0.json'), 'utf8');
const MINI = join(FIXTURES, 'mini');
const MINI_GOLDEN_RUNTIME = '../../../../../runtime/index.js';

/** The vendor document with one patch's quirk fixed the way the patch fixes it (as a Logto that fixed it would serve). */
function withoutQuirks(document: unknown, patchIds: readonly string[]): OpenApiDocument {
  const copy = structuredClone(document) as OpenApiDocument;
  const patches = LOGTO_PATCHES.filter((patch) => patchIds.includes(patch.id));
  const { patchCounts } = normaliseSpec({ document: copy, assignedOperationIds: [], warnings: [] }, patches, 'derived');
  for (const id of patchIds) expect(patchCounts[id], `${id} has something to fix`).toBeGreaterThan(0);
  return copy;
}

/** The document the generator emits types from (sorted, validated, every patch applied). */
function normalised(document: unknown) {
  const sorted = sortKeys(structuredClone(document));
  return normaliseSpec(validateSpec(sorted, 'spec.json'), LOGTO_PATCHES, 'spec.json');
}

/**
 * Generated files with the spec's sha256 and the runtime's relative path blanked (the out dirs
 * sit at different depths): what two specs with the same meaning must share.
 */
function withoutSpecIdentity(files: Map<string, { text: string }>, sha: string): Map<string, string> {
  const skip = new Set(['spec.json', 'spec.lock.json']);
  return new Map(
    [...files]
      .filter(([path]) => !skip.has(path))
      .map(([path, { text }]) => [path, text.replaceAll(sha, '<sha256>').replace(/from '(\.\.\/)+runtime\/index\.js'/g, "from '<runtime>'")]),
  );
}

// Uses `UpdateOrganization`'s body `id`, which 1.42.0 removed.
const USES_REMOVED_FIELD = `
import { createLogtoManagementClient } from './generated/index.js';
export async function renameOrganization(endpoint: string) {
  const client = createLogtoManagementClient({ endpoint, getAccessToken: () => 'token' });
  return client.organizations.update({ path: { id: 'org_1' }, body: { id: 'org_1', name: 'Renamed' } });
}
`;
// Uses only what both versions have.
const KEEPS_COMPILING = `
import { createLogtoManagementClient } from './generated/index.js';
export async function everyday(endpoint: string) {
  const client = createLogtoManagementClient({ endpoint, getAccessToken: () => 'token' });
  const user = await client.users.create({ body: { username: 'consumer_1' } });
  const fetched = await client.users.get({ path: { userId: user.id } });
  const renamed = await client.organizations.update({ path: { id: 'org_1' }, body: { name: 'Renamed' } });
  const page = await client.users.list({ query: { page: 1, page_size: 5 } });
  return { id: fetched.id, organization: renamed.name, listed: page.length };
}
`;

let root: string;
let consumer: string;
let first: GenerateResult;
let failOnBreaking: { code: number; stderr: string; untouched: boolean };
let upgrade: GenerateResult & { lines: string[] };
let noQuirks: { dir: string; spec: OpenApiDocument; result: GenerateResult };
let typecheck: Promise<string>;

beforeAll(async () => {
  root = await workspace({}, join(REPO_ROOT, '.tmp'));
  consumer = join(root, 'consumer');
  await mkdir(join(consumer, 'specs'), { recursive: true });
  await writeFile(join(consumer, 'specs', 'logto-1.34.0.json'), text134);
  await writeFile(join(consumer, 'specs', 'logto-1.42.0.json'), text142);

  // A consumer on Logto 1.34.0; its output is kept in v134/ for the checks after the upgrade.
  first = await generate(quiet(consumer, { spec: 'specs/logto-1.34.0.json', runtimeImport: undefined }));
  await cp(join(consumer, 'generated'), join(root, 'v134', 'generated'), { recursive: true });

  const before = await snapshot(join(consumer, 'generated'));
  const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const cli = await run(process.execPath, [tsx, join(REPO_ROOT, 'generator', 'cli', 'cli.ts'), 'generate', '--spec', 'specs/logto-1.42.0.json', '--fail-on-breaking'], {
    cwd: consumer,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
  failOnBreaking = { ...cli, untouched: JSON.stringify([...(await snapshot(join(consumer, 'generated')))]) === JSON.stringify([...before]) };

  const options = quiet(consumer, { spec: 'specs/logto-1.42.0.json', runtimeImport: undefined });
  upgrade = { ...(await generate(options)), lines: options.lines };

  // Logto 1.42.0 with all five quirks fixed, regenerated over the repo's own pinned output.
  const dir = join(root, 'no-quirks');
  await cp(join(REPO_ROOT, 'generated'), join(dir, 'generated'), { recursive: true });
  const spec = withoutQuirks(JSON.parse(text142), LOGTO_PATCHES.map((patch) => patch.id));
  await writeFile(join(dir, 'spec.json'), JSON.stringify(spec, null, 2));
  noQuirks = { dir, spec, result: await generate(quiet(dir, { spec: 'spec.json', runtimeImport: undefined })) };

  // One tsc program over both versions, each with both consumer files, run beside the contract checks.
  for (const target of [join(root, 'v134'), consumer]) {
    await writeFile(join(target, 'uses-removed-field.ts'), USES_REMOVED_FIELD);
    await writeFile(join(target, 'keeps-compiling.ts'), KEEPS_COMPILING);
  }
  await writeFile(
    join(root, 'tsconfig.json'),
    JSON.stringify({
      extends: relative(root, join(REPO_ROOT, 'tsconfig.json')),
      compilerOptions: { noEmit: true, types: ['node'], typeRoots: [relative(root, join(REPO_ROOT, 'node_modules', '@types'))] },
      include: ['v134/generated', 'v134/*.ts', 'consumer/generated', 'consumer/*.ts'],
    }),
  );
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  typecheck = run(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, maxBuffer: 16 * 1024 * 1024 }).then(
    () => '',
    (error: { stdout: string }) => error.stdout,
  );
  typecheck.catch(() => {});
}, 300_000);

afterAll(async () => {
  await typecheck?.catch(() => {});
});

describe('a consumer pinned at the real Logto 1.34.0', () => {
  it('generates without a patch error: a quirk 1.34.0 lacks is only counted', () => {
    expect(first).toMatchObject({ status: 'written', operations: 313, tags: 39, paginated: 28 });
    expect(first.warnings).toEqual([]);
  });

  it('passes the contract check: every operation sent as the 1.34.0 spec describes it', async () => {
    const spec = JSON.parse(text134) as SpecDocument;
    const operations = generatedOperations(await import(/* @vite-ignore */ join(root, 'v134', 'generated', 'operations', 'index.ts')));
    expect(operations).toHaveLength(specOperationCount(spec));
    const server = await startSpecServer(spec, CONTRACT_TOKENS);
    try {
      const outcome = await runContract(spec, server, operations, { label: 'Logto 1.34.0' });
      console.log(outcome.report);
      expect(outcome.violations, outcome.report).toEqual([]);
      expect(outcome.failures, outcome.report).toEqual([]);
      expect(outcome.exercised).toBeGreaterThanOrEqual(operations.length - 5);
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('upgrading that consumer to the real Logto 1.42.0', () => {
  it('--fail-on-breaking exits 1, lists the breaking changes and writes nothing', () => {
    expect(failOnBreaking.code).toBe(1);
    expect(failOnBreaking.stderr).toContain('API changes (313 → 359 operations): 46 operations added, 0 removed, 120 changed; 17 breaking changes');
    expect(failOnBreaking.stderr).toContain('✗ UpdateOrganization (PATCH /api/organizations/{id}) requestBody/id: field "id" removed from the request');
    expect(failOnBreaking.stderr).toContain('--fail-on-breaking: 17 breaking changes; nothing was written');
    expect(failOnBreaking.untouched).toBe(true);
  });

  it('regenerates, prints the change report and writes CHANGES.md', async () => {
    expect(upgrade).toMatchObject({ status: 'written', operations: 359 });
    expect(upgrade.lines.join('\n')).toContain('API changes (313 → 359 operations): 46 operations added, 0 removed, 120 changed; 17 breaking changes');
    expect(upgrade.changedFiles).toEqual(expect.arrayContaining(['CHANGES.md', 'API-CHANGELOG.md', 'schema.ts']));
    const changes = await readFile(join(consumer, 'generated', 'CHANGES.md'), 'utf8');
    expect(changes).toContain('UpdateOrganization');
  });

  it('the report names exactly the operations whose generated types differ (oracle: the two schema.ts)', async () => {
    const before = operationTypes(await readFile(join(root, 'v134', 'generated', 'schema.ts'), 'utf8'));
    const after = operationTypes(await readFile(join(consumer, 'generated', 'schema.ts'), 'utf8'));
    const differing = operationsWithDifferentTypes(before, after);
    const report = diffSpecs(asGenerated(JSON.parse(text134), LOGTO_PATCHES), asGenerated(JSON.parse(text142), LOGTO_PATCHES));
    expect(report.changed.map((entry) => entry.operation.operationId).sort()).toEqual(differing);
    expect(report.added.map((operation) => operation.operationId).sort()).toEqual([...after.keys()].filter((id) => !before.has(id)).sort());
    expect(report.removed.map((operation) => operation.operationId).sort()).toEqual([...before.keys()].filter((id) => !after.has(id)).sort());
    expect(differing).toHaveLength(120);
    // Every one, with where it changed, in the CHANGES.md the upgrade wrote.
    const changes = await readFile(join(consumer, 'generated', 'CHANGES.md'), 'utf8');
    for (const id of differing) expect(changes, id).toContain(id);
    expect(report.changed.flatMap((entry) => entry.changes).filter((change) => change.location === undefined)).toEqual([]);
  });

  it('a consumer using a field removed in 1.42 stops compiling; one that does not keeps compiling', async () => {
    const errors = (await typecheck).split('\n').filter((line) => /error TS/.test(line));
    expect(errors.length, errors.join('\n')).toBeGreaterThan(0);
    for (const line of errors) expect(line).toMatch(/^consumer\/uses-removed-field\.ts\(5,\d+\): error TS2353: .*'id' does not exist/);
  }, 300_000);
});

describe('a Logto that fixed a quirk', { timeout: 120_000 }, () => {
  it.each(LOGTO_PATCHES.map((patch) => patch.id))('1.42.0 without %s: no error, the patch counted ×0, the same input to the emitters', (id) => {
    const derived = withoutQuirks(JSON.parse(text142), [id]);
    const result = normalised(derived);
    expect(result.patchCounts[id]).toBe(0);
    expect(result.document).toEqual(normalised(JSON.parse(text142)).document);
  });

  it.each(LOGTO_PATCHES.map((patch) => patch.id))('the mini fixture without %s generates the golden client', async (id) => {
    const dir = await workspace();
    await writeFile(join(dir, 'spec.json'), JSON.stringify(withoutQuirks(JSON.parse(await readFile(join(MINI, 'spec.json'), 'utf8')), [id]), null, 2));
    const options = quiet(dir, { spec: 'spec.json', runtimeImport: MINI_GOLDEN_RUNTIME });
    const result = await generate(options);
    expect(options.lines.find((line) => line.includes(' normalise '))).toContain(`${id}×0`);
    const golden = await snapshot(join(MINI, 'golden'));
    const goldenSha = JSON.parse(golden.get('spec.lock.json')!.text).sha256 as string;
    expect(withoutSpecIdentity(await snapshot(join(dir, 'generated')), result.sha256)).toEqual(withoutSpecIdentity(golden, goldenSha));
  });

  it('1.42.0 with all five fixed generates the pinned client, reports no API change, and passes the contract check', async () => {
    const { dir, spec, result } = noQuirks;
    expect(result.status).toBe('written');
    const pinned = await snapshot(join(REPO_ROOT, 'generated'));
    const pinnedSha = JSON.parse(pinned.get('spec.lock.json')!.text).sha256 as string;
    const written = await snapshot(join(dir, 'generated'));
    // The spec's text changed (the quirks are gone) and its API did not: the report says so.
    expect(written.get('CHANGES.md')?.text).toMatch(/\*\*No API changes\.\*\*/);
    expect(written.get('CHANGES.md')?.text).not.toMatch(/Documentation changes/);
    expect(written.get('API-CHANGELOG.md')?.text).toMatch(/\*\*No API changes\.\*\*/);
    for (const file of ['CHANGES.md', 'API-CHANGELOG.md']) written.delete(file);
    expect(withoutSpecIdentity(written, result.sha256)).toEqual(withoutSpecIdentity(pinned, pinnedSha));

    const operations = generatedOperations(await import(/* @vite-ignore */ join(dir, 'generated', 'operations', 'index.ts')));
    const server = await startSpecServer(spec as SpecDocument, CONTRACT_TOKENS);
    try {
      const outcome = await runContract(spec as SpecDocument, server, operations, { label: 'Logto 1.42.0 without quirks' });
      expect(outcome.violations, outcome.report).toEqual([]);
      expect(outcome.failures, outcome.report).toEqual([]);
      expect(outcome.exercised).toBeGreaterThanOrEqual(operations.length - 5);
    } finally {
      await server.close();
    }
  });
});
