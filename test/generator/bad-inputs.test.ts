/**
 * Bad input never costs the user their generated/: every case below gives one clear error (file,
 * JSON pointer, problem) or a one-line warning and a fallback to the pinned spec, and the out
 * dir is byte-for-byte (and mtime-for-mtime) what it was. URL cases talk to a real node:http
 * server on 127.0.0.1.
 */
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../generator/pipeline/generate.js';
import { GeneratorError } from '../../generator/pipeline/generator-error.js';
import { FIXTURES, quiet, snapshot, workspace } from './workspace.js';

const MINI_SPEC = join(FIXTURES, 'mini', 'spec.json');
let miniText: string;
let server: Server;
let base: string;
const requests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  miniText = await readFile(MINI_SPEC, 'utf8');
  server = createServer((request, response) => {
    requests.push({ url: request.url!, headers: request.headers });
    switch (request.url) {
      case '/api/swagger.json':
        if (request.headers['if-none-match'] === '"v1"') {
          response.writeHead(304, { etag: '"v1"' }).end();
        } else {
          response.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' }).end(miniText);
        }
        return;
      case '/source.yaml':
        response.writeHead(200, { 'content-type': 'application/yaml' }).end(stringify(JSON.parse(miniText)));
        return;
      case '/error':
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"code":"internal"}');
        return;
      case '/login':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><html><body>Sign in</body></html>');
        return;
      case '/swagger2.json':
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ swagger: '2.0', info: {}, paths: {} }));
        return;
      case '/stall':
        return; // never answers
      default:
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A workspace that already has a generated/ (pinned from the mini fixture). */
async function pinnedWorkspace() {
  const dir = await workspace({ 'spec.json': MINI_SPEC });
  await generate(quiet(dir, { spec: 'spec.json' }));
  return { dir, out: join(dir, 'generated'), before: await snapshot(join(dir, 'generated')) };
}

