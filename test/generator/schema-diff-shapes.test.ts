/**
 * diffSchemas on how a schema is shaped rather than what it says: which keywords make it a
 * schema at all (anything else is "any JSON"), a type read from `properties` or `items` alone,
 * `allOf` merged with the schema's own fields, a schema with no `required` list, a schema used
 * in two places or recursive through two schemas, extra keys allowed or not, and values that are
 * no schema object at all (a malformed spec) — these are not compared.
 * Each case gives the old and new schema of a request body and exactly the changes expected
 * (in a request, gaining a schema narrows what may be sent: breaking).
 */
import { describe, expect, it } from 'vitest';
import { diffSchemas, makeResolver, type Direction } from '../../generator/changes/diff-schemas.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const resolve = makeResolver({
  components: {
    schemas: {
      Name: { type: 'string' },
      Tag: { type: 'object', properties: { label: { type: 'string' } } },
      TagV2: { type: 'object', properties: { label: { type: 'number' } } },
      // One recursive schema on the old side, two that refer to each other on the new side.
      Node: { type: 'object', properties: { name: { type: 'string' }, next: { type: 'array', items: ref('Node') } } },
      Even: { type: 'object', properties: { name: { type: 'string' }, next: { type: 'array', items: ref('Odd') } } },
      Odd: { type: 'object', properties: { name: { type: 'number' }, next: { type: 'array', items: ref('Even') } } },
    },
  },
});
const diff = (direction: Direction, oldSchema: unknown, newSchema: unknown) =>
  diffSchemas({ resolveOld: resolve, resolveNew: resolve, direction }, oldSchema, newSchema, 'body');
const literal = (value: string) => ({ type: 'string', format: JSON.stringify(value) });
// The one field name that tells an empty list from the `["Stryker was here"]` Stryker puts in
// its place: a schema without a `required` list requires no field, whatever it is called.
const field = 'Stryker was here';

