/**
 * The release helpers one function at a time, without a generation around them: the sections
 * and their lines, where a new CHANGELOG.md entry goes, the changeset's exact text and where its
 * folder is looked for, planRelease's refusals and texts, decideRelease and levelForVersion,
 * trackChanges with and without a comparable pinned spec, and --date. (version-bump.test.ts and
 * track-changes.test.ts run the same code through whole generations.)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { changesetFileName, findChangesetDir, renderChangeset } from '../../generator/changes/changeset.js';
import type { DocumentationChange } from '../../generator/changes/diff-docs.js';
import { renderMarkdown } from '../../generator/changes/change-report.js';
import { diffSpecs, type ApiChange, type ChangeReport } from '../../generator/changes/diff-specs.js';
import { addReleaseEntry, ChangelogConflictError, releaseSections, renderSections } from '../../generator/changes/release-changelog.js';
import { BreakingChangesError, resolveDate, trackChanges, type TrackChangesInput } from '../../generator/changes/track-changes.js';
import { decideRelease, levelForVersion, planRelease } from '../../generator/changes/version-bump.js';
import { GeneratorError } from '../../generator/pipeline/generator-error.js';
import { FIXTURES, workspace } from './workspace.js';

const miniSpec = JSON.parse(await readFile(join(FIXTURES, 'mini', 'spec.json'), 'utf8'));

/** A throw-away directory outside the repository, so no package.json or .git sits above it. */
const scratch = () => workspace({}, tmpdir());
afterEach(() => {
  vi.unstubAllEnvs();
});

const operation = { operationId: 'GetUser', method: 'GET', path: '/api/users/{userId}' };
const name = '`GetUser` (GET /api/users/{userId})';
function change(kind: ApiChange['kind'], breaking: boolean, extra: Partial<ApiChange> = {}): ApiChange {
  return { kind, breaking, operation, message: `${kind} message`, ...extra };
}
function report(changes: ApiChange[]): ChangeReport {
  const breaking = changes.filter((entry) => entry.breaking);
  return {
    operations: { old: 1, new: 1 },
    added: [],
    removed: [],
    changed: [],
    changes,
    breaking,
    summary: { added: 0, removed: 0, changed: 1, breaking: breaking.length, nonBreaking: changes.length - breaking.length },
  };
}

/** The mini fixture with one optional query parameter added: one compatible change. */
function withSearchParameter() {
  const spec = structuredClone(miniSpec);
  spec.paths['/api/users'].get.parameters.push({ name: 'search', in: 'query', required: false, schema: { type: 'string' } });
  return spec;
}
/** The mini fixture with one operation removed: one breaking change. */
function withoutDeleteUser() {
  const spec = structuredClone(miniSpec);
  delete spec.paths['/api/users/{userId}'].delete;
  return spec;
}

describe('releaseSections', () => {
  it('without a report and without documentation changes: four empty sections', () => {
    expect(releaseSections(undefined, [])).toEqual({ breaking: [], added: [], changed: [], deprecated: [] });
  });

  it('sorts each change into its section, with the operation, the location and the message', () => {
    const sections = releaseSections(
      report([
        change('operation-added', false, { operation: { ...operation, summary: 'Get user' } }),
        change('operation-added', false),
        change('operation-removed', true),
        change('deprecated', false, { location: 'query/search' }),
        change('type-changed', false),
        change('field-added', false, { location: 'responses/200/name' }),
      ]),
      [
        { kind: 'documentation-changed', operation, location: 'summary', message: 'summary changed' },
        { kind: 'documentation-changed', location: 'tags/Users/description', message: 'tag description changed' },
        { kind: 'deprecated', operation, location: 'query/page', message: 'now deprecated' },
      ] satisfies DocumentationChange[],
    );
    expect(sections).toEqual({
      breaking: [`${name}: operation removed`],
      added: [`${name}: new operation — Get user`, `${name}: new operation`, `${name} \`responses/200/name\`: field-added message`],
      changed: [`${name}: type-changed message`, `${name} \`summary\`: summary changed`, '`tags/Users/description`: tag description changed'],
      deprecated: [`${name} \`query/search\`: deprecated message`, `${name} \`query/page\`: now deprecated`],
    });
  });
});

