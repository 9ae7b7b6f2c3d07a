/**
 * Valid but unusual specs get what a user expects, not a refusal: the `unusual` fixture
 * (OpenAPI 3.1; operationIds `list-users`, `users.list`, `Get user by id`; operationIds, tags
 * and fields named `__proto__`, `constructor`, `prototype`, `then`, `toString`) → the committed
 * golden output, which `npm run typecheck` compiles together with fixtures/unusual/consumer.ts
 * (and a test here with its `// @ts-nocheck` lines removed), and which is called over HTTP against a server that validates each request with the spec.
 * Specs whose path template and path parameters disagree are errors naming the JSON pointer.
 * `UPDATE_GOLDEN=1 npx vitest run test/generator/unusual-specs.test.ts` rewrites the golden files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type GenerateResult } from '../../generator/pipeline/generate.js';
import { bindNamespace, createLogtoClient } from '../../runtime/index.js';
import { createLogtoManagementClient } from './fixtures/unusual/golden/client.js';
import * as namespaces from './fixtures/unusual/golden/operations/index.js';
import { CONTRACT_TOKENS, generatedOperations, routeKey, runContract, specOperationCount } from '../runtime/contract/run-contract.js';
import { startSpecServer, type SpecServer } from '../runtime/contract/spec-server.js';
import { typecheckWithRepoOptions } from './typecheck.js';
import { expectGolden, FIXTURES, quiet, snapshot, workspace } from './workspace.js';

const UNUSUAL = join(FIXTURES, 'unusual');
const GOLDEN_RUNTIME = '../../../../../runtime/index.js';
const spec = JSON.parse(await readFile(join(UNUSUAL, 'spec.json'), 'utf8'));

let dir: string;
let result: GenerateResult;
let server: SpecServer;
beforeAll(async () => {
  dir = await workspace({ 'spec.json': join(UNUSUAL, 'spec.json') });
  result = await generate(quiet(dir, { spec: 'spec.json', runtimeImport: GOLDEN_RUNTIME }));
  server = await startSpecServer(spec, CONTRACT_TOKENS);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe('the unusual fixture', { timeout: 120_000 }, () => {
  it('matches the committed golden files byte for byte', async () => {
    expect(result.status).toBe('written');
    const files = await snapshot(join(dir, 'generated'));
    await expectGolden(files, join(UNUSUAL, 'golden'));
  });

  it('type-checks with its consumer and the repo\'s strict options, its @ts-nocheck lines removed (the line hides no error)', () => {
    const { errors, uncheckedFiles } = typecheckWithRepoOptions([join(UNUSUAL, 'consumer.ts')], { checkGenerated: true });
    expect(errors).toEqual([]);
    expect(uncheckedFiles.map((file) => file.slice(join(UNUSUAL, 'golden').length + 1))).toEqual(expect.arrayContaining(['schema.ts', 'client.ts', 'operations/people.ts']));
  });

  it('gives each operationId that is not an identifier a deterministic one, with one warning each', async () => {
    expect(result.warnings).toEqual([
      '#/paths/~1api~1people/get/operationId "list-users" is not an identifier: generated it as ListUsers',
      '#/paths/~1api~1people~1search/post/operationId "users.list" is not an identifier: generated it as UsersList',
      '#/paths/~1api~1people~1{personId}/get/operationId "Get user by id" is not an identifier: generated it as GetUserById',
      '#/paths/~1api~1people~1{personId}/patch/operationId "update person" is not an identifier: generated it as UpdatePerson',
    ]);
    const names = JSON.parse(await readFile(join(dir, 'generated', 'name-map.json'), 'utf8'));
    expect(names.ListUsers).toEqual({ namespace: 'people', method: 'listUsers' });
    expect(names.UsersList).toEqual({ namespace: 'people', method: 'usersList' });
    expect(names.GetUserById).toEqual({ namespace: 'people', method: 'getUserById' });
  });

  it('names special in JavaScript work as operationIds, namespaces and methods; `then` and `__proto__` are renamed', async () => {
    const names = JSON.parse(await readFile(join(dir, 'generated', 'name-map.json'), 'utf8'));
    expect(Object.keys(names)).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'prototype', 'then', 'toString']));
    expect(names.__proto__).toEqual({ namespace: 'specials', method: 'proto' });
    expect(names.constructor).toEqual({ namespace: 'specials', method: 'constructor' });
    expect(names.prototype).toEqual({ namespace: 'specials', method: 'prototype' });
    expect(names.then).toEqual({ namespace: 'specials', method: 'then_' });
    expect(names.toString).toEqual({ namespace: 'specials', method: 'toString' });
    expect(names.GetThen.namespace).toBe('thenApi');
    expect(names.GetConstructor.namespace).toBe('constructor');
    expect(names.GetProto.namespace).toBe('proto');
    expect(names.GetToString.namespace).toBe('toString');
    expect(names.ListPrototype.namespace).toBe('prototype');
    // A `__proto__` field of a schema is a field, not lost as a prototype on the way.
    expect(await readFile(join(dir, 'generated', 'schema.ts'), 'utf8')).toMatch(/Person: \{\s+__proto__\?: string;\s+constructor\?: string;/);
  });

  it('reads its own name map back safely: regenerating changes nothing', async () => {
    const again = await generate(quiet(dir, { spec: 'spec.json', runtimeImport: GOLDEN_RUNTIME, force: true }));
    expect(again.status).toBe('unchanged');
  });

  it('rejects a name map that names a method `then` or a namespace `__proto__`, naming the entry', async () => {
    const mapDir = await workspace({ 'spec.json': join(UNUSUAL, 'spec.json') });
    await generate(quiet(mapDir, { spec: 'spec.json', runtimeImport: GOLDEN_RUNTIME }));
    const mapFile = join(mapDir, 'generated', 'name-map.json');
    const names = JSON.parse(await readFile(mapFile, 'utf8'));
    names.GetThen.method = 'then';
    await writeFile(mapFile, JSON.stringify(names));
    await expect(generate(quiet(mapDir, { spec: 'spec.json', runtimeImport: GOLDEN_RUNTIME }))).rejects.toThrow(
      'generated/name-map.json #/GetThen/method: method "then" cannot be used: a `then` member makes the client a thenable that `await` calls; pick another name',
    );
    names.GetThen.method = 'get';
    names.__proto__.namespace = '__proto__';
    await writeFile(mapFile, JSON.stringify(names));
    await expect(generate(quiet(mapDir, { spec: 'spec.json', runtimeImport: GOLDEN_RUNTIME }))).rejects.toThrow(
      'generated/name-map.json #/__proto__/namespace: namespace "__proto__" cannot be used: `__proto__` would set a prototype, not a property; pick another name',
    );
  });
});

describe('the unusual fixture, called', () => {
  const client = () =>
    createLogtoManagementClient({ endpoint: server.url, getAccessToken: () => CONTRACT_TOKENS.m2m, logger: { warn: () => {} }, maxRetries: 0, rateLimit: false });

  it('the bound client and its namespaces are not thenables, and keep their prototypes', async () => {
    const bound = client();
    expect(await Promise.resolve(bound)).toBe(bound);
    expect('then' in bound).toBe(false);
    for (const [name, namespace] of Object.entries(bound)) {
      if (name === 'raw') continue;
      expect('then' in (namespace as object), name).toBe(false);
      expect(Object.getPrototypeOf(namespace), name).toBe(Object.prototype);
      expect(await Promise.resolve(namespace)).toBe(namespace);
    }
    const specials = await import('./fixtures/unusual/golden/operations/specials.js');
    expect('then' in specials).toBe(false);
    expect(Object.keys(bound.specials).sort()).toEqual(['constructor', 'proto', 'prototype', 'then_', 'toString']);
  });

  it('bindNamespace defines a member named `__proto__` as a property, never as the prototype', async () => {
    const namespace = Object.fromEntries([['__proto__', namespaces.specials.proto], ['constructor', namespaces.specials.constructor]]);
    const core = createLogtoClient({ endpoint: server.url, getAccessToken: () => CONTRACT_TOKENS.m2m, logger: { warn: () => {} }, maxRetries: 0, rateLimit: false });
    const bound = bindNamespace(core, namespace) as Record<string, () => Promise<unknown>>;
    expect(Object.getPrototypeOf(bound)).toBe(Object.prototype);
    expect(Object.keys(bound)).toEqual(['__proto__', 'constructor']);
    server.hits.clear();
    await bound['__proto__']();
    await bound.constructor();
    expect([...server.hits.keys()]).toEqual(['GET /api/specials/proto', 'POST /api/specials/constructor']);
  });

  it('calls each special name over HTTP: one valid request per operation', async () => {
    server.hits.clear();
    const bound = client();
    await bound.specials.constructor();
    await bound.specials.proto();
    await bound.specials.prototype();
    await bound.specials.then_();
    await bound.specials.toString();
    await bound.constructor.get();
    await bound.proto.get();
    await bound.prototype.list();
    await bound.thenApi.get();
    await bound.toString.get();
    await bound.people.getUserById({ path: { personId: 'p1' } });
    expect(server.violations).toEqual([]);
    expect([...server.hits].sort()).toEqual(
      [
        ...['POST /api/specials/constructor', 'GET /api/specials/proto', 'GET /api/specials/prototype', 'GET /api/specials/then', 'DELETE /api/specials/to-string'],
        ...['GET /api/constructor', 'GET /api/proto', 'GET /api/prototype', 'GET /api/then', 'GET /api/to-string', 'GET /api/people/{personId}'],
      ]
        .map((route) => [route, 1])
        .sort(),
    );
  });

  it('passes the contract check: every operation sent as the spec describes it', async () => {
    const operations = generatedOperations(namespaces);
    expect(operations).toHaveLength(specOperationCount(spec));
    const outcome = await runContract(spec, server, operations, { label: 'unusual fixture', allQuery: true });
    expect(outcome.violations, outcome.report).toEqual([]);
    expect(outcome.failures, outcome.report).toEqual([]);
    expect(outcome.skipped, outcome.report).toEqual([]);
    expect(outcome.exercised).toBe(operations.length);
    expect(server.hits.get(routeKey('PATCH', '/api/people/{personId}'))).toBe(1);
  });
});

describe('unusual operationIds and path parameters in small specs', { timeout: 60_000 }, () => {
  const ok = { '200': { description: 'OK' } };
  const userId = { name: 'userId', in: 'path', required: true, schema: { type: 'string' } };
  async function generateFrom(paths: Record<string, unknown>) {
    const ws = await workspace();
    await writeFile(join(ws, 'spec.json'), JSON.stringify({ openapi: '3.0.1', info: { title: 't', version: '1' }, paths }));
    return generate(quiet(ws, { spec: 'spec.json', patches: [] }));
  }

  it('an operationId whose identifier is taken by a real one falls back to the route name', async () => {
    const generated = await generateFrom({
      '/api/users': { get: { operationId: 'list-users', tags: ['Users'], responses: ok }, post: { operationId: 'ListUsers', tags: ['Users'], responses: ok } },
    });
    expect(generated.warnings).toEqual(['#/paths/~1api~1users/get/operationId "list-users" is not an identifier: generated it as GetUsers']);
  });

  it('a path template parameter that no parameter declares is an error naming its JSON pointer', async () => {
    await expect(generateFrom({ '/api/users/{userId}': { get: { operationId: 'GetUser', responses: ok } } })).rejects.toThrow(
      'spec.json #/paths/~1api~1users~1{userId}/get/parameters: path template parameter {userId} is not declared: add a parameter with "in": "path", "name": "userId", "required": true',
    );
  });

  it('a declared path parameter missing from the template is an error naming its JSON pointer', async () => {
    await expect(
      generateFrom({ '/api/users': { get: { operationId: 'ListUsers', parameters: [{ name: 'tenant', in: 'query', schema: { type: 'string' } }, userId], responses: ok } } }),
    ).rejects.toThrow('spec.json #/paths/~1api~1users/get/parameters/1: path parameter "userId" does not appear in the path template /api/users');
    await expect(generateFrom({ '/api/users': { parameters: [userId], get: { operationId: 'ListUsers', responses: ok } } })).rejects.toThrow(
      'spec.json #/paths/~1api~1users/parameters/0: path parameter "userId" does not appear in the path template /api/users',
    );
  });

  it('path parameters declared on the path item, by $ref, or overridden by the operation are accepted', async () => {
    const ws = await workspace();
    await writeFile(
      join(ws, 'spec.json'),
      JSON.stringify({
        openapi: '3.0.1',
        info: { title: 't', version: '1' },
        paths: {
          '/api/users/{userId}/roles/{roleId}': {
            parameters: [{ $ref: '#/components/parameters/userId' }],
            get: { operationId: 'GetUserRole', parameters: [{ name: 'roleId', in: 'path', required: true, schema: { type: 'string' } }], responses: ok },
            delete: { operationId: 'DeleteUserRole', parameters: [userId, { name: 'roleId', in: 'path', required: true, schema: { type: 'string' } }], responses: ok },
          },
        },
        components: { parameters: { userId } },
      }),
    );
    expect((await generate(quiet(ws, { spec: 'spec.json', patches: [] }))).status).toBe('written');
  });
});
