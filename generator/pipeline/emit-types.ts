/**
 * Step 5: types. openapi-typescript's transform, in-process, over the normalised document:
 * `paths`, `components`, `operations`. Loaded lazily so the no-change fast path never pays for
 * it (it pulls in TypeScript).
 *
 * Speed (a cold run of the Logto spec spent 2.9 s here):
 * - `openapiTS()` lints and bundles the document with Redocly before transforming it (1.2 s of
 *   CPU with Redocly's own loading). Ours is validated already (validate-spec.ts: every `$ref`
 *   resolves inside the document, operationIds are unique, no external refs), and Redocly's
 *   bundle of such a document is the document itself, so we call the transform `openapiTS()`
 *   calls, with its defaults, and never load Redocly;
 * - the CommonJS build is `require`d: an `import` of TypeScript's 9 MB CommonJS file makes Node
 *   detect its module format and lex it for named exports, which costs more than loading it;
 * - schema.ts is planned as pieces keyed by what they are made of (`planTypes`), so a run after a
 *   small spec change transforms only the path items it changed (see below).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Node as TsNode, NodeArray, TypeElement } from 'typescript';
import { GeneratorError } from './generator-error.js';
import type { ModuleWorker } from './module-worker.js';
import { HTTP_METHODS, type OpenApiDocument } from './validate-spec.js';

type OpenapiTypescript = typeof import('openapi-typescript');
type Context = Parameters<OpenapiTypescript['transformSchema']>[1];

interface Transformer {
  ts: typeof import('typescript');
  transformSchema: OpenapiTypescript['transformSchema'];
  resolveRef: OpenapiTypescript['resolveRef'];
  astToString: OpenapiTypescript['astToString'];
  tsModifiers: OpenapiTypescript['tsModifiers'];
}

const require = createRequire(import.meta.url);
let transformer: Transformer | undefined;

/**
 * The modules behind `openapiTS()` without its Redocly front end: `openapi-typescript/dist/…` are
 * exported subpaths (`"./*"`). Should a later version move them, its main entry has them too.
 */
function loadTransformer(): Transformer {
  if (transformer) return transformer;
  let modules: Omit<Transformer, 'ts'>;
  try {
    const utils = require('openapi-typescript/dist/lib/utils.cjs') as OpenapiTypescript;
    const ts = require('openapi-typescript/dist/lib/ts.cjs') as OpenapiTypescript;
    modules = {
      transformSchema: require('openapi-typescript/dist/transform/index.cjs') as OpenapiTypescript['transformSchema'],
      resolveRef: utils.resolveRef,
      astToString: ts.astToString,
      tsModifiers: ts.tsModifiers,
    };
    if (![modules.transformSchema, modules.resolveRef, modules.astToString, modules.tsModifiers].every((value) => typeof value === 'function')) {
      throw new Error('unexpected layout');
    }
  } catch {
    const main = require('openapi-typescript') as OpenapiTypescript;
    modules = { transformSchema: main.transformSchema, resolveRef: main.resolveRef, astToString: main.astToString, tsModifiers: main.tsModifiers };
  }
  // The TypeScript openapi-typescript itself uses, so every node comes from one factory.
  const ts = createRequire(require.resolve('openapi-typescript'))('typescript') as typeof import('typescript');
  transformer = { ts, ...modules };
  return transformer;
}

/** What openapi-typescript's transform depends on besides the document, for cache keys. */
export function typesEmitterId(): string {
  const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
  const typescript = (createRequire(require.resolve('openapi-typescript'))('typescript/package.json') as { version: string }).version;
  return `openapi-typescript@${version('openapi-typescript')} typescript@${typescript}`;
}

/** `openapiTS()`'s defaults for every option we do not set (openapi-typescript/dist/index.mjs). */
function createContext(document: OpenApiDocument, ts: Transformer, discriminators: Context['discriminators']): Context {
  const blob = ts.ts.factory.createTypeReferenceNode('Blob');
  return {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    defaultNonNullable: true,
    discriminators,
    emptyObjectsUnknown: false,
    enum: false,
    enumValues: false,
    conditionalEnums: false,
    dedupeEnums: false,
    excludeDeprecated: false,
    exportType: false,
    immutable: false,
    rootTypes: false,
    rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false,
    injectFooter: [],
    pathParamsAsTypes: false,
    postTransform: undefined,
    propertiesRequiredByDefault: false,
    redoc: undefined as never, // read only by openapiTS() itself, for the Redocly steps we skip
    silent: true,
    inject: undefined,
    // Uploads (multipart `file`, see patches.ts) are files, not strings.
    transform: (schema) => (schema.format === 'binary' ? blob : undefined),
    transformProperty: undefined,
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve: ($ref) => ts.resolveRef(document, $ref, { silent: true }),
  };
}

