/**
 * diffSpecs beyond single schema changes: what it refuses, how it orders the report, how it
 * pairs renamed and moved operations and parameters, and every kind of response change —
 * success statuses (2XX patterns included), error responses (never breaking), headers, and
 * responses or media types given as `null`.
 */
import { describe, expect, it } from 'vitest';
import { diffSpecs } from '../../generator/changes/diff-specs.js';

type Node = Record<string, any>;
const doc = (paths: Node, extra: Node = {}): Node => ({ openapi: '3.0.1', info: { title: 't', version: '1' }, paths, ...extra });
const ok = (schema?: Node, extra: Node = {}) => ({ description: 'OK', ...extra, ...(schema ? { content: { 'application/json': { schema } } } : {}) });
const brief = (before: Node, after: Node) => diffSpecs(before, after).changes.map(({ kind, breaking, location, message }) => `${breaking ? '!' : ' '} ${kind} ${location ?? '-'}: ${message}`);

describe('diffSpecs input', () => {
  it('names the side and what is wrong with a spec it cannot read', () => {
    const good = doc({});
    expect(() => diffSpecs(null, good)).toThrow('old spec: not an OpenAPI document (expected an object)');
    expect(() => diffSpecs(good, [good])).toThrow('new spec: not an OpenAPI document (expected an object)');
    expect(() => diffSpecs(good, 'spec')).toThrow(/^new spec: not an OpenAPI document/);
    expect(() => diffSpecs({ ...good, openapi: '2.0' }, good)).toThrow(/^old spec: .*2\.0/);
    expect(() => diffSpecs({ paths: {} }, good)).toThrow(/^old spec: /);
    expect(() => diffSpecs(good, { openapi: '3.0.1' })).toThrow('new spec: has no "paths" object');
    expect(() => diffSpecs(good, { openapi: '3.0.1', paths: 'x' })).toThrow('new spec: has no "paths" object');
  });

  it('skips path items and operations that are not objects, and names an operation without an id by its route', () => {
    const before = doc({ '/a': null, '/b': { get: null, post: { responses: {} } } });
    const after = doc({ '/a': 'x', '/b': { get: 1, post: { responses: {} }, put: { responses: {}, tags: ['Things', 2], summary: 'Put b' } } });
    const report = diffSpecs(before, after);
    expect(report.operations).toEqual({ old: 1, new: 2 });
    expect(report.added).toEqual([{ operationId: 'PUT /b', method: 'PUT', path: '/b', tag: 'Things', summary: 'Put b' }]);
    expect(report.changes.map((change) => change.message)).toEqual(['operation PUT /b (PUT /b) added']);
    expect(diffSpecs(doc({ '/c': { get: { tags: [1], responses: {} } } }), doc({})).removed).toEqual([{ operationId: 'GET /c', method: 'GET', path: '/c' }]);
  });

  it('skips a path item that is a function even when it carries operations, and keeps only a summary that is a string', () => {
    const callable = Object.assign(() => undefined, { get: { operationId: 'F', responses: {} } });
    const report = diffSpecs(doc({}), doc({ '/f': callable, '/d': { get: { operationId: 'D', summary: 5, responses: {} } } }));
    expect(report.operations).toEqual({ old: 0, new: 1 });
    expect(report.added).toStrictEqual([{ operationId: 'D', method: 'GET', path: '/d' }]);
  });

  it('blanks path parameters to `{}`, so `/things/{id}` and `/things/` are different paths', () => {
    const report = diffSpecs(doc({ '/things/{id}': { get: { operationId: 'GetThing', responses: {} } } }), doc({ '/things/': { get: { operationId: 'ListThings', responses: {} } } }));
    expect([report.removed.map((operation) => operation.path), report.added.map((operation) => operation.path), report.changed]).toEqual([['/things/{id}'], ['/things/'], []]);
  });
});

