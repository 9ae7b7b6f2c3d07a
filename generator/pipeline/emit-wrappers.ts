/**
 * Step 6: wrappers, with ts-morph. One module per namespace (tag) under operations/, each
 * operation a `defineOperation<Params, Data>(descriptor)` one-liner with JSDoc from the spec;
 * operations/index.ts re-exports them as namespaces (`export * as users`), client.ts binds
 * them all to one client, index.ts is the package entry. The tag modules and client.ts carry
 * `// @ts-nocheck` under the banner (see banner.ts); the two re-export files do not.
 *
 * Planned piece by piece (planWrappers, no ts-morph needed): each file is pieces (a tag module:
 * its head, then one per few operations), each piece's text a function of its own slice of the model,
 * so a regenerate makes and formats again only the pieces whose slice changed (generate.ts hands
 * the plan to the format step, which reuses the rest from disk).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import type { StatementStructures, WriterFunction } from 'ts-morph';
import { tsBanner, uncheckedTsBanner } from './banner.js';
import type { ApiModel, NamespaceModel, OperationModel } from './operation-model.js';

export interface EmitWrappersOptions {
  /** How generated code imports the runtime, relative to the output directory or a package name. */
  runtimeImport: string;
}

/** The namespace facts client.ts and operations/index.ts are made of. */
type NamespaceEntry = Pick<NamespaceModel, 'name' | 'module' | 'tag' | 'description'>;

/**
 * One wrapper file and everything its text is made of: emitWrapperPieces(file, options, …) is a
 * function of this alone, so a piece whose slice of it (and options) did not change since the
 * lock was written need not be made again (its `source` in planWrappers).
 */
export type WrapperFile =
  | { kind: 'namespace'; path: string; namespace: NamespaceModel }
  | { kind: 'operations-index'; path: 'operations/index.ts'; namespaces: NamespaceEntry[] }
  | { kind: 'client'; path: 'client.ts'; namespaces: NamespaceEntry[] }
  | { kind: 'index'; path: 'index.ts' };

/**
 * A piece of a wrapper file: formatted apart, and reused by `source` (a hash of what its text is
 * made of) when the lock has it. A tag module is one piece for its imports and namespace comment
 * and one per group of a few operations, so adding an operation formats its group alone.
 */
export interface WrapperPiece {
  source: string;
  /** Put before the formatted text: the blank line between the statements of a tag module. */
  lead?: string;
}

export interface PlannedWrapperFile {
  file: WrapperFile;
  /** The file's banner: type-checked by the consumer (the re-export files) or `@ts-nocheck` (banner.ts). */
  checked: boolean;
  /** The pieces emitWrapperPieces makes, in file order. */
  pieces: WrapperPiece[];
}

/** Every wrapper file of the model, with what each piece is made of: no ts-morph needed. */
export function planWrappers(model: ApiModel, options: EmitWrappersOptions, stamp: string): PlannedWrapperFile[] {
  const entries = model.namespaces.map(({ name, module, tag, description }): NamespaceEntry => ({ name, module, tag, description }));
  const files: WrapperFile[] = [
    ...model.namespaces.map((namespace): WrapperFile => ({ kind: 'namespace', path: `operations/${namespace.module}.ts`, namespace })),
    { kind: 'operations-index', path: 'operations/index.ts', namespaces: entries },
    { kind: 'client', path: 'client.ts', namespaces: entries },
    { kind: 'index', path: 'index.ts' },
  ];
  const source = (...parts: unknown[]) => createHash('sha256').update(JSON.stringify([stamp, options, ...parts])).digest('hex');
  return files.map((file) => ({
    file,
    // Modules with bodies are not re-checked by the consumer's tsc; re-exports are (banner.ts).
    checked: file.kind === 'operations-index' || file.kind === 'index',
    pieces:
      file.kind === 'namespace'
        ? [
            { source: source(file.path, 'head', namespaceHead(file.namespace)) },
            ...operationGroups(file.namespace).map((group) => ({ source: source(file.path, 'operations', group), lead: '\n' })),
          ]
        : [{ source: source(file) }],
  }));
}

