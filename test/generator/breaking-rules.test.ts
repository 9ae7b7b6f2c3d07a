/**
 * The breaking-change rules of `diffSpecs`, one case per rule: each derives an old and a new
 * spec from one small base document (change exactly one thing) and states the one change that
 * must be reported, with its kind, location and breaking flag. Flipping any rule in
 * generator/changes/ fails its row here.
 */
import { describe, expect, it } from 'vitest';
import { diffSpecs, type ChangeKind } from '../../generator/changes/diff-specs.js';

type Spec = Record<string, any>;

/** POST /api/things/{id}: a path and a query parameter, a JSON body, a JSON 200 response. */
function baseSpec(): Spec {
  return {
    openapi: '3.0.1',
    info: { title: 'things', version: '1' },
    paths: {
      '/api/things/{id}': {
        post: {
          operationId: 'UpdateThing',
          tags: ['Things'],
          summary: 'Update a thing',
          security: [{ bearer: [] }],
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'dryRun', in: 'query', required: false, schema: { type: 'boolean' } },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['name'],
                  properties: {
                    name: { type: 'string' },
                    note: { type: 'string' },
                    color: { type: 'string', enum: ['red', 'green'] },
                    size: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
                    label: { type: 'string' },
                  },
                },
              },
              'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } },
            },
          },
          responses: {
            '200': {
              description: 'OK',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['id', 'title'],
                    properties: {
                      id: { type: 'string' },
                      title: { type: 'string' },
                      subtitle: { type: 'string', nullable: true },
                      state: { type: 'string', enum: ['draft', 'live'] },
                      value: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
                      kind: { type: 'string' },
                    },
                  },
                },
                'text/csv': { schema: { type: 'string' } },
              },
            },
            '400': { description: 'Bad request' },
          },
        },
      },
    },
  };
}

const operation = (spec: Spec) => spec.paths['/api/things/{id}'].post;
const requestSchema = (spec: Spec) => operation(spec).requestBody.content['application/json'].schema;
const responseSchema = (spec: Spec) => operation(spec).responses['200'].content['application/json'].schema;

interface Case {
  rule: string;
  /** Each side starts from the base: `old` changes the old spec, `new` the new one. */
  given: { new: (spec: Spec) => void; old?: (spec: Spec) => void };
  want: { kind: ChangeKind; breaking: boolean; location?: string };
}

