/**
 * Ajv's errors, worded as the zod issues Logto's koaGuard puts in a 400 `guard.invalid_input`
 * (`data.issues`), so a consumer that reads them sees the shapes a real Logto sends.
 */
import type { ErrorObject } from 'ajv';
import type { ZodIssue } from '../http/responses.js';

function received(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** `/a/0/b` → ['a', 0, 'b'] (JSON Pointer unescaped). */
function keyPath(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

function issueFor(error: ErrorObject, path: Array<string | number>): ZodIssue {
  const params = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'required': {
      const expected = (error.parentSchema as any)?.properties?.[params.missingProperty]?.type ?? 'string';
      return { code: 'invalid_type', expected, received: 'undefined', path: [...path, params.missingProperty], message: 'Required' };
    }
    case 'type': {
      const got = received(error.data);
      return { code: 'invalid_type', expected: String(params.type), received: got, path, message: `Expected ${params.type}, received ${got}` };
    }
    case 'pattern':
      return { validation: 'regex', code: 'invalid_string', message: 'Invalid', path };
    case 'format':
      return { validation: String(params.format), code: 'invalid_string', message: `Invalid ${params.format}`, path };
    case 'minLength':
      return { code: 'too_small', minimum: params.limit, type: 'string', inclusive: true, exact: false, message: `String must contain at least ${params.limit} character(s)`, path };
    case 'maxLength':
      return { code: 'too_big', maximum: params.limit, type: 'string', inclusive: true, exact: false, message: `String must contain at most ${params.limit} character(s)`, path };
    case 'minItems':
      return { code: 'too_small', minimum: params.limit, type: 'array', inclusive: true, exact: false, message: `Array must contain at least ${params.limit} element(s)`, path };
    case 'maxItems':
      return { code: 'too_big', maximum: params.limit, type: 'array', inclusive: true, exact: false, message: `Array must contain at most ${params.limit} element(s)`, path };
    case 'minimum':
    case 'exclusiveMinimum':
      return { code: 'too_small', minimum: params.limit, type: 'number', inclusive: error.keyword === 'minimum', exact: false, message: `Number must be greater than ${error.keyword === 'minimum' ? 'or equal to ' : ''}${params.limit}`, path };
    case 'maximum':
    case 'exclusiveMaximum':
      return { code: 'too_big', maximum: params.limit, type: 'number', inclusive: error.keyword === 'maximum', exact: false, message: `Number must be less than ${error.keyword === 'maximum' ? 'or equal to ' : ''}${params.limit}`, path };
    case 'enum': {
      const options = params.allowedValues as unknown[];
      return {
        code: 'invalid_enum_value',
        options,
        received: error.data,
        path,
        message: `Invalid enum value. Expected ${options.map((option) => `'${String(option)}'`).join(' | ')}, received '${String(error.data)}'`,
      };
    }
    case 'additionalProperties':
      return { code: 'unrecognized_keys', keys: [params.additionalProperty], path, message: `Unrecognized key(s) in object: '${params.additionalProperty}'` };
    case 'oneOf':
    case 'anyOf':
      return { code: 'invalid_union', path, message: 'Invalid input' };
    default:
      return { code: 'custom', path, message: error.message ?? 'Invalid input' };
  }
}

/**
 * Ajv's errors for one part of the request (the instance path below `/requestBody`, `/query`
 * or `/path` already cut off by the caller) as zod issues. Errors inside the branches of a
 * union are dropped: zod reports the union itself.
 */
export function zodIssues(errors: Array<{ error: ErrorObject; pointer: string }>): ZodIssue[] {
  const issues: ZodIssue[] = [];
  const seen = new Set<string>();
  for (const { error, pointer } of errors) {
    if (/\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath)) continue;
    const issue = issueFor(error, keyPath(pointer));
    const key = JSON.stringify([issue.code, issue.path]);
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
