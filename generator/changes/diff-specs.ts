/**
 * `diffSpecs(old, new)`: what changed between two OpenAPI 3 documents, from the point of view
 * of code written against the client generated from the old one. Pure: no I/O, no clock.
 *
 * Operations are matched by `operationId` first (a changed method or path is then a breaking
 * change of that operation), then by method + path template (an `operationId` that changed
 * renames the generated wrapper: breaking). Whatever is left is added or removed.
 * Schema-level rules (request vs response direction) live in `diff-schemas.ts`.
 */
import { diffSchemas, escapePointer, makeResolver, type Direction, type SchemaChangeKind } from './diff-schemas.js';
import { operationJson, unchangedTargets } from './untouched.js';

export type ChangeKind =
  | 'operation-added'
  | 'operation-removed'
  | 'operation-id-changed'
  | 'method-changed'
  | 'path-changed'
  | 'security-changed'
  | 'deprecated'
  | 'parameter-added'
  | 'parameter-removed'
  | 'parameter-renamed'
  | 'parameter-newly-required'
  | 'parameter-no-longer-required'
  | 'request-body-added'
  | 'request-body-removed'
  | 'request-body-newly-required'
  | 'request-body-no-longer-required'
  | 'media-type-added'
  | 'media-type-removed'
  | 'response-status-changed'
  | 'response-status-added'
  | 'response-status-removed'
  | 'response-body-added'
  | 'response-body-removed'
  | 'response-added'
  | 'response-removed'
  | 'response-header-added'
  | 'response-header-removed'
  | SchemaChangeKind;

export interface OperationRef {
  operationId: string;
  method: string;
  path: string;
  tag?: string;
  summary?: string;
}

export interface ApiChange {
  kind: ChangeKind;
  breaking: boolean;
  /** The operation as it is in the new spec (the old one for a removed operation). */
  operation: OperationRef;
  /** Where in the operation: `query/page_size`, `requestBody/profile/givenName`, `responses/200/[]/id`. */
  location?: string;
  message: string;
}

export interface ChangedOperation {
  operation: OperationRef;
  /** Set when the operation's id, method or path changed. */
  previous?: OperationRef;
  breaking: boolean;
  changes: ApiChange[];
}

