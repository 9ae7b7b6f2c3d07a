/**
 * write-output.ts on a real directory: which files differ (by bytes, or by the texts the format
 * step already read), and the atomic replace that keeps files the generator does not own.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffOutput, writeOutput } from '../../generator/pipeline/write-output.js';

let out: string;
beforeEach(() => {
  out = join(mkdtempSync(join(tmpdir(), 'write-output-')), 'generated');
  mkdirSync(join(out, 'operations'), { recursive: true });
  writeFileSync(join(out, 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(out, 'operations', 'b.ts'), 'export const b = 2;\n');
  writeFileSync(join(out, 'mine.txt'), 'not the generator’s\n');
});
afterEach(() => rmSync(join(out, '..'), { recursive: true, force: true }));

describe('diffOutput', () => {
  it('compares bytes on disk: changed, missing and stale files', async () => {
    const files = new Map([
      ['a.ts', 'export const a = 1;\n'],
      ['operations/b.ts', 'export const b = 3;\n'],
      ['c.ts', 'export const c = 4;\n'],
    ]);
    expect(await diffOutput(out, files, ['a.ts', 'operations/b.ts', 'old.ts', 'spec.lock.json'])).toEqual({ changed: ['c.ts', 'operations/b.ts'], stale: [] });
    writeFileSync(join(out, 'old.ts'), 'gone\n');
    expect((await diffOutput(out, files, ['old.ts'])).stale).toEqual(['old.ts']);
  });

  it('compares with the texts read already instead of reading the files again', async () => {
    const files = new Map([
      ['a.ts', 'export const a = 1;\n'],
      ['operations/b.ts', 'export const b = 2;\n'],
    ]);
    // The texts the format step read stand for the disk: here they say b.ts was something else.
    const read = new Map([
      ['a.ts', 'export const a = 1;\n'],
      ['operations/b.ts', 'export const b = 0;\n'],
    ]);
    expect((await diffOutput(out, files, [], read)).changed).toEqual(['operations/b.ts']);
    rmSync(join(out, 'a.ts')); // not read again: still equal to what was read
    expect((await diffOutput(out, files, [], read)).changed).toEqual(['operations/b.ts']);
  });

  it('reads the bytes again where the text read may have lost some (not UTF-8: U+FFFD)', async () => {
    writeFileSync(join(out, 'a.ts'), Buffer.from([0x2f, 0x2f, 0xff, 0x0a])); // "//", an invalid byte, "\n"
    const decoded = readFileSync(join(out, 'a.ts'), 'utf8');
    expect(decoded).toBe('//\uFFFD\n');
    const files = new Map([['a.ts', decoded]]);
    expect((await diffOutput(out, files, [], new Map([['a.ts', decoded]]))).changed).toEqual(['a.ts']);
  });
});

describe('writeOutput', () => {
  it('replaces the owned files, drops stale ones and keeps the rest', async () => {
    await writeOutput(out, new Map([['a.ts', 'export const a = 5;\n'], ['operations/c.ts', 'export const c = 6;\n']]), ['a.ts', 'operations/b.ts']);
    expect(readFileSync(join(out, 'a.ts'), 'utf8')).toBe('export const a = 5;\n');
    expect(readFileSync(join(out, 'operations', 'c.ts'), 'utf8')).toBe('export const c = 6;\n');
    expect(existsSync(join(out, 'operations', 'b.ts'))).toBe(false);
    expect(readFileSync(join(out, 'mine.txt'), 'utf8')).toBe('not the generator’s\n');
  });
});