describe('addReleaseEntry', () => {
  const entry = { version: '1.1.0', date: '2026-12-01', intro: 'Intro.', sections: { breaking: [], added: ['`A` (GET /a): new operation'], changed: [], deprecated: [] } };
  const text = '## [1.1.0] - 2026-12-01\n\nIntro.\n\n### Added\n\n- `A` (GET /a): new operation';

  it('a blank changelog is a new one: the Keep a Changelog title, then the entry', () => {
    const fresh = addReleaseEntry(undefined, entry);
    expect(fresh.startsWith('# Changelog\n\nAll notable changes')).toBe(true);
    expect(fresh.endsWith(`\n\n${text}\n`)).toBe(true);
    expect(addReleaseEntry('  \n\n', entry)).toBe(fresh);
  });

  it('with no earlier release, the entry goes after everything, trailing blank lines dropped', () => {
    const existing = '\n# Changelog\n\n## Unreleased\n\n- local note\n\n\n';
    expect(addReleaseEntry(existing, entry)).toBe(`\n# Changelog\n\n## Unreleased\n\n- local note\n\n${text}\n`);
    // An Unreleased heading is recognised with or without brackets, in any case.
    expect(addReleaseEntry('# Changelog\n\n## [unreleased]\n', entry)).toBe(`# Changelog\n\n## [unreleased]\n\n${text}\n`);
  });

  it('only a line that starts with "## " is an entry: deeper headings and a mention of Unreleased inside a heading are not', () => {
    const existing = '# Changelog\n\n## Unreleased\n\n### Added\n\n- local note\n\n## [1.0.0] - 2026-01-01 (## Unreleased work merged)\n\n- first\n';
    expect(addReleaseEntry(existing, entry)).toBe(
      `# Changelog\n\n## Unreleased\n\n### Added\n\n- local note\n\n${text}\n\n## [1.0.0] - 2026-01-01 (## Unreleased work merged)\n\n- first\n`,
    );
  });
});

