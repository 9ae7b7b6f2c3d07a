/**
 * `generate --bump`: the change report decides the release of the package holding the output —
 * on the real Logto 1.34.0 → 1.42.0 upgrade, on specs derived from 1.42.0 for every level, and
 * end to end on the mini fixture (package.json, CHANGELOG.md, Changesets, bad input).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../generator/pipeline/generate.js';
import { diffDocumentation } from '../../generator/changes/diff-docs.js';
import { asGenerated } from '../../generator/changes/compare-as-generated.js';
import { diffSpecs } from '../../generator/changes/diff-specs.js';
import { specContentChanged } from '../../generator/changes/spec-content.js';
import { decideRelease, planRelease } from '../../generator/changes/version-bump.js';
import { addReleaseEntry } from '../../generator/changes/release-changelog.js';
import { GeneratorError } from '../../generator/pipeline/generator-error.js';
import { LOGTO_PATCHES } from '../../generator/pipeline/patches.js';
import { sortKeys } from '../../generator/pipeline/pin-spec.js';
import { FIXTURES, quiet, REPO_ROOT, snapshot, workspace } from './workspace.js';

const SPECS = join(REPO_ROOT, 'test', 'specs');
const spec134 = JSON.parse(await readFile(join(SPECS, 'logto-1.34.0.json'), 'utf8'));
const spec142 = JSON.parse(await readFile(join(SPECS, 'logto-1.42.0.json'), 'utf8'));
const miniSpec = JSON.parse(await readFile(join(FIXTURES, 'mini', 'spec.json'), 'utf8'));

/** The change report as generate computes it: both specs with the patches applied, as the types are generated. */
function reportOf(before: unknown, after: unknown) {
  return diffSpecs(asGenerated(before, LOGTO_PATCHES), asGenerated(after, LOGTO_PATCHES));
}

function decide(before: unknown, after: unknown) {
  const report = reportOf(before, after);
  const documentation = diffDocumentation(asGenerated(before, LOGTO_PATCHES), asGenerated(after, LOGTO_PATCHES));
  return decideRelease({ report, documentation, contentChanged: specContentChanged(before, after) });
}

