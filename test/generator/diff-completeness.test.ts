/**
 * Kinds of change the report used to miss although they change the generated types (found by
 * the oracle in every-spec.test.ts on the real 1.34.0 → 1.42.0 upgrade), one case each, with
 * their location and breaking flag; and a quirk present on one side only is no change.
 */
import { describe, expect, it } from 'vitest';
import { asGenerated } from '../../generator/changes/compare-as-generated.js';
import { diffSpecs } from '../../generator/changes/diff-specs.js';
import { LOGTO_PATCHES } from '../../generator/pipeline/patches.js';

function spec(operation: Record<string, unknown>) {
  return { openapi: '3.0.1', info: { title: 't', version: '1' }, paths: { '/api/things': { post: { operationId: 'CreateThing', ...operation } } } };
}
const body = (schema: unknown) => ({ requestBody: { required: true, content: { 'application/json': schema === undefined ? {} : { schema } } } });
const response = (status: string, schema: unknown, headers?: Record<string, unknown>) => ({
  [status]: { description: 'x', ...(headers ? { headers } : {}), content: { 'application/json': schema === undefined ? {} : { schema } } },
});
const brief = (before: unknown, after: unknown) =>
  diffSpecs(before, after).changes.map((change) => ({ kind: change.kind, breaking: change.breaking, location: change.location }));

const open = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true };
const closed = { type: 'object', properties: { a: { type: 'string' } } };

describe('changes that alter the generated types', () => {
  const cases: Array<{ name: string; before: unknown; after: unknown; want: unknown }> = [
    {
      name: 'additionalProperties added to a response object: not breaking',
      before: spec({ responses: response('200', { type: 'object', properties: { data: closed } }) }),
      after: spec({ responses: response('200', { type: 'object', properties: { data: open } }) }),
      want: [{ kind: 'additional-properties-added', breaking: false, location: 'responses/200/data' }],
    },
    {
      name: 'additionalProperties removed from a request body: breaking',
      before: spec({ ...body(open), responses: response('200', undefined) }),
      after: spec({ ...body(closed), responses: response('200', undefined) }),
      want: [{ kind: 'additional-properties-removed', breaking: true, location: 'requestBody' }],
    },
    {
      name: '`additionalProperties: true` and `{}` are the same; their value schemas are compared',
      before: spec({ responses: response('200', { type: 'object', additionalProperties: true }) }),
      after: spec({ responses: response('200', { type: 'object', additionalProperties: { type: 'string' } }) }),
      want: [{ kind: 'schema-added', breaking: false, location: 'responses/200/*' }],
    },
    {
      name: 'a schema given to a 201 response that had none: not breaking',
      before: spec({ responses: response('201', undefined) }),
      after: spec({ responses: response('201', { type: 'object', properties: { ids: { type: 'array', items: { type: 'string' } } } }) }),
      want: [{ kind: 'schema-added', breaking: false, location: 'responses/201' }],
    },
    {
      name: 'a schema given to a request body that had none: breaking',
      before: spec({ ...body(undefined), responses: response('200', undefined) }),
      after: spec({ ...body({ type: 'object', properties: { a: { type: 'string' } } }), responses: response('200', undefined) }),
      want: [{ kind: 'schema-added', breaking: true, location: 'requestBody' }],
    },
    {
      name: 'a response schema removed: breaking',
      before: spec({ responses: response('200', closed) }),
      after: spec({ responses: response('200', undefined) }),
      want: [{ kind: 'schema-removed', breaking: true, location: 'responses/200' }],
    },
    {
      name: 'an error response documented or dropped: not breaking',
      before: spec({ responses: { ...response('200', undefined), '404': { description: 'Not found' } } }),
      after: spec({ responses: { ...response('200', undefined), '422': { description: 'Unprocessable' } } }),
      want: [
        { kind: 'response-removed', breaking: false, location: 'responses/404' },
        { kind: 'response-added', breaking: false, location: 'responses/422' },
      ],
    },
    {
      name: 'a response header documented, another dropped',
      before: spec({ responses: response('200', undefined, { 'Total-Number': { schema: { type: 'string' } } }) }),
      after: spec({ responses: response('200', undefined, { 'Retry-After': { schema: { type: 'string' } } }) }),
      want: [
        { kind: 'response-header-removed', breaking: true, location: 'responses/200/headers/Total-Number' },
        { kind: 'response-header-added', breaking: false, location: 'responses/200/headers/Retry-After' },
      ],
    },
    {
      name: 'fields named like Object.prototype members are fields: `constructor` removed, `toString` added',
      before: spec({ responses: response('200', { type: 'object', properties: { constructor: { type: 'string' } } }) }),
      after: spec({ responses: response('200', { type: 'object', properties: { toString: { type: 'string' } } }) }),
      want: [
        { kind: 'field-removed', breaking: true, location: 'responses/200/constructor' },
        { kind: 'field-added', breaking: false, location: 'responses/200/toString' },
      ],
    },
  ];
  for (const { name, before, after, want } of cases) it(name, () => expect(brief(before, after)).toEqual(want));
});

describe('compared as generated', () => {
  it('a quirk on one side only (1.34 vs 1.42 validator functions) is no change once both sides are patched', () => {
    const uris = (items: unknown) => spec({ ...body({ type: 'object', properties: { redirectUris: { type: 'array', items } } }), responses: response('200', undefined) });
    const before = uris({ oneOf: [{ type: 'object', description: 'Validator function' }, { type: 'object', description: 'Validator function' }] });
    const after = uris({ type: 'object', description: 'Validator function', additionalProperties: true });
    expect(brief(before, after).length).toBeGreaterThan(0);
    expect(brief(asGenerated(before, LOGTO_PATCHES), asGenerated(after, LOGTO_PATCHES))).toEqual([]);
    // The documents themselves are left as served.
    expect((before.paths['/api/things'].post as any).requestBody.content['application/json'].schema.properties.redirectUris.items.oneOf).toHaveLength(2);
  });
});
