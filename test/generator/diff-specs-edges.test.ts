/**
 * diffSpecs beyond single schema changes: what it refuses, how it orders the report, how it
 * pairs renamed and moved operations and parameters, and every kind of response change —
 * success statuses (2XX patterns included), error responses (never breaking), headers.
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

  it('reads path-level parameters and skips ones without a name or place', () => {
    const before = doc({ '/t/{id}': { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, { in: 'query' }, null], get: { operationId: 'T', responses: {} } } });
    const after = doc({ '/t/{id}': { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }, { name: 5, in: 'query' }], get: { operationId: 'T', responses: {} } } });
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
    expect(brief(spec({ '200': ok({ type: 'string' }), '204': ok() }), spec({ '200': ok({ type: 'string' }) }))).toEqual([]);
    expect(brief(spec({ '200': { description: 'x', content: {} } }), spec({ '200': ok({ type: 'string' }) }))).toEqual(['  response-body-added responses/200: response 200 now has a body']);
    // A status that only looks like a success is an error response.
    expect(brief(spec({ '20': ok({ type: 'string' }) }), spec({ '20': ok({ type: 'number' }) }))).toEqual(['  type-changed responses/20: type changed from string to number']);
    expect(brief(spec({ '2000': ok() }), spec({}))).toEqual(['  response-removed responses/2000: response 2000 no longer documented']);
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
