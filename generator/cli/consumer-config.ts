/**
 * Consumer mode: in another repository, `npx logto-mgmt generate` reads its settings from
 * `logto-mgmt.config.json` (or a `"logto-mgmt"` key of that repo's package.json) and writes
 * a client whose code imports the runtime from this package (`logto-mgmt/runtime`), so the
 * consumer gets their own Logto's exact types without a copy of the runtime.
 *
 * Spec sources:
 * - `{ "type": "cloud", "tenant": "abc123" }` → `https://abc123.logto.app/api/swagger.json`, the
 *   spec of the version your tenant runs (Logto documents this endpoint, no token needed);
 *   `{ "type": "cloud" }` without a tenant → Logto's published Cloud spec,
 *   `https://openapi.logto.io/source.json`.
 * - `{ "type": "self-hosted", "endpoint": "https://auth.example.com", "headers": {...} }` →
 *   `<endpoint>/api/swagger.json`; headers for a spec behind a proxy that wants a token.
 * - `{ "type": "url", "url": "...", "headers": {...} }` for anything else, and
 *   `{ "type": "file", "path": "./logto-openapi.json" }` (relative to the config file).
 * Header values may reference environment variables as `${NAME}`, so secrets stay out of the
 * committed config; an unset variable is an error naming it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const configFileName = 'logto-mgmt.config.json';
export const packageJsonKey = 'logto-mgmt';
/** What consumer-generated code imports the runtime from. */
export const packageRuntimeImport = 'logto-mgmt/runtime';
export const publishedCloudSpec = 'https://openapi.logto.io/source.json';

export type SpecSource =
  | { type: 'cloud'; tenant?: string }
  | { type: 'self-hosted'; endpoint: string; headers?: Record<string, string> }
  | { type: 'url'; url: string; headers?: Record<string, string> }
  | { type: 'file'; path: string };

export interface ConsumerConfig {
  source: SpecSource;
  /** Output directory for the generated client, relative to the config's directory. */
  output: string;
  /** Fail when the spec cannot be pulled instead of falling back to the pinned copy. */
  strict?: boolean;
}

