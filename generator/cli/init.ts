/**
 * `npx logto-mgmt init`: sets up a consumer repository. Writes `logto-mgmt.config.json` and
 * adds `"generate": "logto-mgmt generate"` to its package.json scripts. Non-interactive (flags
 * only) so it works in scripts; never overwrites anything silently.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GENERATOR_ID, RUNTIME_RANGE } from '../pipeline/generate.js';
import { GENERATOR_PACKAGE, RUNTIME_PACKAGE } from '../pipeline/package-names.js';
import { headerVariables, renderWorkflow, WORKFLOW_FILE } from './github-workflow.js';
import { ConfigError, configFileName, findConsumerConfig, packageJsonKey, type ConsumerConfig, type SpecSource } from './consumer-config.js';

export interface InitOptions {
  directory: string;
  /** Cloud tenant id: the spec is the tenant's own `/api/swagger.json`. */
  tenant?: string;
  /** Self-hosted Logto endpoint. */
  endpoint?: string;
  /** A spec URL or file. */
  spec?: string;
  /** Header for a protected spec URL, `Name: value` (use `${ENV_VAR}` for secrets). */
  header?: string[];
  /** Output directory, default `src/logto`. */
  output?: string;
  /** Replace an existing config and an existing different `generate` script (and workflow). */
  force?: boolean;
  /** `github`: also write the scheduled update workflow (github-workflow.ts). */
  ci?: string;
}

export const generateScript = 'logto-mgmt generate';
const fallbackScriptName = 'logto-mgmt:generate';

/** Returns the lines to print (what was written, what was left alone and why). */
export function initConsumer(options: InitOptions): string[] {
  const messages: string[] = [];
  // Bad flags stop init before it writes anything.
  if (options.ci !== undefined && options.ci !== 'github') throw new ConfigError(`init: --ci ${JSON.stringify(options.ci)}: the supported CI is "github" (GitHub Actions)`);
  if (options.ci !== undefined) checkSecretNames(headerVariables(parseHeaders(options.header ?? [])));
  const packageJsonPath = path.join(options.directory, 'package.json');
  if (!existsSync(packageJsonPath)) {
    throw new ConfigError(`${packageJsonPath} not found: run \`npm init\` first (init adds a "generate" script to it)`);
  }
  const packageText = readFileSync(packageJsonPath, 'utf8');
  let manifest: Record<string, any>;
  try {
    manifest = JSON.parse(packageText);
  } catch (error) {
    throw new ConfigError(`${packageJsonPath}: not valid JSON (${(error as Error).message})`);
  }

  const existing = findConsumerConfig(options.directory);
  const configPath = path.join(options.directory, configFileName);
  if (existing && !options.force) {
    messages.push(`kept the existing config ${existing.configPath} (pass --force to replace it)`);
  } else {
    if (existing?.configPath.endsWith(`#${packageJsonKey}`)) {
      messages.push(`note: package.json also has a "${packageJsonKey}" key; ${configFileName} takes precedence`);
    }
    const config: ConsumerConfig = { source: sourceFrom(options), output: options.output ?? 'src/logto' };
    writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
    messages.push(`${existing ? 'replaced' : 'wrote'} ${configPath}: spec ${describeSource(config.source)}, output ${config.output}/`);
  }

  const scripts: Record<string, string> = (manifest.scripts ??= {});
  const current = scripts.generate;
  if (current === undefined || current === generateScript) {
    if (current === undefined) messages.push(`added "generate": "${generateScript}" to package.json scripts`);
    scripts.generate = generateScript;
  } else if (options.force) {
    scripts.generate = generateScript;
    messages.push(`replaced the "generate" script (was "${current}") with "${generateScript}"`);
  } else {
    scripts[fallbackScriptName] = generateScript;
    messages.push(
      `package.json already has a different "generate" script ("${current}"): left it alone and added ` +
        `"${fallbackScriptName}" instead (pass --force to replace "generate")`,
    );
  }
  writeFileSync(packageJsonPath, formatLike(packageText, manifest));
  if (options.ci !== undefined) {
    const scriptName = scripts.generate === generateScript ? 'generate' : fallbackScriptName;
    messages.push(...writeCiWorkflow(options, scriptName));
  }
  messages.push(...installAdvice(manifest));
  messages.push('next: `npm run generate`');
  return messages;
}

/**
 * The two packages a consumer repo needs, where they belong: the client (its runtime is what the
 * generated code imports at run time) as a dependency, this generator as a devDependency (it
 * brings TypeScript, prettier, ts-morph and openapi-typescript, which production never needs).
 * Returns the exact commands for what is missing or misplaced.
 */
