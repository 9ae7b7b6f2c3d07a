/**
 * emit-index.ts writes OPERATIONS.md and README.md in prettier's layout, and says when the text
 * from the spec is plain enough for generate.ts to skip prettier: then prettier must leave the
 * file exactly as it is; otherwise (emphasis, escapes, wide characters, a colon) prettier runs.
 */
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { emitGeneratedReadme, emitOperationsIndex, isPlainIndex } from '../../generator/pipeline/emit-index.js';
import { PRETTIER_OPTIONS } from '../../generator/pipeline/format.js';
import { buildOperationModel } from '../../generator/pipeline/operation-model.js';
import { validateSpec } from '../../generator/pipeline/validate-spec.js';

const SHA = 'a'.repeat(64);

/** A model of one tag whose operations have these summaries (and paths). */
function model(summaries: string[], { tag = 'Things', path = (index: number) => `/api/things/${index}` } = {}) {
  const paths = Object.fromEntries(
    summaries.map((summary, index) => [
      path(index),
      { get: { operationId: `GetThing${index}`, tags: [tag], summary, responses: { '200': { description: 'ok' } } } },
    ]),
  );
  const document = validateSpec({ openapi: '3.0.1', info: { title: 't', version: '1' }, paths, tags: [{ name: tag }] }, 'spec.json').document;
  return buildOperationModel(document, {}, { spec: 'spec.json', nameMap: 'name-map.json' });
}

const format = (text: string) => prettier.format(text, { ...PRETTIER_OPTIONS, parser: 'markdown' });

describe('OPERATIONS.md', () => {
  it('is prettier’s output as written when every string from the spec is plain', async () => {
    const plain = model(['Get a thing', 'List things (by page)', "Delete the user's thing", 'Rotate keys, then sign-in again?', '', 'x']);
    expect(isPlainIndex(plain)).toBe(true);
    const text = emitOperationsIndex(plain, SHA);
    expect(await format(text)).toBe(text);
  });

  it.each([
    ['emphasis', '_Get_ a *thing*'],
    ['underscores', '_Get_'],
    ['stars', '*thing*'],
    ['a colon (an autolink may follow)', 'See https://example.com'],
    ['wide characters', '获取用户'],
    ['HTML', 'Get <b>one</b>'],
    ['two spaces', 'Get  one'],
    ['a backslash', 'Get C:\\things'],
    ['brackets', 'Get [one]'],
  ])('leaves a summary with %s to prettier', async (_, summary) => {
    const unusual = model(['Get a thing', summary]);
    expect(isPlainIndex(unusual)).toBe(false);
  });

  it('leaves a non-plain tag or a path with a backtick to prettier', () => {
    expect(isPlainIndex(model(['Get'], { tag: 'Things: more' }))).toBe(false);
    expect(isPlainIndex(model(['Get'], { path: () => '/api/`odd`' }))).toBe(false);
  });

  it('aligns each table column to its widest cell, as prettier does', async () => {
    const text = emitOperationsIndex(model(['A much longer summary than the others', 'B']), SHA);
    const table = text.split('\n').filter((line) => line.startsWith('|'));
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
    expect(table[1]).toMatch(/^\| -{6,} \| -{4} \| -+ \| -+ \| -{8} \|$/);
    expect(await format(text)).toBe(text);
  });
});

describe('generated README.md', () => {
  it('is prettier’s output as written, whatever the counts', async () => {
    for (const summaries of [['a'], Array.from({ length: 120 }, (_, index) => `Get ${index}`)]) {
      const text = emitGeneratedReadme(model(summaries), SHA);
      expect(await format(text)).toBe(text);
    }
  });
});
