/** Each Logto patch, given a schema as Logto writes it, yields the schema we generate from. */
import { describe, expect, it } from 'vitest';
import { normaliseSpec } from '../../generator/pipeline/normalise-spec.js';
import { LOGTO_PATCHES } from '../../generator/pipeline/patches.js';
import type { OpenApiDocument } from '../../generator/pipeline/validate-spec.js';

function documentWith(schema: unknown, contentType = 'application/json'): OpenApiDocument {
  return {
    openapi: '3.0.1',
    paths: {
      '/api/x': { post: { operationId: 'X', requestBody: { content: { [contentType]: { schema } } }, responses: {} } },
    },
  };
}

function applyOne(id: string, schema: unknown, contentType?: string) {
  const patch = LOGTO_PATCHES.find((candidate) => candidate.id === id)!;
  const document = documentWith(schema, contentType);
  normaliseSpec({ document, assignedOperationIds: [], warnings: [] }, [patch], 'spec.json');
  return (document.paths['/api/x'].post as any).requestBody.content[contentType ?? 'application/json'].schema;
}

describe('Logto patches', () => {
  const cases: Array<{ id: string; given: unknown; want: unknown; contentType?: string }> = [
    { id: 'zod-string-literal', given: { type: 'string', format: '"email"' }, want: { type: 'string', enum: ['email'] } },
    {
      id: 'zod-string-literal',
      given: { oneOf: [{ type: 'string', format: '"true"' }, { type: 'string', format: '"false"' }] },
      want: { oneOf: [{ type: 'string', enum: ['true'] }, { type: 'string', enum: ['false'] }] },
    },
    { id: 'zod-boolean-literal', given: { type: 'boolean', format: 'true' }, want: { type: 'boolean', enum: [true] } },
    { id: 'zod-boolean-literal', given: { type: 'boolean', format: 'false' }, want: { type: 'boolean', enum: [false] } },
    { id: 'zod-empty-string-literal', given: { type: 'string', format: 'empty' }, want: { type: 'string', enum: [''] } },
    {
      id: 'validator-function-items',
      given: { type: 'array', items: { type: 'object', description: 'Validator function', additionalProperties: true } },
      want: { type: 'array', items: { type: 'string' } },
    },
    {
      // Logto 1.34.0 writes the same array as a union of two validator functions.
      id: 'validator-function-items',
      given: { type: 'array', items: { oneOf: [{ type: 'object', description: 'Validator function' }, { type: 'object', description: 'Validator function' }] } },
      want: { type: 'array', items: { type: 'string' } },
    },
    {
      id: 'multipart-file-field',
      given: { properties: { file: { description: 'The file asset to upload.' } } },
      want: { properties: { file: { description: 'The file asset to upload.', type: 'string', format: 'binary' } } },
      contentType: 'multipart/form-data',
    },
  ];
  for (const { id, given, want, contentType } of cases) {
    it(`${id}: ${JSON.stringify(given)}`, () => expect(applyOne(id, structuredClone(given), contentType)).toEqual(want));
  }

  it('leaves informal formats and real objects alone', () => {
    const given = {
      type: 'object',
      properties: {
        url: { type: 'string', format: 'url' },
        name: { type: 'object', description: 'Validator function', additionalProperties: true },
      },
    };
    const document = documentWith(structuredClone(given));
    expect(normaliseSpec({ document, assignedOperationIds: [], warnings: [] }, LOGTO_PATCHES, 'spec.json').patchCounts).toEqual(
      Object.fromEntries(LOGTO_PATCHES.map((patch) => [patch.id, 0])),
    );
    expect(() => normaliseSpec({ document, assignedOperationIds: [], warnings: [] }, LOGTO_PATCHES, 'spec.json', { strictPatches: true })).toThrow(
      /patches zod-string-literal, zod-boolean-literal, zod-empty-string-literal, validator-function-items, multipart-file-field matched nothing/,
    );
    expect((document.paths['/api/x'].post as any).requestBody.content['application/json'].schema).toEqual(given);
  });

  it('every patch states its reason', () => {
    for (const patch of LOGTO_PATCHES) expect(patch.reason.length).toBeGreaterThan(40);
  });
});
