/**
 * The real Logto 1.42.0 OpenAPI document the fake validates against. The package ships it as
 * `spec/logto-1.42.0.json` (copied in at build time); inside this repository the sources read
 * the one copy in `test/specs/`, so the 2.3 MB document is committed once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Schema = Record<string, any>;

export interface SpecOperation {
  operationId: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Schema[];
  requestBody?: Schema;
  responses: Record<string, Schema>;
}

export interface SpecDocument {
  paths: Record<string, Record<string, any>>;
  components?: Record<string, any>;
  security?: unknown[];
}

const candidates = [
  // Inside this repository (src/spec/ or dist/spec/) → test/specs/: the committed copy wins
  // over a copy left by an earlier build.
  new URL('../../../test/specs/logto-1.42.0.json', import.meta.url),
  // An installed package: dist/spec/ → <package>/spec/
  new URL('../../spec/logto-1.42.0.json', import.meta.url),
];

/** Path of the spec document on disk (served by `GET /api/swagger.json`). */
export const SPEC_PATH = fileURLToPath(candidates.find((candidate) => existsSync(candidate)) ?? candidates[1]);

let cached: { text: string; document: SpecDocument } | undefined;

export function specText(): string {
  cached ??= load();
  return cached.text;
}

export function specDocument(): SpecDocument {
  cached ??= load();
  return cached.document;
}

function load(): { text: string; document: SpecDocument } {
  if (!existsSync(SPEC_PATH)) throw new Error(`logto-mgmt-testing: the Logto spec is missing at ${SPEC_PATH} (a broken install?)`);
  const text = readFileSync(SPEC_PATH, 'utf8');
  return { text, document: JSON.parse(text) as SpecDocument };
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Follows `$ref`s inside the document. */
export function resolveRef(document: SpecDocument, schema: Schema): Schema {
  let current = schema;
  for (let depth = 0; current?.$ref; depth++) {
    if (depth > 20) throw new Error(`$ref loop at ${schema.$ref}`);
    current = String(current.$ref)
      .replace(/^#\//, '')
      .split('/')
      .reduce<any>((node, key) => node?.[key], document);
  }
  return current;
}

/** Tags whose operations act as the signed-in end user (test/specs/README.md). */
const USER_TOKEN_TAGS = new Set(['My account', 'Verifications', 'Account center']);

/** The credential an operation needs: `security: []` → none; the end-user tags → user; else M2M. */
export function operationSecurity(document: SpecDocument, operation: SpecOperation): 'm2m' | 'none' | 'user' {
  const security = operation.security ?? document.security ?? [];
  if (security.length === 0) return 'none';
  return operation.tags?.some((tag) => USER_TOKEN_TAGS.has(tag)) ? 'user' : 'm2m';
}