describe('diffSpecs order', () => {
  it('sorts added, removed and changed operations by path, then method, then id; breaking changes first inside one', () => {
    const op = (id: string, extra: Node = {}) => ({ operationId: id, responses: { '200': ok({ type: 'object', properties: { a: { type: 'string' }, ...extra } }) } });
    const before = doc({ '/z': { get: op('Z1'), post: op('Z2') }, '/m': { get: op('M1'), delete: op('M2') } });
    const after = doc({
      '/z': { get: op('Z1', { b: { type: 'string' } }), post: op('Z2') },
      '/m': { get: { operationId: 'M1', responses: { '200': ok({ type: 'object', properties: { b: { type: 'string' } } }) } } },
      '/b': { put: op('B2'), get: op('B1') },
      '/a': { post: op('A1') },
    });
    const report = diffSpecs(before, after);
    expect(report.added.map((operation) => operation.operationId)).toEqual(['A1', 'B1', 'B2']);
    expect(report.removed.map((operation) => operation.operationId)).toEqual(['M2']);
    expect(report.changed.map((entry) => [entry.operation.operationId, entry.breaking])).toEqual([
      ['M1', true],
      ['Z1', false],
    ]);
    // M1: the field added is listed after the breaking field removal.
    expect(report.changed[0]!.changes.map((change) => [change.kind, change.breaking])).toEqual([
      ['field-removed', true],
      ['field-added', false],
    ]);
    expect(report.summary).toEqual({ added: 3, removed: 1, changed: 2, breaking: 2, nonBreaking: 5 });
  });

  it('sorts methods of one path alphabetically, not in the order a path item lists them', () => {
    // A path item is read get, put, post, delete, …: DELETE comes first only if sorted.
    const both = { get: { operationId: 'Get', responses: {} }, delete: { operationId: 'Delete', responses: {} } };
    const ids = (operations: Array<{ operationId: string }>) => operations.map((operation) => operation.operationId);
    const paths = { '/t': both, '/a': { post: { operationId: 'Post', responses: {} } } };
    expect(ids(diffSpecs(doc({}), doc(paths)).added)).toEqual(['Post', 'Delete', 'Get']);
    expect(ids(diffSpecs(doc(paths), doc({})).removed)).toEqual(['Post', 'Delete', 'Get']);
    const changed = diffSpecs(doc({ '/t': both }), doc({ '/t': { get: { ...both.get, deprecated: true }, delete: { ...both.delete, deprecated: true } } })).changed;
    expect(changed.map((entry) => entry.operation.operationId)).toEqual(['Delete', 'Get']);
  });

  it('lists breaking changes first, each group in the order found', () => {
    // Found in this order: deprecated, header removed, query added, request body removed.
    const before = doc({ '/t': { post: { operationId: 'T', parameters: [{ name: 'X-A', in: 'header' }], requestBody: { content: { 'application/json': { schema: { type: 'object' } } } }, responses: {} } } });
    const after = doc({ '/t': { post: { operationId: 'T', deprecated: true, parameters: [{ name: 'q', in: 'query' }], responses: {} } } });
    expect(brief(before, after)).toEqual([
      '! parameter-removed header/X-A: header parameter "X-A" removed',
      '! request-body-removed requestBody: request body removed',
      '  deprecated -: operation is now deprecated',
      '  parameter-added query/q: optional query parameter "q" added',
    ]);
  });

  it('does not list an operation whose differences change nothing typed', () => {
    const report = diffSpecs(doc({ '/t': { get: { operationId: 'T', description: 'old', responses: {} } } }), doc({ '/t': { get: { operationId: 'T', description: 'new', responses: {} } } }));
    expect([report.changed, report.changes, report.summary.changed]).toEqual([[], [], 0]);
  });
});

