/**
 * Deterministic numbers and strings that fit a schema's constraints (bounds, length, pattern,
 * Logto's informal formats): shared by the fake's response sampler and this repository's
 * contract test, which builds minimal request arguments the same way.
 */
import { informalFormats, logtoRegExp } from '../validation/logto-schema-rules.js';
import type { Schema } from './spec-document.js';

/** Strings tried for a constrained string, in order: each of Logto's patterns accepts one. */
const STRING_CANDIDATES = ['string', 'x', 'a', 'user@example.com', '1', '#abc', '2024-01-01', 'https://example.com', 'a_b', 'x'.repeat(8)];

/** The least value the bounds allow (exclusive bounds in both OpenAPI 3.0 and 3.1 form), capped by `maximum`. */
export function sampleNumber(schema: Schema, type: 'integer' | 'number'): number {
  let value = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : 0;
  if (schema.exclusiveMinimum === true || typeof schema.exclusiveMinimum === 'number') value += 1;
  if (typeof schema.maximum === 'number' && value > schema.maximum) value = schema.maximum;
  return type === 'integer' ? Math.ceil(value) : value;
}

/** A string for the schema's format, or the first candidate (padded to `minLength`) that fits; undefined when none does. */
export function sampleString(schema: Schema): string | undefined {
  if (schema.format === 'url') return 'https://example.com';
  if (schema.format === 'empty') return '';
  if (schema.format === 'date-time') return '2026-01-01T00:00:00.000Z';
  if (schema.format === 'email') return 'user@example.com';
  for (const base of STRING_CANDIDATES) {
    const candidate = schema.minLength && base.length < schema.minLength ? base.padEnd(schema.minLength, base.at(-1)) : base;
    if (stringFits(schema, candidate)) return candidate;
  }
  return undefined;
}

export function stringFits(schema: Schema, value: string): boolean {
  if (schema.minLength !== undefined && value.length < schema.minLength) return false;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
  if (typeof schema.pattern === 'string' && !logtoRegExp(schema.pattern, 'u').test(value)) return false;
  if (typeof schema.format === 'string' && informalFormats[schema.format] && !informalFormats[schema.format](value)) return false;
  return true;
}
