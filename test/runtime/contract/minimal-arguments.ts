/**
 * Minimal schema-valid arguments for one operation of the spec: every required path and query
 * parameter, and a request body with only its required properties. Values are built to fit
 * their schema (unions are resolved by validating each branch's value with the same Ajv rules
 * the server uses); when the server reports a violation, `bodyProblem` re-checks the generated
 * body with Ajv so the report says whose fault it is.
 */
import { Ajv } from 'ajv';
import { sampleNumber, sampleString } from '../../../testing/src/spec/scalar-sample.js';
import { addLogtoFormats, formatsIn, logtoRegExp } from './logto-schema-rules.js';

type Schema = Record<string, any>;
export type SpecDocument = { paths: Record<string, Record<string, any>>; components?: Record<string, any>; security?: unknown[] };

export class CannotGenerate extends Error {}


export class ArgumentGenerator {
  readonly #spec: SpecDocument;
  readonly #ajv: Ajv;
  readonly #validators = new Map<Schema, (value: unknown) => boolean>();

  constructor(spec: SpecDocument) {
    this.#spec = spec;
    this.#ajv = addLogtoFormats(new Ajv({ strict: false, allErrors: false, validateSchema: false, code: { regExp: logtoRegExp as never } }), formatsIn(spec));
    this.#ajv.addSchema({ components: spec.components }, 'logto-spec');
  }

