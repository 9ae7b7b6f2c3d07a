/**
 * One operation's request and response validators, compiled with Ajv straight from the spec
 * document (its `$ref`s resolved by Ajv against the document's components, not by a
 * dereferencing pass: the kit stays loadable by jest, whose module system cannot `require`
 * the ESM-only dereferencers).
 *
 * A request is validated as one object, `{ path, query, header, requestBody }`, so an Ajv
 * error's `instancePath` says which part of the request is wrong (`/query/page_size`,
 * `/requestBody/name`, `/path/userId`); a missing required body is a `required` error on
 * `requestBody` at the root.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { resolveRef, type Schema, type SpecDocument, type SpecOperation } from '../spec/spec-document.js';
import { addLogtoFormats, logtoRegExp } from './logto-schema-rules.js';

/** The document's components, registered once per Ajv instance under this id. */
const DOCUMENT_ID = 'logto-spec';

/** The body media types the fake parses (request-body.ts), in the order they are preferred. */
const BODY_MEDIA_TYPES = ['application/json', 'multipart/form-data', 'application/x-www-form-urlencoded'];

export interface RequestParts {
  /** Path parameters, already decoded. */
  path: Record<string, string>;
  /** The raw query string, without `?`. */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body, or undefined when the request had none. */
  body: unknown;
}

export interface OperationValidators {
  request(parts: RequestParts): ErrorObject[];
  /** Errors of a response body for this status; none when the spec gives it no schema. */
  response(status: number, body: unknown): ErrorObject[];
}

/**
 * Compiles validators for a document's operations. Two Ajv instances: one that coerces the
 * query, path and header strings to the parameter's type (as Logto's zod guards do) and one
 * that checks bodies as they are.
 */
export class ValidatorCompiler {
  readonly #document: SpecDocument;
  readonly #parameters: Ajv;
  readonly #bodies: Ajv;

