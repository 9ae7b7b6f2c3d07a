/**
 * Names of namespaces and methods. A namespace comes from the tag (`Organization roles` →
 * `organizationRoles`), a method from the operationId minus the tag's noun (`ListUsers` →
 * `users.list`, `GetUserCustomData` → `users.getCustomData`). The committed name map
 * (generated/name-map.json) wins over derivation, so a new operation never renames an old one;
 * a collision is resolved inside its namespace by falling back to the full operationId.
 */
import { GeneratorError } from './generator-error.js';

export const NAME_MAP_FILE = 'name-map.json';

export interface OperationName {
  namespace: string;
  method: string;
}

/**
 * operationId → name. Always built with a null prototype and read with `Object.hasOwn`:
 * operationIds such as `__proto__`, `constructor` or `toString` are ordinary keys here.
 */
export type NameMap = Record<string, OperationName>;

export function emptyNameMap(): NameMap {
  return Object.create(null) as NameMap;
}

/**
 * Names a namespace or method can never have: a `then` member makes the bound client (or a
 * namespace, or the module `import()` resolves to) a thenable that `await` would call, and
 * `__proto__` in an object literal sets the prototype instead of a property.
 */
const UNSAFE_MEMBER_NAMES = new Set(['then', '__proto__']);

export function isUnsafeMemberName(name: string): boolean {
  return UNSAFE_MEMBER_NAMES.has(name);
}

const RESERVED_WORDS = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await arguments eval').split(' '),
);

/** Names that generated/index.ts or the bound client already use. */
const RESERVED_NAMESPACES = new Set(['raw', 'paths', 'components', 'operations', 'webhooks', 'createLogtoManagementClient', ...UNSAFE_MEMBER_NAMES]);

export function isReservedWord(name: string): boolean {
  return RESERVED_WORDS.has(name);
}

/** The name a wrapper's `const` gets: the method name, or `delete_` where that is a keyword. */
export function localIdentifier(method: string): string {
  return isReservedWord(method) ? `${method}_` : method;
}

function tagWords(tag: string): string[] {
  return tag.split(/[^A-Za-z0-9]+/).filter(Boolean);
}

/** `Users` → `users`, `Organization roles` → `organizationRoles`, `SSO connectors` → `ssoConnectors`. */
export function namespaceForTag(tag: string): string {
  const words = tagWords(tag).map((word) => word.toLowerCase());
  let name = words.map((word, index) => (index === 0 ? word : word[0].toUpperCase() + word.slice(1))).join('') || 'other';
  if (/^[0-9]/.test(name)) name = `_${name}`;
  return RESERVED_WORDS.has(name) || RESERVED_NAMESPACES.has(name) ? `${name}Api` : name;
}

