/**
 * `npx logto-mgmt init`: sets up a consumer repository. Writes `logto-mgmt.config.json` and
 * adds `"generate": "logto-mgmt generate"` to its package.json scripts. Non-interactive (flags
 * only) so it works in scripts; never overwrites anything silently.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GENERATOR_ID, RUNTIME_RANGE } from '../pipeline/generate.js';
import { GENERATOR_PACKAGE, RUNTIME_PACKAGE } from '../pipeline/package-names.js';
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
  /** Replace an existing config and an existing different `generate` script. */
  force?: boolean;
}

export const generateScript = 'logto-mgmt generate';
const fallbackScriptName = 'logto-mgmt:generate';

/** Returns the lines to print (what was written, what was left alone and why). */
export function initConsumer(options: InitOptions): string[] {
  const messages: string[] = [];
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