function convertError(error: unknown, file: string): GeneratorError {
  if (error instanceof GeneratorError) return error;
  return new GeneratorError(`openapi-typescript could not convert the spec: ${(error as Error).message}`, { file });
}

/** The whole of schema.ts (without the banner), as openapi-typescript prints it in one go. */
export async function emitTypes(document: OpenApiDocument, file: string): Promise<string> {
  const ts = loadTransformer();
  try {
    const { scanDiscriminators } = require('openapi-typescript/dist/lib/utils.cjs') as OpenapiTypescript;
    // Like openapiTS(), the scan patches discriminated schemas in the document it is given.
    const context = createContext(document, ts, scanDiscriminators(document as never, { silent: true }));
    return ts.astToString(ts.transformSchema(document as never, context));
  } catch (error) {
    throw convertError(error, file);
  }
}

/**
 * A piece of schema.ts. `source` is a hash of everything its unformatted text is made from (the
 * path items it holds, every component they reach through `$ref`, the transform's versions), so
 * a piece whose source a previous run recorded need not be transformed again. Pieces of one
 * interface are printed inside `interface _ {…}`: format.ts drops the synthetic head line
 * (`dropHead`) and the closing `}` (`dropTail`) so consecutive pieces join into one interface.
 */
export interface TypesPiece {
  source: string;
  dropHead: boolean;
  dropTail: boolean;
}

export interface TypesPlan {
  pieces: TypesPiece[];
  /**
   * Makes the unformatted text of the pieces at `indices`, transforming only the path items in
   * them, and hands each to `onPiece` as soon as it is printed (between chunks it yields, so a
   * formatter on another thread is kept fed).
   */
  render(indices: readonly number[], onPiece: (index: number, text: string) => void): Promise<void>;
}

/** A planned piece's render did not come out in the planned shape: generate from the whole text instead. */
export class TypesPlanMismatch extends Error {
  override name = 'TypesPlanMismatch';
}

/** A chunk of consecutive path items: transformed together when all of it is wanted, formatted as its slices (planTypes). */
interface Chunk {
  urls: string[];
  /** The operationIds of each path item, in the order of `urls`. */
  operationIds: string[][];
}

/** Chunk sizes in characters of the path items' JSON (~0.6 of their TypeScript). */
const CHUNK_MIN = 9_000;
const CHUNK_MAX = 100_000;

/**
 * schema.ts as openapi-typescript prints it for the whole document, planned as
 *   paths pieces · the rest (webhooks, components, $defs) · operations pieces
 * where each slice of a chunk of consecutive path items gives one `paths` piece and one
 * `operations` piece. openapi-typescript transforms each path item on its own: its `paths` member
 * and its operations' members (injected into `operations` in path order) depend only on the path
 * item and what `ctx.resolve` returns for the `$ref`s in it; so path items transformed apart
 * print the members the whole run prints, and a piece's source covers all it reads.
 *
 * With `thread` (a worker started on this module), the transforms run there: a regenerate then
 * loads openapi-typescript and its TypeScript beside the spec's parse and compare, not after.
 *
 * Undefined for documents where that does not hold, which are then transformed whole:
 * discriminators (the scan rewrites the schemas they map, across the document), webhooks and
 * `components.pathItems` (their operations also go into `operations`), an operation by `$ref`,
 * and an `allOf` `$ref` next to `required` (which makes openapi-typescript add a `WithRequired`
 * helper after `operations`, shared by the whole file).
 */