/** `organizationRoles` → `organization-roles` (the module's file name). */
export function moduleFileForNamespace(namespace: string): string {
  return namespace.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`).replace(/^_/, '');
}

/** `GetUserCustomData` → [Get, User, Custom, Data]; acronyms stay one word (`SAMLRequest` → [SAML, Request]). */
export function operationIdWords(operationId: string): string[] {
  return operationId.match(/[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+/g) ?? [operationId];
}

function singular(word: string): string {
  const lower = word.toLowerCase();
  if (lower.endsWith('ies') && lower.length > 4) return `${lower.slice(0, -3)}y`;
  if (lower.endsWith('s') && !lower.endsWith('ss') && lower.length > 3) return lower.slice(0, -1);
  return lower;
}

function sameWord(operationWord: string, tagWord: string, isLastTagWord: boolean): boolean {
  if (singular(operationWord) === singular(tagWord)) return true;
  // `GetSignInExp` under tag `Sign-in experience`: an abbreviation of the last word.
  return isLastTagWord && operationWord.length >= 3 && tagWord.toLowerCase().startsWith(operationWord.toLowerCase());
}

/** Removes the tag's noun right after the verb: the longest tail of the tag's words that matches. */
export function deriveMethodName(operationId: string, tag: string | undefined): string {
  const [verb, ...rest] = operationIdWords(operationId);
  const words = tag ? tagWords(tag) : [];
  for (let start = 0; start < words.length; start++) {
    const noun = words.slice(start);
    if (noun.length > rest.length) continue;
    if (noun.every((word, index) => sameWord(rest[index], word, index === noun.length - 1))) {
      return camelCase([verb, ...rest.slice(noun.length)]);
    }
  }
  return camelCase([verb, ...rest]);
}

export function camelCase(words: string[]): string {
  const [first, ...rest] = words;
  const head = /^[A-Z0-9]+$/.test(first) ? first.toLowerCase() : first[0].toLowerCase() + first.slice(1);
  const name = head + rest.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  if (/^[0-9]/.test(name)) return `_${name}`;
  // An operationId `Then` would become a `then` method: see UNSAFE_MEMBER_NAMES.
  return isUnsafeMemberName(name) ? `${name}_` : name;
}

export interface NamedOperation {
  operationId: string;
  tag: string | undefined;
}

/**
 * Names every operation, in the given (deterministic) order. Names in `previous` are kept for
 * operations that still exist; new operations get derived names that avoid every kept one.
 */
export function assignNames(operations: readonly NamedOperation[], previous: NameMap, nameMapFile: string): NameMap {
  const result = emptyNameMap();
  const taken = new Map<string, string>(); // `namespace.method` → operationId
  const claim = (operationId: string, name: OperationName) => {
    taken.set(`${name.namespace}.${name.method}`, operationId);
    result[operationId] = name;
  };
  for (const { operationId } of operations) {
    if (!Object.hasOwn(previous, operationId)) continue;
    const kept = previous[operationId];
    const pointer = `/${operationId.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (
      kept === null ||
      typeof kept !== 'object' ||
      typeof kept.namespace !== 'string' ||
      typeof kept.method !== 'string' ||
      !/^[A-Za-z_$][\w$]*$/.test(kept.namespace) ||
      !/^[A-Za-z_$][\w$]*$/.test(kept.method)
    ) {
      throw new GeneratorError('entry is not {"namespace": identifier, "method": identifier}', { file: nameMapFile, pointer });
    }
    for (const [what, name] of [['namespace', kept.namespace], ['method', kept.method]] as const) {
      if (isUnsafeMemberName(name) || (what === 'namespace' && RESERVED_NAMESPACES.has(name))) {
        throw new GeneratorError(
          `${what} ${JSON.stringify(name)} cannot be used: ${isUnsafeMemberName(name) ? (name === 'then' ? 'a `then` member makes the client a thenable that `await` calls' : '`__proto__` would set a prototype, not a property') : 'the client already has a member of that name'}; pick another name`,
          { file: nameMapFile, pointer: `${pointer}/${what}` },
        );
      }
    }
    const other = taken.get(`${kept.namespace}.${kept.method}`);
    if (other !== undefined) {
      throw new GeneratorError(`${kept.namespace}.${kept.method} is also given to ${other}`, { file: nameMapFile, pointer });
    }
    claim(operationId, { namespace: kept.namespace, method: kept.method });
  }
  for (const { operationId, tag } of operations) {
    if (Object.hasOwn(result, operationId)) continue;
    const namespace = namespaceForTag(tag ?? 'Other');
    const candidates = [deriveMethodName(operationId, tag), camelCase(operationIdWords(operationId))];
    let method = candidates.find((candidate) => !taken.has(`${namespace}.${candidate}`));
    for (let suffix = 2; method === undefined; suffix++) {
      const candidate = `${candidates[1]}${suffix}`;
      if (!taken.has(`${namespace}.${candidate}`)) method = candidate;
    }
    claim(operationId, { namespace, method });
  }
  return result;
}

export function parseNameMap(text: string | undefined, file: string): NameMap {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GeneratorError(`is not valid JSON (${(error as Error).message}); fix or delete it`, { file, pointer: '' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GeneratorError('is not an object of operationId → {namespace, method}', { file, pointer: '' });
  }
  // JSON.parse makes `"__proto__"` an own key; copying it with `map[key] =` would not.
  const map = emptyNameMap();
  for (const [operationId, name] of Object.entries(value as Record<string, unknown>)) {
    if (operationId === '//') continue;
    map[operationId] = name as OperationName;
  }
  return map;
}
