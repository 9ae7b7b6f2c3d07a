/**
 * diffSpecs' shortcut for untouched operations: an operation whose JSON (its own, its path
 * item's parameters and whatever its $refs reach, ref after ref, wherever they point) is the
 * same in both specs is not walked at all. The walk itself would also find nothing in JSON that is the same, so
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

  // A $ref may point anywhere in the document, not only into components.
  describe('with a $ref outside components', () => {
    /** GET /t answering `schema`, and GET /u answering whatever GET /t answers with 200. */
    const twoOperations = (schema: Node, extra: Node = {}) =>
      doc({ ...getT(schema), '/u': { get: { operationId: 'U', responses: { '200': { $ref: '#/paths/~1t/get/responses/200' } } } } }, extra);
    const ids = (before: Node, after: Node) => diffSpecs(before, after).changed.map((entry) => entry.operation.operationId);

    it('is walked when the target changed, though components did not', () => {
      expect(ids(twoOperations({ type: 'string' }, components()), twoOperations({ type: 'number' }, components()))).toEqual(['T', 'U']);
      expect(brief(twoOperations({ type: 'string' }), twoOperations({ type: 'number' }))).toEqual([
        '! type-changed responses/200: type changed from string to number',
        '! type-changed responses/200: type changed from string to number',
      ]);
    });

    it('is walked when a components schema it refers to points at a target that changed', () => {
      const viaComponent = (schema: Node) =>
        doc({ ...getT(schema), '/u': { get: { operationId: 'U', responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Alias' } } } } } } } }, {
          components: { schemas: { Alias: { $ref: '#/paths/~1t/get/responses/200/content/application~1json/schema' } } },
        });
      expect(ids(viaComponent({ type: 'string' }), viaComponent({ type: 'number' }))).toEqual(['T', 'U']);
    });

    it('is not walked when every target it reaches, ref after ref, is unchanged', () => {
      // T's `{ type: undefined }` is the same JSON: U reaches nothing that changed.
      expect(ids(twoOperations({}), twoOperations({ type: undefined }))).toEqual([]);
    });
  });

  it('is walked when a schema reached through a chain of component $refs changed', () => {
    const chain = (type: string) => doc(getT({ $ref: '#/components/schemas/A' }), { components: { schemas: { A: { $ref: '#/components/schemas/B' }, B: { type } } } });
    expect(brief(chain('string'), chain('number'))).toEqual(['! type-changed responses/200: type changed from string to number']);
  });

  it('is not walked when components changed only where its $refs do not reach', () => {
    const before = doc(getT({}, usesShared), components());
    const after = doc(getT({ type: undefined }, usesShared), components({ Other: { type: 'number' } }));
    expect(diffSpecs(before, after).changed).toEqual([]);
  });

  it('is walked, and fails as the walk does, when a $ref cannot be followed', () => {
    const broken = (ref: string) => doc(getT({ $ref: ref }));
    expect(() => diffSpecs(broken('#/components/schemas/Nope'), broken('#/components/schemas/Nope'))).toThrow('unresolvable $ref "#/components/schemas/Nope"');
    expect(() => diffSpecs(broken('other.json#/A'), broken('other.json#/A'))).toThrow('unsupported $ref "other.json#/A"');
    // Not local, though what follows its first two characters is a pointer that leads somewhere.
    const withShared = (ref: string) => doc(getT({ $ref: ref }), components());
    expect(() => diffSpecs(withShared('./components/schemas/Shared'), withShared('./components/schemas/Shared'))).toThrow('unsupported $ref');
    // Through a null or a string: nothing there, as the resolver finds.
    const through = (ref: string) => doc(getT({ $ref: ref }), { components: { schemas: { N: null } } });
    expect(() => diffSpecs(through('#/components/schemas/N/x'), through('#/components/schemas/N/x'))).toThrow('unresolvable $ref "#/components/schemas/N/x"');
    expect(() => diffSpecs(through('#/info/title/length'), through('#/info/title/length'))).toThrow('unresolvable $ref "#/info/title/length"');
  });

  it('is not walked when its $refs loop (a recursive schema) through unchanged targets', () => {
    const tree = { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Tree' } } } };
    const recursive = (schema: Node) => doc(getT(schema, { parameters: [{ name: 'q', in: 'query', schema: { $ref: '#/components/schemas/Tree' } }] }), components({ Tree: tree }));
    expect(diffSpecs(recursive({}), recursive({ type: undefined })).changed).toEqual([]);
  });

  it('follows a $ref as the resolver does, `~0` and `~1` unescaped', () => {
    const tilde = (schema: Node) => doc(getT(schema, { parameters: [{ name: 'q', in: 'query', schema: { $ref: '#/components/schemas/a~0b~1c' } }] }), components({ 'a~b/c': { type: 'string' } }));
    expect(diffSpecs(tilde({}), tilde({ type: undefined })).changed).toEqual([]);
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
