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
  /** Operations without an operationId, with the name we give them (method + path). */
  missingOperationIds: Array<{ path: string; method: LowerHttpMethod; operationId: string }>;
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
  const missingOperationIds: ValidationResult['missingOperationIds'] = [];
  const seen = new Map<string, string>();
  const pending: Array<{ pointer: string; path: string; method: LowerHttpMethod }> = [];
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
      const pointer = jsonPointer('paths', path, method);
      if (operationId === undefined) {
        pending.push({ pointer, path, method });
        continue;
      }
      if (typeof operationId !== 'string' || !/^[A-Za-z_$][\w$.-]*$/.test(operationId)) {
        fail(`operationId ${JSON.stringify(operationId)} is not a usable name`, 'paths', path, method, 'operationId');
      }
      const previous = seen.get(operationId as string);
      if (previous !== undefined) {
        fail(`duplicate operationId ${JSON.stringify(operationId)}: also used by #${previous}`, 'paths', path, method, 'operationId');
      }
      seen.set(operationId as string, pointer);
    }
  }
  if (operationCount === 0) fail('"paths" has no operations: nothing to generate', 'paths');
  for (const { pointer, path, method } of pending) {
    const operationId = operationIdFromRoute(method, path);
    const previous = seen.get(operationId);
    if (previous !== undefined) {
      fail(`operation has no operationId, and the name derived from its route, ${operationId}, is taken by #${previous}`, ...pointerSegments(pointer));
    }
    seen.set(operationId, pointer);
    missingOperationIds.push({ path, method, operationId });
    warnings.push(`#${pointer} has no operationId: named it ${operationId}`);
  }
  checkReferences(document, file);
  return { document: document as OpenApiDocument, missingOperationIds, warnings };
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
  const visit = (node: unknown, path: Array<string | number>): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, index]));
      return;
    }
    const ref = (node as Record<string, unknown>).$ref;
    if (typeof ref === 'string') {
      if (!ref.startsWith('#/')) {
        throw new GeneratorError(`external $ref ${JSON.stringify(ref)} is not supported: bundle the spec first`, { file, pointer: jsonPointer(...path, '$ref') });
      }
      if (!resolves(ref)) {
        throw new GeneratorError(`$ref ${JSON.stringify(ref)} points to nothing`, { file, pointer: jsonPointer(...path, '$ref') });
      }
    }
    for (const [key, value] of Object.entries(node)) visit(value, [...path, key]);
  };
  visit(document, []);
}
