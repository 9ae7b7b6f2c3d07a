/**
 * The pinned spec as a validator: which operation a request is (method + path template), is
 * the request valid (parameters and body, with openapi-backend's Ajv and Logto's schema
 * quirks), and is a response valid. Built once per process and shared by every fake in it;
 * openapi-backend compiles each operation's validators on first use (`quick`), so a test
 * that calls five operations pays for five.
 */
import type { ErrorObject } from 'ajv';
import { OpenAPIBackend, type Operation } from 'openapi-backend';
import { invalidInput, type LogtoErrorBody } from '../http/responses.js';
import { operationSecurity, specDocument, type SpecDocument, type SpecOperation } from '../spec/spec-document.js';
import { addLogtoFormats, formatsIn, logtoRegExp } from './logto-schema-rules.js';
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
  method: string;
  path: string;
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

interface CompiledOperation {
  operation: Operation;
  pattern: RegExp;
  names: string[];
}

export class SpecValidator {
  readonly document: SpecDocument;
  readonly #api: OpenAPIBackend;
  // openapi-backend rebuilds its operation list on every match or lookup by id (tens of ms on
  // this spec): the fake routes with its own table, built once.
  readonly #byMethod = new Map<string, CompiledOperation[]>();
  readonly #byId = new Map<string, Operation>();

  private constructor(document: SpecDocument, api: OpenAPIBackend) {
    this.document = document;
    this.#api = api;
    for (const operation of api.getOperations()) {
      const names: string[] = [];
      const source = operation.path.replace(/[.+*?^$()[\]|\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      const method = operation.method.toUpperCase();
      const list = this.#byMethod.get(method) ?? [];
      list.push({ operation, pattern: new RegExp(`^${source}$`), names });
      this.#byMethod.set(method, list);
      if (operation.operationId) this.#byId.set(operation.operationId, operation);
    }
    // A literal segment wins over a parameter (`/users/roles` before `/users/{userId}`).
    for (const list of this.#byMethod.values()) list.sort((a, b) => a.names.length - b.names.length);
  }

  static async create(document: SpecDocument = specDocument()): Promise<SpecValidator> {
    const formats = formatsIn(document);
    const api = new OpenAPIBackend({
      definition: withOptionalDefaults(document) as never,
      strict: false,
      validate: true,
      quick: true,
      // allErrors: zod reports every issue; verbose: the issues name what was received.
      ajvOpts: { code: { regExp: logtoRegExp as never }, validateSchema: false, allErrors: true, verbose: true } as never,
      customizeAjv: (ajv) => addLogtoFormats(ajv as never, formats) as never,
    });
    await api.init();
    return new SpecValidator(document, api);
  }

  /** Every operation of the spec. */
  operations(): Array<{ method: string; path: string; operation: SpecOperation }> {
    return [...this.#byId.values()].map((operation) => ({ method: operation.method.toUpperCase(), path: operation.path, operation: operation as unknown as SpecOperation }));
  }

  match(method: string, path: string): MatchedOperation | undefined {
    for (const { operation, pattern, names } of this.#byMethod.get(method.toUpperCase()) ?? []) {
      const found = pattern.exec(path);
      if (!found) continue;
      const params = Object.fromEntries(names.map((name, index) => [name, safeDecode(found[index + 1])]));
      const specOperation = operation as unknown as SpecOperation;
      return { operation: specOperation, template: operation.path, method: method.toUpperCase(), params, security: operationSecurity(this.document, specOperation) };
    }
    return undefined;
  }

  /**
   * Compiles the request validators of these operations now (each takes tens of ms, once per
   * process) instead of on their first request: for tests with tight client timeouts.
   */
  precompile(operationIds: Iterable<string> | 'all'): void {
    for (const id of operationIds === 'all' ? this.#byId.keys() : operationIds) this.#requestValidators(id);
  }

  #requestValidators(operationId: string): void {
    const validator = this.#api.validator as unknown as { requestValidators: Record<string, unknown>; buildRequestValidatorsForOperation(operation: Operation): unknown };
    const operation = this.#byId.get(operationId);
    if (!operation) throw new Error(`logto-mgmt-testing: no operation ${operationId} in the spec`);
    // Built from our own operation object: openapi-backend's lookup by id rebuilds its list.
    validator.requestValidators[operationId] ??= validator.buildRequestValidatorsForOperation(operation);
  }

  /** Logto's 400 `guard.invalid_input` body when the request breaks the spec, else undefined. */
  checkRequest(matched: MatchedOperation, request: ValidatedRequest): LogtoErrorBody | undefined {
    this.#requestValidators(matched.operation.operationId);
    const result = this.#api.validateRequest(request as never, matched.operation as unknown as Operation);
    if (result.valid || !result.errors?.length) return undefined;
    // Logto's zod query guards drop parameters they do not declare; so does the fake.
    const declared = new Set((matched.operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name as string));
    const reported = (result.errors as ErrorObject[]).filter((error) => {
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
    const operation = this.#byId.get(operationId);
    if (!operation) return [`no operation ${operationId} in the spec`];
    const result = this.#api.validateResponse(body, operation, status);
    return (result.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`);
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
