/**
 * diffSchemas on `oneOf` unions: a type that became a union (of objects or not), unions of one
 * variant, variant keys (a literal, a discriminating field, the type — a type list included,
 * `any` for a branch that is no object), and a union of objects merged back into one object
 * (a field's literals become an enum only when every variant has a literal there).
 * Each case gives the direction, the old and new schema and exactly the changes expected.
 */
import { describe, expect, it } from 'vitest';
import { diffSchemas, makeResolver, type Direction } from '../../generator/changes/diff-schemas.js';

const resolve = makeResolver({});
const diff = (direction: Direction, oldSchema: unknown, newSchema: unknown) =>
  diffSchemas({ resolveOld: resolve, resolveNew: resolve, direction }, oldSchema, newSchema, 'body');
const literal = (value: string) => ({ type: 'string', format: JSON.stringify(value) });
const object = (properties: Record<string, unknown>, required?: string[]) => ({ type: 'object', properties, ...(required ? { required } : {}) });

describe('diffSchemas: unions', () => {
  it.each([
    {
      // Only an object is merged with a union of objects: a string is compared variant by variant.
      name: 'a string that became a union of objects: the string variant removed, the objects added',
      direction: 'response' as const,
      given: [{ type: 'string' }, { oneOf: [object({ k: literal('a') }), object({ k: literal('b') })] }],
      want: [
        { kind: 'variant-removed', breaking: true, location: 'body', message: 'union variant string removed' },
        { kind: 'variant-added', breaking: false, location: 'body', message: 'union variant k="a" added' },
        { kind: 'variant-added', breaking: false, location: 'body', message: 'union variant k="b" added' },
      ],
    },
    {
      // A type that became a union of several: a change inside the variant it became is
      // located in that variant, though the old side had one branch.
      name: 'an array that became a union of arrays and numbers: its item change is located in the array variant',
      direction: 'response' as const,
      given: [{ type: 'array', items: { type: 'string' } }, { oneOf: [{ type: 'array', items: { type: 'number' } }, { type: 'number' }] }],
      want: [
        { kind: 'type-changed', breaking: true, location: 'body/oneOf(array)/[]', message: 'type changed from string to number' },
        { kind: 'variant-added', breaking: false, location: 'body', message: 'union variant number added' },
      ],
    },
    {
      // The old type is matched with its own variant of the new union.
      name: 'a string that became string | number: the number variant added',
      direction: 'request' as const,
      given: [{ type: 'string' }, { oneOf: [{ type: 'string' }, { type: 'number' }] }],
      want: [{ kind: 'variant-added', breaking: false, location: 'body', message: 'union variant number added' }],
    },
    {
      // With one variant on each side, the location does not name the variant.
      name: 'unions of one variant are compared without a variant in the location',
      direction: 'response' as const,
      given: [{ oneOf: [object({ a: { type: 'string' } })] }, { oneOf: [object({ a: { type: 'number' } })] }],
      want: [{ kind: 'type-changed', breaking: true, location: 'body/a', message: 'type changed from string to number' }],
    },
    {
      // A oneOf of literals is an enum, not a union: the fields beside it are still compared.
      name: 'an enum written as a oneOf of literals that became an object: its fields are compared',
      direction: 'response' as const,
      given: [{ oneOf: [literal('a'), literal('b')] }, object({ a: { type: 'string' } })],
      want: [
        { kind: 'type-changed', breaking: true, location: 'body', message: 'no longer restricted to "a", "b" (now any object)' },
        { kind: 'field-added', breaking: false, location: 'body/a', message: 'field "a" added' },
      ],
    },
    {
      // `string | "a"` merged is the first variant's `string`: unchanged against a string.
      name: 'merged: a field that is a literal in some variants only keeps the first variant schema',
      direction: 'request' as const,
      given: [{ oneOf: [object({ k: { type: 'string' } }), object({ k: literal('a') })] }, object({ k: { type: 'string' } })],
      want: [{ kind: 'variant-removed', breaking: false, location: 'body', message: 'no longer a union of 2 object variants' }],
    },
    {
      // A field of one variant only is kept as it is (here with its `nullable`), not made an enum.
      name: 'merged: a literal field of one variant only stays that literal, nullable and all',
      direction: 'response' as const,
      given: [
        { oneOf: [object({ t: literal('x'), tag: { ...literal('n'), nullable: true } }), object({ t: literal('y') })] },
        object({ t: { type: 'string', enum: ['x', 'y'] }, tag: { ...literal('n'), nullable: true } }),
      ],
      want: [{ kind: 'variant-removed', breaking: false, location: 'body', message: 'no longer a union of 2 object variants' }],
    },
    {
      // The merged union is an object: an object restricted to a set of values is a narrowing.
      name: 'merged: compared as type object against an object enum',
      direction: 'request' as const,
      given: [{ oneOf: [object({ k: literal('a') }), object({ k: literal('b') })] }, { type: 'object', enum: [{ k: 'a' }] }],
      want: [
        { kind: 'variant-removed', breaking: false, location: 'body', message: 'no longer a union of 2 object variants' },
        { kind: 'type-changed', breaking: true, location: 'body', message: 'now restricted to {"k":"a"} (was any object)' },
        { kind: 'field-removed', breaking: true, location: 'body/k', message: 'field "k" removed from the request' },
      ],
    },
    {
      name: 'merged: a union split back into one object still finds a changed field',
      direction: 'response' as const,
      given: [
        { oneOf: [object({ k: literal('a'), v: { type: 'string' } }, ['k', 'v']), object({ k: literal('b'), v: { type: 'string' } }, ['k', 'v'])] },
        object({ k: { type: 'string', enum: ['a', 'b'] }, v: { type: 'number' } }, ['k', 'v']),
      ],
      want: [
        { kind: 'variant-removed', breaking: false, location: 'body', message: 'no longer a union of 2 object variants' },
        { kind: 'type-changed', breaking: true, location: 'body/v', message: 'type changed from string to number' },
      ],
    },
    {
      // `true` (any value) is no object: the union is no enum and its key is `any`.
      name: 'a branch that is no object makes a union of literals no enum, and is keyed any',
      direction: 'response' as const,
      given: [{ oneOf: [literal('a')] }, { oneOf: [literal('a'), true] }],
      want: [{ kind: 'variant-added', breaking: false, location: 'body', message: 'union variant any added' }],
    },
    {
      // Only an object branch with properties is keyed by a literal field; a type list is its key otherwise.
      name: 'variant keys: an object without properties is object, a type list with properties is the list',
      direction: 'response' as const,
      given: [{ oneOf: [{ type: 'string' }] }, { oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' } }, { type: ['object', 'null'], properties: { k: literal('a') } }] }],
      want: [
        { kind: 'variant-added', breaking: false, location: 'body', message: 'union variant object added' },
        { kind: 'variant-added', breaking: false, location: 'body', message: 'union variant null | object added' },
      ],
    },
  ])('$name', ({ direction, given, want }) => {
    expect(diff(direction, given[0], given[1])).toEqual(want);
  });

  // Each visit merges the union into a new object; the walk still stops, as the (union, object)
  // pair it is merged for is already being compared when the recursion meets it again.
  it('a recursive union against a recursive object is walked once, its fields still compared', () => {
    const branch = (kind: string) => object({ kind: literal(kind), name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Tree' } } });
    const recursive = makeResolver({
      components: {
        schemas: {
          Tree: { oneOf: [branch('a'), branch('b')] },
          Flat: object({ kind: { type: 'string', enum: ['a', 'b'] }, name: { type: 'number' }, children: { type: 'array', items: { $ref: '#/components/schemas/Flat' } } }),
        },
      },
    });
    const tree = { $ref: '#/components/schemas/Tree' };
    const flat = { $ref: '#/components/schemas/Flat' };
    const context = { resolveOld: recursive, resolveNew: recursive, direction: 'response' as const };
    expect(diffSchemas(context, tree, flat, 'body')).toEqual([
      { kind: 'variant-removed', breaking: false, location: 'body', message: 'no longer a union of 2 object variants' },
      { kind: 'type-changed', breaking: true, location: 'body/name', message: 'type changed from string to number' },
    ]);
    expect(diffSchemas(context, flat, tree, 'body')).toEqual([
      { kind: 'variant-added', breaking: false, location: 'body', message: 'now a union of 2 object variants' },
      { kind: 'type-changed', breaking: true, location: 'body/name', message: 'type changed from number to string' },
    ]);
  });

  it('merges the same union object anew for each document it is resolved in', () => {
    const union = { oneOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }] };
    const document = (k: unknown) => ({ components: { schemas: { A: object({ k }), B: object({ k }) } } });
    const against = (oldDocument: object) =>
      diffSchemas({ resolveOld: makeResolver(oldDocument), resolveNew: resolve, direction: 'response' }, union, object({ k: { type: 'number' } }), 'body');
    expect(against(document({ type: 'number' }))).toEqual([
      { kind: 'variant-removed', breaking: false, location: 'body', message: 'no longer a union of 2 object variants' },
    ]);
    expect(against(document({ type: 'string' }))).toEqual([
      { kind: 'variant-removed', breaking: false, location: 'body', message: 'no longer a union of 2 object variants' },
      { kind: 'type-changed', breaking: true, location: 'body/k', message: 'type changed from string to number' },
    ]);
  });
});