const cases: Case[] = [
  // Responses: what the caller reads must still be there, with the type it had.
  { rule: 'a response field that may now be null', given: { new: (s) => (responseSchema(s).properties.title.nullable = true) }, want: { kind: 'nullable-changed', breaking: true, location: 'responses/200/title' } },
  { rule: 'a response field that is never null now', given: { new: (s) => delete responseSchema(s).properties.subtitle.nullable }, want: { kind: 'nullable-changed', breaking: false, location: 'responses/200/subtitle' } },
  { rule: 'a response field removed', given: { new: (s) => delete responseSchema(s).properties.kind }, want: { kind: 'field-removed', breaking: true, location: 'responses/200/kind' } },
  { rule: 'a response field that may now be absent', given: { new: (s) => (responseSchema(s).required = ['id']) }, want: { kind: 'field-no-longer-required', breaking: true, location: 'responses/200/title' } },
  { rule: 'a response field now always present', given: { new: (s) => responseSchema(s).required.push('kind') }, want: { kind: 'field-newly-required', breaking: false, location: 'responses/200/kind' } },
  { rule: 'a response field added', given: { new: (s) => (responseSchema(s).properties.extra = { type: 'string' }) }, want: { kind: 'field-added', breaking: false, location: 'responses/200/extra' } },
  { rule: 'a response field whose type changed', given: { new: (s) => (responseSchema(s).properties.kind = { type: 'number' }) }, want: { kind: 'type-changed', breaking: true, location: 'responses/200/kind' } },
  { rule: 'a response enum value removed', given: { new: (s) => (responseSchema(s).properties.state.enum = ['draft']) }, want: { kind: 'enum-value-removed', breaking: true, location: 'responses/200/state' } },
  { rule: 'a response enum value added', given: { new: (s) => responseSchema(s).properties.state.enum.push('archived') }, want: { kind: 'enum-value-added', breaking: false, location: 'responses/200/state' } },
  { rule: 'a response enum opened up to any string (the caller may read a value it does not handle)', given: { new: (s) => delete responseSchema(s).properties.state.enum }, want: { kind: 'type-changed', breaking: true, location: 'responses/200/state' } },
  { rule: 'a response string narrowed to an enum', given: { new: (s) => (responseSchema(s).properties.kind.enum = ['a', 'b']) }, want: { kind: 'type-changed', breaking: false, location: 'responses/200/kind' } },
  { rule: 'a response union variant removed', given: { new: (s) => responseSchema(s).properties.value.oneOf.pop() }, want: { kind: 'variant-removed', breaking: true, location: 'responses/200/value' } },
  { rule: 'a response union variant added', given: { new: (s) => responseSchema(s).properties.value.oneOf.push({ type: 'array', items: { type: 'string' } }) }, want: { kind: 'variant-added', breaking: false, location: 'responses/200/value' } },
  { rule: 'a response media type removed', given: { new: (s) => delete operation(s).responses['200'].content['text/csv'] }, want: { kind: 'media-type-removed', breaking: true, location: 'responses/200' } },
  { rule: 'a response media type added', given: { new: (s) => (operation(s).responses['200'].content['application/xml'] = { schema: { type: 'string' } }) }, want: { kind: 'media-type-added', breaking: false, location: 'responses/200' } },
  { rule: 'a response that no longer has a body', given: { new: (s) => delete operation(s).responses['200'].content }, want: { kind: 'response-body-removed', breaking: true, location: 'responses/200' } },
  { rule: 'a response that now has a body', given: { old: (s) => delete operation(s).responses['200'].content, new: () => {} }, want: { kind: 'response-body-added', breaking: false, location: 'responses/200' } },
  { rule: 'a success response with a body removed', given: { old: (s) => (operation(s).responses['202'] = { description: 'Accepted', content: { 'application/json': { schema: { type: 'string' } } } }), new: () => {} }, want: { kind: 'response-body-removed', breaking: true, location: 'responses/202' } },
  { rule: 'the success status changed (200 → 201): the wrapper returns any 2xx', given: { new: (s) => { const responses = operation(s).responses; responses['201'] = responses['200']; delete responses['200']; } }, want: { kind: 'response-status-changed', breaking: false, location: 'responses/201' } },
  { rule: 'a success status added next to the others (the wrapper may return its body too, as with a union variant added)', given: { new: (s) => (operation(s).responses['201'] = { description: 'Created', content: { 'application/json': { schema: { type: 'string' } } } }) }, want: { kind: 'response-status-added', breaking: false, location: 'responses/201' } },
  { rule: 'a success status without a body added where each one had a body (the call may now resolve to undefined)', given: { new: (s) => (operation(s).responses['204'] = { description: 'No content' }) }, want: { kind: 'response-status-added', breaking: true, location: 'responses/204' } },
  { rule: 'a success status without a body removed (the wrapper returns only what the others return)', given: { old: (s) => (operation(s).responses['204'] = { description: 'No content' }), new: () => {} }, want: { kind: 'response-status-removed', breaking: false, location: 'responses/204' } },
  { rule: 'an error response now has a body (reported, never breaking: the generated types change)', given: { new: (s) => (operation(s).responses['400'] = { description: 'Bad', content: { 'application/json': { schema: { type: 'object' } } } }) }, want: { kind: 'response-body-added', breaking: false, location: 'responses/400' } },

  // Requests: whatever the caller sends must still be accepted.
  { rule: 'a request body removed', given: { new: (s) => delete operation(s).requestBody }, want: { kind: 'request-body-removed', breaking: true, location: 'requestBody' } },
  { rule: 'an optional request body added', given: { old: (s) => delete operation(s).requestBody, new: (s) => (operation(s).requestBody.required = false) }, want: { kind: 'request-body-added', breaking: false, location: 'requestBody' } },
  { rule: 'a required request body added', given: { old: (s) => delete operation(s).requestBody, new: () => {} }, want: { kind: 'request-body-newly-required', breaking: true, location: 'requestBody' } },
  { rule: 'a request body now required', given: { old: (s) => (operation(s).requestBody.required = false), new: () => {} }, want: { kind: 'request-body-newly-required', breaking: true, location: 'requestBody' } },
  { rule: 'a request body no longer required', given: { new: (s) => (operation(s).requestBody.required = false) }, want: { kind: 'request-body-no-longer-required', breaking: false, location: 'requestBody' } },
  { rule: 'a request media type removed', given: { new: (s) => delete operation(s).requestBody.content['multipart/form-data'] }, want: { kind: 'media-type-removed', breaking: true, location: 'requestBody' } },
  { rule: 'a request media type added', given: { new: (s) => (operation(s).requestBody.content['application/x-www-form-urlencoded'] = { schema: { type: 'object' } }) }, want: { kind: 'media-type-added', breaking: false, location: 'requestBody' } },
  { rule: 'a field inside a non-JSON request body removed is located by media type', given: { new: (s) => delete operation(s).requestBody.content['multipart/form-data'].schema.properties.file }, want: { kind: 'field-removed', breaking: true, location: 'requestBody/multipart~1form-data/file' } },
  { rule: 'a request field removed', given: { new: (s) => delete requestSchema(s).properties.note }, want: { kind: 'field-removed', breaking: true, location: 'requestBody/note' } },
  { rule: 'a request field now required', given: { new: (s) => requestSchema(s).required.push('note') }, want: { kind: 'field-newly-required', breaking: true, location: 'requestBody/note' } },
  { rule: 'a request field no longer required', given: { new: (s) => (requestSchema(s).required = []) }, want: { kind: 'field-no-longer-required', breaking: false, location: 'requestBody/name' } },
  { rule: 'a new required request field', given: { new: (s) => { requestSchema(s).properties.owner = { type: 'string' }; requestSchema(s).required.push('owner'); } }, want: { kind: 'field-newly-required', breaking: true, location: 'requestBody/owner' } },
  { rule: 'a new optional request field', given: { new: (s) => (requestSchema(s).properties.owner = { type: 'string' }) }, want: { kind: 'field-added', breaking: false, location: 'requestBody/owner' } },
  { rule: 'a request field that now accepts null', given: { new: (s) => (requestSchema(s).properties.note.nullable = true) }, want: { kind: 'nullable-changed', breaking: false, location: 'requestBody/note' } },
  { rule: 'a request field that no longer accepts null', given: { old: (s) => (requestSchema(s).properties.note.nullable = true), new: () => {} }, want: { kind: 'nullable-changed', breaking: true, location: 'requestBody/note' } },
  { rule: 'a request field whose type changed', given: { new: (s) => (requestSchema(s).properties.note = { type: 'integer' }) }, want: { kind: 'type-changed', breaking: true, location: 'requestBody/note' } },
  { rule: 'a request enum value removed', given: { new: (s) => (requestSchema(s).properties.color.enum = ['red']) }, want: { kind: 'enum-value-removed', breaking: true, location: 'requestBody/color' } },
  { rule: 'a request enum value added', given: { new: (s) => requestSchema(s).properties.color.enum.push('blue') }, want: { kind: 'enum-value-added', breaking: false, location: 'requestBody/color' } },
  { rule: 'a request enum opened up to any string', given: { new: (s) => delete requestSchema(s).properties.color.enum }, want: { kind: 'type-changed', breaking: false, location: 'requestBody/color' } },
  { rule: 'a request string narrowed to an enum', given: { new: (s) => (requestSchema(s).properties.label.enum = ['a']) }, want: { kind: 'type-changed', breaking: true, location: 'requestBody/label' } },
  { rule: 'a request literal changed (Logto zod literal)', given: { old: (s) => (requestSchema(s).properties.label = { type: 'string', format: '"email"' }), new: (s) => (requestSchema(s).properties.label = { type: 'string', format: '"phone"' }) }, want: { kind: 'type-changed', breaking: true, location: 'requestBody/label' } },
  { rule: 'a request union variant removed', given: { new: (s) => requestSchema(s).properties.size.oneOf.shift() }, want: { kind: 'variant-removed', breaking: true, location: 'requestBody/size' } },
  { rule: 'a request union variant added', given: { new: (s) => requestSchema(s).properties.size.oneOf.push({ type: 'array', items: { type: 'string' } }) }, want: { kind: 'variant-added', breaking: false, location: 'requestBody/size' } },

  // Parameters are sent by the caller.
  { rule: 'a parameter removed', given: { new: (s) => operation(s).parameters.pop() }, want: { kind: 'parameter-removed', breaking: true, location: 'query/dryRun' } },
  { rule: 'an optional parameter added', given: { new: (s) => operation(s).parameters.push({ name: 'lang', in: 'header', schema: { type: 'string' } }) }, want: { kind: 'parameter-added', breaking: false, location: 'header/lang' } },
  { rule: 'a new required parameter', given: { new: (s) => operation(s).parameters.push({ name: 'lang', in: 'header', required: true, schema: { type: 'string' } }) }, want: { kind: 'parameter-newly-required', breaking: true, location: 'header/lang' } },
  { rule: 'a parameter now required', given: { new: (s) => (operation(s).parameters[1].required = true) }, want: { kind: 'parameter-newly-required', breaking: true, location: 'query/dryRun' } },
  { rule: 'a parameter no longer required', given: { old: (s) => (operation(s).parameters[1].required = true), new: () => {} }, want: { kind: 'parameter-no-longer-required', breaking: false, location: 'query/dryRun' } },
  { rule: 'a query parameter swapped for another one is a rename', given: { new: (s) => (operation(s).parameters[1].name = 'preview') }, want: { kind: 'parameter-renamed', breaking: true, location: 'query/dryRun' } },
  { rule: 'a parameter whose type narrowed', given: { new: (s) => (operation(s).parameters[1].schema = { type: 'string' }) }, want: { kind: 'type-changed', breaking: true, location: 'query/dryRun' } },

  // The operation itself.
  { rule: 'a newly deprecated operation is not breaking', given: { new: (s) => (operation(s).deprecated = true) }, want: { kind: 'deprecated', breaking: false } },
  { rule: 'an operation that was already deprecated stays quiet', given: { old: (s) => (operation(s).deprecated = true), new: (s) => (operation(s).deprecated = true) }, want: undefined as never },
  { rule: 'an operationId changed (the method is renamed)', given: { new: (s) => (operation(s).operationId = 'PatchThing') }, want: { kind: 'operation-id-changed', breaking: true } },
  { rule: 'a security requirement changed', given: { new: (s) => (operation(s).security = []) }, want: { kind: 'security-changed', breaking: true } },
];

