/**
 * tsc, in process, for tests that compile generated output. Generated schema, tag modules and
 * client.ts carry `// @ts-nocheck` (generator/pipeline/banner.ts), so a consumer's tsc reads
 * their types without re-checking them. `checkGenerated` removes that line as each file is
 * read: the generated code is then checked like any other, which is how these tests prove the
 * line hides no error.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { NO_CHECK_DIRECTIVE } from '../../generator/pipeline/banner.js';
import { REPO_ROOT } from './workspace.js';

export interface TypecheckOptions {
  /** Check the generated files as well (their `// @ts-nocheck` removed). Default: as written. */
  checkGenerated?: boolean;
  /** Overrides of the tsconfig's compilerOptions. */
  compilerOptions?: ts.CompilerOptions;
}

export interface TypecheckResult {
  /** `file(line,col): error TSnnnn: message`, file relative to the tsconfig's directory. */
  errors: string[];
  /** Files of the program whose `// @ts-nocheck` line was removed. */
  uncheckedFiles: string[];
}

/** The errors `tsc -p <tsconfig>` would print, one line each. */
export function typecheck(tsconfig: string, options: TypecheckOptions = {}): TypecheckResult {
  const parsed = parseTsconfig(tsconfig, options.compilerOptions);
  return compile(parsed.fileNames, parsed.options, dirname(tsconfig), options.checkGenerated, parsed.errors);
}

/** tsc over `files` with this repository's own compiler options (tsconfig.json), as `npm run typecheck` checks them. */
export function typecheckWithRepoOptions(files: string[], options: TypecheckOptions = {}): TypecheckResult {
  const parsed = parseTsconfig(join(REPO_ROOT, 'tsconfig.json'), options.compilerOptions);
  return compile(files, parsed.options, REPO_ROOT, options.checkGenerated, parsed.errors);
}

function parseTsconfig(tsconfig: string, overrides: ts.CompilerOptions = {}): ts.ParsedCommandLine {
  return ts.getParsedCommandLineOfConfigFile(tsconfig, { ...overrides, noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  })!;
}

function compile(rootNames: string[], options: ts.CompilerOptions, cwd: string, checkGenerated = false, configErrors: readonly ts.Diagnostic[] = []): TypecheckResult {
  const host = ts.createCompilerHost(options);
  const uncheckedFiles: string[] = [];
  if (checkGenerated) {
    const read = host.readFile.bind(host);
    host.readFile = (fileName) => {
      const text = read(fileName);
      if (text === undefined || !text.includes(NO_CHECK_DIRECTIVE)) return text;
      uncheckedFiles.push(fileName);
      // Same line count, so a reported position is the file's own.
      return text.replace(NO_CHECK_DIRECTIVE, '\n');
    };
  }
  const program = ts.createProgram({ rootNames, options, host });
  const diagnostics = [...configErrors, ...ts.getPreEmitDiagnostics(program)];
  const errors = diagnostics.map((diagnostic) =>
    ts.formatDiagnostic(diagnostic, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => cwd, getNewLine: () => '' }).trim(),
  );
  return { errors, uncheckedFiles };
}
