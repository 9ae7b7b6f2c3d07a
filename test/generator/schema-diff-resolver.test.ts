/**
 * makeResolver on the inputs beyond a plain `$ref` to an existing schema: a ref whose path runs
 * through a value that is no object (null, a string) is reported as unresolvable, by name, not
 * as a TypeError; and a value that is not an object is returned as it is, whatever it carries.
 */
import { describe, expect, it } from 'vitest';
import { makeResolver } from '../../generator/changes/diff-schemas.js';

const resolve = makeResolver({ components: { schemas: { Name: { type: 'string' }, Nothing: null } } });

describe('makeResolver', () => {
  it.each([
    // `Nothing` is null: there is no `type` to step into.
    { ref: '#/components/schemas/Nothing/type', through: 'null' },
    // `Name/type` is the string "string": a string has no key `x` either.
    { ref: '#/components/schemas/Name/type/x', through: 'a string' },
  ])('names a $ref whose path runs through $through as unresolvable', ({ ref }) => {
    expect(() => resolve({ $ref: ref })).toThrow(new Error(`unresolvable $ref "${ref}"`));
  });

  it.each(['constructor', 'toString', '__proto__'])('finds only what the document holds: a $ref to a schema named %s that it lacks is unresolvable', (name) => {
    // Every object inherits these names: looked up with `in`, they resolved to built-ins.
    const ref = `#/components/schemas/${name}`;
    expect(() => resolve({ $ref: ref })).toThrow(new Error(`unresolvable $ref "${ref}"`));
    const named = makeResolver(JSON.parse(`{"components":{"schemas":{"${name}":{"type":"integer"}}}}`));
    expect(named({ $ref: ref })).toEqual({ type: 'integer' });
  });

  it('returns a value that is not an object as it is, even a function carrying a $ref', () => {
    // Refs are followed on objects only; JSON has no functions, so one here is left alone.
    const carrier = Object.assign(() => undefined, { $ref: '#/components/schemas/Name' });
    expect(resolve(carrier)).toBe(carrier);
    expect(resolve('#/components/schemas/Name')).toBe('#/components/schemas/Name');
    expect(resolve(null)).toBe(null);
  });
});