export interface ChangeReport {
  operations: { old: number; new: number };
  added: OperationRef[];
  removed: OperationRef[];
  changed: ChangedOperation[];
  /** Every change, operation additions and removals included, in report order. */
  changes: ApiChange[];
  breaking: ApiChange[];
  summary: { added: number; removed: number; changed: number; breaking: number; nonBreaking: number };
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface IndexedOperation {
  ref: OperationRef;
  operation: Record<string, any>;
  pathItem: Record<string, any>;
  /** Path with parameter names blanked (`/api/users/{}`), so a renamed path parameter is not a new path. */
  shape: string;
}

export function diffSpecs(oldSpec: unknown, newSpec: unknown): ChangeReport {
  const oldDocument = asDocument(oldSpec, 'old spec');
  const newDocument = asDocument(newSpec, 'new spec');
  const resolveOld = makeResolver(oldDocument);
  const resolveNew = makeResolver(newDocument);
  const oldOperations = indexOperations(oldDocument, resolveOld);
  const newOperations = indexOperations(newDocument, resolveNew);

  const pairs: Array<[IndexedOperation, IndexedOperation]> = [];
  const unmatchedOld = new Map(oldOperations);
  const unmatchedNew = new Map(newOperations);
  for (const [id, oldOperation] of oldOperations) {
    const newOperation = newOperations.get(id);
    if (!newOperation) continue;
    pairs.push([oldOperation, newOperation]);
    unmatchedOld.delete(id);
    unmatchedNew.delete(id);
  }
  const newByShape = new Map<string, IndexedOperation>();
  for (const operation of unmatchedNew.values()) newByShape.set(`${operation.ref.method} ${operation.shape}`, operation);
  for (const [id, oldOperation] of unmatchedOld) {
    const newOperation = newByShape.get(`${oldOperation.ref.method} ${oldOperation.shape}`);
    if (!newOperation || !unmatchedNew.has(newOperation.ref.operationId)) continue;
    pairs.push([oldOperation, newOperation]);
    unmatchedOld.delete(id);
    unmatchedNew.delete(newOperation.ref.operationId);
  }

  const context = { oldDocument, newDocument, resolveOld, resolveNew };
  // Most operations are untouched between two releases: when an operation's JSON and that of
  // everything its $refs reach is byte-identical, skip the walk. A $ref may point anywhere in
  // the document (into another operation, say), so each target is checked, not `components`.
  // JSON.stringify is native and fast, so this costs a fraction of walking the schemas.
  const reachesOnlyUnchanged = unchangedTargets(oldDocument, newDocument);
  const sameSecurity = JSON.stringify(oldDocument.security ?? null) === JSON.stringify(newDocument.security ?? null);
  const changed: ChangedOperation[] = [];
  for (const [oldOperation, newOperation] of pairs) {
    if (sameSecurity && oldOperation.ref.operationId === newOperation.ref.operationId && oldOperation.ref.method === newOperation.ref.method && oldOperation.ref.path === newOperation.ref.path) {
      const before = operationJson(oldOperation.operation, oldOperation.pathItem.parameters);
      const after = operationJson(newOperation.operation, newOperation.pathItem.parameters);
      if (before === after && reachesOnlyUnchanged(before)) continue;
    }
    const changes = diffOperation(context, oldOperation, newOperation);
    if (changes.length === 0) continue;
    const moved =
      oldOperation.ref.operationId !== newOperation.ref.operationId ||
      oldOperation.ref.method !== newOperation.ref.method ||
      oldOperation.ref.path !== newOperation.ref.path;
    changed.push({
      operation: newOperation.ref,
      ...(moved ? { previous: oldOperation.ref } : {}),
      breaking: changes.some((change) => change.breaking),
      changes,
    });
  }

  const added = [...unmatchedNew.values()].map((operation) => operation.ref).sort(byPathThenMethod);
  const removed = [...unmatchedOld.values()].map((operation) => operation.ref).sort(byPathThenMethod);
  changed.sort((a, b) => byPathThenMethod(a.operation, b.operation));

  const changes: ApiChange[] = [
    ...removed.map((operation) => ({
      kind: 'operation-removed' as const,
      breaking: true,
      operation,
      message: `operation ${operation.operationId} (${operation.method} ${operation.path}) removed`,
    })),
    ...changed.flatMap((entry) => entry.changes),
    ...added.map((operation) => ({
      kind: 'operation-added' as const,
      breaking: false,
      operation,
      message: `operation ${operation.operationId} (${operation.method} ${operation.path}) added`,
    })),
  ];
  const breaking = changes.filter((change) => change.breaking);
  return {
    operations: { old: oldOperations.size, new: newOperations.size },
    added,
    removed,
    changed,
    changes,
    breaking,
    summary: {
      added: added.length,
      removed: removed.length,
      changed: changed.length,
      breaking: breaking.length,
      nonBreaking: changes.length - breaking.length,
    },
  };
}

interface DiffContext {
  oldDocument: Record<string, any>;
  newDocument: Record<string, any>;
  resolveOld: (value: any) => any;
  resolveNew: (value: any) => any;
}

function diffOperation(context: DiffContext, oldOperation: IndexedOperation, newOperation: IndexedOperation): ApiChange[] {
  const changes: ApiChange[] = [];
  const operation = newOperation.ref;
  const add = (kind: ChangeKind, breaking: boolean, message: string, location?: string) =>
    changes.push({ kind, breaking, operation, ...(location === undefined ? {} : { location }), message });

  const before = oldOperation.ref;
  if (before.operationId !== operation.operationId) {
    add('operation-id-changed', true, `operationId changed from ${before.operationId} to ${operation.operationId} (the generated method is renamed)`);
  }
  if (before.method !== operation.method) add('method-changed', true, `method changed from ${before.method} to ${operation.method}`);
  if (oldOperation.shape !== newOperation.shape) add('path-changed', true, `path changed from ${before.path} to ${operation.path}`);

  const oldSecurity = JSON.stringify(oldOperation.operation.security ?? context.oldDocument.security ?? []);
  const newSecurity = JSON.stringify(newOperation.operation.security ?? context.newDocument.security ?? []);
  if (oldSecurity !== newSecurity) add('security-changed', true, `security requirement changed from ${oldSecurity} to ${newSecurity}`);
  if (!oldOperation.operation.deprecated && newOperation.operation.deprecated) add('deprecated', false, 'operation is now deprecated');

  diffParameters(context, oldOperation, newOperation, add);
  diffRequestBody(context, oldOperation.operation.requestBody, newOperation.operation.requestBody, add, changes, operation);
  diffResponses(context, oldOperation.operation.responses, newOperation.operation.responses, add, changes, operation);
  // Breaking changes first, each group in the order found (stable sort).
  return changes.sort((a, b) => Number(b.breaking) - Number(a.breaking));
}

type Add = (kind: ChangeKind, breaking: boolean, message: string, location?: string) => void;

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: unknown;
}