function changesBetween(testCase: Case) {
  const oldSpec = baseSpec();
  testCase.given.old?.(oldSpec);
  const newSpec = baseSpec();
  testCase.given.new(newSpec);
  return diffSpecs(oldSpec, newSpec);
}

describe('diffSpecs: one rule per row, on specs derived from one base', () => {
  it('reports nothing for two copies of the same spec', () => {
    const report = diffSpecs(baseSpec(), baseSpec());
    expect(report.changes).toEqual([]);
    expect(report.summary).toEqual({ added: 0, removed: 0, changed: 0, breaking: 0, nonBreaking: 0 });
  });

  it.each(cases)('$rule', (testCase) => {
    const report = changesBetween(testCase);
    const found = report.changes.map(({ kind, breaking, location }) => ({ kind, breaking, ...(location === undefined ? {} : { location }) }));
    // The sentence CHANGES.md and the terminal summary show for it (reviewed in the snapshot).
    expect(report.changes.map((change) => change.message)).toMatchSnapshot();
    if (!testCase.want) {
      expect(found).toEqual([]);
      expect(report.changed).toEqual([]);
      return;
    }
    expect(found).toEqual([testCase.want]);
    expect(report.summary).toEqual({
      added: 0,
      removed: 0,
      changed: 1,
      breaking: testCase.want.breaking ? 1 : 0,
      nonBreaking: testCase.want.breaking ? 0 : 1,
    });
    expect(report.changed[0]).toMatchObject({ operation: { method: 'POST' }, breaking: testCase.want.breaking });
    expect(report.breaking).toHaveLength(testCase.want.breaking ? 1 : 0);
  });
});

