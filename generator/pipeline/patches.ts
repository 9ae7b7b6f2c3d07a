/**
 * Fixes for known quirks of Logto's spec, kept in one place. Each patch says why it exists.
 * normalise-spec.ts applies every patch to every object in the document and counts its matches:
 * a quirk may be absent from some Logto versions, so `×0` is fine for a consumer, and an error
 * only under `--strict-patches` (this repo's check of its pinned spec: a stale patch must go).
 */
export type JsonObject = Record<string, unknown>;

export interface SpecPatch {
  /** Stable name, shown in errors and in the README's patch table. */
  readonly id: string;
  /** Why the spec needs this: the Logto quirk it corrects. */
  readonly reason: string;
  /** `path` is the key path from the document root to `node` (read-only, reused between calls). */
  matches(node: JsonObject, path: readonly (string | number)[]): boolean;
  /** Rewrites `node` in place. */
  apply(node: JsonObject): void;
}

const isValidatorFunction = (node: unknown): boolean =>
  node !== null && typeof node === 'object' && (node as JsonObject).type === 'object' && (node as JsonObject).description === 'Validator function';

const isJsonStringLiteral = (format: unknown): format is string =>
  typeof format === 'string' && format.length >= 2 && format.startsWith('"') && format.endsWith('"');

export const LOGTO_PATCHES: readonly SpecPatch[] = [
  {
    id: 'zod-string-literal',
    reason:
      "Logto's zod → OpenAPI conversion writes z.literal('email') as `type: string, format: '\"email\"'` (the JSON text of the value); it means exactly that string, so it becomes `enum: ['email']`.",
    matches: (node) => node.type === 'string' && isJsonStringLiteral(node.format),
    apply(node) {
      node.enum = [JSON.parse(node.format as string)];
      delete node.format;
    },
  },
  {
    id: 'zod-boolean-literal',
    reason:
      "z.literal(true) / z.literal(false) are written as `type: boolean, format: 'true'|'false'`; they mean exactly that boolean (discriminants such as passwordExpiration.enabled), so they become `enum: [true]` / `enum: [false]`.",
    matches: (node) => node.type === 'boolean' && (node.format === 'true' || node.format === 'false'),
    apply(node) {
      node.enum = [node.format === 'true'];
      delete node.format;
    },
  },
  {
    id: 'zod-empty-string-literal',
    reason:
      "z.literal('') (\"or an empty string\", e.g. termsOfUseUrl) is written as `type: string, format: 'empty'`; it becomes `enum: ['']`.",
    matches: (node) => node.type === 'string' && node.format === 'empty',
    apply(node) {
      node.enum = [''];
      delete node.format;
    },
  },
  {
    id: 'validator-function-items',
    reason:
      'Arrays validated by a custom zod refinement (e.g. oidcClientMetadata.redirectUris) have `items: {type: object, description: "Validator function"}` (Logto 1.42), or `items: {oneOf: [` two of those `]}` (Logto 1.34), but their values are strings (URIs).',
    matches: (node, path) => {
      if (path[path.length - 1] !== 'items') return false;
      const branches = node.oneOf ?? node.anyOf;
      return isValidatorFunction(node) || (Array.isArray(branches) && branches.length > 0 && branches.every(isValidatorFunction));
    },
    apply(node) {
      for (const key of Object.keys(node)) delete node[key];
      node.type = 'string';
    },
  },
  {
    id: 'multipart-file-field',
    reason:
      'Upload endpoints (user assets, custom UI assets, avatars) describe their multipart `file` field with a description and no type; it is a file, so it becomes `type: string, format: binary` (typed Blob).',
    matches: (node, path) =>
      path.includes('multipart/form-data') &&
      path[path.length - 2] === 'properties' &&
      node.type === undefined &&
      node.$ref === undefined &&
      node.oneOf === undefined &&
      node.anyOf === undefined &&
      node.allOf === undefined,
    apply(node) {
      node.type = 'string';
      node.format = 'binary';
    },
  },
];
