/**
 * The change report's renderings, exactly: a hand-built report with one of everything (a
 * breaking change, an added and a removed operation, a renamed operation, text that needs
 * escaping) and the bytes each renderer must produce for it.
 */
import { describe, expect, it } from 'vitest';
import { addChangelogEntry, renderChangelogEntry, renderDocumentationChanges, renderMarkdown, renderSummary, summaryLine } from '../../generator/changes/change-report.js';
import type { ApiChange, ChangeReport, OperationRef } from '../../generator/changes/diff-specs.js';

const getUser: OperationRef = { operationId: 'GetUser', method: 'GET', path: '/api/users/{userId}', summary: 'Get user | by id' };
const listThings: OperationRef = { operationId: 'ListThings', method: 'GET', path: '/api/things', summary: 'List <things>' };
const oldThing: OperationRef = { operationId: 'DeleteThing', method: 'DELETE', path: '/api/things/{id}' };
const renamed: OperationRef = { operationId: 'UpdateUserProfile', method: 'PATCH', path: '/api/users/{userId}/profile' };
const previous: OperationRef = { operationId: 'UpdateProfile', method: 'PUT', path: '/api/users/{userId}/profile' };

const fieldGone: ApiChange = { kind: 'field-removed', breaking: true, operation: getUser, location: 'responses/200/name', message: 'field "name" removed from the response' };
const pipe: ApiChange = { kind: 'enum-value-added', breaking: false, operation: getUser, location: 'query/mode|x', message: 'enum value "a|b" added' };
const idChanged: ApiChange = { kind: 'operation-id-changed', breaking: true, operation: renamed, message: 'operationId changed from UpdateProfile to UpdateUserProfile' };
const removedChange: ApiChange = { kind: 'operation-removed', breaking: true, operation: oldThing, message: 'operation removed' };
const addedChange: ApiChange = { kind: 'operation-added', breaking: false, operation: listThings, message: 'operation added' };

function report(breaking: ApiChange[] = [fieldGone, idChanged, removedChange]): ChangeReport {
  const changes = [addedChange, removedChange, fieldGone, pipe, idChanged];
  return {
    operations: { old: 3, new: 3 },
    added: [listThings],
    removed: [oldThing],
    changed: [
      { operation: getUser, breaking: true, changes: [fieldGone, pipe] },
      { operation: renamed, previous, breaking: true, changes: [idChanged] },
    ],
    changes,
    breaking,
    summary: { added: 1, removed: 1, changed: 2, breaking: breaking.length, nonBreaking: changes.length - breaking.length },
  };
}
const empty: ChangeReport = { operations: { old: 1, new: 1 }, added: [], removed: [], changed: [], changes: [], breaking: [], summary: { added: 0, removed: 0, changed: 0, breaking: 0, nonBreaking: 0 } };
const sides = { fromSha256: 'a'.repeat(64), toSha256: 'b'.repeat(64) };

describe('summaryLine', () => {
  it('counts with plurals, and says when nothing or nothing breaking changed', () => {
    expect(summaryLine(report())).toBe('1 operation added, 1 removed, 2 changed; 3 breaking changes');
    expect(summaryLine(report([fieldGone]))).toBe('1 operation added, 1 removed, 2 changed; 1 breaking change');
    expect(summaryLine(report([]))).toBe('1 operation added, 1 removed, 2 changed; no breaking changes');
    expect(summaryLine({ ...report(), summary: { ...report().summary, added: 2 } })).toBe('2 operations added, 1 removed, 2 changed; 3 breaking changes');
    expect(summaryLine(empty)).toBe('no API changes');
  });
});

describe('renderSummary', () => {
  it('lists the breaking changes, a removal by its route, and points to the report', () => {
    expect(renderSummary(report(), { reportPath: 'generated/CHANGES.md' })).toBe(
      [
        'API changes (3 → 3 operations): 1 operation added, 1 removed, 2 changed; 3 breaking changes',
        '  ✗ GetUser (GET /api/users/{userId}) responses/200/name: field "name" removed from the response',
        '  ✗ UpdateUserProfile (PATCH /api/users/{userId}/profile): operationId changed from UpdateProfile to UpdateUserProfile',
        '  ✗ DELETE /api/things/{id} (DeleteThing) removed',
        '  full report: generated/CHANGES.md',
      ].join('\n'),
    );
  });

  it('cuts the list at the limit and counts the rest, singular and plural', () => {
    expect(renderSummary(report(), { limit: 2 }).split('\n').slice(3)).toEqual(['  … and 1 more breaking change']);
    expect(renderSummary(report(), { limit: 1 }).split('\n').slice(2)).toEqual(['  … and 2 more breaking changes']);
    expect(renderSummary(report(), { limit: 3 }).split('\n')).toHaveLength(4);
    // Ten by default.
    const many = report(Array.from({ length: 12 }, () => fieldGone));
    expect(renderSummary(many).split('\n')).toHaveLength(12);
    expect(renderSummary(many).split('\n').at(-1)).toBe('  … and 2 more breaking changes');
  });

  it('gives no report path when nothing changed', () => {
    expect(renderSummary(empty, { reportPath: 'generated/CHANGES.md' })).toBe('API changes (1 → 1 operations): no API changes');
  });
});