export function planTypes(document: OpenApiDocument, file: string, stamp: string, thread?: ModuleWorker): TypesPlan | undefined {
  if (Object.keys((document.webhooks as object | undefined) ?? {}).length > 0) return undefined;
  if (Object.keys((document.components?.pathItems as object | undefined) ?? {}).length > 0) return undefined;
  const hash = (text: string) => createHash('sha256').update(text).digest('hex');
  const targets = new Map<string, { json: string; refs: Set<string> }>(); // $ref → its target's JSON and the $refs in it
  let plannable = true;
  /** The `$ref`s in `node`; clears `plannable` on anything the plan does not provide for. */
  const collectRefs = (node: unknown, into: Set<string>): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) collectRefs(item, into);
      return;
    }
    const object = node as Record<string, unknown>;
    if (typeof object.$ref === 'string') into.add(object.$ref);
    if (object.discriminator !== undefined) plannable = false;
    if (Array.isArray(object.allOf) && Array.isArray(object.required) && object.required.length > 0) {
      if (object.allOf.some((item) => item !== null && typeof item === 'object' && '$ref' in item)) plannable = false;
    }
    for (const key in object) collectRefs(object[key], into);
  };
  /** `ref\ntarget JSON` for every `$ref` reachable from `roots`, sorted: what a transform may resolve. */
  const dependencies = (roots: Set<string>): string[] => {
    const reached = new Set<string>();
    const visit = (ref: string) => {
      if (reached.has(ref)) return;
      reached.add(ref);
      let target = targets.get(ref);
      if (!target) {
        const value = resolvePointer(document, ref);
        target = { json: JSON.stringify(value) ?? 'undefined', refs: new Set() };
        collectRefs(value, target.refs);
        targets.set(ref, target);
      }
      for (const next of target.refs) visit(next);
    };
    for (const ref of roots) visit(ref);
    return [...reached].sort().map((ref) => `${ref}\n${targets.get(ref)!.json}`);
  };

  const chunks: Chunk[] = [];
  const unitSources: string[][] = [];
  let current: { chunk: Chunk; sources: string[]; size: number } | undefined;
  for (const [url, pathItem] of Object.entries(document.paths)) {
    if ('$ref' in pathItem) return undefined;
    const json = JSON.stringify(pathItem);
    const refs = new Set<string>();
    collectRefs(pathItem, refs);
    const reached = dependencies(refs);
    const operationIds: string[] = [];
    for (const method of HTTP_METHODS) {
      const operation = (pathItem as Record<string, unknown>)[method] as Record<string, unknown> | undefined;
      if (operation === undefined) continue;
      if ('$ref' in operation || typeof operation.operationId !== 'string') return undefined;
      operationIds.push(operation.operationId);
    }
    if (!plannable) return undefined;
    const source = hash([stamp, url, json, ...reached].join('\n'));
    current ??= { chunk: { urls: [], operationIds: [] }, sources: [], size: 0 };
    current.chunk.urls.push(url);
    current.chunk.operationIds.push(operationIds);
    current.sources.push(source);
    current.size += json.length;
    // Cut where the path's own name says so (content-defined), so adding or changing one path
    // item moves no other boundary; cap the size so pieces stay small enough to share out.
    if ((current.size >= CHUNK_MIN && parseInt(hash(url).slice(0, 8), 16) % 8 === 0) || current.size >= CHUNK_MAX) {
      chunks.push(current.chunk);
      unitSources.push(current.sources);
      current = undefined;
    }
  }
  if (current) {
    chunks.push(current.chunk);
    unitSources.push(current.sources);
  }
  if (chunks.length === 0) return undefined;

  // The pieces, and for each the chunk and slice it comes from (or the rest). A chunk is cut into
  // slices of a few path items each (after a path item whose name hashes to 0 mod 3: content-
  // defined again), one `paths` and one `operations` piece per slice, so a small change transforms
  // and formats a few path items, not a whole chunk (60 kB of operations, ~0.3 s of prettier, on
  // the real spec). A run that wants every slice of a chunk transforms the chunk in one go.
  const pieces: TypesPiece[] = [];
  const origins: Array<{ kind: 'paths' | 'operations'; chunk: number; slice: number } | { kind: 'rest' }> = [];
  const slices = chunks.map((chunk) => {
    const cut: Array<{ start: number; end: number; operationIds: string[] }> = [];
    let start = 0;
    chunk.urls.forEach((url, index) => {
      if (index === chunk.urls.length - 1 || parseInt(hash(url).slice(8, 16), 16) % 3 === 0) {
        cut.push({ start, end: index + 1, operationIds: chunk.operationIds.slice(start, index + 1).flat() });
        start = index + 1;
      }
    });
    return cut;
  });
  const add = (kind: 'paths' | 'operations') => {
    const planned: Array<{ chunk: number; slice: number; sources: string[] }> = [];
    slices.forEach((cut, chunk) =>
      cut.forEach(({ start, end, operationIds }, slice) => {
        if (kind === 'operations' && operationIds.length === 0) return;
        planned.push({ chunk, slice, sources: unitSources[chunk].slice(start, end) });
      }),
    );
    planned.forEach(({ chunk, slice, sources }, position) => {
      const first = position === 0;
      const last = position === planned.length - 1;
      pieces.push({ source: hash([kind, first, last, ...sources].join('\n')), dropHead: !first, dropTail: !last });
      origins.push({ kind, chunk, slice });
    });
    return planned.length;
  };
  add('paths');
  // The rest: everything but the paths, and whatever it reaches in them through `$ref`.
  const rest: Record<string, unknown> = { ...document };
  delete rest.paths;
  const restRefs = new Set<string>();
  collectRefs(rest, restRefs);
  const restDependencies = dependencies(restRefs);
  if (!plannable) return undefined;
  pieces.push({ source: hash([stamp, 'rest', JSON.stringify(rest), ...restDependencies].join('\n')), dropHead: false, dropTail: false });
  origins.push({ kind: 'rest' });
  if (add('operations') === 0) return undefined; // validate-spec.ts makes this impossible; stay on the whole-document path

  // What a transform may read besides the path items it is given: everything but the paths, and
  // the paths too should a `$ref` point into them (then the whole document goes to a thread).
  const refersToPaths = [...targets.keys()].some((ref) => ref.split('#/')[1]?.startsWith('paths/'));
  const documentFor = (urls: readonly string[]): OpenApiDocument => {
    if (refersToPaths) return document;
    const paths: Record<string, unknown> = {};
    for (const url of urls) paths[url] = document.paths[url];
    return { ...document, paths } as OpenApiDocument;
  };

  const render = async (indices: readonly number[], onPiece: (index: number, text: string) => void): Promise<void> => {
    // Chunk by chunk (its `paths` and `operations` pieces asked for from one transform).
    const wanted = new Map<number | 'rest', number[]>();
    for (const index of indices) {
      const origin = origins[index];
      const key = origin.kind === 'rest' ? 'rest' : origin.chunk;
      wanted.set(key, [...(wanted.get(key) ?? []), index]);
    }
    const units = [...wanted].map(([key, pieceIndices]) => {
      if (key === 'rest') return { unit: { kind: 'rest' } as TypesUnit, pieceIndices };
      // Only the slices asked for are transformed (a path item transforms alone, as a chunk does):
      // their path items in order, each piece's members counted from the start of that subset.
      const wantedSlices = [...new Set(pieceIndices.map((index) => (origins[index] as { slice: number }).slice))].sort((a, b) => a - b);
      const urls: string[] = [];
      const offsets = new Map<number, { url: number; operation: number }>();
      let operationCount = 0;
      for (const slice of wantedSlices) {
        const { start, end, operationIds } = slices[key][slice];
        offsets.set(slice, { url: urls.length, operation: operationCount });
        urls.push(...chunks[key].urls.slice(start, end));
        operationCount += operationIds.length;
      }
      const unit: TypesUnit = {
        kind: 'chunk',
        urls,
        operations: operationCount,
        pieces: pieceIndices.map((index) => {
          const origin = origins[index] as { kind: 'paths' | 'operations'; slice: number };
          const { start, end, operationIds } = slices[key][origin.slice];
          const offset = offsets.get(origin.slice)!;
          const slice: PieceSlice =
            origin.kind === 'paths'
              ? { from: offset.url, to: offset.url + end - start }
              : { from: offset.operation, to: offset.operation + operationIds.length, operationIds };
          return { kind: origin.kind, first: !pieces[index].dropHead, slice };
        }),
      };
      return { unit, pieceIndices };
    });
    const hand = (pieceIndices: number[], texts: string[]) => pieceIndices.forEach((index, position) => onPiece(index, texts[position]));
    if (thread) {
      // All asked for at once: the thread answers in order, and each answer is formatted while
      // it transforms the next.
      await Promise.all(
        units.map(async ({ unit, pieceIndices }) => {
          const texts = await thread
            .call<string[]>('renderTypesUnit', [documentFor(unit.kind === 'chunk' ? unit.urls : []), unit, file])
            .catch((error: Error) => {
              throw error.name === 'TypesPlanMismatch' ? new TypesPlanMismatch(error.message) : error;
            });
          hand(pieceIndices, texts);
        }),
      );
      return;
    }
    for (const { unit, pieceIndices } of units) {
      hand(pieceIndices, renderTypesUnit(document, unit, file));
      await new Promise((resolve) => setImmediate(resolve)); // let a formatter on another thread be fed
    }
  };
  return { pieces, render };
}

