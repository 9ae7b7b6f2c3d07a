/**
 * A regenerate after a spec change reuses what the lock says is unchanged — pieces of schema.ts
 * by what they are made from (emit-types.ts `planTypes`), formatted files by their input — and
 * must write exactly what a cold run of the new spec writes (here on worker threads). The spec: the first 60 path items
 * of the real Logto spec (operations reach shared `components.parameters` by `$ref`), big enough
 * for schema.ts to be planned as many pieces.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../generator/pipeline/generate.js';
import { LOGTO_SPEC, quiet, snapshot, workspace } from './workspace.js';

type Spec = { paths: Record<string, Record<string, any>>; components: { parameters: Record<string, any> } } & Record<string, unknown>;

const logto = JSON.parse(await readFile(LOGTO_SPEC, 'utf8')) as Spec;
const base: Spec = { ...logto, paths: Object.fromEntries(Object.entries(logto.paths).slice(0, 60)) };

/** The base spec with an operation added, one removed, one changed, and a shared parameter changed. */
function changed(): Spec {
  const spec = structuredClone(base);
  const added = structuredClone(spec.paths['/api/users/{userId}'].get);
  added.operationId = 'GetUserCopy';
  spec.paths['/api/users/{userId}/copy'] = { get: added };
  delete spec.paths['/api/users/{userId}'].delete;
  const patched = spec.paths['/api/users/{userId}/password'].patch;
  patched.summary = 'Change the password';
  patched.requestBody.content['application/json'].schema.properties.password = { type: 'string', minLength: 8 };
  // Reached only through `$ref` from the path items that use it: their pieces must be made again.
  spec.components.parameters.userId.description = 'The ID of the user (changed).';
  return spec;
}

/** The pieces line of the format step: `schema.ts: 3 of 20 pieces transformed, 3 formatted`. */
function schemaPieces(lines: string[]): { transformed: number; total: number } {
  const match = /schema\.ts: (\d+) of (\d+) pieces transformed/.exec(lines.join('\n'));
  expect(match, 'the format step reports the pieces of schema.ts').not.toBeNull();
  return { transformed: Number(match![1]), total: Number(match![2]) };
}

/** The wrappers line: `emit wrappers … 1 of 12 files made …`. */
function wrapperFiles(lines: string[]): { made: number; total: number } {
  const match = /emit wrappers .*?(\d+) of (\d+) files made/.exec(lines.join('\n'));
  expect(match, 'the wrappers step reports the files it made').not.toBeNull();
  return { made: Number(match![1]), total: Number(match![2]) };
}

/** Files as a cold run writes them: without the change report, which only a run with history has. */
async function comparable(out: string): Promise<Map<string, string>> {
  const files = new Map([...(await snapshot(out))].map(([path, { text }]) => [path, text]));
  for (const history of ['CHANGES.md', 'API-CHANGELOG.md']) files.delete(history);
  const lock = JSON.parse(files.get('spec.lock.json')!);
  for (const history of ['CHANGES.md', 'API-CHANGELOG.md']) delete lock.files[history];
  files.set('spec.lock.json', JSON.stringify(lock, null, 2));
  return files;
}

