#!/usr/bin/env node
/**
 * `logto-mgmt generate [flags]` (also `npm run generate -- [flags]`): parses flags into
 * `generate()` options, prints one clear line on failure, sets the exit code.
 */
import { appendFileSync, realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SPEC_URL } from '../pipeline/fetch-spec.js';
import type { ReleaseResult } from '../changes/version-bump.js';
import { enableCodeCache } from '../pipeline/code-cache.js';
import { generate, type GenerateOptions } from '../pipeline/generate.js';
import { ConfigError, findConsumerConfig, resolveConsumerConfig } from './consumer-config.js';
import { diffCommand } from './diff-command.js';
import { GeneratorError } from '../pipeline/generator-error.js';
import { initConsumer } from './init.js';

export const USAGE = `Usage: logto-mgmt generate [options]
       logto-mgmt init [--tenant <id> | --endpoint <url> | --spec <url|file>] [--output <dir>] [--ci github]
       logto-mgmt diff <old spec> <new spec> [--markdown | --json] [--fail-on-breaking]

Pulls the Logto Management API spec, pins it and (re)generates the typed client. In a repo
with logto-mgmt.config.json (or a "logto-mgmt" key in package.json, see \`init\`), the spec
source and output directory come from there and the generated code imports logto-mgmt/runtime;
flags override the config.

Options:
  --spec <url|file>          Spec URL or file, JSON or YAML (default ${DEFAULT_SPEC_URL};
                             a self-hosted Logto serves <endpoint>/api/swagger.json)
  --origin <text>            What the spec is, recorded in the lock beside its source
                             (e.g. "Logto 1.42.0 GET /api/swagger.json")
  --header 'Name: value'     Extra header for a spec URL, repeatable (e.g. Authorization)
  --offline                  Use the pinned spec (<out>/spec.json); do not pull
  --strict                   A failed pull is an error (default: warn, use the pinned spec)
  --check                    Regenerate in memory; exit 1 listing files that differ
  --force                    Regenerate even when nothing changed since the lock
  --out <dir>                Output directory (default generated)
  --runtime-import <spec>    How generated code imports the runtime (default: relative path
                             to this package's runtime/index.js, or logto-mgmt/runtime)
  --timeout <ms>             Timeout for pulling the spec (default 15000)
  --fail-on-breaking         Exit 1, writing nothing, when the new spec has breaking changes
  --strict-patches           A spec patch that matches nothing is an error (default: counted
                             as id×0; for checking logto-mgmt's own pinned spec)
  --bump                     Release what changed: bump the version of the package holding the
                             output (breaking → major, 0.x: minor; added → minor; docs only →
                             patch) and add a CHANGELOG.md entry, or write a changeset in a
                             repo with .changeset/; with GITHUB_OUTPUT set, also writes the
                             step outputs release, breaking and version
  --date <YYYY-MM-DD>        Date of the API-CHANGELOG.md entry (default SOURCE_DATE_EPOCH, or none)
                             and of the CHANGELOG.md release (default today)
  --config <file>            Consumer config file (default ./logto-mgmt.config.json)
  -h, --help                 Show this help`;

export const INIT_USAGE = `Usage: logto-mgmt init [options]

Sets up this repo to generate its own client: writes logto-mgmt.config.json and adds
"generate": "logto-mgmt generate" to package.json scripts (an existing different one is kept).

Options (one spec source; none = Logto's published Cloud spec):
  --tenant <id>              Logto Cloud tenant: https://<id>.logto.app/api/swagger.json
  --endpoint <url>           Self-hosted Logto: <url>/api/swagger.json
  --spec <url|file>          Any spec URL or file
  --header 'Name: value'     Header for the spec URL, repeatable; use \${ENV_VAR} for secrets
  --output <dir>             Where the client is generated (default src/logto)
  --force                    Replace an existing config and "generate" script (and workflow)
  --ci github                Also write .github/workflows/logto-mgmt-update.yml: daily and on
                             demand, regenerate with --bump and open or update one pull request
  -h, --help                 Show this help`;

