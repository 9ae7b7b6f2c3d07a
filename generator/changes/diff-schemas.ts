/**
 * Compares two JSON schemas (one request or response body, or one parameter) and reports what
 * a typed consumer notices. The same change means different things by direction:
 * - in a request, whatever the caller may send must still be accepted: a field that becomes
 *   required, a removed field or enum value, a narrower type or a dropped `nullable` breaks it;
 * - in a response, whatever the caller reads must still be there: a removed field, a field
 *   that may now be absent or `null`, or a changed type breaks it.
 * Enum values and union variants follow the issue's rule in both directions: removed is
 * breaking, added is not.
 *
 * Logto's zod → OpenAPI conversion writes literals as `type: string` + `format: '"email"'`
 * (see test/specs/README.md), and string enums as `oneOf` of such literals: both are read
 * here as enums, so adding a sign-in method to a union is reported as "enum value added".
 */

export type Direction = 'request' | 'response';

export type SchemaChangeKind =
  | 'type-changed'
  | 'enum-value-added'
  | 'enum-value-removed'
  | 'field-added'
  | 'field-removed'
  | 'field-newly-required'
  | 'field-no-longer-required'
  | 'nullable-changed'
  | 'variant-added'
  | 'variant-removed'
  | 'additional-properties-added'
  | 'additional-properties-removed'
  | 'schema-added'
  | 'schema-removed';

export interface SchemaChange {
  kind: SchemaChangeKind;
  breaking: boolean;
  /** JSON-pointer-ish: `requestBody/profile/givenName`, `responses/200/[]/id`. */
  location: string;
  message: string;
}

type Schema = Record<string, any>;

/** Resolves local `$ref`s of one document; a chain of refs that loops is an error. */
export function makeResolver(document: Schema): (value: any) => any {
  const cache = new Map<string, unknown>();
  const lookup = (ref: string): unknown => {
    if (cache.has(ref)) return cache.get(ref);
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref "${ref}": only local references (#/...) are resolved`);
    let node: any = document;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) throw new Error(`unresolvable $ref "${ref}"`);
      node = node[key];
    }
    cache.set(ref, node);
    return node;
  };
  return (value) => {
    const chain = new Set<string>();
    while (value && typeof value === 'object' && typeof value.$ref === 'string') {
      if (chain.has(value.$ref)) throw new Error(`$ref cycle: ${[...chain, value.$ref].join(' → ')}`);
      chain.add(value.$ref);
      value = lookup(value.$ref);
    }
    return value;
  };
}

export interface SchemaDiffContext {
  resolveOld: (value: any) => any;
  resolveNew: (value: any) => any;
  direction: Direction;
}

export function diffSchemas(context: SchemaDiffContext, oldSchema: unknown, newSchema: unknown, location: string) {
  const changes: SchemaChange[] = [];
  // Pairs of (old, new) schema objects being compared on the current path: a recursive schema
  // (a tree of categories, say) meets itself again and is not walked twice.
  const inProgress = new Map<object, Set<object>>();
  walk(context, oldSchema, newSchema, location, changes, inProgress);
  return changes;
}

function walk(
  context: SchemaDiffContext,
  rawOld: unknown,
  rawNew: unknown,
  location: string,
  changes: SchemaChange[],
  inProgress: Map<object, Set<object>>,
): void {
  const oldSchema = flattenAllOf(context.resolveOld, context.resolveOld(rawOld));
  const newSchema = flattenAllOf(context.resolveNew, context.resolveNew(rawNew));
  // A media type without a schema, or a schema that constrains nothing (`{}`), is typed
  // `unknown`: gaining a schema narrows what may be sent and gives the reader fields; losing
  // one is the reverse.
  const request = context.direction === 'request';
  const oldAny = oldSchema === undefined || isAnySchema(oldSchema);
  const newAny = newSchema === undefined || isAnySchema(newSchema);
  if (oldAny !== newAny) {
    if (newAny) changes.push({ kind: 'schema-removed', breaking: !request, location, message: 'no longer has a schema (now any JSON)' });
    else changes.push({ kind: 'schema-added', breaking: request, location, message: `now has a schema${typeOf(newSchema as Schema) ? ` (${typeOf(newSchema as Schema)})` : ''} (was any JSON)` });
    return;
  }
  if (!isObject(oldSchema) || !isObject(newSchema)) return;
  let partners = inProgress.get(oldSchema);
  if (partners?.has(newSchema)) return;
  if (!partners) inProgress.set(oldSchema, (partners = new Set()));
  partners.add(newSchema);
  try {
    compare(context, oldSchema, newSchema, location, changes, inProgress);
  } finally {
    partners.delete(newSchema);
  }
}

