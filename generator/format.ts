/**
 * Step 8: prettier, through its API, with a fixed configuration (a consumer's own prettier config
 * must not change what --check compares). `--check` compares exactly these bytes.
 *
 * Formatting the 1 MB schema.ts is the slowest step of a run, so every file's pre-format text is
 * hashed into the lock: when that hash and the file on disk both match the lock, the file on disk
 * *is* prettier's output for this input (same prettier, same options) and is reused as is.
 * The pinned spec.json is not run through prettier: it is the vendor's document serialised with
 * JSON.stringify (2-space), which is deterministic on its own.
 */
import { createHash } from 'node:crypto';
import type { LockedFile } from './pin-spec.js';

export const PRETTIER_OPTIONS = {
  printWidth: 120,
  singleQuote: true,
  trailingComma: 'all',
  semi: true,
  proseWrap: 'preserve',
  endOfLine: 'lf',
} as const;

export interface FormatInput {
  path: string;
  text: string;
}

export interface FormattedFile {
  path: string;
  text: string;
  /** sha256 of the unformatted text (recorded in the lock). */
  input: string;
  /** Reused from disk because its input hash matched the lock. */
  reused: boolean;
}

export interface FormatCache {
  formatter: string | undefined;
  files: Record<string, LockedFile>;
  /** The current bytes of a file in the out dir, if any. */
  readExisting(path: string): Promise<string | undefined>;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function parserFor(path: string): string | undefined {
  if (path.endsWith('.ts')) return 'typescript';
  if (path.endsWith('.md')) return 'markdown';
  if (path.endsWith('.json')) return 'json';
  return undefined;
}

/** Identifies prettier and our options: a change to either invalidates every cached file. */
export async function formatterId(): Promise<string> {
  const { version } = await import('prettier');
  return `prettier@${version} ${hash(JSON.stringify(PRETTIER_OPTIONS)).slice(0, 12)}`;
}

export async function formatFiles(inputs: readonly FormatInput[], cache: FormatCache): Promise<FormattedFile[]> {
  const prettier = await import('prettier');
  const formatter = await formatterId();
  return Promise.all(
    inputs.map(async ({ path, text }): Promise<FormattedFile> => {
      const input = hash(text);
      const locked = cache.formatter === formatter ? cache.files[path] : undefined;
      if (locked?.input === input) {
        const existing = await cache.readExisting(path);
        if (existing !== undefined && hash(existing) === locked.sha256) return { path, text: existing, input, reused: true };
      }
      const parser = parserFor(path);
      const formatted = parser ? await prettier.format(text, { ...PRETTIER_OPTIONS, parser }) : text;
      return { path, text: formatted, input, reused: false };
    }),
  );
}

export { hash as sha256Text };
