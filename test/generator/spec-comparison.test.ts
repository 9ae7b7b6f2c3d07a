/**
 * The two views of a spec the change tracking compares: `asGenerated` (the spec with the
 * generator's patches applied, leaving the caller's document as it is) and
 * `specContentChanged` (anything but `info`/`servers`, key order ignored).
 */
import { describe, expect, it, vi } from 'vitest';
import { asGenerated } from '../../generator/changes/compare-as-generated.js';
import { specContentChanged } from '../../generator/changes/spec-content.js';
import { LOGTO_PATCHES } from '../../generator/pipeline/patches.js';

/** A spec with one of Logto's quirks: a zod literal written in `format`. */
function quirky() {
  return {
    openapi: '3.0.1',
    info: { title: 'Logto', version: '1' },
    paths: {
      '/api/things': {
        post: {
          operationId: 'CreateThing',
          requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { kind: { type: 'string', format: '"email"' } } } } } },
          responses: { '201': { description: 'Created' } },
        },
      },
    },
  };
}

describe('asGenerated', () => {
  it('patches a copy and leaves the document as served', () => {
    const document = quirky();
    const patched = asGenerated(document, LOGTO_PATCHES) as ReturnType<typeof quirky>;
    expect(document).toEqual(quirky());
    expect(patched).not.toBe(document);
    const kind = patched.paths['/api/things'].post.requestBody.content['application/json'].schema.properties.kind as Record<string, unknown>;
    expect(kind.format).toBeUndefined();
    expect(kind).toMatchObject({ type: 'string' });
    expect(JSON.stringify(kind)).toContain('email');
    expect(patched.paths['/api/things'].post.operationId).toBe('CreateThing');
  });

  it('returns what is no document, and a document when there is no patch, as it is', () => {
    // A function and a symbol too: structuredClone would throw on either.
    for (const value of [null, undefined, 'spec', 42, [quirky()], () => quirky(), Symbol('spec')]) expect(asGenerated(value, LOGTO_PATCHES)).toBe(value);
    const document = quirky();
    expect(asGenerated(document, [])).toBe(document);
  });
});

describe('specContentChanged', () => {
  it('ignores info, servers and key order; sees anything else', () => {
    const base = { ...quirky(), servers: [{ url: 'https://a.logto.app' }] };
    expect(specContentChanged(base, { ...base, info: { title: 'Logto Cloud', version: '2' }, servers: [{ url: 'http://localhost:3001' }] })).toBe(false);
    const reordered = Object.fromEntries(Object.entries(base).reverse());
    expect(specContentChanged(base, reordered)).toBe(false);
    expect(specContentChanged(base, { ...base, paths: {} })).toBe(true);
    expect(specContentChanged(base, { ...base, tags: [{ name: 'Things' }] })).toBe(true);
    const { info: _info, servers: _servers, ...withoutMetadata } = base;
    expect(specContentChanged(base, withoutMetadata)).toBe(false);
  });

  it('compares what is no object as its JSON', () => {
    expect(specContentChanged(null, null)).toBe(false);
    expect(specContentChanged(null, {})).toBe(true);
    expect(specContentChanged([1], [1])).toBe(false);
    expect(specContentChanged([1], [2])).toBe(true);
    expect(specContentChanged([{ info: 1 }], [{ info: 2 }])).toBe(true);
    expect(specContentChanged('a', 'b')).toBe(true);
    expect(specContentChanged({ info: 1 }, {})).toBe(false);
    // Primitives are compared as JSON, not read as objects: 1 and 2 have no entries, and 'ab' has those of { 0: 'a', 1: 'b' }.
    expect(specContentChanged(1, 2)).toBe(true);
    expect(specContentChanged('ab', { 0: 'a', 1: 'b' })).toBe(true);
  });

  it('reads its metadata keys when the module loads', async () => {
    // Module-level code runs when a test file imports it, outside any test: loaded afresh here,
    // the `info`/`servers` set is built inside a test, so Stryker sees a test that covers it.
    vi.resetModules();
    const fresh = await import('../../generator/changes/spec-content.js');
    expect(fresh.specContentChanged({ info: { version: '1' }, servers: [], paths: {} }, { info: { version: '2' }, servers: [{ url: 'x' }], paths: {} })).toBe(false);
  });
});