describe('diffSchemas: shapes', () => {
  it.each([
    {
      name: 'properties alone make a schema',
      given: [undefined, { properties: { a: { type: 'string' } } }],
      want: [{ kind: 'schema-added', breaking: true, location: 'body', message: 'now has a schema (object) (was any JSON)' }],
    },
    {
      name: 'items alone make a schema',
      given: [undefined, { items: { type: 'string' } }],
      want: [{ kind: 'schema-added', breaking: true, location: 'body', message: 'now has a schema (array) (was any JSON)' }],
    },
    {
      name: 'anyOf alone makes a schema',
      given: [undefined, { anyOf: [{ type: 'string' }, { type: 'number' }] }],
      want: [{ kind: 'schema-added', breaking: true, location: 'body', message: 'now has a schema (was any JSON)' }],
    },
    {
      name: 'not alone makes a schema',
      given: [undefined, { not: { type: 'null' } }],
      want: [{ kind: 'schema-added', breaking: true, location: 'body', message: 'now has a schema (was any JSON)' }],
    },
    {
      name: 'additionalProperties alone make a schema',
      given: [{ description: 'anything' }, { additionalProperties: { type: 'string' } }],
      want: [{ kind: 'schema-added', breaking: true, location: 'body', message: 'now has a schema (was any JSON)' }],
    },
    {
      // A list is merged (and so gets properties); anything else is kept as it is, still a constraint.
      name: 'an allOf that is no list still makes a schema',
      given: [undefined, { allOf: { type: 'string' } }],
      want: [{ kind: 'schema-added', breaking: true, location: 'body', message: 'now has a schema (was any JSON)' }],
    },
    {
      name: 'a schema without a type is an object by its properties, an array by its items',
      given: [{ properties: { a: { type: 'string' } } }, { items: { type: 'string' } }],
      want: [{ kind: 'type-changed', breaking: true, location: 'body', message: 'type changed from object to array' }],
    },
    {
      name: "allOf is merged with the schema's own fields and required list",
      given: [{ properties: { a: { type: 'string' } }, required: ['a'], allOf: [{ properties: { b: { type: 'string' } } }] }, { properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'] }],
      want: [],
    },
    {
      name: 'an allOf member that is null is skipped',
      given: [{ allOf: [{ properties: { a: { type: 'string' } } }, null] }, { properties: { a: { type: 'string' } } }],
      want: [],
    },
    {
      name: 'a schema used by two fields is compared at each',
      given: [{ type: 'object', properties: { a: ref('Tag'), b: ref('Tag') } }, { type: 'object', properties: { a: ref('TagV2'), b: ref('TagV2') } }],
      want: [
        { kind: 'type-changed', breaking: true, location: 'body/a/label', message: 'type changed from string to number' },
        { kind: 'type-changed', breaking: true, location: 'body/b/label', message: 'type changed from string to number' },
      ],
    },
    {
      // Node against Even, Odd, Even…: the walk stops when Node meets Even again.
      name: 'a recursive schema against two that refer to each other is walked once round',
      given: [ref('Node'), ref('Even')],
      want: [{ kind: 'type-changed', breaking: true, location: 'body/next/[]/name', message: 'type changed from string to number' }],
    },
    {
      name: 'extra keys allowed',
      given: [{ type: 'object' }, { type: 'object', additionalProperties: true }],
      want: [{ kind: 'additional-properties-added', breaking: false, location: 'body', message: 'now allows additional properties (any key)' }],
    },
    {
      name: 'extra keys no longer allowed',
      given: [{ type: 'object', additionalProperties: true }, { type: 'object' }],
      want: [{ kind: 'additional-properties-removed', breaking: true, location: 'body', message: 'no longer allows additional properties' }],
    },
    {
      name: 'no required list before: the field is now required',
      given: [{ type: 'object', properties: { [field]: { type: 'string' } } }, { type: 'object', properties: { [field]: { type: 'string' } }, required: [field] }],
      want: [{ kind: 'field-newly-required', breaking: true, location: `body/${field}`, message: `field "${field}" is now required` }],
    },
    {
      name: 'no required list after: the field is no longer required',
      given: [{ type: 'object', properties: { [field]: { type: 'string' } }, required: [field] }, { type: 'object', properties: { [field]: { type: 'string' } } }],
      want: [{ kind: 'field-no-longer-required', breaking: false, location: `body/${field}`, message: `field "${field}" is no longer required` }],
    },
    {
      name: 'no required list in allOf, in its members or in the schema: nothing required on either side',
      given: [{ allOf: [{ type: 'object', properties: { [field]: { type: 'string' } } }] }, { type: 'object', properties: { [field]: { type: 'string' } } }],
      want: [],
    },
    {
      name: 'no required list in the variants of a merged union: nothing required on either side',
      given: [
        { oneOf: [{ type: 'object', properties: { t: literal('a'), [field]: { type: 'string' } } }, { type: 'object', properties: { t: literal('b'), [field]: { type: 'string' } } }] },
        { type: 'object', properties: { t: { type: 'string', enum: ['a', 'b'] }, [field]: { type: 'string' } } },
      ],
      want: [{ kind: 'variant-removed', breaking: false, location: 'body', message: 'no longer a union of 2 object variants' }],
    },
    { name: 'a null schema is not compared', given: [null, { type: 'string' }], want: [] },
    { name: 'a schema that is a list is not compared', given: [[], { type: 'string' }], want: [] },
  ])('$name', ({ given, want }) => {
    expect(diff('request', given[0], given[1])).toEqual(want);
  });

  // `{type: 'array'}` is `unknown[]`: gaining `items` narrows what may be sent and types what is
  // read, like a schema gained at the item location; losing them is the reverse.
  it.each([
    { direction: 'request' as const, added: true, removed: false },
    { direction: 'response' as const, added: false, removed: true },
  ])('an array that gains or loses its items, in a $direction: a schema added or removed at []', ({ direction, added, removed }) => {
    expect(diff(direction, { type: 'array' }, { type: 'array', items: { type: 'string' } })).toEqual([
      { kind: 'schema-added', breaking: added, location: 'body/[]', message: 'now has a schema (string) (was any JSON)' },
    ]);
    expect(diff(direction, { type: 'array', items: ref('Name') }, { type: 'array' })).toEqual([
      { kind: 'schema-removed', breaking: removed, location: 'body/[]', message: 'no longer has a schema (now any JSON)' },
    ]);
  });

  it('a $ref the context does not resolve is a schema', () => {
    const unresolved = { resolveOld: (value: unknown) => value, resolveNew: (value: unknown) => value, direction: 'response' as const };
    expect(diffSchemas(unresolved, undefined, ref('Name'), 'body')).toEqual([
      { kind: 'schema-added', breaking: false, location: 'body', message: 'now has a schema (was any JSON)' },
    ]);
  });
});
