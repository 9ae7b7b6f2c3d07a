/**
 * The pinned spec as a validator: which operation a request is (method + path template), is
 * the request valid (parameters and body, with Logto's schema quirks), and is a response
 * valid. Built once per process and shared by every fake in it; each operation's validators
 * are compiled with Ajv on first use, so a test that calls five operations pays for five.
 */
import { invalidInput, type LogtoErrorBody } from '../http/responses.js';
import { HTTP_METHODS, operationSecurity, specDocument, type Schema, type SpecDocument, type SpecOperation } from '../spec/spec-document.js';
import { formatsIn } from './logto-schema-rules.js';
import { ValidatorCompiler, type OperationValidators } from './operation-validators.js';
import { zodIssues } from './zod-issues.js';

export interface MatchedOperation {
  operation: SpecOperation;
  /** The spec's path template, e.g. `/api/users/{userId}`. */
  template: string;
  method: string;
  params: Record<string, string>;
  security: 'm2m' | 'none' | 'user';
}

export interface ValidatedRequest {
  /** Raw query string without `?`. */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Logto checks the query, then the body, then the path parameters (koaGuard). */
const SECTIONS: Array<{ prefix: string; where: 'query' | 'body' | 'params' }> = [
  { prefix: '/query', where: 'query' },
  { prefix: '/requestBody', where: 'body' },
  { prefix: '/path', where: 'params' },
];

interface SpecEntry {
  operationId: string;
  method: string;
  path: string;
  /** As requests are checked: required-with-default properties optional (withOptionalDefaults). */
  operation: SpecOperation & { pathParameters?: Schema[] };
  /** As the spec has it, for responses. */
  original: SpecOperation;
}

interface CompiledOperation {
  entry: SpecEntry;
  pattern: RegExp;
  names: string[];
}

export class SpecValidator {
  readonly document: SpecDocument;
  readonly #compiler: ValidatorCompiler;
  readonly #byMethod = new Map<string, CompiledOperation[]>();
  readonly #byId = new Map<string, SpecEntry>();
  readonly #validators = new Map<string, OperationValidators>();

