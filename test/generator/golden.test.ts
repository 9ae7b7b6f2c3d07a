/**
 * A hand-written Logto-like fixture (every quirk the patches fix, a collision, a keyword method,
 * a missing operationId, multipart, `security: []`, user-token tags) → the committed golden
 * output. `UPDATE_GOLDEN=1 npx vitest run test/generator/golden.test.ts` rewrites the golden files.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../generator/pipeline/generate.js';
import { typecheckWithRepoOptions } from './typecheck.js';
import { expectGolden, FIXTURES, quiet, snapshot, workspace } from './workspace.js';

const MINI = join(FIXTURES, 'mini');
/** The golden files import the repo's runtime from where they are committed, so tsc can check them there. */
const GOLDEN_RUNTIME = '../../../../../runtime/index.js';

async function generateMini() {
  const dir = await workspace({ 'spec.json': join(MINI, 'spec.json') });
  const result = await generate(quiet(dir, { spec: 'spec.json', runtimeImport: GOLDEN_RUNTIME }));
  return { dir, result, files: await snapshot(join(dir, 'generated')) };
}

describe('golden output of the mini fixture', { timeout: 120_000 }, () => {
  it('matches the committed golden files byte for byte', async () => {
    const { result, files } = await generateMini();
    expect(result.status).toBe('written');
    await expectGolden(files, join(MINI, 'golden'));
  });

  it('type-checks with the repo\'s strict options, its @ts-nocheck lines removed (the line hides no error)', () => {
    const { errors, uncheckedFiles } = typecheckWithRepoOptions([join(MINI, 'golden', 'index.ts')], { checkGenerated: true });
    expect(errors).toEqual([]);
    expect(uncheckedFiles.map((file) => file.slice(join(MINI, 'golden').length + 1)).sort()).toEqual([
      'client.ts',
      ...['email-templates', 'my-account', 'organization-roles', 'status', 'things', 'user-assets', 'users'].map((module) => `operations/${module}.ts`),
      'schema.ts',
    ]);
  });

  it('writes the same bytes on every run (no timestamps, stable order)', async () => {
    const first = await generateMini();
    const second = await generateMini();
    const texts = (files: typeof first.files) => new Map([...files].map(([path, { text }]) => [path, text]));
    expect(texts(second.files)).toEqual(texts(first.files));
  });

  it('summarises operations, tags and paginated operations', async () => {
    const { result } = await generateMini();
    expect(result).toMatchObject({ operations: 13, tags: 7, paginated: 1, specOrigin: 'file' });
    expect(result.warnings).toEqual([
      '#/paths/~1api~1things~1{thing:id}/get has no operationId: named it GetThingsByThingId',
    ]);
  });

  it('generates the same code from the YAML form of the spec', async () => {
    const json = await generateMini();
    const dir = await workspace();
    const spec = JSON.parse(await readFile(join(MINI, 'spec.json'), 'utf8'));
    await writeFile(join(dir, 'source.yaml'), stringify(spec));
    const result = await generate(quiet(dir, { spec: 'source.yaml', runtimeImport: GOLDEN_RUNTIME }));
    expect(result.status).toBe('written');
    const yamlFiles = await snapshot(join(dir, 'generated'));
    const withoutSha = (text: string, sha: string) => text.replaceAll(sha, '<sha>');
    for (const [path, { text }] of json.files) {
      if (path === 'spec.lock.json') continue;
      expect(withoutSha(yamlFiles.get(path)!.text, result.sha256), path).toBe(withoutSha(text, json.result.sha256));
    }
  });
});

describe('name map', { timeout: 120_000 }, () => {
  it('keeps old names when a new operation would take them', async () => {
    const dir = await workspace({ 'spec.json': join(MINI, 'spec.json') });
    await generate(quiet(dir, { spec: 'spec.json' }));
    // Logto adds a bulk delete whose path sorts first: on a fresh run it would be `delete`.
    const spec = JSON.parse(await readFile(join(dir, 'spec.json'), 'utf8'));
    spec.paths['/api/email-templates'] = {
      delete: {
        operationId: 'DeleteEmailTemplates',
        tags: ['Email templates'],
        responses: { '204': { description: 'Deleted.' } },
      },
    };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    await generate(quiet(dir, { spec: 'spec.json' }));
    const names = JSON.parse(await readFile(join(dir, 'generated', 'name-map.json'), 'utf8'));
    expect(names.DeleteEmailTemplate).toEqual({ namespace: 'emailTemplates', method: 'delete' });
    expect(names.DeleteEmailTemplates).toEqual({ namespace: 'emailTemplates', method: 'deleteEmailTemplates' });

    const fresh = await workspace();
    await writeFile(join(fresh, 'spec.json'), JSON.stringify(spec));
    await generate(quiet(fresh, { spec: 'spec.json' }));
    const freshNames = JSON.parse(await readFile(join(fresh, 'generated', 'name-map.json'), 'utf8'));
    expect(freshNames.DeleteEmailTemplates.method).toBe('delete');
    expect(freshNames.DeleteEmailTemplate.method).toBe('deleteEmailTemplate');
  });

  it('honours a renamed method in the committed map', async () => {
    const dir = await workspace({ 'spec.json': join(MINI, 'spec.json') });
    await generate(quiet(dir, { spec: 'spec.json' }));
    const mapFile = join(dir, 'generated', 'name-map.json');
    const names = JSON.parse(await readFile(mapFile, 'utf8'));
    names.GetUserCustomData.method = 'customData';
    await writeFile(mapFile, JSON.stringify(names));
    const result = await generate(quiet(dir, { spec: 'spec.json' }));
    expect(result.changedFiles).toEqual(expect.arrayContaining(['name-map.json', 'operations/users.ts', 'OPERATIONS.md']));
    const users = await readFile(join(dir, 'generated', 'operations', 'users.ts'), 'utf8');
    expect(users).toContain('export const customData = ');
    expect(users).not.toContain('export const getCustomData = ');
  });

  it('rejects a map that gives one name to two operations, naming the file and entry', async () => {
    const dir = await workspace({ 'spec.json': join(MINI, 'spec.json') });
    await generate(quiet(dir, { spec: 'spec.json' }));
    const mapFile = join(dir, 'generated', 'name-map.json');
    const names = JSON.parse(await readFile(mapFile, 'utf8'));
    names.GetUser.method = 'list';
    await writeFile(mapFile, JSON.stringify(names));
    const before = await snapshot(join(dir, 'generated'));
    await expect(generate(quiet(dir, { spec: 'spec.json', force: true }))).rejects.toThrow(
      /generated\/name-map\.json #\/(GetUser|ListUsers): users\.list is also given to (ListUsers|GetUser)/,
    );
    expect(await snapshot(join(dir, 'generated'))).toEqual(before);
  });
});

