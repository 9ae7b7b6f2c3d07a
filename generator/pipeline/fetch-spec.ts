/**
 * Step 1: get the spec's text — from a URL (timeout, extra headers, If-None-Match), from a
 * local file, or from the pinned copy — and parse it as JSON or YAML.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GeneratorError } from './generator-error.js';

export const DEFAULT_SPEC_URL = 'https://openapi.logto.io/source.json';
export const DEFAULT_FETCH_TIMEOUT_MS = 15_000;

/** A pull that did not give us a document: the caller may fall back to the pinned spec. */
export class SpecPullError extends Error {
  constructor(readonly url: string, reason: string) {
    super(`could not pull ${url}: ${reason}`);
    this.name = 'SpecPullError';
  }
}

export type PullResult =
  | { status: 'ok'; text: string; etag: string | null; sha256: string }
  | { status: 'not-modified' };

export function isUrl(spec: string): boolean {
  return /^https?:\/\//i.test(spec);
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Parses repeated `--header 'Name: value'` arguments; a malformed one is an error, not ignored. */
export function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new GeneratorError(`--header ${JSON.stringify(line)} is not of the form 'Name: value'`);
    }
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

export async function pullSpec(
  url: string,
  options: { headers?: Record<string, string>; etag?: string | null; timeoutMs?: number; fetch?: typeof fetch },
): Promise<PullResult> {
  const headers: Record<string, string> = {
    accept: 'application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.1',
    ...options.headers,
  };
  if (options.etag) headers['if-none-match'] = options.etag;
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? fetch)(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    text = await response.text();
  } catch (error) {
    const cause = error as Error & { cause?: { code?: string; message?: string } };
    const reason =
      cause.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause.cause?.message ?? cause.cause?.code ?? cause.message);
    throw new SpecPullError(url, reason);
  }
  if (response.status === 304) return { status: 'not-modified' };
  if (!response.ok) throw new SpecPullError(url, `HTTP ${response.status} ${response.statusText}`.trim());
  const contentType = response.headers.get('content-type') ?? '';
  // A login page or a proxy's error page answers 200 with HTML: that is not a spec.
  if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) {
    throw new SpecPullError(url, `answered HTML (${contentType || 'no content-type'}), not an OpenAPI document`);
  }
  return { status: 'ok', text, etag: response.headers.get('etag'), sha256: sha256(text) };
}

export async function readSpecFile(file: string, label = file): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new GeneratorError(code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`, { file: label });
  }
}

/** JSON when it looks like JSON, YAML otherwise (`source.yaml`). `yaml` is loaded only then. */
export async function parseSpecText(text: string, file: string): Promise<unknown> {
  const trimmed = text.trimStart();
  if (trimmed === '') throw new GeneratorError('is empty, expected an OpenAPI document (JSON or YAML)', { file, pointer: '' });
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new GeneratorError(`is not valid JSON: ${describeJsonError(text, error as Error)}`, { file, pointer: '' });
    }
  }
  const YAML = await import('yaml');
  const document = YAML.parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    const [first] = document.errors;
    const at = first.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : '';
    const problem = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new GeneratorError(`is neither JSON nor valid YAML${where}: ${problem}`, { file, pointer: '' });
  }
  const value: unknown = document.toJS({ maxAliasCount: -1 });
  if (value === null || typeof value !== 'object') {
    throw new GeneratorError('is neither JSON nor YAML describing an object (an OpenAPI document)', { file, pointer: '' });
  }
  return value;
}

function describeJsonError(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message);
  // "Unexpected end of JSON input" carries no position: the problem is at the very end.
  if (!position && !/end of JSON input/.test(error.message)) return error.message;
  const offset = position ? Number(position[1]) : text.length;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${error.message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}
