/**
 * diffSchemas on the schema shapes Logto's specs use beyond plain objects: `$ref`s (and their
 * errors), `allOf`, arrays, maps (`additionalProperties`), type lists, Logto's zod literals,
 * recursive schemas and an object split into a discriminated `oneOf`. Table-driven: the old
 * and new schema, the direction, and exactly the changes expected.
 */
import { describe, expect, it } from 'vitest';
import { diffSchemas, escapePointer, makeResolver, type Direction } from '../../generator/changes/diff-schemas.js';

const components = {
  components: {
    schemas: {
      Name: { type: 'string' },
      Count: { type: 'integer' },
      'a/b~c': { type: 'boolean' },
      Node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } },
      NodeV2: { type: 'object', properties: { name: { type: 'number' }, children: { type: 'array', items: { $ref: '#/components/schemas/NodeV2' } } } },
    },
  },
};
const resolve = makeResolver(components);
const diff = (direction: Direction, oldSchema: unknown, newSchema: unknown) =>
  diffSchemas({ resolveOld: resolve, resolveNew: resolve, direction }, oldSchema, newSchema, 'body').map(({ kind, breaking, location }) => ({ kind, breaking, location }));

const object = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required });

describe('diffSchemas edges', () => {
  it.each([
    {
      name: 'follows $refs on both sides',
      direction: 'response' as const,
      given: [object({ a: { $ref: '#/components/schemas/Name' } }), object({ a: { $ref: '#/components/schemas/Count' } })],
      want: [{ kind: 'type-changed', breaking: true, location: 'body/a' }],
    },
    {
      name: 'resolves an escaped $ref segment (~1 and ~0)',
      direction: 'response' as const,
      given: [object({ a: { $ref: '#/components/schemas/a~1b~0c' } }), object({ a: { type: 'string' } })],
      want: [{ kind: 'type-changed', breaking: true, location: 'body/a' }],
    },
    {
      name: 'merges allOf members, their required lists and type',
      direction: 'request' as const,
      given: [{ allOf: [object({ a: { type: 'string' } }), object({ b: { type: 'string' } })] }, { allOf: [object({ a: { type: 'string' } }, ['a']), { $ref: '#/components/schemas/Name' }] }],
      want: [
        { kind: 'field-removed', breaking: true, location: 'body/b' },
        { kind: 'field-newly-required', breaking: true, location: 'body/a' },
      ].reverse(),
    },
    {
      name: 'walks array items',
      direction: 'response' as const,
      given: [{ type: 'array', items: object({ id: { type: 'string' } }, ['id']) }, { type: 'array', items: object({ id: { type: 'string' } }) }],
      want: [{ kind: 'field-no-longer-required', breaking: true, location: 'body/[]/id' }],
    },
    {
      name: 'walks map values (additionalProperties)',
      direction: 'response' as const,
      given: [{ type: 'object', additionalProperties: { type: 'string' } }, { type: 'object', additionalProperties: { type: 'number' } }],
      want: [{ kind: 'type-changed', breaking: true, location: 'body/*' }],
    },
    {
      name: 'compares type lists regardless of order',
      direction: 'response' as const,
      given: [{ type: ['string', 'null'] }, { type: ['null', 'string'] }],
      want: [],
    },
    {
      name: 'sees a type list that changed',
      direction: 'response' as const,
      given: [{ type: ['string', 'null'] }, { type: ['number', 'null'] }],
      want: [{ kind: 'type-changed', breaking: true, location: 'body' }],
    },
    {
      name: 'reads Logto boolean and number literals',
      direction: 'request' as const,
      given: [object({ on: { type: 'boolean', format: 'true' }, n: { type: 'number', format: '1' } }), object({ on: { type: 'boolean', format: 'false' }, n: { type: 'number', format: '1' } })],
      want: [{ kind: 'type-changed', breaking: true, location: 'body/on' }],
    },
    {
      name: 'does not read an ordinary format as a literal',
      direction: 'request' as const,
      given: [{ type: 'string', format: 'email' }, { type: 'string', format: 'url' }],
      want: [],
    },
    {
      name: 'reads const as a one-value enum',
      direction: 'response' as const,
      given: [object({ kind: { const: 'a' } }), object({ kind: { enum: ['a', 'b'] } })],
      want: [{ kind: 'enum-value-added', breaking: false, location: 'body/kind' }],
    },
    {
      name: 'reads a oneOf of literals as an enum',
      direction: 'request' as const,
      given: [{ oneOf: [{ type: 'string', format: '"email"' }, { type: 'string', format: '"phone"' }] }, { oneOf: [{ type: 'string', format: '"email"' }] }],
      want: [{ kind: 'enum-value-removed', breaking: true, location: 'body' }],
    },
    {
      name: 'walks a recursive schema once and still finds the change inside',
      direction: 'response' as const,
      given: [{ $ref: '#/components/schemas/Node' }, { $ref: '#/components/schemas/NodeV2' }],
      want: [{ kind: 'type-changed', breaking: true, location: 'body/name' }],
    },
    {
      name: 'compares an object split into a discriminated oneOf field by field',
      direction: 'request' as const,
      given: [
        object({ type: { type: 'string', enum: ['email', 'phone'] }, value: { type: 'string' } }, ['type', 'value']),
        { oneOf: [object({ type: { type: 'string', format: '"email"' }, value: { type: 'string' } }, ['type', 'value']), object({ type: { type: 'string', format: '"phone"' }, value: { type: 'string' } }, ['type', 'value'])] },
      ],
      want: [{ kind: 'variant-added', breaking: false, location: 'body' }],
    },
    {
      name: 'sees a field removed from every variant of a split object',
      direction: 'response' as const,
      given: [
        object({ type: { type: 'string', enum: ['a', 'b'] }, value: { type: 'string' }, extra: { type: 'string' } }, ['type']),
        { oneOf: [object({ type: { type: 'string', format: '"a"' }, value: { type: 'string' } }, ['type']), object({ type: { type: 'string', format: '"b"' }, value: { type: 'string' } }, ['type'])] },
      ],
      want: [
        { kind: 'variant-added', breaking: false, location: 'body' },
        { kind: 'field-removed', breaking: true, location: 'body/extra' },
      ],
    },
    {
      name: 'matches union variants by discriminator, wherever they sit',
      direction: 'response' as const,
      given: [
        { oneOf: [object({ t: { type: 'string', format: '"x"' }, v: { type: 'string' } }), object({ t: { type: 'string', format: '"y"' } })] },
        { oneOf: [object({ t: { type: 'string', format: '"y"' } }), object({ t: { type: 'string', format: '"z"' } }), object({ t: { type: 'string', format: '"x"' }, v: { type: 'number' } })] },
      ],
      want: [
        { kind: 'type-changed', breaking: true, location: 'body/oneOf(t="x")/v' },
        { kind: 'variant-added', breaking: false, location: 'body' },
      ],
    },
    {
      name: 'reads number literals: several digits, a sign and decimals',
      direction: 'response' as const,
      given: [object({ a: { type: 'number', format: '12' }, b: { type: 'number', format: '-1.25' }, c: { type: 'number', format: '7' } }), object({ a: { type: 'number', format: '13' }, b: { type: 'number', format: '-1.26' }, c: { type: 'number', format: '8' } })],
      want: [
        { kind: 'type-changed', breaking: true, location: 'body/a' },
        { kind: 'type-changed', breaking: true, location: 'body/b' },
        { kind: 'type-changed', breaking: true, location: 'body/c' },
      ],
    },
    {
      name: 'reads string and null literals, and not a format on other types or one that is no JSON value',
      direction: 'response' as const,
      given: [
        object({ s: { type: 'string', format: '"a"' }, n: { type: 'string', format: 'null' }, i: { type: 'integer', format: '5' }, x: { type: 'string', format: '1.' } }),
        object({ s: { type: 'string', format: '"b"' }, n: { type: 'string', format: '"null"' }, i: { type: 'integer', format: '6' }, x: { type: 'string', format: '2.' } }),
      ],
      want: [
        { kind: 'type-changed', breaking: true, location: 'body/s' },
        { kind: 'type-changed', breaking: true, location: 'body/n' },
      ],
    },
    {
      name: 'request: a literal that became a plain type, and a plain type that became an enum',
      direction: 'request' as const,
      given: [object({ a: { type: 'string', format: '"x"' }, b: { type: 'string' } }), object({ a: { type: 'string' }, b: { type: 'string', enum: ['y', 'z'] } })],
      want: [
        { kind: 'type-changed', breaking: false, location: 'body/a' },
        { kind: 'type-changed', breaking: true, location: 'body/b' },
      ],
    },
    {
      name: 'response: a literal that became a plain type, and a plain type that became an enum',
      direction: 'response' as const,
      given: [object({ a: { type: 'string', format: '"x"' }, b: { type: 'string' } }), object({ a: { type: 'string' }, b: { type: 'string', enum: ['y', 'z'] } })],
      want: [
        { kind: 'type-changed', breaking: true, location: 'body/a' },
        { kind: 'type-changed', breaking: false, location: 'body/b' },
      ],
    },
    {
      name: 'nullable gained and lost, in a request',
      direction: 'request' as const,
      given: [object({ a: { type: 'string' }, b: { type: 'string', nullable: true }, e: { enum: ['x'] } }), object({ a: { type: 'string', nullable: true }, b: { type: 'string' }, e: { enum: ['x'], nullable: true } })],
      want: [
        { kind: 'nullable-changed', breaking: false, location: 'body/a' },
        { kind: 'nullable-changed', breaking: true, location: 'body/b' },
        { kind: 'nullable-changed', breaking: false, location: 'body/e' },
      ],
    },
    {
      name: 'nullable gained and lost, in a response',
      direction: 'response' as const,
      given: [object({ a: { type: 'string' }, b: { type: 'string', nullable: true } }), object({ a: { type: 'string', nullable: true }, b: { type: 'string' } })],
      want: [
        { kind: 'nullable-changed', breaking: true, location: 'body/a' },
        { kind: 'nullable-changed', breaking: false, location: 'body/b' },
      ],
    },
    {
      name: 'a schema gained and lost, in each direction, with its type named',
      direction: 'request' as const,
      given: [object({ a: { description: 'any' }, b: { type: 'array', items: {} } }), object({ a: { type: 'integer' }, b: { description: 'any' } })],
      want: [
        { kind: 'schema-added', breaking: true, location: 'body/a' },
        { kind: 'schema-removed', breaking: false, location: 'body/b' },
      ],
    },
    {
      name: 'a schema gained and lost in a response, and one without a type',
      direction: 'response' as const,
      given: [object({ a: {}, b: { type: 'string' } }), object({ a: { format: 'uuid' }, b: {} })],
      want: [
        { kind: 'schema-added', breaking: false, location: 'body/a' },
        { kind: 'schema-removed', breaking: true, location: 'body/b' },
      ],
    },
    {
      name: 'a split object merged back into one: fields required only where every variant requires them',
      direction: 'request' as const,
      given: [
        { oneOf: [object({ type: { type: 'string', format: '"a"' }, v: { type: 'string' }, w: { type: 'string' } }, ['type', 'v', 'w']), object({ type: { type: 'string', format: '"b"' }, v: { type: 'string' } }, ['type', 'v'])], nullable: true },
        { ...object({ type: { type: 'string', enum: ['a', 'b'] }, v: { type: 'string' }, w: { type: 'string' } }, ['type', 'v']), nullable: true },
      ],
      want: [{ kind: 'variant-removed', breaking: false, location: 'body' }],
    },
    {
      name: 'a union of an object and a string is not merged: its variants are compared',
      direction: 'response' as const,
      given: [{ oneOf: [object({ a: { type: 'string' } }), { type: 'string' }] }, object({ a: { type: 'number' } })],
      want: [
        { kind: 'type-changed', breaking: true, location: 'body/oneOf(object)/a' },
        { kind: 'variant-removed', breaking: true, location: 'body' },
      ],
    },
    {
      name: 'variants removed and added by type when more than one is left on a side',
      direction: 'response' as const,
      given: [{ oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] }, { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'object', properties: {} }] }],
      want: [
        { kind: 'variant-removed', breaking: true, location: 'body' },
        { kind: 'variant-removed', breaking: true, location: 'body' },
        { kind: 'variant-added', breaking: false, location: 'body' },
        { kind: 'variant-added', breaking: false, location: 'body' },
      ],
    },
    {
      name: 'a oneOf whose branches are objects is no enum, even with literal fields',
      direction: 'response' as const,
      given: [{ oneOf: [object({ k: { type: 'string', format: '"a"' } }), { type: 'string', format: '"b"' }] }, { oneOf: [object({ k: { type: 'string', format: '"a"' } }), { type: 'string', format: '"c"' }] }],
      want: [{ kind: 'type-changed', breaking: true, location: 'body' }],
    },
    {
      name: 'an allOf member without properties adds its type, one that is no object is skipped',
      direction: 'response' as const,
      given: [{ allOf: [{ type: 'object' }, true, { properties: { a: { type: 'string' } } }] }, { allOf: [{ type: 'array', items: {} }] }],
      want: [{ kind: 'type-changed', breaking: true, location: 'body' }],
    },
  ])('$name', ({ direction, given, want }) => {
    expect(diff(direction, given[0], given[1])).toEqual(want);
    // The sentences the change report shows (reviewed in the snapshot).
    const messages = diffSchemas({ resolveOld: resolve, resolveNew: resolve, direction }, given[0], given[1], 'body').map((change) => change.message);
    expect(messages).toMatchSnapshot();
  });

  it('rejects a $ref that is not local, one that does not resolve, and a cycle of refs, naming them', () => {
    const loop = makeResolver({ components: { schemas: { A: { $ref: '#/components/schemas/B' }, B: { $ref: '#/components/schemas/A' } } } });
    expect(() => resolve({ $ref: 'other.json#/x' })).toThrow('unsupported $ref "other.json#/x": only local references (#/...) are resolved');
    expect(() => resolve({ $ref: '#/components/schemas/Missing' })).toThrow('unresolvable $ref "#/components/schemas/Missing"');
    expect(() => loop({ $ref: '#/components/schemas/A' })).toThrow('$ref cycle: #/components/schemas/A → #/components/schemas/B → #/components/schemas/A');
  });

  it('escapes JSON-pointer segments', () => {
    expect(escapePointer('a/b~c')).toBe('a~1b~0c');
  });
});