async function unusedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('bad spec files', { timeout: 120_000 }, () => {
  const cases: Array<{ name: string; file: string; content: string; error: RegExp }> = [
    { name: 'invalid JSON', file: 'bad.json', content: '{\n  "openapi": "3.0.1",\n  "paths": {,}\n}', error: /^bad\.json #: is not valid JSON: .* at line 3, column 13$/ },
    { name: 'invalid YAML', file: 'bad.yaml', content: 'openapi: 3.0.1\npaths: [unclosed\n', error: /^bad\.yaml #: is neither JSON nor valid YAML at line \d+, column \d+/ },
    { name: 'a YAML scalar', file: 'scalar.yaml', content: 'just some text\n', error: /^scalar\.yaml #: is neither JSON nor YAML describing an object/ },
    { name: 'an empty file', file: 'empty.json', content: '  \n', error: /^empty\.json #: is empty/ },
    {
      name: 'Swagger 2.0',
      file: 'swagger.json',
      content: JSON.stringify({ swagger: '2.0', info: { title: 'x', version: '1' }, paths: { '/a': { get: { operationId: 'A', responses: {} } } } }),
      error: /^swagger\.json #\/swagger: is Swagger "2\.0", not OpenAPI 3\.x/,
    },
    { name: 'OpenAPI 4', file: 'v4.json', content: JSON.stringify({ openapi: '4.0.0', paths: { '/a': {} } }), error: /^v4\.json #\/openapi: "openapi" is "4\.0\.0", expected a 3\.x version$/ },
    { name: 'no paths', file: 'nopaths.json', content: JSON.stringify({ openapi: '3.0.1', info: { title: 'x', version: '1' } }), error: /^nopaths\.json #\/paths: has no "paths": nothing to generate$/ },
    { name: 'empty paths', file: 'empty-paths.json', content: JSON.stringify({ openapi: '3.0.1', paths: {} }), error: /^empty-paths\.json #\/paths: "paths" is empty/ },
    {
      name: 'duplicate operationIds',
      file: 'dup.json',
      content: JSON.stringify({
        openapi: '3.0.1',
        paths: {
          '/api/a': { get: { operationId: 'GetThing', responses: { '200': { description: 'ok' } } } },
          '/api/b': { get: { operationId: 'GetThing', responses: { '200': { description: 'ok' } } } },
        },
      }),
      error: /^dup\.json #\/paths\/~1api~1b\/get\/operationId: duplicate operationId "GetThing": also used by #\/paths\/~1api~1a\/get$/,
    },
    {
      name: 'a $ref to nothing',
      file: 'ref.json',
      content: JSON.stringify({
        openapi: '3.0.1',
        paths: { '/api/a': { get: { operationId: 'A', responses: { '200': { $ref: '#/components/responses/Missing' } } } } },
      }),
      error: /^ref\.json #\/paths\/~1api~1a\/get\/responses\/200\/\$ref: \$ref "#\/components\/responses\/Missing" points to nothing$/,
    },
    {
      name: 'a $ref to nothing after an array and a good $ref (the pointer names the one that fails)',
      file: 'ref-array.json',
      content: JSON.stringify({
        openapi: '3.0.1',
        components: { schemas: { Good: { type: 'string' } } },
        paths: {
          '/api/a': {
            get: {
              operationId: 'A',
              parameters: [{ in: 'query', name: 'q', schema: { $ref: '#/components/schemas/Good' } }],
              responses: { '200': { description: 'ok', content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/Good' }, { $ref: '#/components/schemas/Gone' }] } } } } },
            },
          },
        },
      }),
      error: /^ref-array\.json #\/paths\/~1api~1a\/get\/responses\/200\/content\/application~1json\/schema\/oneOf\/1\/\$ref: \$ref "#\/components\/schemas\/Gone" points to nothing$/,
    },
    { name: 'a missing file', file: 'absent.json', content: '', error: /^absent\.json: file not found$/ },
  ];

  for (const { name, file, content, error } of cases) {
    it(`rejects ${name} with the file, pointer and problem, leaving generated/ untouched`, async () => {
      const { dir, out, before } = await pinnedWorkspace();
      if (file !== 'absent.json') await writeFile(join(dir, file), content);
      const failure = await generate(quiet(dir, { spec: file })).catch((caught: unknown) => caught);
      expect(failure).toBeInstanceOf(GeneratorError);
      expect((failure as Error).message).toMatch(error);
      expect(await snapshot(out)).toEqual(before);
    });
  }

  it('with --strict-patches, fails loudly when a patch no longer matches anything, leaving generated/ untouched', async () => {
    const { dir, out, before } = await pinnedWorkspace();
    const spec = JSON.parse(miniText);
    delete spec.paths['/api/user-assets']; // the only multipart file field
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    await expect(generate(quiet(dir, { spec: 'spec.json', strictPatches: true }))).rejects.toThrow(
      /^spec\.json #: patch multipart-file-field matched nothing: .*remove the patch from generator\/pipeline\/patches\.ts/,
    );
    expect(await snapshot(out)).toEqual(before);
  });

  it('without --strict-patches (a consumer), a patch that matches nothing is counted ×0 and the client is generated', async () => {
    const { dir } = await pinnedWorkspace();
    const spec = JSON.parse(miniText);
    delete spec.paths['/api/user-assets'];
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const options = quiet(dir, { spec: 'spec.json' });
    const result = await generate(options);
    expect(result.status).toBe('written');
    expect(result.warnings.filter((warning) => warning.includes('patch'))).toEqual([]);
    expect(options.lines.find((line) => line.includes('normalise'))).toMatch(/ multipart-file-field×0( |$)/);
  });

  it('names operations without operationId from method and path, deterministically', async () => {
    const dir = await workspace();
    const spec = {
      openapi: '3.0.1',
      paths: {
        '/api/users/{userId}/roles': {
          get: {
            tags: ['Users'],
            parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }],
            responses: { '204': { description: 'ok' } },
          },
        },
      },
    };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const result = await generate(quiet(dir, { spec: 'spec.json', patches: [] }));
    expect(result.warnings).toEqual(['#/paths/~1api~1users~1{userId}~1roles/get has no operationId: named it GetUsersByUserIdRoles']);
    const names = JSON.parse(await readFile(join(dir, 'generated', 'name-map.json'), 'utf8'));
    expect(names.GetUsersByUserIdRoles).toEqual({ namespace: 'users', method: 'getByUserIdRoles' });
  });

  it('rejects a malformed --header before pulling anything', async () => {
    const { dir } = await pinnedWorkspace();
    await expect(generate(quiet(dir, { spec: `${base}/api/swagger.json`, headers: ['Authorization Bearer x'] }))).rejects.toThrow(
      /--header "Authorization Bearer x" is not of the form 'Name: value'/,
    );
  });
});

describe('pulling the spec from a URL', { timeout: 120_000 }, () => {
  it('pulls, sends --header, pins with the ETag, then revalidates with If-None-Match (304 → nothing rewritten)', async () => {
    const dir = await workspace();
    const url = `${base}/api/swagger.json`;
    requests.length = 0;
    const first = await generate(quiet(dir, { spec: url, headers: ['Authorization: Bearer spec-token', 'X-Tenant: t1'] }));
    expect(first).toMatchObject({ status: 'written', specOrigin: 'url', operations: 13 });
    expect(requests[0].headers.authorization).toBe('Bearer spec-token');
    expect(requests[0].headers['x-tenant']).toBe('t1');
    expect(requests[0].headers['if-none-match']).toBeUndefined();
    const lock = JSON.parse(await readFile(join(dir, 'generated', 'spec.lock.json'), 'utf8'));
    expect(lock).toMatchObject({ source: url, etag: '"v1"', infoVersion: 'Cloud', openapi: '3.0.1' });
    expect(lock.sha256).toBe(first.sha256);

    const before = await snapshot(join(dir, 'generated'));
    const second = await generate(quiet(dir, { spec: url }));
    expect(requests[1].headers['if-none-match']).toBe('"v1"');
    expect(second).toMatchObject({ status: 'unchanged', specOrigin: 'pinned', warnings: [] });
    expect(await snapshot(join(dir, 'generated'))).toEqual(before);
  });

  it('loads a YAML spec from a URL', async () => {
    const dir = await workspace();
    const result = await generate(quiet(dir, { spec: `${base}/source.yaml` }));
    expect(result).toMatchObject({ status: 'written', operations: 13 });
  });

  const failures: Array<{ name: string; path: string | (() => Promise<string>); reason: RegExp; timeoutMs?: number }> = [
    { name: 'a 500 answer', path: '/error', reason: /HTTP 500/ },
    { name: 'an HTML page', path: '/login', reason: /answered HTML \(text\/html; charset=utf-8\), not an OpenAPI document/ },
    { name: 'a 404', path: '/nothing-here', reason: /HTTP 404/ },
    { name: 'an unreachable host', path: async () => `http://127.0.0.1:${await unusedPort()}/api/swagger.json`, reason: /ECONNREFUSED/ },
    { name: 'a server that never answers', path: '/stall', reason: /no answer within 300 ms/, timeoutMs: 300 },
  ];
  for (const { name, path, reason, timeoutMs } of failures) {
    const url = async () => (typeof path === 'string' ? `${base}${path}` : path());

    it(`falls back to the pinned spec with a one-line warning on ${name}`, async () => {
      const { dir, out, before } = await pinnedWorkspace();
      const options = quiet(dir, { spec: await url(), timeoutMs });
      const result = await generate(options);
      expect(result).toMatchObject({ status: 'unchanged', specOrigin: 'pinned' });
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toMatch(reason);
      expect(result.warnings[0]).toMatch(/using the pinned spec generated\/spec\.json \(sha256 [0-9a-f]{12}\)$/);
      expect(options.lines.filter((line) => line.startsWith('warning: '))).toHaveLength(1);
      expect(await snapshot(out)).toEqual(before);
    });

    it(`fails on ${name} with --strict, leaving generated/ untouched`, async () => {
      const { dir, out, before } = await pinnedWorkspace();
      const failure = await generate(quiet(dir, { spec: await url(), timeoutMs, strict: true })).catch((caught: unknown) => caught);
      expect(failure).toBeInstanceOf(GeneratorError);
      expect((failure as Error).message).toMatch(reason);
      expect((failure as Error).message).toMatch(/--strict: not falling back to the pinned spec/);
      expect(await snapshot(out)).toEqual(before);
    });
  }

  it('fails when the pull fails and nothing is pinned yet', async () => {
    const dir = await workspace();
    await expect(generate(quiet(dir, { spec: `${base}/error` }))).rejects.toThrow(
      /^generated\/spec\.json: could not pull http:\/\/127\.0\.0\.1:\d+\/error: HTTP 500 Internal Server Error, and there is no pinned spec to use$/,
    );
  });

  it('does not fall back when the URL serves a document that is not OpenAPI 3 (Swagger 2.0)', async () => {
    const { dir, out, before } = await pinnedWorkspace();
    await expect(generate(quiet(dir, { spec: `${base}/swagger2.json` }))).rejects.toThrow(/#\/swagger: is Swagger "2\.0"/);
    expect(await snapshot(out)).toEqual(before);
  });

  it('--offline uses the pinned spec without any request', async () => {
    const { dir } = await pinnedWorkspace();
    requests.length = 0;
    const result = await generate(quiet(dir, { spec: `${base}/api/swagger.json`, offline: true }));
    expect(result).toMatchObject({ status: 'unchanged', specOrigin: 'pinned' });
    expect(requests).toHaveLength(0);
  });
});
