/**
 * Step 5: types. openapi-typescript's Node API, in-process, over the normalised document:
 * `paths`, `components`, `operations`. Loaded lazily so the no-change fast path never pays
 * for it (it pulls in TypeScript and Redocly).
 */
import { GeneratorError } from './generator-error.js';
import type { OpenApiDocument } from './validate-spec.js';

export async function emitTypes(document: OpenApiDocument, file: string): Promise<string> {
  const [{ default: openapiTS, astToString }, { default: ts }] = await Promise.all([
    import('openapi-typescript'),
    import('typescript'),
  ]);
  const blob = ts.factory.createTypeReferenceNode('Blob');
  try {
    const nodes = await openapiTS(document as never, {
      silent: true,
      // Uploads (multipart `file`, see patches.ts) are files, not strings.
      transform: (schema) => (schema.format === 'binary' ? blob : undefined),
    });
    return astToString(nodes);
  } catch (error) {
    throw new GeneratorError(`openapi-typescript could not convert the spec: ${(error as Error).message}`, { file });
  }
}