function diffParameters(context: DiffContext, oldOperation: IndexedOperation, newOperation: IndexedOperation, add: Add) {
  const oldParameters = collectParameters(context.resolveOld, oldOperation);
  const newParameters = collectParameters(context.resolveNew, newOperation);

  // Which new parameter each old one is: the same segments of a path that keeps its shape
  // (see sameSegments), otherwise the same place and name.
  const counterparts = oldOperation.shape === newOperation.shape ? sameSegments(oldOperation, newOperation, oldParameters, newParameters) : new Map<Parameter, Parameter>();
  const taken = new Set(counterparts.values());
  for (const [id, before] of oldParameters) {
    const after = newParameters.get(id);
    if (after && !counterparts.has(before) && !taken.has(after)) {
      counterparts.set(before, after);
      taken.add(after);
    }
  }
  const added = [...newParameters.values()].filter((parameter) => !taken.has(parameter));

  // A single query/header parameter swapped for another one is reported as a rename.
  for (const place of ['query', 'header', 'cookie']) {
    const gone = [...oldParameters.values()].filter((parameter) => parameter.in === place && !counterparts.has(parameter));
    const came = added.filter((parameter) => parameter.in === place);
    if (gone.length === 1 && came.length === 1) counterparts.set(gone[0]!, came[0]!);
  }
  const pairedTo = new Set(counterparts.values());

  for (const parameter of oldParameters.values()) {
    const location = `${parameter.in}/${parameter.name}`;
    const replacement = counterparts.get(parameter);
    if (!replacement) {
      add('parameter-removed', true, `${parameter.in} parameter "${parameter.name}" removed`, location);
    } else if (replacement.name !== parameter.name) {
      add('parameter-renamed', true, `${parameter.in} parameter "${parameter.name}" renamed to "${replacement.name}"`, location);
      compareParameter(context, parameter, replacement, add);
    }
  }
  for (const parameter of added) {
    if (pairedTo.has(parameter)) continue;
    const location = `${parameter.in}/${parameter.name}`;
    if (parameter.required) add('parameter-newly-required', true, `new required ${parameter.in} parameter "${parameter.name}"`, location);
    else add('parameter-added', false, `optional ${parameter.in} parameter "${parameter.name}" added`, location);
  }
  for (const before of oldParameters.values()) {
    const after = counterparts.get(before);
    if (after?.name === before.name) compareParameter(context, before, after, add);
  }
}

/**
 * A path that keeps its shape is the same route (operations are paired by it), so a path
 * parameter is the segments it fills, whatever it is called: an old and a new one that fill
 * exactly the same segments are one parameter, renamed if the names differ. In `/x/{a}/{b}` →
 * `/x/{c}/{a}`, `a` became `c` and `b` became `a`: a caller renaming them so sends the same
 * request. A name whose segments were split or merged (`/x/{n}/{n}` → `/x/{m}/{n}`) has no
 * such counterpart and is left to be matched by name: `n` stays, `m` is new.
 */
