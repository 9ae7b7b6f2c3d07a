/**
 * `diffDocumentation(old, new)`: what changed in the words of the spec — summaries,
 * descriptions, titles, examples and deprecation notes — of the operations `diffSpecs` pairs by
 * operationId, of their parameters, bodies and responses (schemas walked field by field), and of
 * the top-level tags. These never change a generated type, only the JSDoc, so a release that
 * carries nothing else is a patch (see version-bump.ts).
 *
 * Kept apart from `diffSpecs`, whose report counts what code written against the old client
 * notices; this walk follows only the nodes that exist on both sides (a new field's
 * description is part of "field added", not a documentation change). `info` and `servers` are
 * not the API's documentation: the Cloud copy of the same spec differs there and nowhere else.
 */
import { sortKeys } from '../pipeline/pin-spec.js';
import { makeResolver } from './diff-schemas.js';
import type { OperationRef } from './diff-specs.js';
import { operationJson, unchangedTargets } from './untouched.js';

export interface DocumentationChange {
  /** `deprecated`: a parameter, field or operation became deprecated; otherwise wording or examples. */
  kind: 'documentation-changed' | 'deprecated';
  /** The operation, as in the new spec; absent for a top-level tag. */
  operation?: OperationRef;
  /** `summary`, `query/page/description`, `requestBody/profile/name/example`, `tags/Users/description`. */
  location: string;
  message: string;
}

type Node = Record<string, any>;

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Keys that only document: openapi-typescript turns them into JSDoc, never into types. */
const wordKeys = ['summary', 'description', 'title'] as const;
const exampleKeys = ['example', 'examples'] as const;

export function diffDocumentation(oldSpec: unknown, newSpec: unknown): DocumentationChange[] {
  const oldDocument = oldSpec as Node;
  const newDocument = newSpec as Node;
  const walker = new DocumentationWalk(makeResolver(oldDocument), makeResolver(newDocument));

  const oldOperations = indexOperations(oldDocument);
  // Untouched operations are the rule between two releases: the same JSON, and every $ref in it
  // reaching the same JSON on both sides (a $ref may point at changed words), has the same words.
  const reachesOnlyUnchanged = unchangedTargets(oldDocument, newDocument);
  for (const [id, after] of indexOperations(newDocument)) {
    const before = oldOperations.get(id);
    if (!before || before.ref.method !== after.ref.method || before.ref.path !== after.ref.path) continue;
    const afterText = operationJson(after.operation, after.pathItem.parameters);
    if (operationJson(before.operation, before.pathItem.parameters) === afterText && reachesOnlyUnchanged(afterText)) continue;
    walker.operation(after.ref, before, after);
  }

  const tagsBefore = new Map<string, Node>(namedTags(oldDocument).map((tag) => [tag.name, tag]));
  for (const tag of namedTags(newDocument)) {
    const before = tagsBefore.get(tag.name);
    if (before) walker.words(undefined, before, tag, `tags/${tag.name}`);
  }
  return walker.changes;
}

/** A tag is known by its name only: one without (as a parameter without name or place) cannot be paired. */
function namedTags(document: Node): Node[] {
  return (Array.isArray(document.tags) ? document.tags : []).filter((tag: Node | null) => typeof tag?.name === 'string');
}

interface IndexedOperation {
  ref: OperationRef;
  operation: Node;
  pathItem: Node;
}

function indexOperations(document: Node): Map<string, IndexedOperation> {
  const operations = new Map<string, IndexedOperation>();
  for (const [path, pathItem] of Object.entries<any>(document.paths ?? {})) {
    if (!pathItem || typeof pathItem !== 'object') continue;
    for (const method of methods) {
      const operation = pathItem[method];
      if (!operation || typeof operation !== 'object') continue;
      const operationId = typeof operation.operationId === 'string' ? operation.operationId : `${method.toUpperCase()} ${path}`;
      const ref: OperationRef = { operationId, method: method.toUpperCase(), path };
      if (typeof operation.tags?.[0] === 'string') ref.tag = operation.tags[0];
      if (typeof operation.summary === 'string') ref.summary = operation.summary;
      operations.set(operationId, { ref, operation, pathItem });
    }
  }
  return operations;
}

class DocumentationWalk {
  readonly changes: DocumentationChange[] = [];

  constructor(
    private readonly resolveOld: (value: any) => any,
    private readonly resolveNew: (value: any) => any,
  ) {}

  operation(ref: OperationRef, before: IndexedOperation, after: IndexedOperation) {
    this.words(ref, before.operation, after.operation, '');
    // Newly deprecated operations are already in the change report (`deprecated`); the way back is not.
    if (before.operation.deprecated === true && after.operation.deprecated !== true) {
      this.add(ref, 'documentation-changed', 'deprecated', 'no longer deprecated');
    }
    const oldParameters = this.parameters(this.resolveOld, before);
    for (const [key, parameter] of this.parameters(this.resolveNew, after)) {
      const previous = oldParameters.get(key);
      if (!previous) continue;
      this.words(ref, previous, parameter, key);
      this.deprecation(ref, previous, parameter, key);
      this.examples(ref, previous, parameter, key);
      this.schema(ref, previous.schema, parameter.schema, key, new Set());
    }
    const oldBody = this.resolveOld(before.operation.requestBody);
    const newBody = this.resolveNew(after.operation.requestBody);
    if (oldBody && newBody) {
      this.words(ref, oldBody, newBody, 'requestBody');
      this.content(ref, oldBody.content, newBody.content, 'requestBody');
    }
    const newResponses = after.operation.responses;
    for (const [status, rawResponse] of Object.entries<any>(isObject(newResponses) ? newResponses : {})) {
      const previous = own(before.operation.responses, status);
      // Not resolved at all when only the new spec has it, as for any node on one side only.
      if (previous === undefined) continue;
      const oldResponse = this.resolveOld(previous);
      const newResponse = this.resolveNew(rawResponse);
      if (!oldResponse || !newResponse) continue;
      this.words(ref, oldResponse, newResponse, `responses/${status}`);
      this.content(ref, oldResponse.content, newResponse.content, `responses/${status}`);
    }
  }

