/**
 * The change report compares two specs as the generator sees them: with the patches of
 * patches.ts applied to both sides. A quirk present in one version only (1.34.0 typed redirect
 * URIs as strings, 1.42.0 as `items: {type: object, description: "Validator function"}`) is
 * then no change at all, which is what the generated types say; compared raw, it would be
 * reported as a breaking type change that no consumer can notice.
 */
import { normaliseSpec } from '../pipeline/normalise-spec.js';
import type { SpecPatch } from '../pipeline/patches.js';
import type { OpenApiDocument } from '../pipeline/validate-spec.js';

/** A patched copy of `document`; the document itself is left as it is (it is pinned as served). */
export function asGenerated(document: unknown, patches: readonly SpecPatch[]): unknown {
  if (document === null || typeof document !== 'object' || Array.isArray(document) || patches.length === 0) return document;
  return asGeneratedInPlace(structuredClone(document), patches);
}

/** `document` itself patched, for a caller that needs it no more as it was (a 2 MB clone costs ~40 ms). */
export function asGeneratedInPlace(document: unknown, patches: readonly SpecPatch[]): unknown {
  if (document === null || typeof document !== 'object' || Array.isArray(document) || patches.length === 0) return document;
  return normaliseSpec({ document: document as OpenApiDocument, assignedOperationIds: [], warnings: [] }, patches, '').document;
}