function sameSegments(oldOperation: IndexedOperation, newOperation: IndexedOperation, oldParameters: Map<string, Parameter>, newParameters: Map<string, Parameter>) {
  const segments = (path: string) => {
    const byName = new Map<string, number[]>();
    pathParameterNames(path).forEach((name, index) => byName.set(name, [...(byName.get(name) ?? []), index]));
    return new Map([...byName].map(([name, indexes]) => [indexes.join(), name]));
  };
  const newBySegments = segments(newOperation.ref.path);
  const counterparts = new Map<Parameter, Parameter>();
  for (const [filled, oldName] of segments(oldOperation.ref.path)) {
    const newName = newBySegments.get(filled);
    const before = oldParameters.get(`path/${oldName}`);
    const after = newParameters.get(`path/${newName}`);
    if (newName !== undefined && before && after) counterparts.set(before, after);
  }
  return counterparts;
}

function compareParameter(context: DiffContext, before: Parameter, after: Parameter, add: Add) {
  const location = `${after.in}/${after.name}`;
  if (!before.required && after.required) add('parameter-newly-required', true, `${after.in} parameter "${after.name}" is now required`, location);
  if (before.required && !after.required) add('parameter-no-longer-required', false, `${after.in} parameter "${after.name}" is no longer required`, location);
  // A parameter is something the caller sends: compared in the request direction.
  for (const change of diffSchemas({ ...context, direction: 'request' }, before.schema, after.schema, location)) {
    add(change.kind, change.breaking, `${after.in} parameter "${after.name}": ${change.message}`, change.location);
  }
}