/**
 * A unit of planned work: one chunk of path items (its `paths` members and its operations'
 * members, as the pieces asked for: each the first of its interface or not), or the rest.
 */
export type TypesUnit =
  | { kind: 'chunk'; urls: string[]; operations: number; pieces: Array<{ kind: 'paths' | 'operations'; first: boolean; slice: PieceSlice }> }
  | { kind: 'rest' };

/**
 * The members of a chunk's `paths` or `operations` interface a piece holds: `from` to `to`
 * (exclusive). openapi-typescript injects operations in path order, each path item's together;
 * the operationIds they should be are checked after the transform.
 */
export interface PieceSlice {
  from: number;
  to: number;
  operationIds?: string[];
}

/**
 * The unformatted texts of a unit's pieces. `document` holds the unit's path items and whatever
 * their `$ref`s reach (planTypes sends no more to a worker thread). Throws TypesPlanMismatch
 * when the transform does not come out in the planned shape.
 */
export function renderTypesUnit(document: OpenApiDocument, unit: TypesUnit, file: string): string[] {
  const ts = loadTransformer();
  const { factory } = ts.ts;
  const noDiscriminators = { objects: {}, refsHandled: [] };
  const print = (nodes: TsNode[]) => ts.astToString(nodes as never);
  const isInterface = (node: TsNode | undefined, name: string) => !!node && ts.ts.isInterfaceDeclaration(node) && node.name.text === name;
  const isAlias = (node: TsNode | undefined, name: string) => !!node && ts.ts.isTypeAliasDeclaration(node) && node.name.text === name;
  const members = (node: TsNode) => (node as unknown as { members: NodeArray<TypeElement> }).members;
  const printMembers = (list: NodeArray<TypeElement>, name: string, first: boolean) =>
    print([factory.createInterfaceDeclaration(ts.tsModifiers({ export: first }), first ? name : '_', undefined, undefined, list)]);
  try {
    if (unit.kind === 'rest') {
      const rest: Record<string, unknown> = { ...document };
      delete rest.paths;
      const statements = ts.transformSchema(rest as never, createContext(document, ts, noDiscriminators)) as TsNode[];
      // [paths, webhooks, components, $defs, operations] with no paths and no operations.
      if (statements.length !== 5 || !isAlias(statements[4], 'operations')) {
        throw new TypesPlanMismatch('components did not transform to the planned statements');
      }
      return [print(statements.slice(1, 4))];
    }
    const subset: Record<string, unknown> = {};
    for (const url of unit.urls) subset[url] = document.paths[url];
    // Each chunk gets a context of its own: `injectFooter` then holds this chunk's operations only.
    const statements = ts.transformSchema({ paths: subset } as never, createContext(document, ts, noDiscriminators)) as TsNode[];
    // [paths, webhooks, components, $defs, operations]: anything more is a helper openapi-typescript
    // shares across the file, which the plan does not provide for.
    const [paths, , , , operations] = statements;
    if (
      statements.length !== 5 ||
      !isInterface(paths, 'paths') ||
      members(paths).length !== unit.urls.length ||
      (unit.operations > 0
        ? !isInterface(operations, 'operations') || members(operations).length !== unit.operations
        : !isAlias(operations, 'operations'))
    ) {
      throw new TypesPlanMismatch(`path items ${unit.urls[0]} … did not transform to the planned members`);
    }
    return unit.pieces.map(({ kind, first, slice }) => {
      const all = members(kind === 'paths' ? paths : operations);
      const sliced = factory.createNodeArray(all.slice(slice.from, slice.to));
      if (slice.operationIds) {
        const names = sliced.map((member) => (member.name && (ts.ts.isIdentifier(member.name) || ts.ts.isStringLiteral(member.name)) ? member.name.text : undefined));
        if ([...names].sort().join('\n') !== [...slice.operationIds].sort().join('\n')) {
          throw new TypesPlanMismatch(`path items ${unit.urls[0]} … did not transform to the planned operations`);
        }
      }
      return printMembers(sliced, kind, first);
    });
  } catch (error) {
    if (error instanceof TypesPlanMismatch) throw error;
    throw convertError(error, file);
  }
}

/**
 * What openapi-typescript's `resolveRef` finds for `ref` (the same walk: `#/`-pointer, `~1` `~0`
 * and %-escapes decoded, empty segments skipped, a falsy step is not found), without following a
 * `$ref` at the target: the closure of `planTypes` follows it as a reference of its own.
 */
function resolvePointer(document: unknown, ref: string): unknown {
  const [, pointer = ''] = ref.split('#/');
  let keys: string[];
  try {
    keys = pointer
      .split('/')
      .map((raw) => decodeURIComponent(raw.replace(/~1/g, '/').replace(/~0/g, '~')))
      .filter(Boolean);
  } catch {
    return undefined; // openapi-typescript fails on it too, when it gets there
  }
  if (keys.length === 0) return undefined;
  let node = document;
  for (const key of keys) {
    if (node && typeof node === 'object' && (node as Record<string, unknown>)[key]) node = (node as Record<string, unknown>)[key];
    else return undefined;
  }
  return node;
}
