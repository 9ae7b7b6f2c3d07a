#!/usr/bin/env node
/**
 * `logto-mgmt generate [flags]` (also `npm run generate -- [flags]`): parses flags into
 * `generate()` options, prints one clear line on failure, sets the exit code.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SPEC_URL } from './fetch-spec.js';
import { generate, type GenerateOptions } from './generate.js';
import { GeneratorError } from './generator-error.js';

export const USAGE = `Usage: logto-mgmt generate [options]

Pulls the Logto Management API spec, pins it and (re)generates the typed client.

Options:
  --spec <url|file>          Spec URL or file, JSON or YAML (default ${DEFAULT_SPEC_URL};
                             a self-hosted Logto serves <endpoint>/api/swagger.json)
  --header 'Name: value'     Extra header for a spec URL, repeatable (e.g. Authorization)
  --offline                  Use the pinned spec (<out>/spec.json); do not pull
  --strict                   A failed pull is an error (default: warn, use the pinned spec)
  --check                    Regenerate in memory; exit 1 listing files that differ
  --force                    Regenerate even when nothing changed since the lock
  --out <dir>                Output directory (default generated)
  --runtime-import <spec>    How generated code imports the runtime (default: relative path
                             to this package's runtime/index.js, or logto-mgmt/runtime)
  --timeout <ms>             Timeout for pulling the spec (default 15000)
  -h, --help                 Show this help`;

/** Turns argv (after `generate`) into options; throws GeneratorError on a bad flag. */
export function parseGenerateArgs(argv: readonly string[]): GenerateOptions & { help?: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        spec: { type: 'string' },
        header: { type: 'string', multiple: true },
        offline: { type: 'boolean' },
        strict: { type: 'boolean' },
        check: { type: 'boolean' },
        force: { type: 'boolean' },
        out: { type: 'string' },
        'runtime-import': { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new GeneratorError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new GeneratorError(`--timeout must be a positive number of milliseconds, got ${JSON.stringify(values.timeout)}`);
  }
  return {
    spec: values.spec,
    headers: values.header ?? [],
    offline: values.offline,
    strict: values.strict,
    check: values.check,
    force: values.force,
    out: values.out,
    runtimeImport: values['runtime-import'],
    timeoutMs,
    help: values.help,
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'generate') {
    process.stderr.write(`error: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n`);
    return 1;
  }
  try {
    const { help, ...options } = parseGenerateArgs(rest);
    if (help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const result = await generate(options);
    if (result.status === 'check-failed') {
      const lines = [
        ...result.changedFiles.map((file) => `  ${file}`),
        ...result.staleFiles.map((file) => `  ${file} (no longer generated)`),
      ];
      process.stderr.write(`error: ${result.outDir} is out of date; run \`npm run generate\`. Differing files:\n${lines.join('\n')}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof GeneratorError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