  /** summary / description / title, compared as text. */
  words(ref: OperationRef | undefined, before: Node, after: Node, location: string) {
    for (const key of wordKeys) {
      const [was, now] = [before?.[key], after?.[key]];
      if (was === now || (typeof was !== 'string' && typeof now !== 'string')) continue;
      const where = join(location, key);
      if (typeof was !== 'string') this.add(ref, 'documentation-changed', where, `${key} added: ${quote(now)}`);
      else if (typeof now !== 'string') this.add(ref, 'documentation-changed', where, `${key} removed (was ${quote(was)})`);
      else this.add(ref, 'documentation-changed', where, `${key} changed from ${quote(was)} to ${quote(now)}`);
    }
  }

  private examples(ref: OperationRef, before: Node, after: Node, location: string) {
    for (const key of exampleKeys) {
      // Key order inside an example is not a change (the pinned spec sorts keys anyway).
      if (JSON.stringify(sortKeys(before?.[key])) === JSON.stringify(sortKeys(after?.[key]))) continue;
      const change = before?.[key] === undefined ? 'added' : after?.[key] === undefined ? 'removed' : 'changed';
      this.add(ref, 'documentation-changed', join(location, key), `${key === 'example' ? 'example' : 'examples'} ${change}`);
    }
  }

  private deprecation(ref: OperationRef, before: Node, after: Node, location: string) {
    if (before?.deprecated !== true && after?.deprecated === true) this.add(ref, 'deprecated', location, 'now deprecated');
    if (before?.deprecated === true && after?.deprecated !== true) this.add(ref, 'documentation-changed', location, 'no longer deprecated');
  }

  private content(ref: OperationRef, before: Node | undefined, after: Node | undefined, location: string) {
    for (const [mediaType, media] of Object.entries<any>(after ?? {})) {
      const previous = own(before, mediaType);
      if (!previous) continue;
      const mediaLocation = `${location}/${escape(mediaType)}`;
      // The media type's own examples are located by it; its schema, for JSON, without it (as in the change report).
      this.examples(ref, previous, media, mediaLocation);
      this.schema(ref, previous.schema, media?.schema, mediaType === 'application/json' ? location : mediaLocation, new Set());
    }
  }

  /** Field by field through properties, items, additionalProperties and unions, $refs resolved. */
  private schema(ref: OperationRef, rawBefore: unknown, rawAfter: unknown, location: string, seen: Set<string>) {
    const before = this.resolveOld(rawBefore);
    const after = this.resolveNew(rawAfter);
    if (!before || !after || typeof before !== 'object' || typeof after !== 'object') return;
    // A recursive schema meets itself again: each pair of nodes once per path.
    const pairKey = `${(rawBefore as Node)?.$ref ?? ''}|${(rawAfter as Node)?.$ref ?? ''}`;
    if (pairKey !== '|') {
      if (seen.has(pairKey)) return;
      seen = new Set(seen).add(pairKey);
    }
    this.words(ref, before, after, location);
    this.deprecation(ref, before, after, location);
    this.examples(ref, before, after, location);
    for (const [name, property] of Object.entries<any>(after.properties ?? {})) {
      const previous = own(before.properties, name);
      if (previous !== undefined) this.schema(ref, previous, property, join(location, escape(name)), seen);
    }
    if (before.items && after.items) this.schema(ref, before.items, after.items, join(location, '[]'), seen);
    if (isObject(before.additionalProperties) && isObject(after.additionalProperties)) {
      this.schema(ref, before.additionalProperties, after.additionalProperties, join(location, '{}'), seen);
    }
    for (const union of ['allOf', 'oneOf', 'anyOf'] as const) {
      const [was, now] = [before[union], after[union]];
      if (!Array.isArray(was) || !Array.isArray(now) || was.length !== now.length) continue;
      now.forEach((branch, index) => this.schema(ref, was[index], branch, join(location, `${union}[${index}]`), seen));
    }
  }

  private parameters(resolve: (value: any) => any, indexed: IndexedOperation): Map<string, Node> {
    const parameters = new Map<string, Node>();
    for (const raw of [...(indexed.pathItem.parameters ?? []), ...(indexed.operation.parameters ?? [])]) {
      const parameter = resolve(raw);
      if (parameter && typeof parameter.name === 'string' && typeof parameter.in === 'string') parameters.set(`${parameter.in}/${parameter.name}`, parameter);
    }
    return parameters;
  }

  private add(operation: OperationRef | undefined, kind: DocumentationChange['kind'], location: string, message: string) {
    this.changes.push({ kind, ...(operation ? { operation } : {}), location, message });
  }
}

function join(location: string, key: string): string {
  return location === '' ? key : `${location}/${key}`;
}

function escape(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObject(value: unknown): value is Node {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The entry a map from the spec has under a name it took from the other spec; never one every
 * object inherits (`constructor`, `toString`, `__proto__`), which would pair a built-in with it.
 */
function own(map: unknown, name: string): any {
  return isObject(map) && Object.hasOwn(map, name) ? map[name] : undefined;
}

/** A short quotation: long descriptions are cut, whitespace collapsed. */
function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 77)}…` : flat);
}
