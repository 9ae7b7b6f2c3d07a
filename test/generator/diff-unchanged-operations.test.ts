/**
 * diffSpecs' shortcut for untouched operations: an operation whose JSON (its own, its path
 * item's parameters and, when it uses $refs, the components) is the same in both specs is
 * not walked at all. The walk itself would also find nothing in JSON that is the same, so
 * these cases tell the shortcut apart from the walk with what JSON.stringify does not show —
 * a key set to `undefined` (`{ type: undefined }` prints as `{}`) and an id that is no string
 * — and pin what counts as "the same operation".
 */
import { describe, expect, it } from 'vitest';
import { diffSpecs } from '../../generator/changes/diff-specs.js';

type Node = Record<string, any>;
const doc = (paths: Node, extra: Node = {}): Node => ({ openapi: '3.0.1', info: { title: 't', version: '1' }, paths, ...extra });
const brief = (before: Node, after: Node) => diffSpecs(before, after).changes.map(({ kind, breaking, location, message }) => `${breaking ? '!' : ' '} ${kind} ${location ?? '-'}: ${message}`);

/** GET /t answering `schema` as JSON; `more` adds to the operation. */
const getT = (schema: Node, more: Node = {}) => ({ '/t': { get: { operationId: 'T', responses: { '200': { description: 'OK', content: { 'application/json': { schema } } } }, ...more } } });
/** A `$ref` to a components schema that is the same in both specs. */
const shared = { $ref: '#/components/schemas/Shared' };
const components = (extra: Node = {}) => ({ components: { schemas: { Shared: { type: 'string' }, ...extra } } });

describe('an operation whose JSON is unchanged', () => {
  const usesShared = { parameters: [{ name: 'q', in: 'query', schema: shared }] };
  const security = [{ a: [] }];
  // `{ type: undefined }` is `{}` in JSON: the same spec, so no change. (Walked, the schema
  // would count as "now has a schema", since a key that is there constrains.)
  it.each([
    ['no components, no security', doc(getT({})), doc(getT({ type: undefined }))],
    ['components and security the same, a $ref to them', doc(getT({}, usesShared), { ...components(), security }), doc(getT({ type: undefined }, usesShared), { ...components(), security })],
    ['components changed elsewhere, no $ref in the operation', doc(getT({}), components()), doc(getT({ type: undefined }), components({ Other: { type: 'number' } }))],
  ])('is not walked: %s', (_name, before, after) => {
    expect(brief(before, after)).toEqual([]);
    expect(diffSpecs(before, after).changed).toEqual([]);
  });

  it('is walked when a components schema it refers to changed', () => {
    const before = doc(getT(shared), components());
    const after = doc(getT(shared), { components: { schemas: { Shared: { type: 'number' } } } });
    expect(brief(before, after)).toEqual(['! type-changed responses/200: type changed from string to number']);
  });

  it('includes the parameters of its path item', () => {
    const withPathParameter = (parameters?: Node[]) => doc({ '/t': { ...(parameters ? { parameters } : {}), get: { operationId: 'T', responses: {} } } });
    const q = [{ name: 'q', in: 'query', schema: { type: 'string' } }];
    expect(brief(withPathParameter(q), withPathParameter())).toEqual(['! parameter-removed query/q: query parameter "q" removed']);
    expect(brief(withPathParameter(), withPathParameter(q))).toEqual(['  parameter-added query/q: optional query parameter "q" added']);
  });

  it('is the same operation only under the same id: an operationId that is no string (a String object, JSON-printed as the string) does not name it', () => {
    const operation = (operationId: unknown) => doc({ '/t': { get: { operationId, responses: {} } } });
    expect(brief(operation(new String('GetThing')), operation('GetThing'))).toEqual([
      '! operation-id-changed -: operationId changed from GET /t to GetThing (the generated method is renamed)',
    ]);
  });
});
