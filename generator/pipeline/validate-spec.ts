/**
 * Step 2: refuse what we cannot generate from, before generating anything. Every problem names
 * the file and the JSON pointer, so a broken spec is fixed in one look.
 */
import { GeneratorError, jsonPointer } from './generator-error.js';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type LowerHttpMethod = (typeof HTTP_METHODS)[number];

export interface OpenApiDocument {
  openapi: string;
  info?: { version?: string; title?: string };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  tags?: Array<{ name: string; description?: string }>;
  security?: Array<Record<string, string[]>>;
  [key: string]: unknown;
}

export interface ValidationResult {
  document: OpenApiDocument;
  /**
   * Operations whose operationId is missing (named from method + path) or not an identifier
   * (`list-users` → `ListUsers`), with the operationId we generate them under.
   */
  assignedOperationIds: Array<{ path: string; method: LowerHttpMethod; operationId: string }>;
  warnings: string[];
}

export function validateSpec(value: unknown, file: string): ValidationResult {
  const fail = (problem: string, ...pointer: Array<string | number>) => {
    throw new GeneratorError(problem, { file, pointer: jsonPointer(...pointer) });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('is not an OpenAPI document (expected an object)');
  const document = value as Record<string, unknown>;
  if ('swagger' in document) {
    fail(`is Swagger ${JSON.stringify(document.swagger)}, not OpenAPI 3.x: convert it to OpenAPI 3 first`, 'swagger');
  }
  if (typeof document.openapi !== 'string' || !/^3\.\d+(\.\d+)?$/.test(document.openapi)) {
    fail(
      document.openapi === undefined
        ? 'has no "openapi" version: not an OpenAPI 3.x document'
        : `"openapi" is ${JSON.stringify(document.openapi)}, expected a 3.x version`,
      'openapi',
    );
  }
  const paths = document.paths;
  if (paths === undefined) fail('has no "paths": nothing to generate', 'paths');
  if (paths === null || typeof paths !== 'object' || Array.isArray(paths)) fail('"paths" is not an object', 'paths');
  if (Object.keys(paths as object).length === 0) fail('"paths" is empty: nothing to generate', 'paths');

  const warnings: string[] = [];
  const assignedOperationIds: ValidationResult['assignedOperationIds'] = [];
  const seen = new Map<string, string>(); // operationId we generate under → pointer
  const givenIds = new Map<string, string>(); // operationId as the spec writes it → pointer
  // Named after every usable operationId is known, so a given name never takes a real one.
  const pending: Array<{ pointer: string; path: string; method: LowerHttpMethod; given?: string }> = [];
  let operationCount = 0;
  for (const [path, pathItem] of Object.entries(paths as Record<string, unknown>)) {
    if (!path.startsWith('/')) fail(`path ${JSON.stringify(path)} does not start with "/"`, 'paths', path);
    if (pathItem === null || typeof pathItem !== 'object') fail('path item is not an object', 'paths', path);
    for (const method of HTTP_METHODS) {
      const operation = (pathItem as Record<string, unknown>)[method];
      if (operation === undefined) continue;
      operationCount++;
      if (operation === null || typeof operation !== 'object') fail('operation is not an object', 'paths', path, method);
      const { operationId, tags, responses } = operation as Record<string, unknown>;
      if (responses === undefined || responses === null || typeof responses !== 'object') {
        fail('operation has no "responses" object', 'paths', path, method);
      }
      if (tags !== undefined && (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string'))) {
        fail('"tags" is not an array of strings', 'paths', path, method, 'tags');
      }
      checkPathParameters(document, path, method, fail);
      const pointer = jsonPointer('paths', path, method);
      if (operationId === undefined) {
        pending.push({ pointer, path, method });
        continue;
      }
      if (typeof operationId !== 'string' || operationId.trim() === '') {
        fail(`operationId ${JSON.stringify(operationId)} is not a name (expected a non-empty string)`, 'paths', path, method, 'operationId');
      }
      const given = operationId as string;
      const duplicate = givenIds.get(given);
      if (duplicate !== undefined) {
        fail(`duplicate operationId ${JSON.stringify(given)}: also used by #${duplicate}`, 'paths', path, method, 'operationId');
      }
      givenIds.set(given, pointer);
      if (isIdentifier(given)) seen.set(given, pointer);
      else pending.push({ pointer, path, method, given });
    }
  }
  if (operationCount === 0) fail('"paths" has no operations: nothing to generate', 'paths');
  for (const { pointer, path, method, given } of pending) {
    // `list-users`, `users.list`, `Get user by id` → ListUsers, UsersList, GetUserById; when
    // that is not an identifier or is taken, the route's name (as for a missing operationId).
    const fromGiven = given === undefined ? undefined : operationIdFromText(given);
    const candidates = [fromGiven, operationIdFromRoute(method, path)].filter(
      (candidate): candidate is string => candidate !== undefined && isIdentifier(candidate),
    );
    const operationId = candidates.find((candidate) => !seen.has(candidate));
    if (operationId === undefined) {
      const taken = candidates[candidates.length - 1]!;
      fail(
        `operation has ${given === undefined ? 'no operationId' : `operationId ${JSON.stringify(given)}, which is not an identifier`}, ` +
          `and the name derived from ${given === undefined ? 'its route' : 'it and from its route'}, ${taken}, is taken by #${seen.get(taken)}`,
        ...pointerSegments(pointer),
      );
    }
    seen.set(operationId!, pointer);
    assignedOperationIds.push({ path, method, operationId: operationId! });
    warnings.push(
      given === undefined
        ? `#${pointer} has no operationId: named it ${operationId}`
        : `#${pointer}/operationId ${JSON.stringify(given)} is not an identifier: generated it as ${operationId}`,
    );
  }
  checkReferences(document, file);
  return { document: document as OpenApiDocument, assignedOperationIds, warnings };
}

function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name);
}

