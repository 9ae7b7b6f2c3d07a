/**
 * The columns of an entity the fake does not model itself (an application's OIDC metadata, a
 * resource's token TTL...), taken from the operation's response schema once and copied into
 * each new row, so every row the fake keeps is a complete, spec-valid Logto entity.
 */
import type { SchemaSampler } from '../spec/schema-sample.js';
import { HTTP_METHODS, resolveRef, type Schema, type SpecDocument } from '../spec/spec-document.js';

export class EntityDefaults {
  readonly #document: SpecDocument;
  readonly #sampler: SchemaSampler;
  readonly #cache = new Map<string, Record<string, unknown>>();

  constructor(document: SpecDocument, sampler: SchemaSampler) {
    this.#document = document;
    this.#sampler = sampler;
  }

  /** A fresh copy of the sample of the operation's success response (its item, for a list). */
  of(operationId: string): Record<string, unknown> {
    let sample = this.#cache.get(operationId);
    if (!sample) {
      sample = this.#sample(operationId);
      this.#cache.set(operationId, sample);
    }
    return structuredClone(sample);
  }

  #sample(operationId: string): Record<string, unknown> {
    for (const item of Object.values(this.#document.paths)) {
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (operation?.operationId !== operationId) continue;
        const code = Object.keys(operation.responses).find((status) => /^2\d\d$/.test(status));
        let schema: Schema | undefined = code ? operation.responses[code].content?.['application/json']?.schema : undefined;
        if (!schema) return {};
        schema = resolveRef(this.#document, schema);
        if (schema.type === 'array') schema = resolveRef(this.#document, schema.items ?? {});
        const value = this.#sampler.sample(schema);
        return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      }
    }
    throw new Error(`logto-mgmt-testing: no operation ${operationId} in the spec`);
  }
}
