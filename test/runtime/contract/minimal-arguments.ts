/**
 * Minimal schema-valid arguments for one operation of the spec: every required path and query
 * parameter, and a request body with only its required properties. Each generated value is
 * checked against its schema by the same Ajv rules the server uses, so a violation the server
 * reports is the client's fault, not the generator's.
 */
import { Ajv } from 'ajv';
import { addLogtoFormats, formatsIn, logtoRegExp } from './logto-schema-rules.js';

type Schema = Record<string, any>;
export type SpecDocument = { paths: Record<string, Record<string, any>>; components?: Record<string, any>; security?: unknown[] };

export class CannotGenerate extends Error {}

/** Strings tried for a constrained string, in order: each of Logto's patterns accepts one. */
const STRING_CANDIDATES = ['x', 'a', 'user@example.com', '1', '#abc', '2024-01-01', 'https://example.com', 'a_b', 'x'.repeat(8)];

export class ArgumentGenerator {
  readonly #spec: SpecDocument;
  readonly #ajv: Ajv;
  readonly #validators = new Map<Schema, (value: unknown) => boolean>();

  constructor(spec: SpecDocument) {
    this.#spec = spec;
    this.#ajv = addLogtoFormats(new Ajv({ strict: false, allErrors: false, code: { regExp: logtoRegExp as never } }), formatsIn(spec));
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
      // Compile under a root that carries the spec's components, so `#/components/...` resolves.
      const compiled = this.#ajv.compile({ $ref: '#/definitions/target', definitions: { target: schema }, components: this.#spec.components });
      validate = (candidate: unknown) => compiled(candidate) as boolean;
      this.#validators.set(schema, validate);
    }
    return validate(value);
  }

  /** A minimal value for `schema`, checked against it. */
  value(schema: Schema, where: string, depth = 0): unknown {
    if (depth > 12) throw new CannotGenerate(`${where}: schema nests too deeply`);
    const resolved = this.resolve(schema);
    const candidate = this.#candidate(resolved, where, depth);
    if (!this.valid(resolved, candidate)) throw new CannotGenerate(`${where}: no minimal value satisfies the schema (tried ${JSON.stringify(candidate)?.slice(0, 80)})`);
    return candidate;
  }

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
      case 'number': {
        let value = schema.minimum ?? (schema.exclusiveMinimum === true ? 0 : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : 0);
        if (schema.exclusiveMinimum === true || typeof schema.exclusiveMinimum === 'number') value += 1;
        if (schema.maximum !== undefined && value > schema.maximum) value = schema.maximum;
        return type === 'integer' ? Math.ceil(value) : value;
      }
      case 'boolean':
        return false;
      case 'string': {
        if (schema.format === 'url') return 'https://example.com';
        if (schema.format === 'empty') return '';
        if (schema.format === 'date-time') return '2024-01-01T00:00:00.000Z';
        if (schema.format === 'email') return 'user@example.com';
        for (const base of STRING_CANDIDATES) {
          const candidate = schema.minLength && base.length < schema.minLength ? base.padEnd(schema.minLength, base.at(-1)) : base;
          if (this.valid(schema, candidate)) return candidate;
        }
        throw new CannotGenerate(`${where}: no candidate string matches ${JSON.stringify({ pattern: schema.pattern, format: schema.format, minLength: schema.minLength })}`);
      }
      default:
        // Untyped (any value): a string is the least surprising JSON value.
        return 'x';
    }
  }

  /** `{ path, query, body }` for an operation, or throws CannotGenerate with the reason. */
  argumentsFor(method: string, path: string): { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown; bodyType: string | undefined } {
    const operation = this.#spec.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new CannotGenerate(`${method} ${path} is not in the spec`);
    const parameters = [...(this.#spec.paths[path].parameters ?? []), ...(operation.parameters ?? [])].map((p: Schema) => this.resolve(p));
    const out: { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown; bodyType: string | undefined } = { bodyType: undefined };
    for (const parameter of parameters) {
      if (parameter.in === 'path') (out.path ??= {})[parameter.name] = this.value(parameter.schema ?? { type: 'string' }, `path.${parameter.name}`);
      else if (parameter.in === 'query' && parameter.required) (out.query ??= {})[parameter.name] = this.value(parameter.schema ?? { type: 'string' }, `query.${parameter.name}`);
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