  resolve(schema: Schema): Schema {
    let current = schema;
    for (let depth = 0; current?.$ref; depth++) {
      if (depth > 20) throw new CannotGenerate(`$ref loop at ${schema.$ref}`);
      const path = String(current.$ref).replace(/^#\//, '').split('/');
      current = path.reduce<any>((node, key) => node?.[key], this.#spec);
      if (!current) throw new CannotGenerate(`unresolvable $ref ${schema.$ref}`);
    }
    return current;
  }

  /** Does `value` satisfy `schema` (refs resolved against the spec)? */
  valid(schema: Schema, value: unknown): boolean {
    let validate = this.#validators.get(schema);
    if (!validate) {
      // The spec's components are registered once as `logto-spec`; refs are pointed there
      // (embedding the components in every compiled root made each compile ~40 ms).
      const target = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"logto-spec#/components/'));
      const compiled = this.#ajv.compile(target);
      validate = (candidate: unknown) => compiled(candidate) as boolean;
      this.#validators.set(schema, validate);
    }
    return validate(value);
  }

  /**
   * A minimal value for `schema`. Only unions go through Ajv here (to pick a branch); compiling
   * a validator for every body up front would double the test's time, so a body is re-checked
   * only when the server reports a violation (`bodyProblem`).
   */
  value(schema: Schema, where: string, depth = 0): unknown {
    if (depth > 12) throw new CannotGenerate(`${where}: schema nests too deeply`);
    return this.#candidate(this.resolve(schema), where, depth);
  }

  /** Undefined when `body` satisfies the operation's JSON body schema, else why not. */
  bodyProblem(method: string, path: string, body: unknown): string | undefined {
    const content = this.#spec.paths[path]?.[method.toLowerCase()]?.requestBody?.content;
    const schema = content?.['application/json']?.schema;
    if (!schema || this.valid(schema, body)) return undefined;
    return `the generated body ${JSON.stringify(body)?.slice(0, 120)} does not satisfy the spec (argument generator bug)`;
  }

  /** A string leaf's own constraints (pattern, length, format), without compiling Ajv. */
  #candidate(schema: Schema, where: string, depth: number): unknown {
    if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
    if (schema.format && typeof schema.format === 'string' && schema.format.startsWith('"')) return JSON.parse(schema.format);
    if (schema.type === 'boolean' && (schema.format === 'true' || schema.format === 'false')) return schema.format === 'true';
    const branches: Schema[] | undefined = schema.oneOf ?? schema.anyOf;
    if (branches) {
      // Pick the first branch whose minimal value satisfies the whole union (oneOf: exactly one).
      const ambiguous: string[] = [];
      for (const [index, branch] of branches.entries()) {
        try {
          const value = this.value(branch, `${where}|${index}`, depth + 1);
          if (this.valid(schema, value)) return value;
          const matching = branches.map((other, i) => (this.valid(this.resolve(other), value) ? i + 1 : 0)).filter(Boolean);
          ambiguous.push(`${JSON.stringify(value)} matches branches ${matching.join(', ')}`);
        } catch (error) {
          if (!(error instanceof CannotGenerate)) throw error;
        }
      }
      throw new CannotGenerate(
        `${where}: the spec's ${schema.oneOf ? 'oneOf' : 'anyOf'} accepts no value — every branch's value matches several branches (${ambiguous.join('; ')})`,
      );
    }
    if (schema.allOf) {
      const parts = (schema.allOf as Schema[]).map((part, index) => this.#candidate(this.resolve(part), `${where}&${index}`, depth + 1));
      return parts.every((part) => part && typeof part === 'object' && !Array.isArray(part)) ? Object.assign({}, ...parts) : parts[0];
    }
    const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
    switch (type) {
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const name of (schema.required as string[] | undefined) ?? []) {
          const property = schema.properties?.[name] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {});
          out[name] = this.value(property, `${where}.${name}`, depth + 1);
        }
        return out;
      }
      case 'array': {
        const count = schema.minItems ?? 0;
        return Array.from({ length: count }, (_, index) => this.value(schema.items ?? {}, `${where}[${index}]`, depth + 1));
      }
      case 'integer':
      case 'number':
        return sampleNumber(schema, type);
      case 'boolean':
        return false;
      case 'string': {
        const value = sampleString(schema);
        if (value === undefined) throw new CannotGenerate(`${where}: no candidate string matches ${JSON.stringify({ pattern: schema.pattern, format: schema.format, minLength: schema.minLength })}`);
        return value;
      }
      default:
        // Untyped (any value): a string is the least surprising JSON value.
        return 'x';
    }
  }

  /**
   * `{ path, query, body }` for an operation, or throws CannotGenerate with the reason. With
   * `allQuery`, optional query parameters are sent too (a free-form object gets one entry), to
   * exercise how arrays, objects and numbers are serialized.
   */
  argumentsFor(method: string, path: string, allQuery = false): { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown; bodyType: string | undefined } {
    const operation = this.#spec.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new CannotGenerate(`${method} ${path} is not in the spec`);
    const parameters = [...(this.#spec.paths[path].parameters ?? []), ...(operation.parameters ?? [])].map((p: Schema) => this.resolve(p));
    const out: { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown; bodyType: string | undefined } = { bodyType: undefined };
    for (const parameter of parameters) {
      if (parameter.in === 'path') (out.path ??= {})[parameter.name] = this.value(parameter.schema ?? { type: 'string' }, `path.${parameter.name}`);
      else if (parameter.in === 'query' && (parameter.required || allQuery)) (out.query ??= {})[parameter.name] = this.#queryValue(parameter);
      else if ((parameter.in === 'header' || parameter.in === 'cookie') && parameter.required) throw new CannotGenerate(`required ${parameter.in} parameter ${parameter.name}: CallOptions has no typed slot for it`);
    }
    const content = operation.requestBody ? this.resolve(operation.requestBody).content : undefined;
    if (content) {
      const type = content['application/json'] ? 'application/json' : Object.keys(content)[0];
      out.bodyType = type;
      const schema = content[type].schema ?? {};
      out.body = type === 'multipart/form-data' ? this.#multipartBody(schema) : this.value(schema, 'body');
    }
    return out;
  }

  #queryValue(parameter: Schema): unknown {
    const schema = this.resolve(parameter.schema ?? { type: 'string' });
    if (!parameter.required && schema.type === 'object' && !schema.properties && schema.additionalProperties) {
      const entry = { 'search.name': 'x' };
      if (this.valid(schema, entry)) return entry;
    }
    if (!parameter.required && schema.type === 'array') return [this.value(schema.items ?? {}, `query.${parameter.name}[0]`), this.value(schema.items ?? {}, `query.${parameter.name}[1]`)];
    return this.value(schema, `query.${parameter.name}`);
  }

  /** Multipart: a small Blob for binary/untyped fields (the upload), minimal values for the rest. */
  #multipartBody(schema: Schema): Record<string, unknown> {
    const resolved = this.resolve(schema);
    const out: Record<string, unknown> = {};
    for (const [name, property] of Object.entries<Schema>(resolved.properties ?? {})) {
      const field = this.resolve(property);
      if (field.type === undefined || field.format === 'binary') out[name] = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });
      else if ((resolved.required ?? []).includes(name)) out[name] = this.value(field, `body.${name}`);
    }
    return out;
  }
}