function installAdvice(manifest: Record<string, any>): string[] {
  const advice: string[] = [];
  const has = (field: string, name: string) => Boolean(manifest[field]?.[name]);
  if (!has('dependencies', RUNTIME_PACKAGE)) {
    if (has('devDependencies', RUNTIME_PACKAGE)) {
      advice.push(`warning: ${RUNTIME_PACKAGE} is a devDependency, but the generated client imports ${RUNTIME_PACKAGE}/runtime at run time: move it to dependencies`);
    }
    advice.push(`install the runtime: npm install ${RUNTIME_PACKAGE}@"${RUNTIME_RANGE}"`);
  }
  if (!has('devDependencies', GENERATOR_PACKAGE)) {
    if (has('dependencies', GENERATOR_PACKAGE)) {
      advice.push(`warning: ${GENERATOR_PACKAGE} is a dependency, so production installs carry the generator's tools: make it a devDependency`);
    }
    advice.push(`install the generator: npm install -D ${GENERATOR_ID}`);
  }
  return advice;
}

/**
 * `--ci github`: the workflow goes to the repository root's `.github/workflows/` (the first
 * directory at or above this package with `.git`); from a package inside a monorepo its steps
 * run in that package's directory. Its settings come from the config now in force.
 */
function writeCiWorkflow(options: InitOptions, scriptName: string): string[] {
  const found = findConsumerConfig(options.directory);
  const config = found?.config as Partial<ConsumerConfig> | undefined;
  if (!config || typeof config.output !== 'string') throw new ConfigError(`init --ci github: ${found?.configPath ?? configFileName} has no "output" directory`);
  const headers = config.source && 'headers' in config.source ? config.source.headers : undefined;
  checkSecretNames(headerVariables(headers));
  const repoRoot = findRepositoryRoot(options.directory);
  const workingDirectory = repoRoot ? path.relative(repoRoot, options.directory).split(path.sep).join('/') : '';
  const workflow = renderWorkflow({
    outputDir: path.posix.normalize(config.output.split(path.sep).join('/')).replace(/\/+$/, ''),
    generateScript: scriptName,
    secretVariables: headerVariables(headers),
    workingDirectory,
  });
  const file = path.join(repoRoot ?? options.directory, WORKFLOW_FILE);
  const messages: string[] = [];
  if (existsSync(file) && readFileSync(file, 'utf8') !== workflow && !options.force) {
    return [`kept the existing workflow ${file} (pass --force to replace it)`];
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, workflow);
  messages.push(`wrote ${file}: daily and on demand, regenerate with --bump and open or update one pull request`);
  if (!repoRoot) messages.push(`note: ${options.directory} is not inside a git repository; move .github/ to the repository root`);
  const secrets = headerVariables(headers);
  if (secrets.length > 0) messages.push(`add the repository secret${secrets.length === 1 ? '' : 's'} ${secrets.join(', ')} (Settings → Secrets and variables → Actions)`);
  messages.push('allow the workflow to open pull requests: Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests"');
  return messages;
}

/** GitHub refuses secrets named GITHUB_…; anything else must be a variable name. */
function checkSecretNames(names: readonly string[]) {
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name)) {
      throw new ConfigError(`init --ci github: the header variable \${${name}} cannot be a repository secret (GitHub secret names are letters, digits and _, not starting with GITHUB_)`);
    }
  }
}

function findRepositoryRoot(directory: string): string | undefined {
  for (let dir = path.resolve(directory); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function sourceFrom(options: InitOptions): SpecSource {
  const given = [options.tenant, options.endpoint, options.spec].filter((value) => value !== undefined);
  if (given.length > 1) throw new ConfigError('init: pass only one of --tenant, --endpoint and --spec');
  const headers = parseHeaders(options.header ?? []);
  const withHeaders = Object.keys(headers).length > 0 ? { headers } : {};
  if (options.tenant !== undefined) return { type: 'cloud', tenant: options.tenant };
  if (options.endpoint !== undefined) return { type: 'self-hosted', endpoint: options.endpoint, ...withHeaders };
  if (options.spec !== undefined) {
    return /^https?:\/\//.test(options.spec) ? { type: 'url', url: options.spec, ...withHeaders } : { type: 'file', path: options.spec };
  }
  return { type: 'cloud' };
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ConfigError(`init: --header "${line}": expected "Name: value"`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function describeSource(source: SpecSource): string {
  switch (source.type) {
    case 'cloud':
      return source.tenant ? `Logto Cloud tenant ${source.tenant}` : "Logto's published Cloud spec";
    case 'self-hosted':
      return `self-hosted Logto at ${source.endpoint}`;
    case 'url':
      return source.url;
    case 'file':
      return source.path;
  }
}

/** Keeps the consumer's indentation and trailing newline. */
function formatLike(original: string, value: unknown): string {
  const indent = /^[ \t]+(?=")/m.exec(original)?.[0] ?? '  ';
  return `${JSON.stringify(value, null, indent)}${original.endsWith('\n') ? '\n' : ''}`;
}
