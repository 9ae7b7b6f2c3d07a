/**
 * Step 6: wrappers, with ts-morph. One module per namespace (tag) under operations/, each
 * operation a `defineOperation<Params, Data>(descriptor)` one-liner with JSDoc from the spec;
 * operations/index.ts re-exports them as namespaces (`export * as users`), client.ts binds
 * them all to one client, index.ts is the package entry. The tag modules and client.ts carry
 * `// @ts-nocheck` under the banner (see banner.ts); the two re-export files do not.
 *
 * Planned file by file (planWrappers, no ts-morph needed): each file's text is a function of
 * its own slice of the model, so a regenerate makes again only the files whose slice changed
 * (generate.ts hands the plan to the format step, which reuses the rest from disk).
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
 * One wrapper file and everything its text is made of: emitWrapperFile(file, options) is a
 * function of this alone, so a file whose `WrapperFile` (and options) did not change since the
 * lock was written need not be made again (its `source` in planWrappers).
 */
export type WrapperFile =
  | { kind: 'namespace'; path: string; namespace: NamespaceModel }
  | { kind: 'operations-index'; path: 'operations/index.ts'; namespaces: NamespaceEntry[] }
  | { kind: 'client'; path: 'client.ts'; namespaces: NamespaceEntry[] }
  | { kind: 'index'; path: 'index.ts' };

export interface PlannedWrapperFile {
  file: WrapperFile;
  /** The file's banner: type-checked by the consumer (the re-export files) or `@ts-nocheck` (banner.ts). */
  checked: boolean;
  /** sha256 of what the file is made of, the options and `stamp` (the generator's identity). */
  source: string;
}

/** Every wrapper file of the model, with what each is made of: no ts-morph needed. */
export function planWrappers(model: ApiModel, options: EmitWrappersOptions, stamp: string): PlannedWrapperFile[] {
  const entries = model.namespaces.map(({ name, module, tag, description }): NamespaceEntry => ({ name, module, tag, description }));
  const files: WrapperFile[] = [
    ...model.namespaces.map((namespace): WrapperFile => ({ kind: 'namespace', path: `operations/${namespace.module}.ts`, namespace })),
    { kind: 'operations-index', path: 'operations/index.ts', namespaces: entries },
    { kind: 'client', path: 'client.ts', namespaces: entries },
    { kind: 'index', path: 'index.ts' },
  ];
  return files.map((file) => ({
    file,
    // Modules with bodies are not re-checked by the consumer's tsc; re-exports are (banner.ts).
    checked: file.kind === 'operations-index' || file.kind === 'index',
    source: createHash('sha256').update(JSON.stringify([stamp, options, file])).digest('hex'),
  }));
}

/** The banner that goes before a planned file's text. */
export function wrapperBanner(planned: PlannedWrapperFile, specSha256: string): string {
  return planned.checked ? tsBanner(specSha256) : uncheckedTsBanner(specSha256);
}

let project: import('ts-morph').Project | undefined;

/** The unformatted text of one wrapper file, without its banner. */
export function emitWrapperFile(wrapper: WrapperFile, options: EmitWrappersOptions): string {
  // `require`d: an `import` of ts-morph's CommonJS makes Node lex it for named exports (~0.2 s).
  const { Project, StructureKind, VariableDeclarationKind } = createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');
  // One in-memory project for every file this thread makes (each file replaces its own).
  project ??= new Project({ useInMemoryFileSystem: true, skipAddingFilesFromTsConfig: true });
  const file = project.createSourceFile(wrapper.path, '', { overwrite: true });

  if (wrapper.kind === 'namespace') {
    const { namespace } = wrapper;
    const runtimeNames = new Set(
      namespace.operations.map((operation) => (operation.paginated ? 'definePaginatedOperation' : 'defineOperation')),
    );
    // One structure list printed at once: adding statements one by one re-parses the file each time.
    const statements: Array<StatementStructures | WriterFunction> = [
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: runtimeSpecifier(options.runtimeImport, 1),
        namedImports: [...runtimeNames].sort(),
      },
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: '../schema.js', isTypeOnly: true, namedImports: ['operations'] },
      (writer) => writer.blankLine().write(namespaceDoc(namespace)),
    ];
    for (const operation of namespace.operations) {
      statements.push((writer) => writer.blankLine());
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
    }
    file.set({ statements });
  } else if (wrapper.kind === 'operations-index') {
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