function compare(
  context: SchemaDiffContext,
  oldSchema: Schema,
  newSchema: Schema,
  location: string,
  changes: SchemaChange[],
  inProgress: Map<object, Set<object>>,
): void {
  const request = context.direction === 'request';
  const add = (kind: SchemaChangeKind, breaking: boolean, message: string, where = location) =>
    changes.push({ kind, breaking, location: where, message });

  const oldEnum = enumValues(context.resolveOld, oldSchema);
  const newEnum = enumValues(context.resolveNew, newSchema);
  if (oldEnum && newEnum) {
    const oldKeys = new Set(oldEnum.map(literalKey));
    const newKeys = new Set(newEnum.map(literalKey));
    if (oldEnum.length === 1 && newEnum.length === 1 && !newKeys.has(literalKey(oldEnum[0]))) {
      add('type-changed', true, `literal changed from ${show(oldEnum[0])} to ${show(newEnum[0])}`);
      return;
    }
    for (const value of oldEnum) {
      if (!newKeys.has(literalKey(value))) add('enum-value-removed', true, `enum value ${show(value)} removed`);
    }
    for (const value of newEnum) {
      if (!oldKeys.has(literalKey(value))) add('enum-value-added', false, `enum value ${show(value)} added`);
    }
    compareNullable();
    return;
  }

  const oldType = typeOf(oldSchema);
  const newType = typeOf(newSchema);
  if (oldType && newType && oldType !== newType) {
    add('type-changed', true, `type changed from ${oldType} to ${newType}`);
    return;
  }
  if (oldEnum && !newEnum && newType) {
    // A closed set became an open type: the caller may send more, but may also read more.
    add('type-changed', !request, `no longer restricted to ${oldEnum.map(show).join(', ')} (now any ${newType})`);
  } else if (!oldEnum && newEnum && oldType) {
    add('type-changed', request, `now restricted to ${newEnum.map(show).join(', ')} (was any ${oldType})`);
  }
  compareNullable();

  // A schema that became a union (or stopped being one) is compared against the other side's
  // branches, not field by field against the union's (empty) top level.
  const oldBranches = unionBranches(context.resolveOld, oldSchema);
  const newBranches = unionBranches(context.resolveNew, newSchema);
  if (!oldBranches !== !newBranches) {
    const merged = oldBranches ? mergedObjectBranches(context.resolveOld, oldSchema) : mergedObjectBranches(context.resolveNew, newSchema);
    const single = oldBranches ? newSchema : oldSchema;
    if (merged && typeOf(single) === 'object') {
      const count = (oldBranches ?? newBranches)!.length;
      add(oldBranches ? 'variant-removed' : 'variant-added', false, oldBranches ? `no longer a union of ${count} object variants` : `now a union of ${count} object variants`);
      walk(context, oldBranches ? merged : oldSchema, oldBranches ? newSchema : merged, location, changes, inProgress);
      return;
    }
    compareVariants(context, oldSchema, newSchema, location, changes, inProgress);
    return;
  }

  // Objects: fields and their required-ness.
  const oldProperties: Schema = oldSchema.properties ?? {};
  const newProperties: Schema = newSchema.properties ?? {};
  const oldRequired = new Set<string>(Array.isArray(oldSchema.required) ? oldSchema.required : []);
  const newRequired = new Set<string>(Array.isArray(newSchema.required) ? newSchema.required : []);
  for (const name of Object.keys(oldProperties)) {
    const where = `${location}/${escapePointer(name)}`;
    // Own keys only: a field called `constructor` or `toString` is not in every object.
    if (!Object.hasOwn(newProperties, name)) {
      add('field-removed', true, request ? `field "${name}" removed from the request` : `field "${name}" removed from the response`, where);
      continue;
    }
    if (!oldRequired.has(name) && newRequired.has(name)) {
      if (request) add('field-newly-required', true, `field "${name}" is now required`, where);
      else add('field-newly-required', false, `field "${name}" is now always present`, where);
    } else if (oldRequired.has(name) && !newRequired.has(name)) {
      if (request) add('field-no-longer-required', false, `field "${name}" is no longer required`, where);
      else add('field-no-longer-required', true, `field "${name}" may now be absent`, where);
    }
    walk(context, oldProperties[name], newProperties[name], where, changes, inProgress);
  }
  for (const name of Object.keys(newProperties)) {
    if (Object.hasOwn(oldProperties, name)) continue;
    const where = `${location}/${escapePointer(name)}`;
    if (request && newRequired.has(name)) add('field-newly-required', true, `new required field "${name}"`, where);
    else add('field-added', false, `field "${name}" added`, where);
  }

  // Walked even when a side has no `items`: an array without them is `unknown[]`, so gaining or
  // losing them is a schema added or removed at `[]`, breaking as walk decides for any schema
  // (in a request gaining narrows what may be sent, in a response losing untypes what is read).
  // With `items` on neither side, walk sees any JSON twice and reports nothing.
  walk(context, oldSchema.items, newSchema.items, `${location}/[]`, changes, inProgress);
  // Extra keys: `additionalProperties: true` (or `{}`) is an index signature `[key: string]: unknown`
  // in the generated type; absent or `false` is none (`Record<string, never>` for an object
  // without fields). Allowing more keys breaks no one; no longer allowing them breaks code that
  // sends or reads them.
  const oldExtra = extraKeysSchema(oldSchema.additionalProperties);
  const newExtra = extraKeysSchema(newSchema.additionalProperties);
  if (!oldExtra && newExtra) add('additional-properties-added', false, 'now allows additional properties (any key)');
  else if (oldExtra && !newExtra) add('additional-properties-removed', true, 'no longer allows additional properties');
  else if (oldExtra && newExtra) walk(context, oldExtra, newExtra, `${location}/*`, changes, inProgress);

  // A side that is an enum spelled as a oneOf of literals has its values, not variants: they
  // were compared above as the set being restricted or no longer restricted, like an `enum`.
  if (!oldEnum && !newEnum) compareVariants(context, oldSchema, newSchema, location, changes, inProgress);

  function compareNullable() {
    const oldNullable = oldSchema.nullable === true;
    const newNullable = newSchema.nullable === true;
    if (oldNullable && !newNullable) add('nullable-changed', request, request ? 'no longer accepts null' : 'is never null now');
    if (!oldNullable && newNullable) add('nullable-changed', !request, request ? 'now accepts null' : 'may now be null');
  }
}