/** `list-users` → `ListUsers`, `Get user by id` → `GetUserById`; the words keep their inner case. */
export function operationIdFromText(text: string): string {
  return pascalCase(text);
}

/** `get /api/users/{userId}/roles` → `GetUsersByUserIdRoles`: deterministic, readable. */
export function operationIdFromRoute(method: string, path: string): string {
  const segments = path.split('/').filter(Boolean);
  if (segments[0] === 'api') segments.shift();
  const words = segments.map((segment) => {
    const parameter = /^\{(.+)\}$/.exec(segment);
    return parameter ? `By${pascalCase(parameter[1])}` : pascalCase(segment);
  });
  return pascalCase(method) + (words.join('') || 'Root');
}

/**
 * The path template and the declared path parameters must name the same set: the wrapper's
 * `path` object is typed from the declarations and substituted into the template, so a
 * parameter on one side only is a URL the client cannot build (or a key it would never send).
 * Not guessed at: the spec is wrong, and the pointer says where.
 */
function checkPathParameters(
  document: Record<string, unknown>,
  path: string,
  method: LowerHttpMethod,
  fail: (problem: string, ...pointer: Array<string | number>) => never,
): void {
  const pathItem = (document.paths as Record<string, Record<string, unknown>>)[path];
  const operation = pathItem[method] as Record<string, unknown>;
  const inTemplate = new Set([...path.matchAll(/\{([^{}]+)\}/g)].map((match) => match[1]!));
  // Operation-level parameters override path-level ones of the same name and location.
  const declared = new Map<string, Array<string | number>>();
  for (const [owner, pointer] of [
    [pathItem, ['paths', path, 'parameters']],
    [operation, ['paths', path, method, 'parameters']],
  ] as const) {
    const parameters = owner.parameters;
    if (parameters === undefined) continue;
    if (!Array.isArray(parameters)) fail('"parameters" is not an array', ...pointer);
    (parameters as unknown[]).forEach((raw, index) => {
      const parameter = resolveLocal(document, raw);
      if (parameter === null || typeof parameter !== 'object') return; // a broken $ref: checkReferences names it
      const { in: location, name } = parameter as Record<string, unknown>;
      if (location === 'path' && typeof name === 'string') declared.set(name, [...pointer, index]);
    });
  }
  for (const name of inTemplate) {
    if (!declared.has(name)) {
      fail(`path template parameter {${name}} is not declared: add a parameter with "in": "path", "name": "${name}", "required": true`, 'paths', path, method, 'parameters');
    }
  }
  for (const [name, pointer] of declared) {
    if (!inTemplate.has(name)) fail(`path parameter "${name}" does not appear in the path template ${path}`, ...pointer);
  }
}

function resolveLocal(document: Record<string, unknown>, value: unknown): unknown {
  for (let depth = 0; depth < 20 && value !== null && typeof value === 'object' && typeof (value as { $ref?: unknown }).$ref === 'string'; depth++) {
    const ref = (value as { $ref: string }).$ref;
    if (!ref.startsWith('#/')) return undefined;
    value = pointerSegments(ref.slice(1)).reduce<unknown>(
      (node, segment) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined),
      document,
    );
  }
  return value;
}

function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

function pointerSegments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Every `$ref` must point inside the document: openapi-typescript would fail far less clearly. */
function checkReferences(document: Record<string, unknown>, file: string): void {
  const resolves = (ref: string): boolean => {
    let node: unknown = document;
    for (const segment of pointerSegments(ref.slice(1))) {
      if (node === null || typeof node !== 'object' || !(segment in (node as object))) return false;
      node = (node as Record<string, unknown>)[segment];
    }
    return true;
  };
  // One walk over every node of the document (~100 000 in Logto's): the pointer is a stack, made
  // into a string only for an error, and each distinct $ref is resolved once.
  const resolved = new Map<string, boolean>();
  const path: Array<string | number> = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        path.push(index);
        visit(node[index]);
        path.pop();
      }
      return;
    }
    const record = node as Record<string, unknown>;
    const ref = record.$ref;
    if (typeof ref === 'string') {
      if (!ref.startsWith('#/')) {
        throw new GeneratorError(`external $ref ${JSON.stringify(ref)} is not supported: bundle the spec first`, { file, pointer: jsonPointer(...path, '$ref') });
      }
      let found = resolved.get(ref);
      if (found === undefined) resolved.set(ref, (found = resolves(ref)));
      if (!found) {
        throw new GeneratorError(`$ref ${JSON.stringify(ref)} points to nothing`, { file, pointer: jsonPointer(...path, '$ref') });
      }
    }
    for (const key of Object.keys(record)) {
      path.push(key);
      visit(record[key]);
      path.pop();
    }
  };
  visit(document);
}
