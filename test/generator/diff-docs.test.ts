/**
 * diffDocumentation on small specs, one kind of wording change each: operation summaries and
 * descriptions, parameters, bodies and responses field by field ($refs, items, maps, unions),
 * examples (key order is no change), deprecation both ways, tags; and what it must skip.
 */
import { describe, expect, it } from 'vitest';
import { diffDocumentation } from '../../generator/changes/diff-docs.js';

type Node = Record<string, any>;
const operation = (fields: Node = {}): Node => ({ operationId: 'GetThing', tags: ['Things'], summary: 'Get a thing', responses: {}, ...fields });
const spec = (op: Node, extra: Node = {}, pathItem: Node = {}): Node => ({ openapi: '3.0.1', paths: { '/api/things/{id}': { ...pathItem, get: op } }, ...extra });
const brief = (before: Node, after: Node) => diffDocumentation(before, after).map(({ kind, location, message }) => ({ kind, location, message }));

describe('diffDocumentation', () => {
  it('operation words: added, removed, changed, with long text cut and whitespace collapsed', () => {
    const long = `${'word '.repeat(30)}end`;
    expect(brief(spec(operation({ description: 'old\n  text', title: 'T' })), spec(operation({ summary: 'Get one thing', description: long })))).toEqual([
      { kind: 'documentation-changed', location: 'summary', message: 'summary changed from "Get a thing" to "Get one thing"' },
      { kind: 'documentation-changed', location: 'description', message: `description changed from "old text" to ${JSON.stringify(`${'word '.repeat(30).slice(0, 77)}…`)}` },
      { kind: 'documentation-changed', location: 'title', message: 'title removed (was "T")' },
    ]);
    expect(brief(spec(operation({ summary: undefined })), spec(operation({ summary: 'New' })))).toEqual([{ kind: 'documentation-changed', location: 'summary', message: 'summary added: "New"' }]);
  });

  it('names the operation as in the new spec', () => {
    const [change] = diffDocumentation(spec(operation()), spec(operation({ summary: 'Other' })));
    expect(change.operation).toEqual({ operationId: 'GetThing', method: 'GET', path: '/api/things/{id}', tag: 'Things', summary: 'Other' });
  });

  it('an operation no longer deprecated is reported here; newly deprecated is the change report’s', () => {
    expect(brief(spec(operation({ deprecated: true })), spec(operation()))).toEqual([{ kind: 'documentation-changed', location: 'deprecated', message: 'no longer deprecated' }]);
    expect(brief(spec(operation()), spec(operation({ deprecated: true })))).toEqual([]);
  });

  it('parameters, path-level ones and $refs included: words, deprecation, examples and their schema', () => {
    const components = (description: string) => ({ components: { parameters: { Id: { name: 'id', in: 'path', required: true, description, schema: { type: 'string' } } } } });
    const before = spec(
      operation({ parameters: [{ name: 'page', in: 'query', description: 'Page', example: 1, schema: { type: 'integer', description: 'n' } }, { name: 'gone', in: 'query' }] }),
      components('Id'),
      { parameters: [{ $ref: '#/components/parameters/Id' }] },
    );
    const after = spec(
      operation({ parameters: [{ name: 'page', in: 'query', description: 'Page number', deprecated: true, example: 2, schema: { type: 'integer', description: 'm' } }, { name: 'new', in: 'query', description: 'x' }] }),
      components('The id'),
      { parameters: [{ $ref: '#/components/parameters/Id' }] },
    );
    expect(brief(before, after)).toEqual([
      { kind: 'documentation-changed', location: 'path/id/description', message: 'description changed from "Id" to "The id"' },
      { kind: 'documentation-changed', location: 'query/page/description', message: 'description changed from "Page" to "Page number"' },
      { kind: 'deprecated', location: 'query/page', message: 'now deprecated' },
      { kind: 'documentation-changed', location: 'query/page/example', message: 'example changed' },
      { kind: 'documentation-changed', location: 'query/page/description', message: 'description changed from "n" to "m"' },
    ]);
  });

  it('bodies and responses field by field: properties, items, maps, unions of the same length, $refs', () => {
    const schemas = (description: string) => ({ components: { schemas: { Tag: { type: 'object', description, properties: { 'a/b': { type: 'string', deprecated: description === 'new' } } } } } });
    const body = (d: string) => ({
      description: `body ${d}`,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string', description: `name ${d}` },
              list: { type: 'array', items: { type: 'string', title: `item ${d}` } },
              map: { type: 'object', additionalProperties: { type: 'string', description: `value ${d}` } },
              either: { oneOf: [{ type: 'string', description: `first ${d}` }, { type: 'number' }] },
              uneven: { anyOf: d === 'old' ? [{ type: 'string', description: 'x' }] : [{ type: 'string', description: 'y' }, { type: 'number' }] },
              tag: { $ref: '#/components/schemas/Tag' },
              ...(d === 'old' ? { dropped: { type: 'string', description: 'd' } } : { added: { type: 'string', description: 'a' } }),
            },
          },
        },
        'multipart/form-data': { schema: { type: 'object', description: `form ${d}` }, examples: d === 'old' ? undefined : { a: { value: 1 } } },
      },
    });
    const before = spec(operation({ requestBody: body('old'), responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Tag' } } } } } }), schemas('old'));
    const after = spec(operation({ requestBody: body('new'), responses: { '200': { description: 'Done', content: { 'application/json': { schema: { $ref: '#/components/schemas/Tag' } } } }, '404': { description: 'new' } } }), schemas('new'));
    expect(brief(before, after)).toEqual([
      { kind: 'documentation-changed', location: 'requestBody/description', message: 'description changed from "body old" to "body new"' },
      { kind: 'documentation-changed', location: 'requestBody/name/description', message: 'description changed from "name old" to "name new"' },
      { kind: 'documentation-changed', location: 'requestBody/list/[]/title', message: 'title changed from "item old" to "item new"' },
      { kind: 'documentation-changed', location: 'requestBody/map/{}/description', message: 'description changed from "value old" to "value new"' },
      { kind: 'documentation-changed', location: 'requestBody/either/oneOf[0]/description', message: 'description changed from "first old" to "first new"' },
      { kind: 'documentation-changed', location: 'requestBody/tag/description', message: 'description changed from "old" to "new"' },
      { kind: 'deprecated', location: 'requestBody/tag/a~1b', message: 'now deprecated' },
      { kind: 'documentation-changed', location: 'requestBody/multipart~1form-data/examples', message: 'examples added' },
      { kind: 'documentation-changed', location: 'requestBody/multipart~1form-data/description', message: 'description changed from "form old" to "form new"' },
      { kind: 'documentation-changed', location: 'responses/200/description', message: 'description changed from "OK" to "Done"' },
      { kind: 'documentation-changed', location: 'responses/200/description', message: 'description changed from "old" to "new"' },
      { kind: 'deprecated', location: 'responses/200/a~1b', message: 'now deprecated' },
    ]);
  });

  it('examples: key order is no change; removed and added are named', () => {
    const withExample = (example: unknown) => spec(operation({ parameters: [{ name: 'q', in: 'query', ...(example === undefined ? {} : { example }) }] }));
    expect(brief(withExample({ a: 1, b: 2 }), withExample({ b: 2, a: 1 }))).toEqual([]);
    expect(brief(withExample({ a: 1 }), withExample(undefined))).toEqual([{ kind: 'documentation-changed', location: 'query/q/example', message: 'example removed' }]);
    expect(brief(withExample(undefined), withExample('x'))).toEqual([{ kind: 'documentation-changed', location: 'query/q/example', message: 'example added' }]);
  });

  it('a field no longer deprecated, and a recursive schema walked once (its $ref is not entered again)', () => {
    const tree = (description: string, deprecated: boolean) => ({
      components: { schemas: { Node: { type: 'object', description, properties: { child: { $ref: '#/components/schemas/Node' }, flag: { type: 'boolean', deprecated } } } } },
    });
    const op = operation({ responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } } } });
    expect(brief(spec(op, tree('a', true)), spec(op, tree('b', false)))).toEqual([
      { kind: 'documentation-changed', location: 'responses/200/description', message: 'description changed from "a" to "b"' },
      { kind: 'documentation-changed', location: 'responses/200/flag', message: 'no longer deprecated' },
    ]);
  });

  it('tags by name, without an operation; a moved or renamed operation and info/servers are skipped', () => {
    const tags = (description: string) => ({ tags: [{ name: 'Things', description }, { name: 'Only new', description: 'x' }], info: { title: description }, servers: [{ url: description }] });
    const changes = diffDocumentation(spec(operation(), { ...tags('old'), tags: [{ name: 'Things', description: 'old' }] }), spec(operation(), tags('new')));
    expect(changes).toEqual([{ kind: 'documentation-changed', location: 'tags/Things/description', message: 'description changed from "old" to "new"' }]);
    const moved = { openapi: '3.0.1', paths: { '/api/other': { get: operation({ summary: 'Moved' }) } } };
    expect(brief(spec(operation()), moved)).toEqual([]);
    const renamed = spec(operation({ operationId: 'GetOther', summary: 'Renamed' }));
    expect(brief(spec(operation()), renamed)).toEqual([]);
    // An operation without an operationId is paired by method and path.
    expect(brief(spec(operation({ operationId: undefined })), spec(operation({ operationId: undefined, summary: 'S' })))).toEqual([
      { kind: 'documentation-changed', location: 'summary', message: 'summary changed from "Get a thing" to "S"' },
    ]);
  });

  it('tolerates specs without paths, tags, responses or bodies on one side', () => {
    expect(diffDocumentation({}, {})).toEqual([]);
    expect(brief(spec(operation({ responses: undefined })), spec(operation({ responses: { '200': { description: 'x' } }, requestBody: { description: 'b' } })))).toEqual([]);
    expect(brief({ paths: { '/x': null } }, { paths: { '/x': { get: null } } })).toEqual([]);
  });

  it('skips what exists on one side only, or is no schema object', () => {
    const withBody = (schema: Node, extraContent: Node = {}) => spec(operation({ requestBody: { content: { 'application/json': { schema }, ...extraContent } } }));
    // A media type, a property, items, a map or a union only in the new spec: no documentation change of its own.
    expect(brief(withBody({ type: 'object' }), withBody({ type: 'object', properties: { a: { description: 'a' } } }, { 'text/plain': { example: 'x', schema: { description: 'd' } } }))).toEqual([]);
    expect(brief(withBody({ type: 'array' }), withBody({ type: 'array', items: { description: 'i' } }))).toEqual([]);
    expect(brief(withBody({ type: 'object', additionalProperties: true }), withBody({ type: 'object', additionalProperties: { description: 'v' } }))).toEqual([]);
    expect(brief(withBody({ type: 'object', additionalProperties: [] }), withBody({ type: 'object', additionalProperties: { description: 'v' } }))).toEqual([]);
    expect(brief(withBody({ type: 'string' }), withBody({ oneOf: [{ description: 'o' }] }))).toEqual([]);
    // A boolean schema has no words to compare.
    expect(brief(withBody({ type: 'object', properties: { a: true } }), withBody({ type: 'object', properties: { a: { description: 'now' } } }))).toEqual([]);
    // Deprecated on both sides is no change; a parameter without a name or place is skipped.
    const deprecatedParameter = spec(operation({ deprecated: true, parameters: [{ name: 'q', in: 'query', deprecated: true }, { in: 'query', description: 'a' }, null] }), {}, { parameters: null });
    expect(brief(deprecatedParameter, spec(operation({ deprecated: true, parameters: [{ name: 'q', in: 'query', deprecated: true }, { in: 'query', description: 'b' }] })))).toEqual([]);
  });

  it('pairs tags by name only, and reads tags that are not a list as none', () => {
    expect(brief(spec(operation(), { tags: { name: 'x' } }), spec(operation(), { tags: [{ description: 'new' }] }))).toEqual([]);
    expect(brief(spec(operation(), { tags: [{ description: 'old' }] }), spec(operation(), { tags: 'Users' }))).toEqual([]);
  });

  it('keys operations without an id by method and path, each on its own', () => {
    const both = (summary: string) => ({ openapi: '3.0.1', paths: { '/x': { get: { summary, responses: {} }, post: { summary, responses: {} } } } });
    expect(diffDocumentation(both('a'), both('b')).map((change) => `${change.operation?.operationId} ${change.location}`)).toEqual(['GET /x summary', 'POST /x summary']);
  });

  it('names the operation with its tag and summary only when they are strings', () => {
    const [change] = diffDocumentation(spec(operation({ tags: [5], summary: undefined, description: 'a' })), spec(operation({ tags: [5], summary: undefined, description: 'b' })));
    expect(change.operation).toStrictEqual({ operationId: 'GetThing', method: 'GET', path: '/api/things/{id}' });
  });

  it('escapes ~ and / in field names, trims quoted text and cuts it only past 80 characters', () => {
    const field = (description: string) => spec(operation({ requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { 'a~b/c': { description } } } } } } }));
    expect(brief(field('  padded  '), field('x'.repeat(80)))).toEqual([
      { kind: 'documentation-changed', location: 'requestBody/a~0b~1c/description', message: `description changed from "padded" to "${'x'.repeat(80)}"` },
    ]);
  });

  it('pairs an operationId only at the same method and path', () => {
    const post = { openapi: '3.0.1', paths: { '/api/things/{id}': { post: operation({ summary: 'Moved to POST' }) } } };
    expect(brief(spec(operation()), post)).toEqual([]);
  });

  it('indexes only path items and operations that are objects', () => {
    // A function carrying a `get` is no path item; a string is no operation: the new GET has no partner either way.
    const functionItem = { openapi: '3.0.1', paths: { '/api/things/{id}': Object.assign(() => undefined, { get: operation() }) } };
    expect(brief(functionItem, spec(operation({ summary: 'Other' })))).toEqual([]);
    const stringOperation = { openapi: '3.0.1', paths: { '/api/things/{id}': { get: 'Get a thing' } } };
    expect(brief(stringOperation, spec({ summary: 'S', responses: {} }))).toEqual([]);
  });

  it('an unchanged operation is walked when its path-level $ref parameter may have changed', () => {
    const components = (description: string) => ({ components: { parameters: { Id: { name: 'id', in: 'path', description } } } });
    const pathItem = { parameters: [{ $ref: '#/components/parameters/Id' }] };
    expect(brief(spec(operation(), components('Id'), pathItem), spec(operation(), components('The id'), pathItem))).toEqual([
      { kind: 'documentation-changed', location: 'path/id/description', message: 'description changed from "Id" to "The id"' },
    ]);
  });

  it('an operation whose JSON text is unchanged and holds no $ref is not walked', () => {
    // The shortcut trusts JSON text: words JSON does not show (on a function) are compared only when walked.
    const withBody = (description: string, fields: Node = {}) => spec(operation({ requestBody: Object.assign(() => undefined, { description }), ...fields }));
    expect(brief(withBody('a'), withBody('b'))).toEqual([]);
    expect(brief(withBody('a'), withBody('b', { summary: 'S' }))).toEqual([
      { kind: 'documentation-changed', location: 'summary', message: 'summary changed from "Get a thing" to "S"' },
      { kind: 'documentation-changed', location: 'requestBody/description', message: 'description changed from "a" to "b"' },
    ]);
  });

  it('tags that are null are neither keyed nor looked up', () => {
    const tags = (description: string) => ({ tags: [null, { name: 'Things', description }] });
    expect(brief(spec(operation(), tags('old')), spec(operation(), tags('new')))).toEqual([
      { kind: 'documentation-changed', location: 'tags/Things/description', message: 'description changed from "old" to "new"' },
    ]);
  });

  it('a response that is null on either side is skipped', () => {
    const withResponse = (response: Node | null) => spec(operation({ responses: { '200': response } }));
    expect(brief(withResponse(null), withResponse({ description: 'OK', content: {} }))).toEqual([]);
    expect(brief(withResponse({ description: 'OK', content: {} }), withResponse(null))).toEqual([]);
  });

  it('a `responses` that is no object, on either side, reads as none', () => {
    const withResponses = (responses: unknown) => spec(operation({ responses }));
    const ok = { '0': { description: 'x' } };
    for (const [before, after] of [[5, ok], [ok, 5], ['ab', ok], [ok, 'ab'], [[{ description: 'x' }], [{ description: 'y' }]]]) {
      expect(brief(withResponses(before), withResponses(after))).toEqual([]);
    }
  });

  it('words that are not strings on both sides are not compared', () => {
    const field = (description: unknown) => spec(operation({ requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { a: { description } } } } } } }));
    expect(brief(field(5), field({ text: 'five' }))).toEqual([]);
    expect(brief(field(null), field(undefined))).toEqual([]);
  });

  it('a media type null in the new spec: its examples read as removed, its schema as absent', () => {
    const withMedia = (media: Node | null) => spec(operation({ requestBody: { content: { 'application/json': media } } }));
    expect(brief(withMedia({ example: 1, schema: { description: 'a' } }), withMedia(null))).toEqual([
      { kind: 'documentation-changed', location: 'requestBody/application~1json/example', message: 'example removed' },
    ]);
  });

  it('a body or response with content on the new side only: words compared, content skipped', () => {
    const content = { 'application/json': { schema: { description: 's' } } };
    const before = spec(operation({ requestBody: { description: 'a' }, responses: { '200': { description: 'OK' } } }));
    const after = spec(operation({ requestBody: { description: 'b', content }, responses: { '200': { description: 'Done', content } } }));
    expect(brief(before, after)).toEqual([
      { kind: 'documentation-changed', location: 'requestBody/description', message: 'description changed from "a" to "b"' },
      { kind: 'documentation-changed', location: 'responses/200/description', message: 'description changed from "OK" to "Done"' },
    ]);
  });

  it('a schema that is null or a boolean on either side is not walked', () => {
    const field = (a: unknown) => spec(operation({ requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { a } } } } } }));
    const cases: [before: unknown, after: unknown][] = [
      [null, { description: 'now' }],
      [{ description: 'was' }, null],
      [{ description: 'was' }, true],
    ];
    for (const [before, after] of cases) expect(brief(field(before), field(after))).toEqual([]);
  });

  it('items and maps on one side only are not followed: not even their $refs are resolved', () => {
    // The $ref points nowhere: resolving it would throw.
    const missing = { $ref: '#/components/schemas/Missing' };
    const withBody = (schema: Node) => spec(operation({ requestBody: { content: { 'application/json': { schema } } } }));
    expect(brief(withBody({ type: 'array' }), withBody({ type: 'array', items: missing }))).toEqual([]);
    // Nor a property or a response only in the new spec.
    expect(brief(withBody({ type: 'object', properties: {} }), withBody({ type: 'object', properties: { a: missing } }))).toEqual([]);
    expect(brief(spec(operation()), spec(operation({ responses: { '200': missing } })))).toEqual([]);
    // No map, a map of anything, null or a list on the old side: none is a schema to pair the new one with.
    for (const additionalProperties of [undefined, true, null, []]) {
      expect(brief(withBody({ type: 'object', additionalProperties }), withBody({ type: 'object', additionalProperties: missing }))).toEqual([]);
    }
  });

  it('tags without a string name cannot be paired and are skipped; null tags never throw', () => {
    const withTags = (...tags: unknown[]) => spec(operation(), { tags });
    expect(brief(withTags({ description: 'old' }), withTags({ description: 'new' }))).toEqual([]);
    expect(brief(withTags({ description: 'old' }), withTags(null))).toEqual([]);
    expect(brief(withTags({ name: 5, description: 'old' }), withTags({ name: 5, description: 'new' }))).toEqual([]);
  });

  it('names every object inherits (constructor, __proto__) pair only when the spec has them on both sides', () => {
    const content = (media: Node) => ({ 'application/json': { schema: { description: 's' } }, ...media });
    const withProperties = (json: string) => ({ content: { 'application/json': { schema: { type: 'object', properties: JSON.parse(json) } } } });
    const before = spec(operation({ requestBody: withProperties('{"a": {}}'), responses: { '200': { description: 'OK', content: content({}) } } }));
    const after = spec(
      operation({
        requestBody: withProperties('{"a": {}, "__proto__": {"description": "p"}}'),
        responses: { '200': { description: 'OK', content: content({ constructor: { example: 1 } }) }, constructor: { description: 'c' }, toString: { description: 't' } },
      }),
    );
    expect(brief(before, after)).toEqual([]);
    const both = (d: string) =>
      spec(operation({ requestBody: withProperties(`{"__proto__": {"description": "${d}"}}`), responses: { constructor: { description: d, content: { constructor: { example: d } } } } }));
    expect(brief(both('a'), both('b'))).toEqual([
      { kind: 'documentation-changed', location: 'requestBody/__proto__/description', message: 'description changed from "a" to "b"' },
      { kind: 'documentation-changed', location: 'responses/constructor/description', message: 'description changed from "a" to "b"' },
      { kind: 'documentation-changed', location: 'responses/constructor/constructor/example', message: 'example changed' },
    ]);
  });

  it('a parameter without a string `in` is skipped', () => {
    const withParameter = (description: string) => spec(operation({ parameters: [{ name: 'q', description }] }));
    expect(brief(withParameter('a'), withParameter('b'))).toEqual([]);
  });
});