/** The same document with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reverseKeys(inner)]));
}

/** The change report's breaking changes as the Breaking section writes them. */
function breakingLines(report: ReturnType<typeof diffSpecs>): string[] {
  return report.breaking.map((change) => {
    const name = `\`${change.operation.operationId}\` (${change.operation.method} ${change.operation.path})`;
    if (change.kind === 'operation-removed') return `- ${name}: operation removed`;
    return `- ${name}${change.location ? ` \`${change.location}\`` : ''}: ${change.message}`;
  });
}

function section(changelog: string, title: string): string[] {
  const start = changelog.indexOf(`\n### ${title}\n`);
  if (start === -1) return [];
  const rest = changelog.slice(start + `\n### ${title}\n`.length);
  const end = rest.search(/\n##/);
  return (end === -1 ? rest : rest.slice(0, end)).split('\n').filter((line) => line.startsWith('- '));
}

describe('the change report decides the release (real Logto specs)', () => {
  it('1.34.0 → 1.42.0 is major; a 0.x package gets a minor, and the Breaking section is exactly the report’s breaking changes', async () => {
    const report = reportOf(spec134, spec142);
    const documentation = diffDocumentation(asGenerated(spec134, LOGTO_PATCHES), asGenerated(spec142, LOGTO_PATCHES));
    expect(decideRelease({ report, documentation, contentChanged: true })).toMatchObject({ level: 'major', breaking: true, reason: '17 breaking changes' });

    for (const [version, next, level] of [
      ['0.3.1', '0.4.0', 'minor'],
      ['1.4.2', '2.0.0', 'major'],
    ] as const) {
      const dir = await workspace();
      await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: '@acme/logto', version }, null, 2)}\n`);
      const plan = await planRelease({ outDir: join(dir, 'src', 'logto'), cwd: dir, report, documentation, contentChanged: true, fromSha256: 'a'.repeat(64), toSha256: 'b'.repeat(64), date: '2026-12-01' });
      expect(plan.result).toMatchObject({ level, breaking: true, from: version, to: next });
      if (version.startsWith('0.')) expect(plan.result.note).toContain('below 1.0.0 a breaking change bumps the minor version (semver 0.x)');
      const changelog = plan.writes.find((write) => write.file.endsWith('CHANGELOG.md'))!.text;
      expect(changelog).toContain(`\n## [${next}] - 2026-12-01\n`);
      expect(section(changelog, 'Breaking')).toEqual(breakingLines(report));
      expect(section(changelog, 'Breaking')).toHaveLength(17);
      // Every other change of the report is listed once, in Added or Changed.
      const rest = [...section(changelog, 'Added'), ...section(changelog, 'Changed'), ...section(changelog, 'Deprecated')];
      expect(rest).toHaveLength(report.changes.length - report.breaking.length + documentation.length);
      expect(section(changelog, 'Added')).toContain('- `GetWellKnownAccountCenter` (GET /api/.well-known/account-center): new operation — Get default account center');
      const manifest = JSON.parse(plan.writes.find((write) => write.file.endsWith('package.json'))!.text);
      expect(manifest).toEqual({ name: '@acme/logto', version: next });
    }
  });

  it('derived from 1.42.0: added operation → minor, description only → patch, servers only → nothing, reordered keys → nothing', () => {
    const added = structuredClone(spec142);
    added.paths['/api/users/{userId}/badges'] = {
      get: {
        operationId: 'ListUserBadges',
        tags: ['Users'],
        summary: 'Get badges of a user',
        parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } },
      },
    };
    expect(decide(spec142, added)).toMatchObject({ level: 'minor', breaking: false });

    const field = structuredClone(spec142);
    const userProperties = field.paths['/api/users/{userId}'].get.responses['200'].content['application/json'].schema.properties;
    userProperties.nickname = { type: 'string' };
    expect(decide(spec142, field).level).toBe('minor');

    const described = structuredClone(spec142);
    described.paths['/api/users'].get.description = 'Lists users, now in better words.';
    described.paths['/api/users/{userId}'].get.summary = 'Get a user by id';
    expect(decide(spec142, described)).toMatchObject({ level: 'patch', reason: 'documentation only: 2 changes to summaries, descriptions, examples or deprecation notes' });

    const example = structuredClone(spec142);
    example.paths['/api/users/{userId}'].get.responses['200'].content['application/json'].schema.properties.username.example = 'alice';
    expect(decide(spec142, example).level).toBe('patch');

    const deprecated = structuredClone(spec142);
    deprecated.paths['/api/users'].get.deprecated = true;
    expect(decide(spec142, deprecated).level).toBe('patch');

    const cloud = structuredClone(spec142);
    cloud.servers = [{ url: 'https://[tenant_id].logto.app/' }];
    cloud.info = { ...cloud.info, description: 'Logto Cloud' };
    expect(decide(spec142, cloud)).toMatchObject({ level: 'none' });

    expect(decide(spec142, reverseKeys(spec142))).toMatchObject({ level: 'none' });

    // A reordered list (not keys) regenerates different bytes without an API change: patch.
    const reordered = structuredClone(spec142);
    const parameters = reordered.paths['/api/users'].get.parameters;
    parameters.reverse();
    expect(decide(spec142, reordered)).toMatchObject({ level: 'patch', reason: 'the spec changed without an API change (reordered lists, validation details)' });
  });
});