/** Turns argv (after `generate`) into options; throws GeneratorError on a bad flag. */
export function parseGenerateArgs(argv: readonly string[]): GenerateOptions & { help?: boolean; config?: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        spec: { type: 'string' },
        origin: { type: 'string' },
        header: { type: 'string', multiple: true },
        offline: { type: 'boolean' },
        strict: { type: 'boolean' },
        check: { type: 'boolean' },
        force: { type: 'boolean' },
        out: { type: 'string' },
        'runtime-import': { type: 'string' },
        timeout: { type: 'string' },
        'fail-on-breaking': { type: 'boolean' },
        'strict-patches': { type: 'boolean' },
        bump: { type: 'boolean' },
        date: { type: 'string' },
        config: { type: 'string' },
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
    origin: values.origin,
    headers: values.header ?? [],
    offline: values.offline,
    strict: values.strict,
    check: values.check,
    force: values.force,
    out: values.out,
    runtimeImport: values['runtime-import'],
    timeoutMs,
    failOnBreaking: values['fail-on-breaking'],
    strictPatches: values['strict-patches'],
    bump: values.bump,
    date: values.date,
    config: values.config,
    help: values.help,
  };
}

/**
 * Consumer mode: fills what the flags left unset from the repo's config (spec source, headers,
 * output directory, strict), and makes generated code import `logto-mgmt/runtime`.
 */
export function applyConsumerConfig(
  options: GenerateOptions & { config?: string },
  cwd: string,
  log: (line: string) => void,
): GenerateOptions {
  const { config: configPath, ...rest } = options;
  const found = findConsumerConfig(cwd, configPath);
  if (!found) return rest;
  const settings = resolveConsumerConfig(found.config, found.configPath, found.baseDirectory, process.env, { pull: !rest.offline });
  const flagHeaders = Array.isArray(rest.headers) ? rest.headers : [];
  log(`[logto-mgmt] config          ${relative(cwd, settings.configPath) || settings.configPath}`);
  return {
    ...rest,
    spec: rest.spec ?? settings.spec,
    // Flag headers are added to (and override) the config's.
    headers: rest.spec !== undefined ? flagHeaders : [...Object.entries(settings.headers).map(([name, value]) => `${name}: ${value}`), ...flagHeaders],
    out: rest.out ?? settings.outDir,
    runtimeImport: rest.runtimeImport ?? settings.runtimeImport,
    strict: rest.strict ?? settings.strict,
  };
}

function parseInitArgs(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        tenant: { type: 'string' },
        endpoint: { type: 'string' },
        spec: { type: 'string' },
        header: { type: 'string', multiple: true },
        output: { type: 'string' },
        force: { type: 'boolean' },
        ci: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new GeneratorError(`${(error as Error).message}\n\n${INIT_USAGE}`);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'generate' && command !== 'init' && command !== 'diff') {
    process.stderr.write(`error: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n`);
    return 1;
  }
  try {
    if (command === 'diff') return await diffCommand(rest, { stdout: (text) => process.stdout.write(text) });
    if (command === 'init') {
      const { help, ...flags } = parseInitArgs(rest);
      if (help) {
        process.stdout.write(`${INIT_USAGE}\n`);
        return 0;
      }
      for (const line of initConsumer({ directory: process.cwd(), ...flags })) process.stdout.write(`${line}\n`);
      return 0;
    }
    const { help, ...flags } = parseGenerateArgs(rest);
    if (help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const options = applyConsumerConfig(flags, process.cwd(), (line) => process.stderr.write(`${line}\n`));
    enableCodeCache(); // this thread loads TypeScript itself on a first run (the types): from V8's cache when it can
    const result = await generate(options);
    if (result.release) writeStepOutputs(result.release);
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
    if (error instanceof GeneratorError || error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * In a GitHub Actions step (`GITHUB_OUTPUT` names the step's output file), `--bump` tells the
 * next steps what it released: `release` (major / minor / patch / none), `breaking`, `version`.
 */
function writeStepOutputs(release: ReleaseResult, environment: NodeJS.ProcessEnv = process.env) {
  const file = environment.GITHUB_OUTPUT;
  if (!file) return;
  const version = release.to ?? release.expectedVersion ?? release.from;
  appendFileSync(file, `release=${release.level}\nbreaking=${release.breaking}\nversion=${version}\n`);
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
