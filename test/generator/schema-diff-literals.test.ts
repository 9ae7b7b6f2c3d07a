/**
 * diffSchemas on enums and Logto's literals (`type: string` + `format: '"email"'`): a single
 * literal that changed is one "literal changed", but a set of values is compared value by value;
 * and only the literal shapes Logto writes count as literals — a `format` that is a word, JSON
 * that is no literal (exponent notation), no JSON at all, or no string is just a format.
 * Each case gives the old and new schema and exactly the changes expected.
 */
import { describe, expect, it } from 'vitest';
import { diffSchemas, makeResolver, type Direction } from '../../generator/changes/diff-schemas.js';

const resolve = makeResolver({});
const diff = (direction: Direction, oldSchema: unknown, newSchema: unknown) => diffSchemas({ resolveOld: resolve, resolveNew: resolve, direction }, oldSchema, newSchema, 'body');
const literal = (value: string) => ({ type: 'string', format: JSON.stringify(value) });

describe('diffSchemas: enums and literals', () => {
  it.each([
    {
      name: 'one value that became two others is a removal and two additions, not a changed literal',
      given: [{ enum: ['a'] }, { enum: ['b', 'c'] }],
      want: [
        { kind: 'enum-value-removed', breaking: true, location: 'body', message: 'enum value "a" removed' },
        { kind: 'enum-value-added', breaking: false, location: 'body', message: 'enum value "b" added' },
        { kind: 'enum-value-added', breaking: false, location: 'body', message: 'enum value "c" added' },
      ],
    },
    {
      name: 'two values that became one other are two removals and an addition, not a changed literal',
      given: [{ enum: ['a', 'b'] }, { enum: ['c'] }],
      want: [
        { kind: 'enum-value-removed', breaking: true, location: 'body', message: 'enum value "a" removed' },
        { kind: 'enum-value-removed', breaking: true, location: 'body', message: 'enum value "b" removed' },
        { kind: 'enum-value-added', breaking: false, location: 'body', message: 'enum value "c" added' },
      ],
    },
    {
      name: 'a oneOf of one literal is that one value: changing it is a changed literal',
      given: [{ oneOf: [literal('a')] }, { oneOf: [literal('b')] }],
      want: [{ kind: 'type-changed', breaking: true, location: 'body', message: 'literal changed from "a" to "b"' }],
    },
    {
      // Logto's spelling of an enum: its variants are its values, already compared as such.
      name: 'an enum written as a oneOf of literals that became its plain type: only no longer restricted',
      given: [{ type: 'string', oneOf: [literal('a'), literal('b')] }, { type: 'string' }],
      want: [{ kind: 'type-changed', breaking: false, location: 'body', message: 'no longer restricted to "a", "b" (now any string)' }],
    },
    {
      name: 'the same written with enum: only no longer restricted',
      given: [{ type: 'string', enum: ['a', 'b'] }, { type: 'string' }],
      want: [{ kind: 'type-changed', breaking: false, location: 'body', message: 'no longer restricted to "a", "b" (now any string)' }],
    },
    {
      name: 'a plain type that became an enum written as a oneOf of literals: only now restricted',
      given: [{ type: 'string' }, { type: 'string', oneOf: [literal('a'), literal('b')] }],
      want: [{ kind: 'type-changed', breaking: true, location: 'body', message: 'now restricted to "a", "b" (was any string)' }],
    },
    {
      name: 'a oneOf of one literal that became its plain type: reported once',
      given: [{ type: 'string', oneOf: [literal('a')] }, { type: 'string' }],
      want: [{ kind: 'type-changed', breaking: false, location: 'body', message: 'no longer restricted to "a" (now any string)' }],
    },
    {
      name: 'an ordinary format (email) is no literal: dropping it restricts nothing',
      given: [{ type: 'string', format: 'email' }, { type: 'string' }],
      want: [],
    },
    {
      name: 'a number in exponent notation is no Logto literal',
      given: [{ type: 'number', format: '1e3' }, { type: 'number', format: '1e4' }],
      want: [],
    },
    {
      name: 'a format that is not a string is no literal',
      given: [{ type: 'number', format: 5 }, { type: 'number', format: 6 }],
      want: [],
    },
    {
      // Shaped like a string literal (a quote at each end) but no JSON value: JSON.parse throws.
      name: 'a quoted format that is not valid JSON is no literal',
      given: [{ type: 'string', format: '"a"b"' }, { type: 'string' }],
      want: [],
    },
    {
      name: 'a number format with a leading zero is no literal',
      given: [{ type: 'number', format: '007' }, { type: 'number' }],
      want: [],
    },
  ])('$name', ({ given, want }) => {
    expect(diff('request', given[0], given[1])).toEqual(want);
  });
});