describe('diffSpecs pairing', () => {
  it('pairs an operation by method and path shape when its id changed, and by id when its route changed', () => {
    const before = doc({ '/users/{id}': { get: { operationId: 'GetUser', responses: {} } }, '/old': { get: { operationId: 'Moved', responses: {} } } });
    const after = doc({ '/users/{userId}': { get: { operationId: 'GetUserById', responses: {} } }, '/new': { post: { operationId: 'Moved', responses: {} } } });
    expect(brief(before, after)).toMatchInlineSnapshot(`
      [
        "! method-changed -: method changed from GET to POST",
        "! path-changed -: path changed from /old to /new",
        "! operation-id-changed -: operationId changed from GetUser to GetUserById (the generated method is renamed)",
      ]
    `);
  });

  it('reports a renamed path parameter, and a single swapped query, header or cookie parameter, as renames', () => {
    const parameters = (names: [string, string][]) => names.map(([name, where]) => ({ name, in: where, schema: { type: 'string' }, ...(where === 'path' ? { required: true } : {}) }));
    const before = doc({ '/things/{id}': { get: { operationId: 'GetThing', parameters: parameters([['id', 'path'], ['q', 'query'], ['X-A', 'header'], ['c1', 'cookie'], ['keep', 'query']]), responses: {} } } });
    const after = doc({ '/things/{thingId}': { get: { operationId: 'GetThing', parameters: parameters([['thingId', 'path'], ['search', 'query'], ['X-B', 'header'], ['c2', 'cookie'], ['keep', 'query']]), responses: {} } } });
    expect(brief(before, after)).toMatchInlineSnapshot(`
      [
        "! parameter-renamed path/id: path parameter "id" renamed to "thingId"",
        "! parameter-renamed query/q: query parameter "q" renamed to "search"",
        "! parameter-renamed header/X-A: header parameter "X-A" renamed to "X-B"",
        "! parameter-renamed cookie/c1: cookie parameter "c1" renamed to "c2"",
      ]
    `);
  });

  it('gives the old route as `previous` when only the id or only the path changed; a change has a location key only when it has a location', () => {
    const idChanged = diffSpecs(doc({ '/t': { get: { operationId: 'Old', responses: {} } } }), doc({ '/t': { get: { operationId: 'New', responses: {} } } }));
    expect(idChanged.changed).toStrictEqual([
      {
        operation: { operationId: 'New', method: 'GET', path: '/t' },
        previous: { operationId: 'Old', method: 'GET', path: '/t' },
        breaking: true,
        changes: [{ kind: 'operation-id-changed', breaking: true, operation: { operationId: 'New', method: 'GET', path: '/t' }, message: 'operationId changed from Old to New (the generated method is renamed)' }],
      },
    ]);
    const pathParameter = (name: string) => [{ name, in: 'path', required: true, schema: { type: 'string' } }];
    const pathChanged = diffSpecs(doc({ '/t/{id}': { get: { operationId: 'T', parameters: pathParameter('id'), responses: {} } } }), doc({ '/t/{tid}': { get: { operationId: 'T', parameters: pathParameter('tid'), responses: {} } } }));
    expect(pathChanged.changed.map((entry) => entry.previous)).toEqual([{ operationId: 'T', method: 'GET', path: '/t/{id}' }]);
  });

  it('pairs path parameters by position only when the path keeps its shape, and only parameters both sides declare', () => {
    const pathParameters = (...names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    const get = (parameters: Node[]) => ({ get: { operationId: 'T', parameters, responses: {} } });
    // A new shape: the old parameter is gone and the new one is new.
    expect(brief(doc({ '/users/{id}': get(pathParameters('id')) }), doc({ '/people/{personId}': get(pathParameters('personId')) }))).toEqual([
      '! path-changed -: path changed from /users/{id} to /people/{personId}',
      '! parameter-removed path/id: path parameter "id" removed',
      '! parameter-newly-required path/personId: new required path parameter "personId"',
    ]);
    // The old spec never declared its path parameter: nothing was renamed, the new one is new.
    expect(brief(doc({ '/t/{id}': get([]) }), doc({ '/t/{tid}': get(pathParameters('tid')) }))).toEqual([
      '! parameter-newly-required path/tid: new required path parameter "tid"',
    ]);
  });

  // Same shape, same route: a path parameter is the segments it fills. A name may move to
  // another segment or fill several; what a caller must rename, add or drop follows the segments.
  describe('path parameters of a path that keeps its shape', () => {
    const declared = (names: string[], types: Node = {}) => [...new Set(names)].map((name) => ({ name, in: 'path', required: true, schema: { type: types[name] ?? 'string' } }));
    const at = (path: string, types: Node = {}) => {
      const names = [...path.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]!);
      return doc({ [path]: { get: { operationId: 'T', parameters: declared(names, types), responses: {} } } });
    };

    it('a name moved to another segment: each segment renamed, the new name mentioned', () => {
      expect(brief(at('/x/{a}/{b}'), at('/x/{c}/{a}'))).toEqual([
        '! parameter-renamed path/a: path parameter "a" renamed to "c"',
        '! parameter-renamed path/b: path parameter "b" renamed to "a"',
      ]);
    });

    it('two names swapped: two renames, and each schema compared with the one now in its segment', () => {
      // By name, `a` would turn from string to integer and `b` from integer to string.
      expect(brief(at('/x/{a}/{b}', { b: 'integer' }), at('/x/{b}/{a}', { a: 'integer' }))).toEqual([
        '! parameter-renamed path/a: path parameter "a" renamed to "b"',
        '! parameter-renamed path/b: path parameter "b" renamed to "a"',
      ]);
      // Compared once, after the rename.
      expect(brief(at('/x/{a}/{b}', { b: 'integer' }), at('/x/{b}/{a}', { a: 'string' }))).toEqual([
        '! parameter-renamed path/a: path parameter "a" renamed to "b"',
        '! parameter-renamed path/b: path parameter "b" renamed to "a"',
        '! type-changed path/a: path parameter "a": type changed from integer to string',
      ]);
    });

    it('a repeated name split in two: the name kept, the other one new', () => {
      expect(brief(at('/x/{n}/{n}'), at('/x/{m}/{n}'))).toEqual(['! parameter-newly-required path/m: new required path parameter "m"']);
      // A name is never looked up for segments no new name fills alone.
      expect(brief(at('/x/{n}/{n}'), at('/x/{undefined}/{n}'))).toEqual(['! parameter-newly-required path/undefined: new required path parameter "undefined"']);
      expect(brief(at('/x/{n}/{n}'), at('/x/{a}/{b}'))).toEqual([
        '! parameter-removed path/n: path parameter "n" removed',
        '! parameter-newly-required path/a: new required path parameter "a"',
        '! parameter-newly-required path/b: new required path parameter "b"',
      ]);
    });

    it('two names merged into one: the one kept, the other removed', () => {
      expect(brief(at('/x/{m}/{n}'), at('/x/{n}/{n}'))).toEqual(['! parameter-removed path/m: path parameter "m" removed']);
    });

    it('a repeated name renamed in every segment is one rename', () => {
      expect(brief(at('/x/{n}/{n}'), at('/x/{m}/{m}'))).toEqual(['! parameter-renamed path/n: path parameter "n" renamed to "m"']);
    });

    it('a name kept in its segment is no rename, next to one that is renamed', () => {
      expect(brief(at('/x/{a}/{b}', { a: 'integer' }), at('/x/{a}/{c}'))).toEqual([
        '! parameter-renamed path/b: path parameter "b" renamed to "c"',
        '! type-changed path/a: path parameter "a": type changed from integer to string',
      ]);
    });

    it('a declared path parameter in no segment is matched by name, never with one that took a segment', () => {
      const extra = (path: string, names: string[]) => doc({ [path]: { get: { operationId: 'T', parameters: declared(names), responses: {} } } });
      expect(brief(extra('/x/{a}', ['a', 'z']), extra('/x/{z}', ['z']))).toEqual([
        '! parameter-renamed path/a: path parameter "a" renamed to "z"',
        '! parameter-removed path/z: path parameter "z" removed',
      ]);
      expect(brief(extra('/x/{a}', ['a', 'z']), extra('/x/{a}', ['a', 'z']))).toEqual([]);
      expect(brief(extra('/x/{a}', ['a']), extra('/x/{b}', ['b', 'a']))).toEqual([
        '! parameter-renamed path/a: path parameter "a" renamed to "b"',
        '! parameter-newly-required path/a: new required path parameter "a"',
      ]);
      // Segments filled by a parameter only one side declares pair nothing.
      expect(brief(extra('/x/{a}', ['a']), extra('/x/{b}', []))).toEqual(['! parameter-removed path/a: path parameter "a" removed']);
      expect(brief(extra('/x/{a}', ['a']), extra('/x/{b}', ['a']))).toEqual([]);
    });
  });

  it('reports a query parameter swapped for two others as one removed and two added, not a rename', () => {
    const query = (...names: string[]) => names.map((name) => ({ name, in: 'query', schema: { type: 'string' } }));
    const get = (parameters: Node[]) => doc({ '/t': { get: { operationId: 'T', parameters, responses: {} } } });
    expect(brief(get(query('q')), get(query('a', 'b')))).toEqual([
      '! parameter-removed query/q: query parameter "q" removed',
      '  parameter-added query/a: optional query parameter "a" added',
      '  parameter-added query/b: optional query parameter "b" added',
    ]);
  });

  it('compares a parameter’s schema as something the caller sends', () => {
    const get = (schema: Node) => doc({ '/t': { get: { operationId: 'T', parameters: [{ name: 'q', in: 'query', schema }], responses: {} } } });
    // In a response this would be harmless ("is never null now"); a caller that sent null breaks.
    expect(brief(get({ type: 'string', nullable: true }), get({ type: 'string' }))).toEqual(['! nullable-changed query/q: query parameter "q": no longer accepts null']);
  });

  it('reads path-level parameters and skips ones without a name or place', () => {
    const before = doc({ '/t/{id}': { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, { in: 'query' }, null], get: { operationId: 'T', responses: {} } } });
    const after = doc({ '/t/{id}': { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }, { name: 5, in: 'query' }, { name: 'nowhere' }], get: { operationId: 'T', responses: {} } } });
    expect(brief(before, after)).toMatchInlineSnapshot(`
      [
        "! type-changed path/id: path parameter "id": type changed from string to integer",
      ]
    `);
  });

  it('sees a change inside a shared component even when the operation’s own JSON is unchanged', () => {
    const operation = { operationId: 'T', responses: { '200': ok({ $ref: '#/components/schemas/T' }) } };
    const components = (type: string) => ({ components: { schemas: { T: { type: 'object', properties: { a: { type } } } } } });
    expect(brief(doc({ '/t': { get: operation } }, components('string')), doc({ '/t': { get: operation } }, components('number')))).toEqual(['! type-changed responses/200/a: type changed from string to number']);
    const security = (scheme: string) => ({ security: [{ [scheme]: [] }], components: { securitySchemes: { a: { type: 'http', scheme: 'bearer' }, b: { type: 'http', scheme: 'basic' } } } });
    expect(brief(doc({ '/t': { get: { operationId: 'T', responses: {} } } }, security('a')), doc({ '/t': { get: { operationId: 'T', responses: {} } } }, security('b')))).toEqual([
      '! security-changed -: security requirement changed from [{"a":[]}] to [{"b":[]}]',
    ]);
  });
});