describe('renderMarkdown', () => {
  it('renders every section, escaping pipes, angle brackets and backticks', () => {
    const withTick = { ...report(), added: [{ ...listThings, operationId: 'List`Things' }] };
    expect(renderMarkdown(withTick, { ...sides, source: 'https://openapi.logto.io/source.json' })).toMatchSnapshot();
  });

  it('writes only the sections that have rows', () => {
    const onlyAdded: ChangeReport = { ...empty, operations: { old: 1, new: 2 }, added: [listThings], changes: [addedChange], summary: { ...empty.summary, added: 1, nonBreaking: 1 } };
    expect(renderMarkdown(onlyAdded, sides).split('\n').slice(6)).toEqual([
      '**1 operation added, 0 removed, 0 changed; no breaking changes.**',
      '',
      '## Added operations (1)',
      '',
      '| Operation | Method | Path | Summary |',
      '| --- | --- | --- | --- |',
      '| `ListThings` | GET | `/api/things` | List &lt;things> |',
      '',
      '',
    ]);
    // An operation without a summary has an empty summary cell.
    const noSummary: ChangeReport = { ...onlyAdded, added: [{ operationId: 'Ping', method: 'GET', path: '/api/ping' }] };
    expect(renderMarkdown(noSummary, sides).split('\n')[12]).toBe('| `Ping` | GET | `/api/ping` |  |');
    const onlyRemoved: ChangeReport = { ...empty, removed: [oldThing], changes: [removedChange], breaking: [removedChange], summary: { ...empty.summary, removed: 1, breaking: 1 } };
    expect(renderMarkdown(onlyRemoved, sides).match(/^## .*$/gm)).toEqual(['## Breaking changes (1)', '## Removed operations (1)']);
    const onlyChanged: ChangeReport = { ...empty, changed: [{ operation: getUser, breaking: false, changes: [pipe] }], changes: [pipe], summary: { ...empty.summary, changed: 1, nonBreaking: 1 } };
    expect(renderMarkdown(onlyChanged, sides).match(/^##+ .*$/gm)).toEqual(['## Changed operations (1)', '### `GetUser` — GET `/api/users/{userId}`']);
  });

  it('says only the counts when nothing changed', () => {
    const text = renderMarkdown(empty, sides);
    expect(text.split('\n').slice(1)).toEqual(['', '# API changes', '', `From spec \`${'a'.repeat(64)}\` (1 operations) to \`${'b'.repeat(64)}\` (1 operations).`, '', '**No API changes.**', '', '']);
    expect(text.split('\n')[0]).toMatch(/^<!-- .*b{64}.* -->$/);
    // The sections follow `changes`, as the summary line does: a report without changes (its
    // other lists filled by hand) says only that, not a section the line contradicts.
    const listsOnly: ChangeReport = { ...report(), changes: [] };
    expect(renderMarkdown(listsOnly, sides).split('\n').slice(6)).toEqual(['**No API changes.**', '', '']);
  });
});

describe('the changelog', () => {
  it('writes an entry a level deeper, dated when a date is given', () => {
    const entry = renderChangelogEntry(report(), { ...sides, date: '2026-12-01' });
    expect(entry.split('\n')[0]).toBe('## 2026-12-01 — `aaaaaaaaaaaa` → `bbbbbbbbbbbb`');
    expect(entry).toContain('\n### Breaking changes (3)\n');
    expect(entry).toContain('\n#### `GetUser` — GET `/api/users/{userId}` (breaking)\n');
    expect(renderChangelogEntry(empty, sides).split('\n')[0]).toBe('## `aaaaaaaaaaaa` → `bbbbbbbbbbbb`');
  });

  it('adds entries newest first, keeps the earlier ones byte for byte and does not add one twice', () => {
    const first = addChangelogEntry(undefined, '## one\n\nfirst body\n', 'c'.repeat(64));
    expect(first.split('\n').slice(1)).toEqual(['', '# API changelog', '', 'One entry per change of the pinned Logto spec, newest first, written by `logto-mgmt generate`.', '', '## one', '', 'first body', '']);
    const second = addChangelogEntry(first, '## two\n\nsecond body', 'd'.repeat(64));
    expect(second.slice(second.indexOf('## two'))).toBe('## two\n\nsecond body\n\n## one\n\nfirst body\n');
    expect(second.split('\n')[0]).toContain('d'.repeat(64));
    // The same upgrade again replaces its entry instead of adding a second one.
    const again = addChangelogEntry(second, '## two\n\nsecond body, rewritten', 'd'.repeat(64));
    expect(again.slice(again.indexOf('## two'))).toBe('## two\n\nsecond body, rewritten\n\n## one\n\nfirst body\n');
    // The newest entry is the one replaced, even when it is the only one.
    expect(addChangelogEntry(first, '## one\n\nfirst body, rewritten', 'c'.repeat(64)).endsWith('## one\n\nfirst body, rewritten\n')).toBe(true);
    // A file without entries keeps none of its text.
    expect(addChangelogEntry('# API changelog\n\nno entries yet\n', '## one\n\nbody', 'c'.repeat(64)).endsWith('\n## one\n\nbody\n')).toBe(true);
  });
});

describe('renderDocumentationChanges', () => {
  it('a table at the given level; a sentence when only untyped details changed; nothing otherwise', () => {
    expect(
      renderDocumentationChanges(
        [
          { kind: 'documentation-changed', operation: getUser, location: 'summary', message: 'summary changed:\n"a | b"' },
          { kind: 'deprecated', location: 'tags/Users/description', message: 'tag <Users> deprecated' },
        ],
        { level: 3, contentChanged: true },
      ),
    ).toEqual([
      '### Documentation changes (2)',
      '',
      '| Operation | Where | Change |',
      '| --- | --- | --- |',
      '| `GetUser` GET `/api/users/{userId}` | `summary` | summary changed: "a \\| b" |',
      '|  | `tags/Users/description` | tag &lt;Users> deprecated |',
      '',
    ]);
    expect(renderDocumentationChanges([], { level: 2, contentChanged: true })).toEqual([
      'The spec changed only in ways the client does not type (reordered lists, validation details): regenerated without an API change.',
      '',
    ]);
    expect(renderDocumentationChanges([], { level: 2, contentChanged: false })).toEqual([]);
  });
});