function collectParameters(resolve: (value: any) => any, indexed: IndexedOperation): Map<string, Parameter> {
  const parameters = new Map<string, Parameter>();
  // Operation-level parameters override path-level ones with the same name and location.
  for (const raw of [...(indexed.pathItem.parameters ?? []), ...(indexed.operation.parameters ?? [])]) {
    const parameter = resolve(raw);
    if (!parameter || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') continue;
    const entry = { name: parameter.name, in: parameter.in, required: parameter.required === true, schema: parameter.schema };
    parameters.set(key(entry), entry);
  }
  return parameters;
}

function key(parameter: Parameter): string {
  return `${parameter.in}/${parameter.name}`;
}

function diffRequestBody(
  context: DiffContext,
  rawOld: unknown,
  rawNew: unknown,
  add: Add,
  changes: ApiChange[],
  operation: OperationRef,
) {
  const before = context.resolveOld(rawOld);
  const after = context.resolveNew(rawNew);
  if (!before && !after) return;
  if (before && !after) return add('request-body-removed', true, 'request body removed', 'requestBody');
  if (!before && after) {
    if (after.required) return add('request-body-newly-required', true, 'new required request body', 'requestBody');
    return add('request-body-added', false, 'optional request body added', 'requestBody');
  }
  if (!before.required && after.required) add('request-body-newly-required', true, 'request body is now required', 'requestBody');
  if (before.required && !after.required) add('request-body-no-longer-required', false, 'request body is no longer required', 'requestBody');
  diffContent(context, 'request', before.content, after.content, 'requestBody', add, changes, operation);
}

function diffResponses(
  context: DiffContext,
  rawOld: unknown,
  rawNew: unknown,
  add: Add,
  changes: ApiChange[],
  operation: OperationRef,
) {
  // Only success responses are typed data; Logto's error responses carry no schema.
  const success = (resolve: (value: any) => any, responses: any) =>
    new Map(
      Object.entries(responses ?? {})
        .filter(([status]) => /^2(\d\d|XX)$/i.test(status))
        .map(([status, response]) => [status, resolve(response)] as const),
    );
  const before = success(context.resolveOld, rawOld);
  const after = success(context.resolveNew, rawNew);
  const pairs: Array<[string, any, string, any]> = [];
  for (const [status, response] of before) {
    if (after.has(status)) pairs.push([status, response, status, after.get(status)]);
  }
  const onlyBefore = [...before.keys()].filter((status) => !after.has(status));
  const onlyAfter = [...after.keys()].filter((status) => !before.has(status));
  if (onlyBefore.length === 1 && onlyAfter.length === 1) {
    // 200 → 201 and the like: the wrapper returns the data of any 2xx, so only the body matters.
    const [from, to] = [onlyBefore[0]!, onlyAfter[0]!];
    add('response-status-changed', false, `success status changed from ${from} to ${to}`, `responses/${to}`);
    pairs.push([from, before.get(from), to, after.get(to)]);
  } else {
    // The wrapper returns the body of whichever 2xx came (undefined for one without a body).
    // A status gone with its body takes away data a caller read: breaking, as oasdiff's
    // response-success-status-removed; one gone without a body only narrows the result.
    for (const status of onlyBefore) {
      if (hasBody(before.get(status))) add('response-body-removed', true, `response ${status} (with a body) removed`, `responses/${status}`);
      else add('response-status-removed', false, `success status ${status} (without a body) removed`, `responses/${status}`);
    }
    // A status added (oasdiff: response-success-status-added, not breaking) is one more body
    // the result may be, as a union variant added; but one without a body, where every success
    // response had one, lets the call resolve to undefined: breaking, as a field now nullable.
    const alwaysData = before.size > 0 && [...before.values()].every(hasBody);
    for (const status of onlyAfter) {
      if (alwaysData && !hasBody(after.get(status))) {
        add('response-status-added', true, `success status ${status} added, without a body (the call may now resolve to undefined)`, `responses/${status}`);
      } else {
        add('response-status-added', false, `success status ${status} added`, `responses/${status}`);
      }
    }
  }
  for (const [, oldResponse, status, newResponse] of pairs) {
    const location = `responses/${status}`;
    const oldHasBody = hasBody(oldResponse);
    const newHasBody = hasBody(newResponse);
    if (oldHasBody && !newHasBody) add('response-body-removed', true, `response ${status} no longer has a body`, location);
    else if (!oldHasBody && newHasBody) add('response-body-added', false, `response ${status} now has a body`, location);
    else if (oldHasBody && newHasBody) diffContent(context, 'response', oldResponse.content, newResponse.content, location, add, changes, operation);
    diffResponseHeaders(oldResponse, newResponse, location, add);
  }
  diffOtherResponses(context, rawOld, rawNew, changes, operation);
}

/**
 * Error and other non-2xx responses: the wrappers return only 2xx data (an error is thrown as
 * LogtoApiError), but `operations['X']['responses']` lists every status, so a documented status
 * that comes or goes changes the generated types. Reported, never breaking.
 */
function diffOtherResponses(context: DiffContext, rawOld: any, rawNew: any, changes: ApiChange[], operation: OperationRef) {
  const other = (resolve: (value: any) => any, responses: any) =>
    new Map(
      Object.entries(responses ?? {})
        .filter(([status]) => !/^2(\d\d|XX)$/i.test(status))
        .map(([status, response]) => [status, resolve(response)] as const),
    );
  const before = other(context.resolveOld, rawOld);
  const after = other(context.resolveNew, rawNew);
  const add: Add = (kind, _breaking, message, location) =>
    changes.push({ kind, breaking: false, operation, ...(location === undefined ? {} : { location }), message });
  for (const status of before.keys()) {
    if (!after.has(status)) add('response-removed', false, `response ${status} no longer documented`, `responses/${status}`);
  }
  for (const [status, response] of after) {
    const location = `responses/${status}`;
    const previous = before.get(status);
    if (previous === undefined) {
      add('response-added', false, `response ${status} now documented${response?.description ? ` (${String(response.description).split('\n')[0]})` : ''}`, location);
      continue;
    }
    const previousHasBody = hasBody(previous);
    const nowHasBody = hasBody(response);
    if (previousHasBody && !nowHasBody) add('response-body-removed', false, `response ${status} no longer has a body`, location);
    else if (!previousHasBody && nowHasBody) add('response-body-added', false, `response ${status} now has a body`, location);
    else if (previousHasBody && nowHasBody) {
      const found: ApiChange[] = [];
      diffContent(context, 'response', previous.content, response.content, location, add, found, operation);
      changes.push(...found.map((change) => ({ ...change, breaking: false })));
    }
    diffResponseHeaders(previous, response, location, add);
  }
}

/** Documented response headers are typed (`headers: { 'Total-Number'?: string }`). */
function diffResponseHeaders(oldResponse: any, newResponse: any, location: string, add: Add) {
  const before = Object.keys(oldResponse?.headers ?? {});
  const after = Object.keys(newResponse?.headers ?? {});
  for (const name of before) {
    if (!after.includes(name)) add('response-header-removed', true, `response header ${name} no longer documented`, `${location}/headers/${escapePointer(name)}`);
  }
  for (const name of after) {
    if (!before.includes(name)) add('response-header-added', false, `response header ${name} now documented`, `${location}/headers/${escapePointer(name)}`);
  }
}

function hasBody(response: any): boolean {
  return !!response?.content && Object.keys(response.content).length > 0;
}

function diffContent(
  context: DiffContext,
  direction: Direction,
  oldContent: Record<string, any> | undefined,
  newContent: Record<string, any> | undefined,
  location: string,
  add: Add,
  changes: ApiChange[],
  operation: OperationRef,
) {
  const before = oldContent ?? {};
  const after = newContent ?? {};
  const request = direction === 'request';
  for (const mediaType of Object.keys(before)) {
    if (!(mediaType in after)) {
      // A request media type the caller used is gone; a response media type the caller read is gone.
      add('media-type-removed', true, `${mediaType} no longer accepted${request ? '' : ' in the response'}`, location);
      continue;
    }
    // The JSON body is what typed code sees; other media types are located by name.
    const where = mediaType === 'application/json' ? location : `${location}/${escapePointer(mediaType)}`;
    for (const change of diffSchemas({ ...context, direction }, before[mediaType]?.schema, after[mediaType]?.schema, where)) {
      changes.push({ ...change, operation });
    }
  }
  for (const mediaType of Object.keys(after)) {
    if (!(mediaType in before)) add('media-type-added', false, `${mediaType} now ${request ? 'accepted' : 'returned'}`, location);
  }
}

function indexOperations(document: Record<string, any>, resolve: (value: any) => any): Map<string, IndexedOperation> {
  const operations = new Map<string, IndexedOperation>();
  for (const [path, rawPathItem] of Object.entries<any>(document.paths ?? {})) {
    const pathItem = resolve(rawPathItem);
    if (!pathItem || typeof pathItem !== 'object') continue;
    for (const method of methods) {
      const operation = pathItem[method];
      if (!operation || typeof operation !== 'object') continue;
      const operationId = typeof operation.operationId === 'string' ? operation.operationId : `${method.toUpperCase()} ${path}`;
      const ref: OperationRef = { operationId, method: method.toUpperCase(), path };
      if (typeof operation.tags?.[0] === 'string') ref.tag = operation.tags[0];
      if (typeof operation.summary === 'string') ref.summary = operation.summary;
      operations.set(operationId, { ref, operation, pathItem, shape: path.replace(/\{[^}]*\}/g, '{}') });
    }
  }
  return operations;
}

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]!);
}

function byPathThenMethod(a: OperationRef, b: OperationRef): number {
  return compareStrings(a.path, b.path) || compareStrings(a.method, b.method) || compareStrings(a.operationId, b.operationId);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function asDocument(spec: unknown, label: string): Record<string, any> {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new TypeError(`${label}: not an OpenAPI document (expected an object)`);
  const document = spec as Record<string, any>;
  if (typeof document.openapi !== 'string' || !document.openapi.startsWith('3.')) {
    throw new TypeError(`${label}: not an OpenAPI 3.x document (openapi: ${JSON.stringify(document.openapi)})`);
  }
  if (!document.paths || typeof document.paths !== 'object') throw new TypeError(`${label}: has no "paths" object`);
  return document;
}