describe('diffSpecs: operations that moved, came or went', () => {
  const moved = (change: (spec: Spec) => void) => {
    const oldSpec = baseSpec();
    const newSpec = baseSpec();
    change(newSpec);
    return diffSpecs(oldSpec, newSpec);
  };

  it('a method changed under the same operationId is breaking, with the previous operation named', () => {
    const report = moved((s) => {
      s.paths['/api/things/{id}'].patch = operation(s);
      delete s.paths['/api/things/{id}'].post;
    });
    expect(report.changes.map(({ kind, breaking }) => ({ kind, breaking }))).toEqual([{ kind: 'method-changed', breaking: true }]);
    expect(report.changed[0]).toMatchObject({ operation: { method: 'PATCH' }, previous: { method: 'POST', path: '/api/things/{id}' } });
  });

  it('a path changed under the same operationId is breaking', () => {
    const report = moved((s) => {
      s.paths['/api/items/{id}'] = s.paths['/api/things/{id}'];
      delete s.paths['/api/things/{id}'];
    });
    expect(report.changes.map(({ kind, breaking }) => ({ kind, breaking }))).toEqual([{ kind: 'path-changed', breaking: true }]);
  });

  it('a renamed path parameter keeps the operation and is a breaking rename, not a new path', () => {
    const report = moved((s) => {
      const op = operation(s);
      op.parameters[0].name = 'thingId';
      s.paths['/api/things/{thingId}'] = { post: op };
      delete s.paths['/api/things/{id}'];
    });
    expect(report.changes.map(({ kind, breaking, location }) => ({ kind, breaking, location }))).toEqual([
      { kind: 'parameter-renamed', breaking: true, location: 'path/id' },
    ]);
  });

  it('an operation removed is breaking, one added is not', () => {
    const report = moved((s) => {
      s.paths['/api/other'] = { get: { operationId: 'GetOther', responses: { '200': { description: 'OK' } } } };
      delete s.paths['/api/things/{id}'];
    });
    expect(report.changes.map(({ kind, breaking }) => ({ kind, breaking }))).toEqual([
      { kind: 'operation-removed', breaking: true },
      { kind: 'operation-added', breaking: false },
    ]);
    expect(report.summary).toEqual({ added: 1, removed: 1, changed: 0, breaking: 1, nonBreaking: 1 });
  });
});
