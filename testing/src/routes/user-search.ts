/**
 * Logto's user search as `GET /api/users` reads it (core/src/utils/search.ts):
 * - `search=<value>` searches every searchable field (`id`, `primaryEmail`, `primaryPhone`,
 *   `username`, `name`); `search.<field>=<value>` one field; conditions are combined with
 *   `joint` (or `jointMode`) `or` (default) / `and`;
 * - `mode` (all fields) or `mode.<field>`: `like` (default — SQL ILIKE with the value as
 *   given, so `%` and `_` are wildcards the caller writes: `search=%foo%` is "contains foo",
 *   `search=foo` only matches "foo"), `exact` (several values allowed, any may match),
 *   `similar_to` (SQL SIMILAR TO, case-sensitive only) or `posix` (a POSIX regex);
 * - `isCaseSensitive=true`: LIKE and POSIX become case-sensitive (default: insensitive).
 * What Logto rejects (unknown field or mode, nested field, empty value, several values for a
 * non-exact mode) is a 400 `request.invalid_input` with the same message.
 */
import type { LogtoErrorBody } from '../http/responses.js';
import type { User } from '../state/management-data.js';

export const USER_SEARCH_FIELDS = ['id', 'primaryEmail', 'primaryPhone', 'username', 'name'] as const;
type Field = (typeof USER_SEARCH_FIELDS)[number];
const MATCH_MODES = ['exact', 'like', 'similar_to', 'posix'] as const;
type Mode = (typeof MATCH_MODES)[number];
const JOINT_MODES = ['or', 'and'];

export interface UserSearch {
  matches(user: User): boolean;
}

class SearchInputError extends Error {}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** SQL LIKE → RegExp: `%` any run, `_` one character, `\` escapes the next one. */
function likeToRegExp(pattern: string, flags: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (char === '%') source += '.*';
    else if (char === '_') source += '.';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, `s${flags}`);
}

/** SQL SIMILAR TO → RegExp: LIKE's wildcards plus regex alternation, groups and quantifiers. */
function similarToRegExp(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern.replace(/[.^$]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')})$`, 's');
}

function matcher(mode: Mode, values: string[], caseSensitive: boolean): (text: string) => boolean {
  switch (mode) {
    case 'exact': {
      // Logto compares lower(field) = lower(value) unless case-sensitive.
      const wanted = new Set(caseSensitive ? values : values.map((value) => value.toLowerCase()));
      return (text) => wanted.has(caseSensitive ? text : text.toLowerCase());
    }
    case 'like': {
      const regexp = likeToRegExp(values[0], caseSensitive ? '' : 'i');
      return (text) => regexp.test(text);
    }
    case 'similar_to': {
      if (!caseSensitive) throw new SearchInputError('Cannot use case-insensitive match for `similar to`.');
      const regexp = similarToRegExp(values[0]);
      return (text) => regexp.test(text);
    }
    case 'posix': {
      const regexp = new RegExp(values[0], caseSensitive ? '' : 'i');
      return (text) => regexp.test(text);
    }
  }
}

function searchField(key: string): string | undefined {
  const path = key.split('.');
  if (path.length > 2) {
    throw new SearchInputError(`Unsupported nested search field path \`${path.slice(1).join('.')}\` detected. Only the first level field is supported.`);
  }
  if (path[1] && !(USER_SEARCH_FIELDS as readonly string[]).includes(path[1])) {
    throw new SearchInputError(`Search field \`${path[1]}\` is not allowed. Expect one of ${USER_SEARCH_FIELDS.join(', ')}.`);
  }
  return path[1];
}

function parse(query: URLSearchParams): UserSearch | undefined {
  const joint = query.get('joint') ?? query.get('jointMode') ?? 'or';
  if (!JOINT_MODES.includes(joint)) throw new SearchInputError(`Search joint mode \`${joint}\` is not valid, expect one of ${JOINT_MODES.join(', ')}.`);
  const caseSensitive = query.get('isCaseSensitive') === 'true';
  const modes = new Map<string | undefined, Mode>();
  const values = new Map<string | undefined, string[]>();
  for (const [key, value] of query) {
    if (key.startsWith('mode')) {
      const field = searchField(key);
      if (!(MATCH_MODES as readonly string[]).includes(value)) {
        throw new SearchInputError(`Search match mode \`${value}\`${field ? ` for field \`${field}\`` : ''} is not valid, expect one of ${MATCH_MODES.join(', ')}.`);
      }
      modes.set(field, value as Mode);
    } else if (key.startsWith('search')) {
      const field = searchField(key);
      values.set(field, [...(values.get(field) ?? []), value]);
    }
  }
  if (values.size === 0) return undefined;
  const conditions = [...values].map(([field, fieldValues]) => {
    const mode = modes.get(field) ?? modes.get(undefined) ?? 'like';
    if (mode !== 'exact' && fieldValues.length !== 1) throw new SearchInputError('Only one search value is allowed when search mode is not `exact`.');
    if (!fieldValues.every(Boolean)) throw new SearchInputError('Search value cannot be empty.');
    const test = matcher(mode, fieldValues, caseSensitive);
    const fields: readonly Field[] = field ? [field as Field] : USER_SEARCH_FIELDS;
    return (user: User) => fields.some((name) => typeof user[name] === 'string' && test(user[name] as string));
  });
  return { matches: (user) => (joint === 'and' ? conditions.every((test) => test(user)) : conditions.some((test) => test(user))) };
}

/** The search the query asks for (undefined: none), or Logto's 400 body. */
export function parseUserSearch(query: URLSearchParams): { search?: UserSearch; error?: LogtoErrorBody } {
  try {
    return { search: parse(query) };
  } catch (error) {
    if (!(error instanceof SearchInputError) && !(error instanceof SyntaxError)) throw error;
    return { error: { code: 'request.invalid_input', message: `Input is invalid. ${error.message}`, details: error.message } };
  }
}