/** The config resolved into what `generate` takes. */
export interface ConsumerSettings {
  /** Where the config was read from (a file path, or `package.json#logto-mgmt`). */
  configPath: string;
  /** URL or absolute file path of the spec. */
  spec: string;
  headers: Record<string, string>;
  /** Absolute output directory. */
  outDir: string;
  runtimeImport: string;
  strict: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Finds the consumer config in `directory`: `logto-mgmt.config.json` first, then the
 * `"logto-mgmt"` key of package.json. `undefined` when there is none (this repository itself
 * runs without one).
 */
export function findConsumerConfig(
  directory: string,
  explicitPath?: string,
): { config: unknown; configPath: string; baseDirectory: string } | undefined {
  if (explicitPath) {
    const file = path.resolve(directory, explicitPath);
    if (!existsSync(file)) throw new ConfigError(`${file}: config file not found`);
    return { config: readJson(file), configPath: file, baseDirectory: path.dirname(file) };
  }
  const file = path.join(directory, configFileName);
  if (existsSync(file)) return { config: readJson(file), configPath: file, baseDirectory: directory };
  const packageJson = path.join(directory, 'package.json');
  if (existsSync(packageJson)) {
    const manifest = readJson(packageJson) as Record<string, unknown>;
    if (manifest && typeof manifest === 'object' && packageJsonKey in manifest) {
      return { config: manifest[packageJsonKey], configPath: `${packageJson}#${packageJsonKey}`, baseDirectory: directory };
    }
  }
  return undefined;
}

export function resolveConsumerConfig(
  raw: unknown,
  configPath: string,
  baseDirectory: string,
  environment: NodeJS.ProcessEnv = process.env,
  { pull = true }: { pull?: boolean } = {},
): ConsumerSettings {
  const config = validateConfig(raw, configPath);
  // Headers only go with a pull: offline (the pinned spec) a CI job without the token's secret
  // can still --check, and a header that is malformed is still an error.
  const requestHeaders = (configured: Record<string, string>) => {
    const expanded = expandHeaders(configured, configPath, environment, pull);
    return pull ? expanded : {};
  };
  const { source } = config;
  let spec: string;
  let headers: Record<string, string> = {};
  switch (source.type) {
    case 'cloud':
      spec = source.tenant ? `https://${source.tenant}.logto.app/api/swagger.json` : publishedCloudSpec;
      break;
    case 'self-hosted':
      spec = `${source.endpoint.replace(/\/+$/, '')}/api/swagger.json`;
      headers = requestHeaders(source.headers ?? {});
      break;
    case 'url':
      spec = source.url;
      headers = requestHeaders(source.headers ?? {});
      break;
    case 'file':
      spec = path.resolve(baseDirectory, source.path);
      break;
  }
  return {
    configPath,
    spec,
    headers,
    outDir: path.resolve(baseDirectory, config.output),
    runtimeImport: packageRuntimeImport,
    strict: config.strict ?? false,
  };
}

function validateConfig(raw: unknown, where: string): ConsumerConfig {
  const fail = (pointer: string, problem: string): never => {
    throw new ConfigError(`${where}: ${pointer}: ${problem}`);
  };
  if (!isRecord(raw)) return fail('/', 'expected an object with "source" and "output"');
  const source = raw.source;
  if (!isRecord(source)) return fail('/source', 'expected an object such as {"type": "cloud", "tenant": "<tenant id>"}');
  if (typeof raw.output !== 'string' || raw.output.trim() === '') fail('/output', 'expected the output directory, e.g. "src/logto"');
  if (raw.strict !== undefined && typeof raw.strict !== 'boolean') fail('/strict', 'expected true or false');
  const string = (key: string, pattern?: RegExp, hint?: string) => {
    const value = source[key];
    if (typeof value !== 'string' || value === '' || (pattern && !pattern.test(value))) {
      fail(`/source/${key}`, `expected ${hint ?? 'a non-empty string'}`);
    }
    return value as string;
  };
  const headers = () => {
    if (source.headers === undefined) return;
    if (!isRecord(source.headers) || Object.values(source.headers).some((value) => typeof value !== 'string')) {
      fail('/source/headers', 'expected an object of header name → string value');
    }
  };
  switch (source.type) {
    case 'cloud':
      if (source.tenant !== undefined) string('tenant', /^[a-z0-9-]+$/i, 'the tenant id (letters, digits, "-"), e.g. "abc123"');
      break;
    case 'self-hosted':
      string('endpoint', /^https?:\/\//, 'the Logto endpoint URL, e.g. "https://auth.example.com"');
      headers();
      break;
    case 'url':
      string('url', /^https?:\/\//, 'an http(s) URL of the spec');
      headers();
      break;
    case 'file':
      string('path');
      break;
    default:
      fail('/source/type', `expected "cloud", "self-hosted", "url" or "file", got ${JSON.stringify(source.type)}`);
  }
  return raw as unknown as ConsumerConfig;
}

/** `Bearer ${LOGTO_SPEC_TOKEN}` → `Bearer <value>`; `$${` escapes a literal `${`. */
export function expandHeaders(
  headers: Record<string, string>,
  where: string,
  environment: NodeJS.ProcessEnv,
  /** Whether every variable must be set (false: an unset one expands to nothing). */
  requireSet = true,
): Record<string, string> {
  const expanded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    expanded[name] = value.replace(/\$?\$\{([^}]*)\}/g, (match, variable: string) => {
      if (match.startsWith('$$')) return match.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
        throw new ConfigError(`${where}: header "${name}": "\${${variable}}" is not a valid environment variable name`);
      }
      const resolved = environment[variable];
      if ((resolved === undefined || resolved === '') && requireSet) {
        throw new ConfigError(`${where}: header "${name}" needs the environment variable ${variable}, which is not set`);
      }
      return resolved ?? '';
    });
  }
  return expanded;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

function isRecord(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
