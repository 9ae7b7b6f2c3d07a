/**
 * Step: pin the spec that was used. `spec.json` is the vendor's document with its keys in a
 * stable (sorted) order, so a regeneration diff shows only real changes; `spec.lock.json` says
 * where it came from (source, ETag, sha256 of the body as received, info.version) and which
 * generator and formatter produced the files beside it, with their hashes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bannerText } from './banner.js';

export const PINNED_SPEC_FILE = 'spec.json';
export const LOCK_FILE = 'spec.lock.json';

export interface LockedFile {
  /** sha256 of the file as written. */
  sha256: string;
  /**
   * sha256 of the text before prettier, with the spec's sha256 in the banner blanked: when it is
   * unchanged the written bytes can be reused (with the new sha256 in the banner).
   */
  input: string;
  /**
   * For a file formatted in pieces (schema.ts, OPERATIONS.md): each piece's input hash and the
   * length of its formatted text, in file order, so unchanged pieces are reused after a small
   * spec change.
   */
  pieces?: LockedPiece[];
}

export interface LockedPiece {
  input: string;
  length: number;
  /**
   * For a piece of schema.ts: a hash of what its text is made from (the path items in it and
   * what they reference, openapi-typescript's version): with it a later run reuses the piece
   * without transforming those path items again (emit-types.ts, `planTypes`).
   */
  source?: string;
}

export interface SpecLock {
  '//': string;
  /** URL or file (relative to the working directory) the spec was pulled from. */
  source: string;
  /** What the spec is, for a reader (`--origin`, e.g. "Logto 1.42.0 GET /api/swagger.json"). */
  origin?: string;
  etag: string | null;
  /** sha256 of the spec's body exactly as received. Logto's info.version is always "Cloud". */
  sha256: string;
  infoVersion: string | null;
  openapi: string;
  /** `logto-mgmt@<version>`: a different generator regenerates even an unchanged spec. */
  generator: string;
  runtimeImport: string;
  /** `logto-mgmt@<range>`: the runtime versions the generated code is written for. */
  runtime: string;
  formatter: string;
  files: Record<string, LockedFile>;
}

/** Copies `value` with every object's keys in sorted order; arrays keep their order. */
export function sortKeys<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const child = sortKeys((value as Record<string, unknown>)[key]);
    // `sorted.__proto__ =` would set the object's prototype, dropping a schema's `__proto__` field.
    if (key === '__proto__') Object.defineProperty(sorted, key, { value: child, enumerable: true, writable: true, configurable: true });
    else sorted[key] = child;
  }
  return sorted as T;
}

export function serializePinnedSpec(sortedDocument: unknown): string {
  return `${JSON.stringify(sortedDocument, null, 2)}\n`;
}

export function serializeLock(lock: Omit<SpecLock, '//'>): string {
  const { files, ...rest } = lock;
  const ordered: SpecLock = { '//': bannerText(lock.sha256), ...rest, files: sortKeys(files) };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** The lock in `outDir`, or undefined when there is none (first run) or it is unreadable. */
export async function readLock(outDir: string): Promise<SpecLock | undefined> {
  let text: string;
  try {
    text = await readFile(join(outDir, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const lock = JSON.parse(text) as SpecLock;
    return typeof lock.sha256 === 'string' && lock.files && typeof lock.files === 'object' ? lock : undefined;
  } catch {
    return undefined;
  }
}