describe('renderSections', () => {
  it('puts each line of a multi-line message on one bullet, a line break (LF or CRLF) becoming one space', () => {
    const sections = { breaking: [], added: ['first\nsecond', 'one\r\ntwo'], changed: [], deprecated: [] };
    expect(renderSections(sections, 3)).toEqual(['### Added', '', '- first second', '- one two', '']);
  });

  it('a changelog that already names the version throws a ChangelogConflictError', () => {
    const entry = { version: '1.0.0', date: '2026-12-01', intro: 'Intro.', sections: { breaking: [], added: [], changed: [], deprecated: [] } };
    const failure = (() => {
      try {
        return addReleaseEntry('# Changelog\n\n## [1.0.0] - 2026-01-01\n', entry);
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(ChangelogConflictError);
    expect(failure).toMatchObject({ name: 'ChangelogConflictError', message: 'already has an entry for 1.0.0' });
  });
});

describe('changesets', () => {
  it('renders the front matter, the intro and the sections, with one final newline', () => {
    const sections = { breaking: ['`A` (GET /a): operation removed'], added: [], changed: [], deprecated: [] };
    expect(renderChangeset({ packageName: '@acme/logto', level: 'major', intro: 'Intro.', sections })).toBe(
      '---\n"@acme/logto": major\n---\n\nIntro.\n\n#### Breaking\n\n- `A` (GET /a): operation removed\n',
    );
    expect(renderChangeset({ packageName: 'x', level: 'patch', intro: 'Only docs.', sections: { breaking: [], added: [], changed: [], deprecated: [] } })).toBe(
      '---\n"x": patch\n---\n\nOnly docs.\n',
    );
    expect(changesetFileName('0123456789abcdef'.repeat(4))).toBe('logto-api-0123456789ab.md');
  });

  it('finds .changeset in the package folder or above it, up to the repository root', async () => {
    const root = await scratch();
    const packageDir = join(root, 'packages', 'logto');
    await mkdir(packageDir, { recursive: true });
    expect(findChangesetDir(packageDir)).toBeUndefined();
    await mkdir(join(root, '.changeset'));
    expect(findChangesetDir(packageDir)).toBe(join(root, '.changeset'));
    // A repository root between the package and the folder: the search stops there.
    await mkdir(join(root, 'packages', '.git'));
    expect(findChangesetDir(packageDir)).toBeUndefined();
    await mkdir(join(packageDir, '.changeset'));
    expect(findChangesetDir(packageDir)).toBe(join(packageDir, '.changeset'));
  });
});

describe('planRelease', () => {
  const sha = 'c'.repeat(64);
  async function packageWith(text: string | undefined, extra: Record<string, string> = {}): Promise<string> {
    const dir = await scratch();
    if (text !== undefined) await writeFile(join(dir, 'package.json'), text);
    for (const [file, content] of Object.entries(extra)) await writeFile(join(dir, file), content);
    return dir;
  }
  const plan = (dir: string, input: Partial<Parameters<typeof planRelease>[0]> = {}) =>
    planRelease({ outDir: join(dir, 'src', 'logto'), cwd: dir, toSha256: sha, report: diffSpecs(miniSpec, withSearchParameter()), ...input });

  it('refuses a missing, unreadable, nameless or unversioned package.json, naming the file', async () => {
    const none = await packageWith(undefined);
    await expect(plan(none)).rejects.toThrow(new GeneratorError('--bump: no package.json at or above src/logto: the version to bump is that package\'s'));
    const cases: Array<[string, RegExp | string]> = [
      ['{"name": "x", ', /^package\.json: --bump: not valid JSON \(.+\)$/],
      ['{"version": "1.0.0"}', 'package.json: --bump: the package has no "name"'],
      ['{"name": "", "version": "1.0.0"}', 'package.json: --bump: the package has no "name"'],
      ['{"name": 42, "version": "1.0.0"}', 'package.json: --bump: the package has no "name"'],
      ['{"name": "x", "version": 1}', 'package.json: --bump: "version" 1 is not a semver version (e.g. "0.1.0")'],
      ['{"name": "x"}', 'package.json: --bump: "version" undefined is not a semver version (e.g. "0.1.0")'],
    ];
    for (const [text, message] of cases) {
      const failure = await plan(await packageWith(text)).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(GeneratorError);
      expect((failure as GeneratorError).file).toBe('package.json');
      if (typeof message === 'string') expect((failure as Error).message).toBe(message);
      else expect((failure as Error).message).toMatch(message);
    }
  });

  it('says why there is no release', async () => {
    const dir = await packageWith('{"name": "x", "version": "1.0.0"}');
    const result = await plan(dir, { report: undefined });
    expect(result).toEqual({
      result: expect.objectContaining({ level: 'none', note: 'no release: no change to the client (same spec, or only servers, info or key order differ)' }),
      writes: [],
    });
  });

  it('writes the intro with the level capitalised, keeps the manifest’s layout and names the changelog on a conflict', async () => {
    const dir = await packageWith('{"name":"x","version":"1.0.0"}');
    const result = await plan(dir, { date: '2026-12-01' });
    expect(result.result.note).toBe('minor release: x 1.0.0 → 1.1.0 (1 compatible API change (added operations, fields or enum values, relaxed requirements)); CHANGELOG.md');
    expect(result.writes[0]).toEqual({ file: join(dir, 'package.json'), text: '{\n  "name": "x",\n  "version": "1.1.0"\n}' });
    // The entry ends the new changelog: one section, nothing more (no documentation was given).
    expect(result.writes[1]!.text.slice(result.writes[1]!.text.indexOf('\n## ['))).toBe(
      `\n## [1.1.0] - 2026-12-01\n\nRegenerated from a new Logto Management API spec (\`cccccccccccc\`): 0 operations added, 0 removed, 1 changed; no breaking changes. Minor release: 1 compatible API change (added operations, fields or enum values, relaxed requirements).\n\n### Added\n\n- \`ListUsers\` (GET /api/users) \`query/search\`: optional query parameter "search" added\n`,
    );

    const tabbed = await packageWith('{\n\t"name": "x",\n\t"version": "1.0.0"\n}\n', { 'CHANGELOG.md': '# Changelog\n\n## [1.1.0] - 2026-01-01\n' });
    const conflict = await plan(tabbed, { date: '2026-12-01' }).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(GeneratorError);
    expect(conflict).toMatchObject({ file: 'CHANGELOG.md', message: "CHANGELOG.md: --bump: already has an entry for 1.1.0; is package.json's version (1.0.0) behind it?" });
    await writeFile(join(tabbed, 'CHANGELOG.md'), '# Changelog\n');
    expect((await plan(tabbed, { date: '2026-12-01' })).writes[0]!.text).toBe('{\n\t"name": "x",\n\t"version": "1.1.0"\n}\n');
    // The indent is the one a line starts with, not a space inside a line before a quote.
    const mixed = await packageWith('{ "name": "x",\n\t"version": "1.0.0"\n}');
    expect((await plan(mixed, { date: '2026-12-01' })).writes[0]!.text).toBe('{\n\t"name": "x",\n\t"version": "1.1.0"\n}');
  });

  it('dates the entry from SOURCE_DATE_EPOCH in the process environment, else today', async () => {
    const dir = await packageWith('{"name": "x", "version": "1.0.0"}');
    vi.stubEnv('SOURCE_DATE_EPOCH', '1764115200');
    expect((await plan(dir)).writes[1]!.text).toContain('\n## [1.1.0] - 2025-11-26\n');
    vi.stubEnv('SOURCE_DATE_EPOCH', '');
    const today = new Date().toISOString().slice(0, 10);
    const heading = (await plan(dir)).writes[1]!.text.split('\n').find((line) => line.startsWith('## ['));
    // Around midnight UTC the day may turn between the two readings.
    expect([`## [1.1.0] - ${today}`, `## [1.1.0] - ${new Date().toISOString().slice(0, 10)}`]).toContain(heading);
  });

  it('documentation changes alone are a patch release whose intro says there is no API change', async () => {
    const dir = await packageWith('{"name": "x", "version": "1.0.0"}');
    const documentation: DocumentationChange[] = [{ kind: 'documentation-changed', operation, location: 'summary', message: 'summary changed' }];
    const result = await plan(dir, { report: undefined, documentation, date: '2026-12-01' });
    expect(result.result).toMatchObject({ level: 'patch', to: '1.0.1' });
    expect(result.writes[1]!.text).toContain(
      `\n## [1.0.1] - 2026-12-01\n\nRegenerated from a new Logto Management API spec (\`cccccccccccc\`): no API changes. Patch release: documentation only: 1 change to summaries, descriptions, examples or deprecation notes.\n\n### Changed\n\n- ${name} \`summary\`: summary changed\n`,
    );
  });

  it('with Changesets: the changeset file, the expected version and a note that names both', async () => {
    const dir = await packageWith('{"name": "x", "version": "2.3.4"}');
    await mkdir(join(dir, '.changeset'));
    const result = await plan(dir, { report: diffSpecs(miniSpec, withoutDeleteUser()), fromSha256: 'd'.repeat(64) });
    const file = join(dir, '.changeset', 'logto-api-cccccccccccc.md');
    expect(result.result).toMatchObject({ level: 'major', expectedVersion: '3.0.0', changeset: file, note: 'major release of x (1 breaking change): changeset .changeset/logto-api-cccccccccccc.md' });
    expect(result.writes).toHaveLength(1);
    expect(result.writes[0]!.text).toContain('(`dddddddddddd` → `cccccccccccc`): 0 operations added, 1 removed, 0 changed; 1 breaking change. Major release: 1 breaking change.');
  });

  it('only a breaking change is marked breaking; below 1.0.0 only a major level becomes minor', () => {
    const documentation: DocumentationChange[] = [{ kind: 'documentation-changed', operation, location: 'summary', message: 'summary changed' }];
    expect(decideRelease({ report: report([change('operation-removed', true)]) })).toMatchObject({ level: 'major', breaking: true });
    expect(decideRelease({ report: report([change('operation-added', false)]) })).toMatchObject({ level: 'minor', breaking: false });
    expect(decideRelease({ documentation })).toMatchObject({ level: 'patch', breaking: false });
    expect(decideRelease({ report: report([]), contentChanged: true })).toMatchObject({ level: 'patch', breaking: false });
    expect(decideRelease({ report: report([]), contentChanged: false })).toMatchObject({ level: 'none', breaking: false });
    expect(decideRelease({})).toMatchObject({ level: 'none', breaking: false });

    expect(levelForVersion('major', '0.4.1')).toEqual({ level: 'minor', zeroMajor: true });
    expect(levelForVersion('major', '1.4.1')).toEqual({ level: 'major', zeroMajor: false });
    expect(levelForVersion('minor', '0.4.1')).toEqual({ level: 'minor', zeroMajor: false });
    expect(levelForVersion('patch', '0.4.1')).toEqual({ level: 'patch', zeroMajor: false });
  });

  it('counts in the singular and the plural', () => {
    expect(decideRelease({ report: report([change('operation-removed', true)]) }).reason).toBe('1 breaking change');
    expect(decideRelease({ report: report([change('operation-removed', true), change('type-changed', true)]) }).reason).toBe('2 breaking changes');
  });
});

describe('trackChanges, one call at a time', () => {
  async function track(pinned: string | undefined, input: Partial<TrackChangesInput> = {}) {
    const outDir = await scratch();
    if (pinned !== undefined) await writeFile(join(outDir, 'spec.json'), pinned);
    await writeFile(join(outDir, 'API-CHANGELOG.md'), '# kept\n');
    const warnings: string[] = [];
    const lines: string[] = [];
    const result = await trackChanges({
      outDir,
      outLabel: 'generated',
      previousSha256: 'a'.repeat(64),
      pinnedSpecFile: 'spec.json',
      newDocument: withSearchParameter(),
      newSha256: 'b'.repeat(64),
      log: (line) => lines.push(line),
      warn: (message) => warnings.push(message),
      ...input,
    });
    return { result, warnings, lines };
  }

  it('a missing or unparsable pin: one warning, no report, the history files carried over', async () => {
    const missing = await track(undefined);
    expect(missing.warnings).toEqual(['cannot compare with the previously pinned spec generated/spec.json (it is missing): no change report this time']);
    expect(missing.result).toEqual({ files: new Map([['API-CHANGELOG.md', '# kept\n']]), note: 'not compared' });

    const broken = await track('{"openapi": ');
    expect(broken.warnings).toHaveLength(1);
    expect(broken.warnings[0]).toMatch(/^cannot compare with the previously pinned spec generated\/spec\.json \(.*JSON.*\): no change report this time$/);
    expect(broken.result.note).toBe('not compared');
  });

  it('a pin that is JSON but no OpenAPI document: the comparison’s reason in the warning', async () => {
    const { warnings, result } = await track('{"openapi": "3.0.1"}');
    expect(warnings).toEqual(['cannot compare with the previously pinned spec: old spec: has no "paths" object; no change report this time']);
    expect(result.report).toBeUndefined();
    expect(result.note).toBe('not compared');
    expect(result.files.get('API-CHANGELOG.md')).toBe('# kept\n');
  });

  it('without patches both sides are compared as they are; one documentation change is counted in the singular', async () => {
    const previous = structuredClone(miniSpec);
    previous.paths['/api/users'].get.summary = 'Old summary';
    const { result, lines } = await track(JSON.stringify(previous), { source: 'spec.json', date: '2026-12-01' });
    expect(result.report?.summary).toMatchObject({ changed: 1, breaking: 0 });
    expect(result.documentation).toHaveLength(1);
    expect(result.note).toBe('0 operations added, 0 removed, 1 changed; no breaking changes; 1 documentation change');
    expect(lines.join('\n')).toContain('documentation changed in 1 place (see generated/CHANGES.md)');
  });

  it('the same spec sha256: nothing read, compared or logged, the history files carried over', async () => {
    const { result, lines, warnings } = await track(undefined, { newSha256: 'a'.repeat(64) });
    expect(result).toEqual({ files: new Map([['API-CHANGELOG.md', '# kept\n']]), note: 'no API changes (same spec sha256)' });
    expect(warnings).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('a spec that differs only in info and servers: no report file, a note with both short sha256s', async () => {
    const previous = structuredClone(miniSpec);
    previous.info.version = '1.41.0';
    previous.servers = [{ url: 'https://tenant.logto.app' }];
    const { result, lines } = await track(JSON.stringify(previous), {
      previousSha256: '0123456789abcdef'.repeat(4),
      newSha256: 'fedcba9876543210'.repeat(4),
      newDocument: structuredClone(miniSpec),
    });
    expect(result).toMatchObject({
      files: new Map([['API-CHANGELOG.md', '# kept\n']]),
      contentChanged: false,
      documentation: [],
      note: 'no API changes (spec 0123456789ab → fedcba987654 differs only in servers, info or key order)',
    });
    expect(result.report?.changes).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('a spec that changed only in what the client does not type: a report that says so, no documentation line', async () => {
    const next = structuredClone(miniSpec);
    next.paths['/api/users'].get.parameters[0].schema.minimum = 2;
    const { result, lines } = await track(JSON.stringify(miniSpec), { newDocument: next });
    expect(result).toMatchObject({ contentChanged: true, documentation: [], note: 'no API changes' });
    expect(lines.join('\n')).not.toContain('documentation changed');
    expect(result.files.get('CHANGES.md')).toContain('\n\nThe spec changed only in ways the client does not type (reordered lists, validation details): regenerated without an API change.\n');
  });

  it('an API change without documentation changes: the report as rendered, with its source, and nothing about documentation', async () => {
    const { result, lines } = await track(JSON.stringify(miniSpec), { source: 'spec.json', date: '2026-12-01' });
    expect(result.contentChanged).toBe(true);
    expect(result.note).toBe('0 operations added, 0 removed, 1 changed; no breaking changes');
    expect(lines.join('\n')).not.toContain('documentation changed');
    const changes = result.files.get('CHANGES.md')!;
    expect(changes).toBe(renderMarkdown(result.report!, { fromSha256: 'a'.repeat(64), toSha256: 'b'.repeat(64), source: 'spec.json', date: '2026-12-01' }));
    expect(changes).toContain('pulled from spec.json');
    expect(changes).not.toMatch(/Documentation changes|does not type/);
  });

  it('documentation changes in two places: counted in the plural, their section right after the report', async () => {
    const previous = structuredClone(miniSpec);
    previous.paths['/api/users'].get.summary = 'Old summary';
    previous.paths['/api/users'].post.summary = 'Old summary';
    const { result, lines } = await track(JSON.stringify(previous), { date: '2026-12-01' });
    expect(result.documentation).toHaveLength(2);
    expect(result.note).toBe('0 operations added, 0 removed, 1 changed; no breaking changes; 2 documentation changes');
    expect(lines).toContain('  documentation changed in 2 places (see generated/CHANGES.md)');
    for (const [file, heading] of [['CHANGES.md', '## Documentation changes (2)'], ['API-CHANGELOG.md', '### Documentation changes (2)']] as const) {
      const text = result.files.get(file)!;
      // One blank line between the report's last line and the section; the file ends with its table.
      const section = text.indexOf(`\n\n${heading}\n\n| Operation | Where | Change |\n`);
      expect(section).toBeGreaterThan(0);
      expect(text[section - 1]).not.toBe('\n');
      expect(text).toMatch(/ \|\n$/);
      expect(text).not.toMatch(/\n\n\n|Stryker/);
      expect(text).not.toContain('does not type');
    }
  });

  it('--fail-on-breaking lists every breaking change, past the log’s limit of ten', async () => {
    const previous = structuredClone(miniSpec);
    for (let index = 1; index <= 12; index += 1) {
      previous.paths[`/api/extra-${index}`] = { get: { operationId: `GetExtra${index}`, tags: ['Users'], responses: { 204: { description: 'Nothing.' } } } };
    }
    const failure = await track(JSON.stringify(previous), { newDocument: structuredClone(miniSpec), failOnBreaking: true }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BreakingChangesError);
    const message = (failure as Error).message;
    for (let index = 1; index <= 12; index += 1) expect(message).toContain(`GET /api/extra-${index} (GetExtra${index}) removed`);
    expect(message).not.toContain('more breaking change');
    expect(message).toMatch(/\n--fail-on-breaking: 12 breaking changes; nothing was written/);
  });

  it('--fail-on-breaking with one breaking change says so in the singular', async () => {
    const failure = await track(JSON.stringify(miniSpec), { newDocument: withoutDeleteUser(), failOnBreaking: true }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BreakingChangesError);
    expect((failure as Error).message).toMatch(/\n--fail-on-breaking: 1 breaking change; nothing was written/);
    expect(failure).toMatchObject({ name: 'BreakingChangesError' });
  });
});

describe('resolveDate', () => {
  it('--date must be a real calendar date written YYYY-MM-DD, nothing before or after it', () => {
    expect(resolveDate('2026-12-01', {})).toEqual({ date: '2026-12-01' });
    // Date.parse alone would take each of these but the third and the last two.
    for (const date of ['2026-12-01T00:00', '+002026-12-01', '2026-13-01', ' 2026-12-01', 'Tue 2026-12-01', '26-12-01', '']) {
      expect(() => resolveDate(date, {})).toThrow(new GeneratorError(`--date ${JSON.stringify(date)}: expected YYYY-MM-DD`));
    }
  });

  it('an empty SOURCE_DATE_EPOCH is no date; one with anything but digits is refused', () => {
    expect(resolveDate(undefined, { SOURCE_DATE_EPOCH: '' })).toEqual({});
    for (const epoch of ['12abc', 'abc12', '1.5']) {
      expect(() => resolveDate(undefined, { SOURCE_DATE_EPOCH: epoch })).toThrow(`SOURCE_DATE_EPOCH=${JSON.stringify(epoch)}: expected seconds since 1970`);
    }
  });
});