describe('output directory', { timeout: 120_000 }, () => {
  it('keeps files it does not own and removes modules it no longer generates', async () => {
    const dir = await workspace({ 'spec.json': join(MINI, 'spec.json') });
    await generate(quiet(dir, { spec: 'spec.json' }));
    await writeFile(join(dir, 'generated', 'NOTES.md'), 'mine\n');
    const spec = JSON.parse(await readFile(join(dir, 'spec.json'), 'utf8'));
    delete spec.paths['/api/status'];
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const result = await generate(quiet(dir, { spec: 'spec.json' }));
    expect(result.staleFiles).toEqual(['operations/status.ts']);
    const files = await snapshot(join(dir, 'generated'));
    expect(files.get('NOTES.md')?.text).toBe('mine\n');
    expect(files.has('operations/status.ts')).toBe(false);
  });

  it('regenerating an unchanged spec rewrites no file', async () => {
    const dir = await workspace({ 'spec.json': join(MINI, 'spec.json') });
    await generate(quiet(dir, { spec: 'spec.json' }));
    const before = await snapshot(join(dir, 'generated'));
    const fast = await generate(quiet(dir, { spec: 'spec.json' }));
    expect(fast.status).toBe('unchanged');
    const forced = await generate(quiet(dir, { spec: 'spec.json', force: true }));
    expect(forced.status).toBe('unchanged');
    expect(await snapshot(join(dir, 'generated'))).toEqual(before);
  });

  it('--check passes on fresh output and lists a hand-edited file', async () => {
    const dir = await workspace({ 'spec.json': join(MINI, 'spec.json') });
    await generate(quiet(dir, { spec: 'spec.json' }));
    expect((await generate(quiet(dir, { offline: true, check: true }))).status).toBe('check-passed');
    const users = join(dir, 'generated', 'operations', 'users.ts');
    await writeFile(users, `${await readFile(users, 'utf8')}// hand edit\n`);
    const before = await snapshot(join(dir, 'generated'));
    const result = await generate(quiet(dir, { offline: true, check: true }));
    expect(result.status).toBe('check-failed');
    expect(result.changedFiles).toEqual(['operations/users.ts']);
    expect(await snapshot(join(dir, 'generated'))).toEqual(before);
  });

  it('--check answers from the lock when nothing changed, and regenerates only when a hash differs or with --force', async () => {
    const dir = await workspace({ 'spec.json': join(MINI, 'spec.json') });
    await generate(quiet(dir, { spec: 'spec.json' }));
    const checkOptions = quiet(dir, { offline: true, check: true });
    const fromLock = await generate(checkOptions);
    expect(fromLock.status).toBe('check-passed');
    expect(Object.keys(fromLock.timingsMs)).not.toContain('emit types');
    expect(checkOptions.lines.join('\n')).toMatch(/check .*matches spec\.lock\.json; nothing regenerated/);

    const forced = await generate(quiet(dir, { offline: true, check: true, force: true }));
    expect(forced.status).toBe('check-passed');
    expect(Object.keys(forced.timingsMs)).toEqual(expect.arrayContaining(['emit types', 'emit wrappers', 'format', 'check']));

    await rm(join(dir, 'generated', 'operations', 'users.ts'));
    const missing = await generate(quiet(dir, { offline: true, check: true }));
    expect(missing.status).toBe('check-failed');
    expect(missing.changedFiles).toEqual(['operations/users.ts']);
    expect(Object.keys(missing.timingsMs)).toContain('emit types');
  });

  it('the fast path notices a hand-edited file and regenerates it', async () => {
    const dir = await workspace({ 'spec.json': join(MINI, 'spec.json') });
    await generate(quiet(dir, { spec: 'spec.json' }));
    const schema = join(dir, 'generated', 'schema.ts');
    const original = await readFile(schema, 'utf8');
    await writeFile(schema, original.replace('export interface paths', 'export interface pathz'));
    const result = await generate(quiet(dir, { spec: 'spec.json' }));
    expect(result.status).toBe('written');
    expect(result.changedFiles).toEqual(['schema.ts']);
    expect(await readFile(schema, 'utf8')).toBe(original);
  });
});