  private constructor(document: SpecDocument) {
    this.document = document;
    const relaxed = withOptionalDefaults(document);
    this.#compiler = new ValidatorCompiler(relaxed, formatsIn(document));
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of HTTP_METHODS) {
        const original = item[method] as SpecOperation | undefined;
        if (!original?.operationId) continue;
        const operation = { ...(relaxed.paths[path][method] as SpecOperation), pathParameters: item.parameters as Schema[] | undefined };
        const entry: SpecEntry = { operationId: original.operationId, method: method.toUpperCase(), path, operation, original };
        const names: string[] = [];
        const source = path.replace(/[.+*?^$()[\]|\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
        const list = this.#byMethod.get(entry.method) ?? [];
        list.push({ entry, pattern: new RegExp(`^${source}$`), names });
        this.#byMethod.set(entry.method, list);
        this.#byId.set(entry.operationId, entry);
      }
    }
    // A literal segment wins over a parameter (`/users/roles` before `/users/{userId}`).
    for (const list of this.#byMethod.values()) list.sort((a, b) => a.names.length - b.names.length);
  }

  static async create(document: SpecDocument = specDocument()): Promise<SpecValidator> {
    return new SpecValidator(document);
  }

  /** Every operation of the spec. */
  operations(): Array<{ method: string; path: string; operation: SpecOperation }> {
    return [...this.#byId.values()].map((entry) => ({ method: entry.method, path: entry.path, operation: entry.original }));
  }

  match(method: string, path: string): MatchedOperation | undefined {
    for (const { entry, pattern, names } of this.#byMethod.get(method.toUpperCase()) ?? []) {
      const found = pattern.exec(path);
      if (!found) continue;
      const params = Object.fromEntries(names.map((name, index) => [name, safeDecode(found[index + 1])]));
      return { operation: entry.original, template: entry.path, method: entry.method, params, security: operationSecurity(this.document, entry.original) };
    }
    return undefined;
  }

  /**
   * Compiles the validators of these operations now (each takes tens of ms, once per
   * process) instead of on their first request: for tests with tight client timeouts.
   */
  precompile(operationIds: Iterable<string> | 'all'): void {
    for (const id of operationIds === 'all' ? this.#byId.keys() : operationIds) this.#validatorsOf(id);
  }

  #validatorsOf(operationId: string): OperationValidators {
    const existing = this.#validators.get(operationId);
    if (existing) return existing;
    const entry = this.#byId.get(operationId);
    if (!entry) throw new Error(`logto-mgmt-testing: no operation ${operationId} in the spec`);
    const validators = this.#compiler.compile(entry.operation, entry.original);
    this.#validators.set(operationId, validators);
    return validators;
  }

  /** Logto's 400 `guard.invalid_input` body when the request breaks the spec, else undefined. */
  checkRequest(matched: MatchedOperation, request: ValidatedRequest): LogtoErrorBody | undefined {
    const found = this.#validatorsOf(matched.operation.operationId).request({ path: matched.params, query: request.query, headers: request.headers, body: request.body });
    if (found.length === 0) return undefined;
    // Logto's zod query guards drop parameters they do not declare; so does the fake.
    const declared = new Set((matched.operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name as string));
    const reported = found.filter((error) => {
      if (error.instancePath === '/query' && error.keyword === 'additionalProperties') return declared.has((error.params as { additionalProperty: string }).additionalProperty);
      const name = /^\/query\/([^/]+)/.exec(error.instancePath)?.[1];
      return name === undefined || declared.has(name.replace(/~1/g, '/').replace(/~0/g, '~'));
    });
    if (reported.length === 0) return undefined;
    for (const { prefix, where } of SECTIONS) {
      const errors = reported
        .filter((error) => error.instancePath === prefix || error.instancePath.startsWith(`${prefix}/`) || (error.instancePath === '' && prefix === '/requestBody' && error.keyword === 'required' && (error.params as { missingProperty?: string }).missingProperty === 'requestBody'))
        .map((error) => ({ error, pointer: error.instancePath.slice(prefix.length) }));
      if (errors.length) return invalidInput(where, zodIssues(errors));
    }
    const errors = reported.map((error) => ({ error, pointer: error.instancePath }));
    return invalidInput('body', zodIssues(errors));
  }

  /** What is wrong with a response body for this operation and status (empty: valid). */
  checkResponse(operationId: string, status: number, body: unknown): string[] {
    if (!this.#byId.has(operationId)) return [`no operation ${operationId} in the spec`];
    return this.#validatorsOf(operationId).response(status, body).map((error) => `${error.instancePath || '/'} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`);
  }
}

/**
 * Logto's zod → OpenAPI output lists a property with a `.default()` as required (e.g.
 * `organizationScopeIds` of `POST /api/organization-roles`), yet Logto accepts a request
 * without it: request schemas are validated with such properties optional.
 */
function withOptionalDefaults(document: SpecDocument): SpecDocument {
  const copy = structuredClone(document);
  const relax = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(relax);
    if (!node || typeof node !== 'object') return;
    const schema = node as { required?: string[]; properties?: Record<string, { default?: unknown }> };
    if (Array.isArray(schema.required) && schema.properties) {
      schema.required = schema.required.filter((name) => schema.properties![name]?.default === undefined);
    }
    Object.values(node).forEach(relax);
  };
  for (const item of Object.values(copy.paths)) {
    for (const operation of Object.values(item)) {
      if (operation && typeof operation === 'object' && 'requestBody' in operation) relax((operation as { requestBody: unknown }).requestBody);
    }
  }
  return copy;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

let shared: Promise<SpecValidator> | undefined;

/** The process-wide validator of the pinned spec (compiled once, on first use). */
export function sharedSpecValidator(): Promise<SpecValidator> {
  shared ??= SpecValidator.create();
  return shared;
}