/**
 * `oneOf`/`anyOf` branches are matched by a key (a literal, a discriminating literal
 * property, or the type), so a union that gains a variant in the middle is still compared
 * branch by branch.
 */
function compareVariants(
  context: SchemaDiffContext,
  oldSchema: Schema,
  newSchema: Schema,
  location: string,
  changes: SchemaChange[],
  inProgress: Map<object, Set<object>>,
): void {
  const oldBranches: unknown[] | undefined = oldSchema.oneOf ?? oldSchema.anyOf;
  const newBranches: unknown[] | undefined = newSchema.oneOf ?? newSchema.anyOf;
  if (!oldBranches && !newBranches) return;
  // A schema that gained or lost its union is compared as a union of one; its sibling keys
  // (Logto writes `type` beside `oneOf`) were compared above.
  const oldList = oldBranches ?? [withoutKeys(oldSchema)];
  const newList = newBranches ?? [withoutKeys(newSchema)];
  const unmatched = new Map<string, unknown[]>();
  for (const branch of newList) {
    const key = branchKey(context.resolveNew, branch);
    unmatched.set(key, [...(unmatched.get(key) ?? []), branch]);
  }
  const leftOld: Array<{ key: string; branch: unknown }> = [];
  for (const branch of oldList) {
    const key = branchKey(context.resolveOld, branch);
    const candidates = unmatched.get(key);
    // Inside a real union the location names the variant: `requestBody/oneOf(tokenType="jwt")/context`.
    const where = oldList.length > 1 || newList.length > 1 ? `${location}/oneOf(${key})` : location;
    if (candidates?.length) walk(context, branch, candidates.shift(), where, changes, inProgress);
    else leftOld.push({ key, branch });
  }
  // One variant left on each side is the same variant rewritten (zod's `null` went from
  // `{nullable: true}` to `{type: string, nullable: true}`): compare it instead of add + remove.
  const leftNew = [...unmatched].flatMap(([key, rest]) => rest.map((branch) => ({ key, branch })));
  if (leftOld.length === 1 && leftNew.length === 1) {
    walk(context, leftOld[0]!.branch, leftNew[0]!.branch, location, changes, inProgress);
    return;
  }
  for (const { key } of leftOld) {
    changes.push({ kind: 'variant-removed', breaking: true, location, message: `union variant ${key} removed` });
  }
  for (const { key } of leftNew) {
    changes.push({ kind: 'variant-added', breaking: false, location, message: `union variant ${key} added` });
  }
}

function unionBranches(resolve: (value: any) => any, schema: Schema): unknown[] | undefined {
  const branches: unknown[] | undefined = schema.oneOf ?? schema.anyOf;
  if (!branches?.length || enumValues(resolve, schema)) return undefined;
  return branches;
}

/**
 * A union whose every branch is an object, merged into one object: each field's literal
 * values across branches become an enum, and a field is required when every branch requires
 * it. `{type: 'email'|'phone', value}` split into one branch per type compares as unchanged.
 */
