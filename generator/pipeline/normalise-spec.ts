/**
 * Step 3: turn the vendor's document into the one we generate from: name operations that have
 * no usable operationId, then apply the declarative patches of patches.ts. The pinned spec.json
 * stays the vendor's document; patches are re-applied on every run.
 *
 * A patch is a fact about some Logto specs, not all of them: one that matches nothing (an
 * older Logto, or one that fixed the quirk) is counted `×0` on the summary line. Only this
 * repo's own check (`strictPatches`, `--strict-patches`) turns that into an error, so a stale
 * patch does not linger here while a consumer's `generate` never fails for a quirk's absence.
 */
import { GeneratorError } from './generator-error.js';
import type { JsonObject, SpecPatch } from './patches.js';
import type { OpenApiDocument, ValidationResult } from './validate-spec.js';

export interface NormaliseResult {
  document: OpenApiDocument;
  /** How many objects each patch rewrote, by patch id. */
  patchCounts: Record<string, number>;
}

export interface NormaliseOptions {
  /** A patch that matches nothing is an error (this repo's check on its pinned spec). */
  strictPatches?: boolean;
}

export function normaliseSpec(
  validation: ValidationResult,
  patches: readonly SpecPatch[],
  file: string,
  options: NormaliseOptions = {},
): NormaliseResult {
  // Rewrites in place (a 2 MB clone costs more than the whole step): pin-spec.ts serialises the
  // vendor's document before this runs.
  const document = validation.document;
  for (const { path, method, operationId } of validation.assignedOperationIds) {
    (document.paths[path][method] as JsonObject).operationId = operationId;
  }
  const patchCounts: Record<string, number> = Object.fromEntries(patches.map((patch) => [patch.id, 0]));
  const path: Array<string | number> = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        path.push(index);
        visit(node[index]);
        path.pop();
      }
      return;
    }
    for (const patch of patches) {
      if (patch.matches(node as JsonObject, path)) {
        patch.apply(node as JsonObject);
        patchCounts[patch.id]++;
      }
    }
    for (const key of Object.keys(node)) {
      path.push(key);
      visit((node as JsonObject)[key]);
      path.pop();
    }
  };
  visit(document);
  const stale = patches.filter((patch) => patchCounts[patch.id] === 0);
  if (options.strictPatches && stale.length > 0) {
    throw new GeneratorError(
      `patch${stale.length > 1 ? 'es' : ''} ${stale.map((patch) => patch.id).join(', ')} matched nothing: the quirk ` +
        'is gone from the spec, so remove the patch from generator/pipeline/patches.ts (--strict-patches: a patch that no longer applies must not linger)',
      { file, pointer: '' },
    );
  }
  return { document, patchCounts };
}