describe('diffSpecs responses', () => {
  const spec = (responses: Node) => doc({ '/t': { get: { operationId: 'T', responses } } });

  it('success responses: 2XX patterns, a body gained or lost, a status removed with its body', () => {
    expect(brief(spec({ '2XX': ok({ type: 'string' }) }), spec({ '2XX': ok({ type: 'number' }) }))).toEqual(['! type-changed responses/2XX: type changed from string to number']);
    expect(brief(spec({ '200': ok({ type: 'string' }) }), spec({ '200': ok() }))).toEqual(['! response-body-removed responses/200: response 200 no longer has a body']);
    expect(brief(spec({ '200': ok() }), spec({ '200': ok({ type: 'string' }) }))).toEqual(['  response-body-added responses/200: response 200 now has a body']);
    expect(brief(spec({ '200': ok({ type: 'string' }), '201': ok({ type: 'string' }) }), spec({}))).toEqual([
      '! response-body-removed responses/200: response 200 (with a body) removed',
      '! response-body-removed responses/201: response 201 (with a body) removed',
    ]);
    expect(brief(spec({ '200': ok({ type: 'string' }), '204': ok() }), spec({ '200': ok({ type: 'string' }) }))).toEqual([
      '  response-status-removed responses/204: success status 204 (without a body) removed',
    ]);
    expect(brief(spec({ '200': { description: 'x', content: {} } }), spec({ '200': ok({ type: 'string' }) }))).toEqual(['  response-body-added responses/200: response 200 now has a body']);
    // A status that only looks like a success is an error response.
    expect(brief(spec({ '20': ok({ type: 'string' }) }), spec({ '20': ok({ type: 'number' }) }))).toEqual(['  type-changed responses/20: type changed from string to number']);
    expect(brief(spec({ '2000': ok() }), spec({}))).toEqual(['  response-removed responses/2000: response 2000 no longer documented']);
  });

  it('success statuses are exactly 2 and two digits or XX: `2000` and `1200` are error responses', () => {
    expect(brief(spec({ '2000': ok({ type: 'string' }) }), spec({ '2000': ok({ type: 'number' }) }))).toEqual(['  type-changed responses/2000: type changed from string to number']);
    expect(brief(spec({ '1200': ok({ type: 'string' }) }), spec({ '1200': ok({ type: 'number' }) }))).toEqual(['  type-changed responses/1200: type changed from string to number']);
  });

  it('a success status that changed is compared by body; two gone for one new are removals and an addition', () => {
    expect(brief(spec({ '200': ok({ type: 'string' }) }), spec({ '201': ok({ type: 'number' }) }))).toEqual([
      '! type-changed responses/201: type changed from string to number',
      '  response-status-changed responses/201: success status changed from 200 to 201',
    ]);
    expect(brief(spec({ '201': ok({ type: 'string' }), '202': ok({ type: 'string' }) }), spec({ '200': ok() }))).toEqual([
      '! response-body-removed responses/201: response 201 (with a body) removed',
      '! response-body-removed responses/202: response 202 (with a body) removed',
      '! response-status-added responses/200: success status 200 added, without a body (the call may now resolve to undefined)',
    ]);
  });

  it('a success status added next to the others, or two replaced by one: the wrapper returns any of them', () => {
    // 200 + 201: the data is one of two bodies, as with a union variant added.
    expect(brief(spec({ '200': ok({ type: 'string' }) }), spec({ '200': ok({ type: 'string' }), '201': ok({ type: 'number' }) }))).toEqual([
      '  response-status-added responses/201: success status 201 added',
    ]);
    // 200 + 204: the call may now resolve to undefined, as a response field that may now be null.
    expect(brief(spec({ '200': ok({ type: 'string' }) }), spec({ '200': ok({ type: 'string' }), '204': ok() }))).toEqual([
      '! response-status-added responses/204: success status 204 added, without a body (the call may now resolve to undefined)',
    ]);
    // …unless it could already: a bodyless success status was there before, or none had a body.
    expect(brief(spec({ '200': ok({ type: 'string' }), '204': ok() }), spec({ '200': ok({ type: 'string' }), '202': ok(), '204': ok() }))).toEqual([
      '  response-status-added responses/202: success status 202 added',
    ]);
    expect(brief(spec({ '204': ok() }), spec({ '202': ok(), '204': ok() }))).toEqual(['  response-status-added responses/202: success status 202 added']);
    expect(brief(spec({}), spec({ '204': ok() }))).toEqual(['  response-status-added responses/204: success status 204 added']);
    expect(brief(spec({ '201': ok(), '202': ok() }), spec({ '200': ok() }))).toEqual([
      '  response-status-removed responses/201: success status 201 (without a body) removed',
      '  response-status-removed responses/202: success status 202 (without a body) removed',
      '  response-status-added responses/200: success status 200 added',
    ]);
  });

  it('a response or a media type given as null has no body', () => {
    const described = { description: 'x' };
    const json = (entry: Node | null) => ({ description: 'OK', content: { 'application/json': entry } });
    const cases: Array<[string, Node, Node, string[]]> = [
      ['success response, null before', { '200': null }, { '200': described }, []],
      ['success response, null after', { '200': described }, { '200': null }, []],
      ['error response, newly documented as null', {}, { '404': null }, ['  response-added responses/404: response 404 now documented']],
      ['error response, null before', { '404': null }, { '404': described }, []],
      ['error response, null after', { '404': described }, { '404': null }, []],
      // A media type whose entry is null is one without a schema: any JSON.
      ['media type, null before', { '200': json(null) }, { '200': json({ schema: { type: 'string' } }) }, ['  schema-added responses/200: now has a schema (string) (was any JSON)']],
      ['media type, null after', { '200': json({ schema: { type: 'string' } }) }, { '200': json(null) }, ['! schema-removed responses/200: no longer has a schema (now any JSON)']],
    ];
    for (const [name, before, after, expected] of cases) expect(brief(spec(before), spec(after)), name).toEqual(expected);
  });

  it('error responses: documented or not, a body gained, lost or changed — never breaking', () => {
    const error = (schema?: Node, description = 'Not found') => ({ description, ...(schema ? { content: { 'application/json': { schema } } } : {}) });
    expect(brief(spec({ '404': error() }), spec({}))).toEqual(['  response-removed responses/404: response 404 no longer documented']);
    expect(brief(spec({}), spec({ '404': error(undefined, 'Not found\nmore') }))).toEqual(['  response-added responses/404: response 404 now documented (Not found)']);
    expect(brief(spec({}), spec({ '404': { content: {} } }))).toEqual(['  response-added responses/404: response 404 now documented']);
    expect(brief(spec({ '404': error({ type: 'object' }) }), spec({ '404': error() }))).toEqual(['  response-body-removed responses/404: response 404 no longer has a body']);
    expect(brief(spec({ '404': error() }), spec({ '404': error({ type: 'object' }) }))).toEqual(['  response-body-added responses/404: response 404 now has a body']);
    expect(brief(spec({ '404': error({ type: 'object', properties: { code: { type: 'string' } } }) }), spec({ '404': error({ type: 'object', properties: {} }) }))).toEqual([
      '  field-removed responses/404/code: field "code" removed from the response',
    ]);
  });

  it('response headers: added and removed, on success and error responses', () => {
    const headers = (...names: string[]) => Object.fromEntries(names.map((name) => [name, { schema: { type: 'string' } }]));
    expect(brief(spec({ '200': ok(undefined, { headers: headers('Total-Number', 'Link') }) }), spec({ '200': ok(undefined, { headers: headers('Link', 'X-New') }) }))).toEqual([
      '! response-header-removed responses/200/headers/Total-Number: response header Total-Number no longer documented',
      '  response-header-added responses/200/headers/X-New: response header X-New now documented',
    ]);
    expect(brief(spec({ '429': { description: 'x' } }), spec({ '429': { description: 'x', headers: headers('Retry-After') } }))).toEqual([
      '  response-header-added responses/429/headers/Retry-After: response header Retry-After now documented',
    ]);
  });
});