function mergedObjectBranches(resolve: (value: any) => any, schema: Schema): Schema | undefined {
  const branches = (schema.oneOf ?? schema.anyOf ?? []).map((raw: unknown) => resolve(raw));
  let merged: Schema | undefined;
  if (branches.length > 0 && branches.every((branch: unknown) => isObject(branch) && typeOf(branch) === 'object')) {
    const fields = new Map<string, unknown[]>();
    for (const branch of branches as Schema[]) {
      for (const [name, property] of Object.entries(branch.properties ?? {})) fields.set(name, [...(fields.get(name) ?? []), property]);
    }
    const properties: Schema = Object.create(null);
    for (const [name, schemas] of fields) {
      const literals = schemas.map((property) => enumValues(resolve, resolve(property)));
      properties[name] = literals.every(Boolean) && schemas.length > 1 ? { enum: [...new Set(literals.flat())] } : schemas[0];
    }
    const required = (branches as Schema[])
      .map((branch) => new Set<string>(branch.required ?? []))
      .reduce((common, next) => new Set([...common].filter((name) => next.has(name))));
    merged = { type: 'object', properties, required: [...required] };
    if (schema.nullable) merged.nullable = true;
  }
  return merged;
}

function withoutKeys(schema: Schema): Schema {
  const { oneOf: _oneOf, anyOf: _anyOf, ...rest } = schema;
  return rest;
}

function branchKey(resolve: (value: any) => any, raw: unknown): string {
  const branch = resolve(raw);
  if (!isObject(branch)) return 'any';
  const values = enumValues(resolve, branch);
  if (values?.length === 1) return show(values[0]);
  const type = typeOf(branch) ?? 'any';
  if (type === 'object' && isObject(branch.properties)) {
    for (const [name, property] of Object.entries(branch.properties)) {
      const literal = enumValues(resolve, resolve(property));
      if (literal?.length === 1) return `${name}=${show(literal[0])}`;
    }
  }
  return type;
}

/**
 * The set of values a schema allows when it is a closed set: `enum`, a Logto literal
 * (`format: '"email"'`), or a union whose every branch is one of those.
 */
function enumValues(resolve: (value: any) => any, schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if ('const' in schema) return [schema.const];
  const literal = logtoLiteral(schema);
  if (literal.found) return [literal.value];
  const branches: unknown[] | undefined = schema.oneOf ?? schema.anyOf;
  if (!branches?.length) return undefined;
  const values: unknown[] = [];
  for (const raw of branches) {
    const branch = resolve(raw);
    if (!isObject(branch) || branch.properties || branch.items) return undefined;
    const inner = enumValues(resolve, branch);
    if (!inner) return undefined;
    values.push(...inner);
  }
  return values;
}

function logtoLiteral(schema: Schema): { found: boolean; value?: unknown } {
  const format = schema.format;
  if (typeof format !== 'string' || (schema.type !== 'string' && schema.type !== 'boolean' && schema.type !== 'number')) {
    return { found: false };
  }
  if (!/^(".*"|true|false|-?\d+(\.\d+)?|null)$/s.test(format)) return { found: false };
  try {
    return { found: true, value: JSON.parse(format) };
  } catch {
    return { found: false };
  }
}

function typeOf(schema: Schema): string | undefined {
  if (Array.isArray(schema.type)) return [...schema.type].sort().join(' | ');
  if (typeof schema.type === 'string') return schema.type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

/** Merges `allOf` members into one object schema (properties and required lists). */
function flattenAllOf(resolve: (value: any) => any, schema: unknown): unknown {
  if (!isObject(schema) || !Array.isArray(schema.allOf)) return schema;
  const merged: Schema = { ...schema, properties: { ...schema.properties }, required: [...(schema.required ?? [])] };
  delete merged.allOf;
  for (const raw of schema.allOf) {
    const member = flattenAllOf(resolve, resolve(raw));
    if (!isObject(member)) continue;
    merged.properties = { ...merged.properties, ...member.properties }; // spread: a `__proto__` field stays a field
    merged.required.push(...(member.required ?? []));
    merged.type ??= member.type;
  }
  return merged;
}

/** No keyword that constrains the value (a description or example alone): any JSON. */
function isAnySchema(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  const constraining = ['type', 'properties', 'items', 'enum', 'const', 'oneOf', 'anyOf', 'allOf', 'not', 'additionalProperties', 'format', '$ref'];
  return !constraining.some((keyword) => keyword in schema);
}

/** The schema of an object's extra keys: `true` is `{}` (any value), absent or `false` none. */
function extraKeysSchema(additionalProperties: unknown): Schema | undefined {
  if (additionalProperties === true) return {};
  return isObject(additionalProperties) ? additionalProperties : undefined;
}

function isObject(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function literalKey(value: unknown): string {
  return JSON.stringify(value);
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