/**
 * A tag module's operations in groups of a few, one piece each. A group ends after an operation
 * whose id hashes to 0 mod 4 (content-defined: adding or changing an operation changes its own
 * group only), so a small change formats a few operations and a full run formats ~120 groups,
 * not one per operation (prettier costs ~0.25 ms a call).
 */
function operationGroups(namespace: NamespaceModel): OperationModel[][] {
  const groups: OperationModel[][] = [];
  let current: OperationModel[] = [];
  for (const operation of namespace.operations) {
    current.push(operation);
    if (createHash('sha256').update(operation.operationId).digest()[0] % 4 === 0) {
      groups.push(current);
      current = [];
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** What the head piece of a tag module is made of: its imports and its namespace comment. */
function namespaceHead(namespace: NamespaceModel) {
  const runtimeNames = [...new Set(namespace.operations.map((operation) => (operation.paginated ? 'definePaginatedOperation' : 'defineOperation')))].sort();
  return { runtimeNames, entry: { name: namespace.name, module: namespace.module, tag: namespace.tag, description: namespace.description } satisfies NamespaceEntry };
}

/** The banner that goes before a planned file's text. */
export function wrapperBanner(planned: PlannedWrapperFile, specSha256: string): string {
  return planned.checked ? tsBanner(specSha256) : uncheckedTsBanner(specSha256);
}

let project: import('ts-morph').Project | undefined;

/**
 * The unformatted texts of the pieces at `indices` of a wrapper file (planWrappers' pieces,
 * without the banner). Each piece is printed from its own slice of the model alone.
 */
export function emitWrapperPieces(wrapper: WrapperFile, options: EmitWrappersOptions, indices: readonly number[]): string[] {
  // `require`d: an `import` of ts-morph's CommonJS makes Node lex it for named exports (~0.2 s).
  const { Project, StructureKind, VariableDeclarationKind } = createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');
  // One in-memory project for every file this thread makes (each file replaces its own).
  project ??= new Project({ useInMemoryFileSystem: true, skipAddingFilesFromTsConfig: true });
  const file = project.createSourceFile(wrapper.path, '', { overwrite: true });

  if (wrapper.kind === 'namespace') {
    const { namespace } = wrapper;
    // All the pieces asked for in one structure list, printed at once (a source file per piece
    // costs ~0.6 ms each), a marker line between them to cut at. No line of ours is the marker:
    // comment lines start with ` *`, and every statement with a keyword.
    const statements: Array<StatementStructures | WriterFunction> = [];
    let groups: OperationModel[][] | undefined;
    indices.forEach((index, position) => {
      if (position > 0) statements.push((writer) => writer.blankLine().write(PIECE_MARKER).newLine());
      if (index === 0) {
        const head = namespaceHead(namespace);
        statements.push(
          { kind: StructureKind.ImportDeclaration, moduleSpecifier: runtimeSpecifier(options.runtimeImport, 1), namedImports: head.runtimeNames },
          { kind: StructureKind.ImportDeclaration, moduleSpecifier: '../schema.js', isTypeOnly: true, namedImports: ['operations'] },
          (writer) => writer.blankLine().write(namespaceDoc(head.entry)),
        );
        return;
      }
      (groups ??= operationGroups(namespace))[index - 1].forEach((operation, inGroup) => {
        if (inGroup > 0) statements.push((writer) => writer.blankLine());
        statements.push({
          kind: StructureKind.VariableStatement,
          declarationKind: VariableDeclarationKind.Const,
          isExported: operation.identifier === operation.method,
          docs: [operationDoc(operation)],
          declarations: [{ name: operation.identifier, initializer: wrapperInitializer(operation) }],
        });
        if (operation.identifier !== operation.method) {
          statements.push({ kind: StructureKind.ExportDeclaration, namedExports: [{ name: operation.identifier, alias: operation.method }] });
        }
      });
    });
    file.set({ statements });
    // Each piece without the blank lines around it, so its text (and the input hash the lock
    // records) does not depend on which pieces were printed beside it.
    const texts = file.getFullText().split(`\n${PIECE_MARKER}\n`).map((text) => `${text.replace(/^\n+/, '').replace(/\n+$/, '')}\n`);
    if (texts.length !== indices.length) throw new Error(`${wrapper.path}: ${texts.length} pieces printed for ${indices.length} asked`);
    return texts;
  }
  return [emitOtherFile(wrapper as Exclude<WrapperFile, { kind: 'namespace' }>, options, file)];
}

const PIECE_MARKER = '//--- logto-mgmt piece ---';

/** The re-export files and client.ts: one piece each. */
function emitOtherFile(wrapper: Exclude<WrapperFile, { kind: 'namespace' }>, options: EmitWrappersOptions, file: import('ts-morph').SourceFile): string {
  if (wrapper.kind === 'operations-index') {
    for (const namespace of wrapper.namespaces) {
      file.addExportDeclaration({ namespaceExport: namespace.name, moduleSpecifier: `./${namespace.module}.js` });
    }
  } else if (wrapper.kind === 'client') {
    file.addImportDeclaration({
      moduleSpecifier: runtimeSpecifier(options.runtimeImport, 0),
      namedImports: [
        'bindNamespace',
        'createLogtoClient',
        { name: 'BoundNamespace', isTypeOnly: true },
        { name: 'LogtoClient', isTypeOnly: true },
        { name: 'LogtoClientOptions', isTypeOnly: true },
      ],
    });
    file.addImportDeclaration({ moduleSpecifier: './operations/index.js', namespaceImport: 'operations' });
    file.addInterface({
      name: 'LogtoManagementClient',
      isExported: true,
      docs: [
        'The Logto Management API bound to one client: `client.users.get({ path: { userId } })`.\n' +
          'Every namespace is also a module of its own (`import * as users from \'…/operations/users.js\'`), the tree-shakeable form.',
      ],
      properties: [
        ...wrapper.namespaces.map((namespace) => ({
          name: namespace.name,
          isReadonly: true,
          type: `BoundNamespace<typeof operations.${namespace.name}>`,
          docs: [namespaceSummary(namespace)],
        })),
        { name: 'raw', isReadonly: true, type: 'LogtoClient', docs: ['The underlying client every namespace calls.'] },
      ],
    });
    file.addFunction({
      name: 'createLogtoManagementClient',
      isExported: true,
      docs: ['Creates the runtime client and binds every namespace of the API to it.'],
      parameters: [{ name: 'options', type: 'LogtoClientOptions' }],
      returnType: 'LogtoManagementClient',
      statements: [
        'const core = createLogtoClient(options);',
        `return {\n${wrapper.namespaces
          .map((namespace) => `${namespace.name}: bindNamespace(core, operations.${namespace.name}),`)
          .join('\n')}\nraw: core,\n};`,
      ],
    });
  } else {
    file.addExportDeclaration({
      moduleSpecifier: './client.js',
      namedExports: ['createLogtoManagementClient', { name: 'LogtoManagementClient', isTypeOnly: true }],
    });
    file.addExportDeclaration({ moduleSpecifier: './operations/index.js' });
    file.addExportDeclaration({ moduleSpecifier: './schema.js', isTypeOnly: true, namedExports: ['components', 'operations', 'paths'] });
    // One import for users: errors, paginate, createLogtoClient… come with the client.
    file.addExportDeclaration({ moduleSpecifier: runtimeSpecifier(options.runtimeImport, 0) });
  }
  return file.getFullText();
}

/** The runtime specifier as seen from a file `depth` directories below the out dir. */
export function runtimeSpecifier(runtimeImport: string, depth: number): string {
  if (!runtimeImport.startsWith('.')) return runtimeImport;
  const relative = posix.join(...Array<string>(depth).fill('..'), runtimeImport);
  return relative.startsWith('.') ? relative : `./${relative}`;
}

function wrapperInitializer(operation: OperationModel): string {
  const define = operation.paginated ? 'definePaginatedOperation' : 'defineOperation';
  const result = operation.paginated ? `${jsonResponse(operation, operation.successResponses[0].status)}[number]` : dataType(operation);
  const descriptor = [
    `id: ${quote(operation.operationId)}`,
    `method: ${quote(operation.httpMethod)}`,
    `path: ${quote(operation.path)}`,
    `security: ${quote(operation.security)}`,
    `paginated: ${operation.paginated}`,
    `body: ${quote(operation.body)}`,
  ];
  return `/* @__PURE__ */ ${define}<${paramsType(operation)}, ${result}>({ ${descriptor.join(', ')} })`;
}

/** `{ path: …; query?: …; body: … }` with a key only where the operation has one. */
export function paramsType(operation: OperationModel): string {
  const ref = `operations[${quote(operation.operationId)}]`;
  const members: string[] = [];
  if (operation.pathParameters.present) {
    members.push(`path${operation.pathParameters.required ? '' : '?'}: ${ref}['parameters']['path']`);
  }
  if (operation.queryParameters.present) {
    members.push(`query${operation.queryParameters.required ? '' : '?'}: ${ref}['parameters']['query']`);
  }
  if (operation.body !== 'none') {
    const requestBody = operation.bodyRequired ? `${ref}['requestBody']` : `NonNullable<${ref}['requestBody']>`;
    const content = `${requestBody}['content'][${quote(operation.bodyContentType!)}]`;
    members.push(`body${operation.bodyRequired ? '' : '?'}: ${operation.body === 'multipart' ? `${content} | FormData` : content}`);
  }
  return members.length === 0 ? 'Record<string, never>' : `{ ${members.join('; ')} }`;
}

function jsonResponse(operation: OperationModel, status: string): string {
  const response = operation.successResponses.find((candidate) => candidate.status === status)!;
  const key = /^\d+$/.test(status) ? status : quote(status);
  return `operations[${quote(operation.operationId)}]['responses'][${key}]['content'][${quote(response.jsonContentType!)}]`;
}

/** The JSON body of each 2xx response; `undefined` for a 2xx without one; `void` without any. */
export function dataType(operation: OperationModel): string {
  const responses = operation.successResponses;
  if (responses.length === 0 || responses.every((response) => !response.jsonContentType)) return 'void';
  const types = responses.map((response) => (response.jsonContentType ? jsonResponse(operation, response.status) : 'undefined'));
  return [...new Set(types)].join(' | ');
}

function operationDoc(operation: OperationModel): string {
  const lines: string[] = [];
  if (operation.summary) lines.push(operation.summary, '');
  if (operation.description && operation.description !== operation.summary) lines.push(operation.description, '');
  const traits = [
    operation.paginated ? 'paginated' : undefined,
    operation.security === 'none' ? 'no token' : operation.security === 'user' ? "end user's token" : 'M2M token',
    operation.body === 'multipart' ? 'multipart/form-data body' : undefined,
  ].filter(Boolean);
  lines.push(`\`${operation.httpMethod} ${operation.path}\` (${operation.operationId}; ${traits.join(', ')})`);
  if (operation.deprecated) lines.push('', '@deprecated Deprecated in the Logto API spec.');
  return escapeComment(lines.join('\n'));
}

function namespaceSummary(namespace: NamespaceEntry): string {
  const title = namespace.tag ?? 'Operations without a tag';
  const first = namespace.description?.split(/\n\s*\n/)[0];
  return escapeComment(first ? `${title}: ${first}` : title);
}

function namespaceDoc(namespace: NamespaceEntry): string {
  return `/*\n * ${namespaceSummary(namespace).replace(/\n/g, '\n * ')}\n */`;
}

function escapeComment(text: string): string {
  return text.replace(/\*\//g, '*\\/');
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
