/**
 * Request body validation with the errors Logto's koaGuard reports: zod issues wrapped in a
 * 400 `guard.invalid_input` whose `details` names each issue's key path.
 */
import type { FakeResponse } from '../http/exchange.js';
import { invalidInput, sendJson, type ZodIssue } from '../http/responses.js';

export type FieldRule = { type: 'string' | 'object' | 'boolean' | 'array'; pattern?: RegExp; minLength?: number; nullable?: boolean; required?: boolean };

function validate(body: unknown, rules: Record<string, FieldRule>): ZodIssue[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const received = body === undefined ? 'undefined' : body === null ? 'null' : Array.isArray(body) ? 'array' : typeof body;
    return [{ code: 'invalid_type', expected: 'object', received, path: [], message: body === undefined ? 'Required' : `Expected object, received ${received}` }];
  }
  const issues: ZodIssue[] = [];
  const record = body as Record<string, unknown>;
  for (const [key, rule] of Object.entries(rules)) {
    const value = record[key];
    if (value === undefined) {
      if (rule.required) issues.push({ code: 'invalid_type', expected: rule.type, received: 'undefined', path: [key], message: 'Required' });
      continue;
    }
    if (value === null && rule.nullable) continue;
    const received = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    if (received !== rule.type) {
      issues.push({ code: 'invalid_type', expected: rule.type, received, path: [key], message: `Expected ${rule.type}, received ${received}` });
    } else if (rule.pattern && !rule.pattern.test(value as string)) {
      issues.push({ validation: 'regex', code: 'invalid_string', message: 'Invalid', path: [key] });
    } else if (rule.minLength !== undefined && (value as string).length < rule.minLength) {
      issues.push({ code: 'too_small', minimum: rule.minLength, type: 'string', inclusive: true, exact: false, message: `String must contain at least ${rule.minLength} character(s)`, path: [key] });
    }
  }
  return issues;
}

export const userRules: Record<string, FieldRule> = {
  primaryPhone: { type: 'string', pattern: /^\d+$/, nullable: true },
  primaryEmail: { type: 'string', pattern: /^\S+@\S+\.\S+$/, nullable: true },
  username: { type: 'string', pattern: /^[A-Z_a-z]\w*$/, nullable: true },
  password: { type: 'string', minLength: 1 },
  name: { type: 'string', nullable: true },
  avatar: { type: 'string', nullable: true },
  customData: { type: 'object' },
  profile: { type: 'object' },
};
export const roleRules: Record<string, FieldRule> = {
  name: { type: 'string', minLength: 1, required: true },
  description: { type: 'string', minLength: 1, required: true },
  type: { type: 'string', pattern: /^(User|MachineToMachine)$/ },
  isDefault: { type: 'boolean' },
};
export const organizationRules: Record<string, FieldRule> = {
  name: { type: 'string', minLength: 1, required: true },
  description: { type: 'string', nullable: true },
  customData: { type: 'object' },
  isMfaRequired: { type: 'boolean' },
};
export const roleIdsRules: Record<string, FieldRule> = { roleIds: { type: 'array', required: true } };

export function optional(rules: Record<string, FieldRule>): Record<string, FieldRule> {
  return Object.fromEntries(Object.entries(rules).map(([key, rule]) => [key, { ...rule, required: false }]));
}

/** Sends 400 guard.invalid_input and returns false when the body breaks the rules. */
export function guardBody(ctx: { body: unknown; res: FakeResponse }, rules: Record<string, FieldRule>): boolean {
  const issues = validate(ctx.body, rules);
  if (issues.length === 0) return true;
  sendJson(ctx.res, 400, invalidInput('body', issues));
  return false;
}
