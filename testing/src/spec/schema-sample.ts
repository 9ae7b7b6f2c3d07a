/**
 * A deterministic value that satisfies a schema of the pinned spec: what the fake answers for
 * an operation it keeps no state for, and the defaults its stateful entities start from.
 * Objects get their required properties; arrays their minimum length; a union the first
 * branch whose value satisfies the whole union (checked with Ajv and Logto's schema quirks).
 */
import { Ajv } from 'ajv';
import { addLogtoFormats, formatsIn, logtoRegExp } from '../validation/logto-schema-rules.js';
import { sampleNumber, sampleString } from './scalar-sample.js';
import { resolveRef, type Schema, type SpecDocument } from './spec-document.js';


export class SchemaSampler {
  readonly #document: SpecDocument;
  readonly #ajv: Ajv;
  readonly #validators = new Map<Schema, (value: unknown) => boolean>();

  constructor(document: SpecDocument) {
    this.#document = document;
    this.#ajv = addLogtoFormats(new Ajv({ strict: false, allErrors: false, validateSchema: false, code: { regExp: logtoRegExp as never } }), formatsIn(document));
    this.#ajv.addSchema({ components: document.components }, 'logto-spec');
  }

  /** `full`: every property, not only the required ones (to tell a union's branches apart). */
  sample(schema: Schema, depth = 0, full = false): unknown {
    if (depth > 12) return null;
    return this.#candidate(resolveRef(this.#document, schema), depth, full);
  }

  #valid(schema: Schema, value: unknown): boolean {
    let validate = this.#validators.get(schema);
    if (!validate) {
      // Refs point at the components registered once (embedding them per compile is slow).
      const compiled = this.#ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"logto-spec#/components/')));
      validate = (candidate: unknown) => compiled(candidate) as boolean;
      this.#validators.set(schema, validate);
    }
    return validate(value);
  }

  #candidate(schema: Schema, depth: number, full: boolean): unknown {
    if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
    // Logto's zod literals: `format` holds the JSON text of the only allowed value.
    if (typeof schema.format === 'string' && schema.format.startsWith('"')) return JSON.parse(schema.format);
    if (schema.type === 'boolean' && (schema.format === 'true' || schema.format === 'false')) return schema.format === 'true';
    const branches: Schema[] | undefined = schema.oneOf ?? schema.anyOf;
    if (branches) {
      // The first branch whose minimal value satisfies the union; else whose full value does
      // (a oneOf whose branches differ only in optional properties).
      for (const fullBranch of [false, true]) {
        for (const branch of branches) {
          const value = this.sample(branch, depth + 1, fullBranch);
          if (this.#valid(schema, value)) return value;
        }
      }
      return this.sample(branches[0], depth + 1);
    }
    if (schema.allOf) {
      const parts = (schema.allOf as Schema[]).map((part) => this.sample(part, depth + 1, full));
      return parts.every((part) => part && typeof part === 'object' && !Array.isArray(part)) ? Object.assign({}, ...parts) : parts[0];
    }
    const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
    switch (type) {
      case 'object': {
        const out: Record<string, unknown> = {};
        const names = new Set<string>((schema.required as string[] | undefined) ?? []);
        if (full) for (const name of Object.keys(schema.properties ?? {})) names.add(name);
        for (const name of names) {
          const property = schema.properties?.[name] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {});
          out[name] = this.sample(property, depth + 1, full);
        }
        return out;
      }
      case 'array':
        return Array.from({ length: schema.minItems ?? (full ? 1 : 0) }, () => this.sample(schema.items ?? {}, depth + 1, full));
      case 'integer':
      case 'number':
        return sampleNumber(schema, type);
      case 'boolean':
        return false;
      case 'string':
        return sampleString(schema) ?? 'x'.repeat(schema.minLength ?? 1);
      default:
        // Untyped (any JSON value): a nullable-free, harmless choice.
        return schema.nullable ? null : {};
    }
  }
}