describe('regenerating after a spec change', { timeout: 240_000 }, () => {
  it('reuses unchanged pieces and files, and writes exactly what a cold run writes (operation added, removed, changed; shared parameter changed)', async () => {
    const incremental = await workspace();
    await writeFile(join(incremental, 'spec.json'), JSON.stringify(base));
    const first = quiet(incremental, { spec: 'spec.json' });
    await generate(first);
    const { transformed: everything, total } = schemaPieces(first.lines);
    expect(everything).toBe(total - 1); // all but the banner, which is not transformed
    expect(total).toBeGreaterThan(8);

    await writeFile(join(incremental, 'spec.json'), JSON.stringify(changed()));
    const again = quiet(incremental, { spec: 'spec.json' });
    expect((await generate(again)).status).toBe('written');
    const { transformed } = schemaPieces(again.lines);
    expect(transformed).toBeGreaterThan(0);
    expect(transformed).toBeLessThan(total / 2);
    // Wrapper modules of untouched namespaces are reused although every banner names the new spec,
    // and not even made again: every change is in the users namespace, and no namespace was
    // added, so operations/users.ts is the one file ts-morph makes.
    expect(again.lines.join('\n')).toMatch(/format .* [1-9]\d* unchanged reused/);
    expect(wrapperFiles(again.lines)).toEqual({ made: 1, total: wrapperFiles(first.lines).total });
    expect(wrapperFiles(first.lines).made).toBe(wrapperFiles(first.lines).total);

    // The cold run on worker threads (wrappers, prettier), whatever the load: the same bytes again.
    const cold = await workspace();
    await writeFile(join(cold, 'spec.json'), JSON.stringify(changed()));
    process.env.LOGTO_MGMT_FORMAT_THREADS = '3';
    try {
      const threaded = quiet(cold, { spec: 'spec.json' });
      await generate(threaded);
      expect(threaded.lines.join('\n')).toMatch(/emit wrappers .* on a worker thread/);
    } finally {
      delete process.env.LOGTO_MGMT_FORMAT_THREADS;
    }
    const want = await comparable(join(cold, 'generated'));
    const got = await comparable(join(incremental, 'generated'));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [path, text] of want) expect(got.get(path), path).toBe(text);
  });

  it('after one operation is added, formats only the pieces that hold it (a group of users.ts, a slice of schema.ts), transformed on the types thread', async () => {
    const dir = await workspace();
    await writeFile(join(dir, 'spec.json'), JSON.stringify(base));
    await generate(quiet(dir, { spec: 'spec.json' }));
    const lockFile = join(dir, 'generated', 'spec.lock.json');
    const before = JSON.parse(await readFile(lockFile, 'utf8')).files;
    const spec = structuredClone(base);
    const added = structuredClone(spec.paths['/api/users/{userId}'].get);
    added.operationId = 'GetUserCopy';
    spec.paths['/api/users/{userId}/copy'] = { parameters: spec.paths['/api/users/{userId}'].parameters, get: added };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    process.env.LOGTO_MGMT_FORMAT_THREADS = '2';
    const again = quiet(dir, { spec: 'spec.json' });
    try {
      await generate(again);
    } finally {
      delete process.env.LOGTO_MGMT_FORMAT_THREADS;
    }
    expect(again.lines.join('\n')).toMatch(/emit types .*planned as \d+ pieces, to transform on a worker thread/);
    const after = JSON.parse(await readFile(lockFile, 'utf8')).files;
    /** The pieces of a file whose input the first run did not have: what this run formatted. */
    const fresh = (path: string) => after[path].pieces.filter((piece: { input: string }) => !before[path].pieces.some((old: { input: string }) => old.input === piece.input));
    expect(fresh('operations/users.ts')).toHaveLength(1);
    expect(after['operations/users.ts'].pieces.length).toBeGreaterThan(4);
    // The new path item's `paths` member and its operation: a few kB, of a schema.ts of ~200 kB.
    const schemaSize = after['schema.ts'].pieces.reduce((sum: number, piece: { length: number }) => sum + piece.length, 0);
    const formatted = fresh('schema.ts').reduce((sum: number, piece: { length: number }) => sum + piece.length, 0);
    expect(formatted).toBeLessThan(schemaSize / 20);
  });

  it('with --force transforms every piece again, and still writes the same bytes', async () => {
    const dir = await workspace();
    await writeFile(join(dir, 'spec.json'), JSON.stringify(base));
    await generate(quiet(dir, { spec: 'spec.json' }));
    const before = await snapshot(join(dir, 'generated'));
    const forced = quiet(dir, { spec: 'spec.json', force: true });
    expect((await generate(forced)).status).toBe('unchanged');
    const { transformed, total } = schemaPieces(forced.lines);
    expect(transformed).toBe(total - 1);
    expect(forced.lines.join('\n')).toMatch(/schema\.ts: \d+ of \d+ pieces transformed, 0 formatted/);
    const wrappers = wrapperFiles(forced.lines);
    expect(wrappers.made).toBe(wrappers.total);
    expect(await snapshot(join(dir, 'generated'))).toEqual(before);
  });

  it('does not reuse a hand-edited schema.ts: every piece is made again and the edit is overwritten', async () => {
    const dir = await workspace();
    await writeFile(join(dir, 'spec.json'), JSON.stringify(base));
    await generate(quiet(dir, { spec: 'spec.json' }));
    const schema = join(dir, 'generated', 'schema.ts');
    const original = await readFile(schema, 'utf8');
    await writeFile(schema, original.replace("'/api/applications': {", "'/api/applications': {\n    edited: true;"));
    await writeFile(join(dir, 'spec.json'), JSON.stringify(changed()));
    const again = quiet(dir, { spec: 'spec.json' });
    await generate(again);
    const { transformed, total } = schemaPieces(again.lines);
    expect(transformed).toBe(total - 1);
    expect(await readFile(schema, 'utf8')).not.toContain('edited: true');
  });

  it('does not reuse a hand-edited wrapper module of an untouched namespace: it is made again and the edit is overwritten', async () => {
    const dir = await workspace();
    await writeFile(join(dir, 'spec.json'), JSON.stringify(base));
    await generate(quiet(dir, { spec: 'spec.json' }));
    const module = join(dir, 'generated', 'operations', 'applications.ts');
    const original = await readFile(module, 'utf8');
    await writeFile(module, `${original}export const edited = true;\n`);
    await writeFile(join(dir, 'spec.json'), JSON.stringify(changed()));
    const again = quiet(dir, { spec: 'spec.json' });
    await generate(again);
    expect(wrapperFiles(again.lines).made).toBe(2); // users.ts (changed) and the edited applications.ts
    expect(await readFile(module, 'utf8')).not.toContain('edited');
  });
});
