/**
 * Step 7: the Markdown index of every method (OPERATIONS.md) and generated/README.md, which
 * explains the folder and that nothing in it is edited by hand.
 */
import { markdownBanner } from './banner.js';
import type { ApiModel } from './operation-model.js';

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
    lines.push('| Method | HTTP | Path | Summary | Security |', '| --- | --- | --- | --- | --- |');
    for (const operation of namespace.operations) {
      const method = `\`${namespace.name}.${operation.method}\``;
      const flags = [operation.paginated ? 'paginated' : '', operation.deprecated ? '**deprecated**' : ''].filter(Boolean).join(', ');
      const summary = cell(operation.summary ?? '') + (flags ? ` (${flags})` : '');
      lines.push(`| ${method} | ${operation.httpMethod} | \`${cell(operation.path)}\` | ${summary} | ${operation.security} |`);
    }
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

| File | What |
| --- | --- |
| \`spec.json\` | The spec that was used, as the vendor served it (keys sorted; patches are not applied here). |
| \`spec.lock.json\` | Where the spec came from (source, ETag, sha256, \`info.version\`), generator and formatter versions, hashes of the files written. |
| \`schema.ts\` | openapi-typescript types (\`paths\`, \`components\`, \`operations\`) of the patched spec. |
| \`operations/<namespace>.ts\` | One typed wrapper per operation, one module per tag (${model.namespaces.length} modules, ${model.operations.length} operations). |
| \`operations/index.ts\` | Re-exports each module as a namespace: \`export * as users from './users.js'\`. |
| \`client.ts\` | \`createLogtoManagementClient(options)\`: every namespace bound to one client. |
| \`index.ts\` | Entry point: the client, the namespaces and the schema types. |
| \`name-map.json\` | operationId → namespace and method. Read on every run, so a new operation never renames an old one. |
| \`OPERATIONS.md\` | Every method with its HTTP method, path, summary and security. |

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