  constructor(document: SpecDocument, formats: Iterable<string>) {
    this.#document = document;
    const options = { strict: false, validateSchema: false, allErrors: true, verbose: true, code: { regExp: logtoRegExp as never } } as const;
    const list = [...formats];
    this.#parameters = addLogtoFormats(new Ajv({ ...options, coerceTypes: true }), list);
    this.#bodies = addLogtoFormats(new Ajv(options), list);
    for (const ajv of [this.#parameters, this.#bodies]) ajv.addSchema({ components: document.components ?? {} }, DOCUMENT_ID);
  }

  compile(operation: SpecOperation, responseSource: SpecOperation = operation): OperationValidators {
    const parameters = this.#parameterList(operation);
    const validateParameters = this.#parameters.compile(withDocumentRefs(parametersSchema(parameters)));
    const bodySchema = requestBodySchema(this.#document, operation);
    const validateBody = bodySchema && this.#bodies.compile(withDocumentRefs(bodySchema));
    const arrayQuery = new Set(parameters.filter((parameter) => parameter.in === 'query' && resolveRef(this.#document, parameter.schema ?? {}).type === 'array').map((parameter) => String(parameter.name)));
    const responses = new Map<string, ValidateFunction | null>();

    return {
      request: (parts) => {
        const errors: ErrorObject[] = [];
        const request: Record<string, unknown> = { path: { ...parts.path }, query: parseQuery(parts.query, arrayQuery), header: lowerCaseKeys(parts.headers) };
        if (!validateParameters(request)) errors.push(...validateParameters.errors!);
        if (validateBody) {
          const container = parts.body === undefined ? {} : { requestBody: parts.body };
          if (!validateBody(container)) errors.push(...validateBody.errors!);
        }
        return errors;
      },
      response: (status, body) => {
        const key = statusKey(responseSource.responses, status);
        if (key === undefined) return [];
        if (!responses.has(key)) responses.set(key, this.#responseValidator(responseSource.responses[key], key));
        const validate = responses.get(key);
        if (!validate || validate(body)) return [];
        return validate.errors!;
      },
    };
  }

  /** Path-item and operation parameters, `$ref`s resolved (the operation's win by name + in). */
  #parameterList(operation: SpecOperation & { pathParameters?: Schema[] }): Schema[] {
    const byKey = new Map<string, Schema>();
    for (const parameter of [...(operation.pathParameters ?? []), ...(operation.parameters ?? [])]) {
      const resolved = resolveRef(this.#document, parameter);
      byKey.set(`${resolved.in}:${resolved.name}`, resolved);
    }
    return [...byKey.values()];
  }

  #responseValidator(response: Schema, status: string): ValidateFunction | null {
    const resolved = resolveRef(this.#document, response);
    const schema = resolved.content?.['application/json']?.schema;
    if (schema) return this.#bodies.compile(withDocumentRefs(schema));
    // A 204 with no content: nothing, which the caller hands over as null.
    if (!resolved.content && status === '204') return this.#bodies.compile({ type: 'null' });
    return null;
  }
}

/** `path`, `query` and `header` objects of the request, each closed to what the spec declares. */
function parametersSchema(parameters: Schema[]): Schema {
  const section = (additionalProperties: boolean): Schema => ({ type: 'object', additionalProperties, properties: {}, required: [] });
  const sections: Record<string, Schema> = { path: section(false), query: section(false), header: section(true), cookie: section(true) };
  const required = new Set<string>();
  for (const parameter of parameters) {
    const target = sections[parameter.in];
    if (!target) continue;
    const name = parameter.in === 'header' ? String(parameter.name).toLowerCase() : String(parameter.name);
    // A free-form parameter (`additionalProperties` on its schema) opens its section.
    if (parameter.schema?.additionalProperties !== undefined) target.additionalProperties = parameter.schema.additionalProperties;
    target.properties[name] = parameter.content?.['application/json']?.schema ?? parameter.schema ?? {};
    if (parameter.required) {
      if (!target.required.includes(name)) target.required.push(name);
      required.add(parameter.in);
    }
  }
  delete sections.cookie;
  return { type: 'object', properties: sections, required: [...required] };
}

/** `{ requestBody: <schema> }`, required when the spec says so; undefined without a schema. */
function requestBodySchema(document: SpecDocument, operation: SpecOperation): Schema | undefined {
  if (!operation.requestBody) return undefined;
  const requestBody = resolveRef(document, operation.requestBody);
  const type = BODY_MEDIA_TYPES.find((media) => requestBody.content?.[media]?.schema);
  if (!type) return undefined;
  const schema = withoutRequiredFiles(structuredClone(requestBody.content[type].schema));
  return { type: 'object', properties: { requestBody: schema }, required: requestBody.required === true ? ['requestBody'] : [] };
}

/**
 * A file part of a multipart body reaches the validator as a placeholder string, and a
 * client may leave a `format: binary` field to the transport: such fields are not required.
 */
function withoutRequiredFiles(schema: Schema): Schema {
  if (!schema || typeof schema !== 'object') return schema;
  if (schema.properties && Array.isArray(schema.required)) {
    schema.required = schema.required.filter((name: string) => !(schema.properties[name]?.type === 'string' && schema.properties[name]?.format === 'binary'));
  }
  for (const child of Object.values(schema.properties ?? {})) withoutRequiredFiles(child as Schema);
  for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(schema[key])) schema[key].forEach(withoutRequiredFiles);
  return schema;
}

/**
 * The query as Logto's Koa reads it: repeated names become arrays; a single value of an
 * array-typed parameter becomes a one-element array.
 */
function parseQuery(query: string, arrayNames: Set<string>): Record<string, string | string[]> {
  const parsed: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(query)) {
    const existing = parsed[name];
    parsed[name] = existing === undefined ? (arrayNames.has(name) ? [value] : value) : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return { ...parsed };
}

function lowerCaseKeys(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) result[name.toLowerCase()] = value;
  return result;
}

/** The response key that answers for a status: exact, then `2XX`, then `default`. */
function statusKey(responses: Record<string, unknown>, status: number): string | undefined {
  return [String(status), `${Math.floor(status / 100)}XX`, 'default'].find((key) => responses[key] !== undefined);
}

/** Points the schema's local `$ref`s at the document registered in the Ajv instance. */
function withDocumentRefs(schema: Schema): Schema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`)) as Schema;
}
