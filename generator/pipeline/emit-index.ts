/**
 * Step 7: the Markdown index of every method (OPERATIONS.md) and generated/README.md, which
 * explains the folder and that nothing in it is edited by hand.
 *
 * Both are written in prettier's layout already (tables aligned as its Markdown printer aligns
 * them: each column as wide as its widest cell, at least 3), so prettier leaves them as they are.
 * Where every string from the spec in OPERATIONS.md is plain (`isPlainIndex`), generate.ts writes
 * it without prettier: its Markdown printer costs ~150 ms to load on a run that changes one
 * operation. Other text, whose printing or width prettier may change (escapes, emphasis, wide
 * characters), goes through prettier as before. full-spec.test.ts checks both files against
 * prettier's output on the real spec.
 */
import { markdownBanner } from './banner.js';
import type { ApiModel } from './operation-model.js';

/** ASCII words and punctuation that prettier's Markdown printer prints as they are, single-spaced. */
const PLAIN_TEXT = /^[A-Za-z0-9.,;()'"/{}=@%+?!-]+(?: [A-Za-z0-9.,;()'"/{}=@%+?!-]+)*$/;
/** The inside of a code span: any printable ASCII but a backtick, a backslash or a pipe. */
const PLAIN_CODE = /^[\x20-\x5b\x5d-\x5f\x61-\x7b\x7d\x7e]*$/;

/** Whether OPERATIONS.md, as emitOperationsIndex writes it, is prettier's output already. */
export function isPlainIndex(model: ApiModel): boolean {
  return model.namespaces.every(
    (namespace) =>
      PLAIN_CODE.test(namespace.name) &&
      PLAIN_CODE.test(namespace.module) &&
      (namespace.tag === undefined || PLAIN_TEXT.test(namespace.tag)) &&
      namespace.operations.every(
        (operation) =>
          PLAIN_CODE.test(operation.method) && PLAIN_CODE.test(operation.path) && (operation.summary === undefined || operation.summary === '' || PLAIN_TEXT.test(operation.summary)),
      ),
  );
}

/** Rows of cells as prettier lays out a Markdown table with left-aligned columns (the first row is the header). */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(3, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((text, column) => text.padEnd(widths[column])).join(' | ')} |`;
  return [line(rows[0]), line(widths.map((width) => '-'.repeat(width))), ...rows.slice(1).map(line)];
}

export function emitOperationsIndex(model: ApiModel, specSha256: string): string {
  const paginated = model.operations.filter((operation) => operation.paginated).length;
  const lines = [
    markdownBanner(specSha256).trimEnd(),
    '',
    '# Operations',
    '',
    `${model.operations.length} operations in ${model.namespaces.length} namespaces (${paginated} paginated). ` +
      'Call them as `client.<namespace>.<method>(params, options)` or, tree-shaken, as ' +
      '`<namespace>.<method>(client, params, options)` with the namespace imported from its own module ' +
      '(`import * as users from \'…/operations/users.js\'`). Security: **m2m** = the client-credentials token, ' +
      "**user** = an end user's token (`userToken` call option), **none** = no token.",
    '',
    '## Namespaces',
    '',
    ...model.namespaces.map((namespace) => `- [\`${namespace.name}\`](#${namespace.name.toLowerCase()}) — ${namespace.tag ?? 'untagged'} (${namespace.operations.length})`),
  ];
  for (const namespace of model.namespaces) {
    lines.push('', `## ${namespace.name}`, '', `Tag: ${namespace.tag ?? '(none)'} · module \`operations/${namespace.module}.ts\``, '');
    const rows = [['Method', 'HTTP', 'Path', 'Summary', 'Security']];
    for (const operation of namespace.operations) {
      const method = `\`${namespace.name}.${operation.method}\``;
      const flags = [operation.paginated ? 'paginated' : '', operation.deprecated ? '**deprecated**' : ''].filter(Boolean).join(', ');
      const summary = (cell(operation.summary ?? '') + (flags ? ` (${flags})` : '')).trim();
      rows.push([method, operation.httpMethod, `\`${cell(operation.path)}\``, summary, operation.security]);
    }
    lines.push(...table(rows));
  }
  return `${lines.join('\n')}\n`;
}

export function emitGeneratedReadme(model: ApiModel, specSha256: string): string {
  return `${markdownBanner(specSha256)}
# generated/

Everything in this folder is written by \`logto-mgmt generate\` (\`npm run generate\`) from the pinned
spec and must not be edited by hand: edit the generator, or the patches in \`generator/pipeline/patches.ts\`,
and regenerate. \`npm run generate -- --check --offline\` fails when this folder differs from what the
generator writes.

${table([
    ['File', 'What'],
    ['`spec.json`', 'The spec that was used, as the vendor served it (keys sorted; patches are not applied here).'],
    ['`spec.lock.json`', 'Where the spec came from (source, ETag, sha256, `info.version`), generator and formatter versions, hashes of the files written.'],
    ['`schema.ts`', 'openapi-typescript types (`paths`, `components`, `operations`) of the patched spec.'],
    ['`operations/<namespace>.ts`', `One typed wrapper per operation, one module per tag (${model.namespaces.length} modules, ${model.operations.length} operations).`],
    ['`operations/index.ts`', 'Re-exports each module as a namespace: `export * as users from \'./users.js\'`.'],
    ['`client.ts`', '`createLogtoManagementClient(options)`: every namespace bound to one client.'],
    ['`index.ts`', 'Entry point: the client, the namespaces and the schema types.'],
    ['`name-map.json`', 'operationId → namespace and method. Read on every run, so a new operation never renames an old one.'],
    ['`OPERATIONS.md`', 'Every method with its HTTP method, path, summary and security.'],
  ]).join('\n')}

\`schema.ts\`, \`client.ts\` and the tag modules carry \`// @ts-nocheck\` under the banner: your \`tsc\` uses
their types as they are, exactly as precise, and reports every mistake in your code that calls them, but
does not re-check the generated declarations and bodies on every run (logto-mgmt's own tests type-check
every output with that line removed). \`index.ts\` and \`operations/index.ts\` only re-export and stay
checked, so a \`logto-mgmt\` runtime that cannot be resolved is still reported.

JSON files cannot carry a comment line: \`spec.lock.json\` and \`name-map.json\` hold the banner in a
\`"//"\` key, and \`spec.json\` is left exactly as the vendor's document (keys sorted), so this README is
its banner.
`;
}

function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}