describe('addReleaseEntry (Keep a Changelog)', () => {
  const entry = (version: string) => ({ version, date: '2026-12-01', intro: 'Intro.', sections: { breaking: [], added: ['`A` (GET /a): new operation'], changed: [], deprecated: [] } });

  it('puts the new version below Unreleased and above earlier versions, the rest byte for byte', () => {
    const existing = '# Changelog\n\nIntro text.\n\n## [Unreleased]\n\n- local note\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- first\n';
    const updated = addReleaseEntry(existing, entry('1.1.0'));
    expect(updated).toBe(
      '# Changelog\n\nIntro text.\n\n## [Unreleased]\n\n- local note\n\n## [1.1.0] - 2026-12-01\n\nIntro.\n\n### Added\n\n- `A` (GET /a): new operation\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- first\n',
    );
    expect(() => addReleaseEntry(updated, entry('1.1.0'))).toThrow('already has an entry for 1.1.0');
    expect(addReleaseEntry(undefined, entry('0.1.1'))).toMatch(/^# Changelog\n[\s\S]*Keep a Changelog[\s\S]*\n## \[0\.1\.1\] - 2026-12-01\n/);
  });
});

describe('generate --bump', () => {
  async function consumer(manifest: Record<string, unknown>, extra: Record<string, string> = {}) {
    const dir = await workspace();
    await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 4)}\n`);
    for (const [file, text] of Object.entries(extra)) {
      await mkdir(join(dir, file, '..'), { recursive: true });
      await writeFile(join(dir, file), text);
    }
    await writeFile(join(dir, 'spec.json'), JSON.stringify(miniSpec));
    await generate(quiet(dir, { spec: 'spec.json', out: 'src/logto', bump: true }));
    return dir;
  }
  const run = async (dir: string, spec: unknown, extra: Parameters<typeof quiet>[1] = {}) => {
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const options = quiet(dir, { spec: 'spec.json', out: 'src/logto', bump: true, date: '2026-12-01', ...extra });
    const result = await generate(options);
    return { result, log: options.lines.join('\n') };
  };
  const manifestOf = async (dir: string) => JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));

  it('bumps the package holding the output and writes CHANGELOG.md; no change, servers only and reordered keys release nothing', async () => {
    const dir = await consumer({ name: '@acme/logto', version: '1.2.3', private: true });
    expect(await manifestOf(dir)).toEqual({ name: '@acme/logto', version: '1.2.3', private: true }); // first pin: nothing to compare

    const added = structuredClone(miniSpec);
    added.paths['/api/users/{userId}/roles'] = {
      get: {
        operationId: 'ListUserRoles',
        tags: ['Users'],
        summary: 'Get roles for user',
        parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } },
      },
    };
    const minor = await run(dir, added);
    expect(minor.result.release).toMatchObject({ level: 'minor', from: '1.2.3', to: '1.3.0', packageName: '@acme/logto' });
    expect(minor.log).toContain('minor release: @acme/logto 1.2.3 → 1.3.0');
    const packageText = await readFile(join(dir, 'package.json'), 'utf8');
    expect(packageText).toBe(`${JSON.stringify({ name: '@acme/logto', version: '1.3.0', private: true }, null, 4)}\n`); // indentation kept
    const changelog = await readFile(join(dir, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('## [1.3.0] - 2026-12-01');
    expect(section(changelog, 'Added')).toEqual(['- `ListUserRoles` (GET /api/users/{userId}/roles): new operation — Get roles for user']);

    // The same spec again: nothing to release, nothing touched.
    const released = async () => [await snapshot(join(dir, 'src', 'logto')), await readFile(join(dir, 'package.json'), 'utf8'), await readFile(join(dir, 'CHANGELOG.md'), 'utf8')];
    const before = await released();
    const again = await run(dir, added);
    expect(again.result.release).toMatchObject({ level: 'none', from: '1.3.0' });
    expect(again.result.release?.to).toBeUndefined();
    expect(await released()).toEqual(before);

    // servers only (Logto Cloud's copy), reordered keys: no release, no report.
    const cloud = structuredClone(added);
    cloud.servers = [{ url: 'https://[tenant_id].logto.app/' }];
    const servers = await run(dir, cloud);
    expect(servers.result.release).toMatchObject({ level: 'none' });
    expect(servers.log).toContain('differs only in servers, info or key order');
    const reordered = await run(dir, reverseKeys(cloud));
    expect(reordered.result.release).toMatchObject({ level: 'none' });
    expect(await manifestOf(dir)).toMatchObject({ version: '1.3.0' });
    expect(await readFile(join(dir, 'CHANGELOG.md'), 'utf8')).toBe(changelog);

    // Description and deprecation only: patch, with the notes in Changed and Deprecated, and in CHANGES.md.
    const documented = structuredClone(cloud);
    documented.paths['/api/users'].get.description = 'Get users, filtered and paginated.';
    documented.paths['/api/users'].get.parameters.find((parameter: any) => parameter.name === 'isSuspended').deprecated = true;
    const patch = await run(dir, documented);
    expect(patch.result.release).toMatchObject({ level: 'patch', from: '1.3.0', to: '1.3.1' });
    const patched = await readFile(join(dir, 'CHANGELOG.md'), 'utf8');
    expect(patched.indexOf('## [1.3.1]')).toBeLessThan(patched.indexOf('## [1.3.0]'));
    expect(section(patched, 'Changed')[0]).toBe('- `ListUsers` (GET /api/users) `description`: description changed from "Get users with filters and pagination." to "Get users, filtered and paginated."');
    expect(section(patched, 'Deprecated')[0]).toBe('- `ListUsers` (GET /api/users) `query/isSuspended`: now deprecated');
    const changes = await readFile(join(dir, 'src', 'logto', 'CHANGES.md'), 'utf8');
    expect(changes).toContain('**No API changes.**');
    expect(changes).toContain('## Documentation changes (2)');
  }, 120_000);

  it('below 1.0.0 a breaking change is a minor release', async () => {
    const dir = await consumer({ name: 'acme-logto', version: '0.4.2' });
    const removed = structuredClone(miniSpec);
    delete removed.paths['/api/users/{userId}'].delete;
    const { result, log } = await run(dir, removed);
    expect(result.release).toMatchObject({ level: 'minor', breaking: true, from: '0.4.2', to: '0.5.0' });
    expect(log).toContain('below 1.0.0 a breaking change bumps the minor version (semver 0.x)');
    expect(section(await readFile(join(dir, 'CHANGELOG.md'), 'utf8'), 'Breaking')).toEqual(['- `DeleteUser` (DELETE /api/users/{userId}): operation removed']);
  }, 120_000);

  it('writes a changeset instead where the repo uses Changesets, and leaves the version to it', async () => {
    const dir = await consumer({ name: '@acme/logto', version: '2.0.0' }, { '.changeset/config.json': '{}\n', '.changeset/README.md': 'Changesets\n' });
    const removed = structuredClone(miniSpec);
    delete removed.paths['/api/users/{userId}'].delete;
    const { result } = await run(dir, removed);
    expect(result.release).toMatchObject({ level: 'major', breaking: true, from: '2.0.0', expectedVersion: '3.0.0' });
    expect(result.release?.to).toBeUndefined();
    expect(await manifestOf(dir)).toEqual({ name: '@acme/logto', version: '2.0.0' });
    await expect(readFile(join(dir, 'CHANGELOG.md'), 'utf8')).rejects.toThrow(/ENOENT/);
    const files = (await readdir(join(dir, '.changeset'))).filter((file) => file.startsWith('logto-api-'));
    expect(files).toEqual([`logto-api-${result.sha256.slice(0, 12)}.md`]);
    const changeset = await readFile(join(dir, '.changeset', files[0]!), 'utf8');
    expect(changeset.split('\n').slice(0, 3)).toEqual(['---', '"@acme/logto": major', '---']);
    expect(changeset).toContain('#### Breaking\n\n- `DeleteUser` (DELETE /api/users/{userId}): operation removed');
  }, 120_000);

  it('refuses a package.json it cannot bump before writing anything, and --bump with --check', async () => {
    const dir = await consumer({ name: '@acme/logto', version: '1.0.0' });
    await writeFile(join(dir, 'package.json'), '{ "name": "@acme/logto", "version": "one" }\n');
    const removed = structuredClone(miniSpec);
    delete removed.paths['/api/users/{userId}'].delete;
    const before = await snapshot(join(dir, 'src', 'logto'));
    const failed = run(dir, removed);
    await expect(failed).rejects.toBeInstanceOf(GeneratorError);
    await expect(failed).rejects.toThrow('--bump: "version" "one" is not a semver version (e.g. "0.1.0")');
    expect(await snapshot(join(dir, 'src', 'logto'))).toEqual(before);

    await writeFile(join(dir, 'package.json'), '{ "name": "@acme/logto", "version": "1.0.0" }\n');
    await writeFile(join(dir, 'CHANGELOG.md'), '# Changelog\n\n## [2.0.0] - 2026-11-30\n');
    await expect(run(dir, removed)).rejects.toThrow("--bump: already has an entry for 2.0.0; is package.json's version (1.0.0) behind it?");
    expect(await snapshot(join(dir, 'src', 'logto'))).toEqual(before);

    await expect(run(dir, removed, { check: true })).rejects.toThrow('--bump releases what a regeneration writes; it cannot be combined with --check');
  }, 120_000);
});

describe('generate --bump on the real upgrade', () => {
  it('pins Logto 1.34.0, then regenerates from 1.42.0: a 0.x package gets 0.(x+1).0 and its Breaking section is the report’s', async () => {
    const dir = await workspace({ 'specs/1.34.json': join(SPECS, 'logto-1.34.0.json'), 'specs/1.42.json': join(SPECS, 'logto-1.42.0.json') });
    await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: '@acme/logto', version: '0.7.0', type: 'module' }, null, 2)}\n`);
    await generate(quiet(dir, { spec: 'specs/1.34.json', out: 'src/logto', bump: true }));
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).version).toBe('0.7.0');

    const options = quiet(dir, { spec: 'specs/1.42.json', out: 'src/logto', bump: true, date: '2026-12-01' });
    const result = await generate(options);
    expect(result.release).toMatchObject({ level: 'minor', breaking: true, from: '0.7.0', to: '0.8.0' });
    expect(options.lines.join('\n')).toContain('below 1.0.0 a breaking change bumps the minor version (semver 0.x)');
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).version).toBe('0.8.0');
    const changelog = await readFile(join(dir, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('## [0.8.0] - 2026-12-01');
    // generate compares the pinned (key-sorted) documents: the same changes, in that order.
    expect(section(changelog, 'Breaking')).toEqual(breakingLines(reportOf(sortKeys(spec134), sortKeys(spec142))));
    const changes = await readFile(join(dir, 'src', 'logto', 'CHANGES.md'), 'utf8');
    expect(changes).toContain('**46 operations added, 0 removed, 120 changed; 17 breaking changes.**');
    expect(changes).toMatch(/\n## Documentation changes \(\d+\)\n/);
  }, 300_000);
});
