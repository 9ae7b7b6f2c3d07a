/**
 * Every one of the pinned spec's operations, called through the generated client with minimal
 * schema-valid arguments, answers on the fake with a spec-valid response (its status is one the
 * spec lists, and a JSON body satisfies that status's schema) or a spec-valid error (a status
 * the spec lists for it, with Logto's JSON error body). A stateful route answering outside the
 * spec fails here as surely as a generated one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as namespaces from '../../generated/operations/index.js';
import { createLogtoClient, type Operation } from '../../runtime/index.js';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';
import { ArgumentGenerator, CannotGenerate, type SpecDocument } from '../runtime/contract/minimal-arguments.js';

const operations = Object.entries(namespaces).flatMap(([namespace, members]) =>
  Object.entries(members as Record<string, unknown>)
    .filter(([, value]) => typeof value === 'function' && 'descriptor' in (value as object))
    .map(([name, value]) => ({ name: `${namespace}.${name}`, operation: value as Operation<any, any> })),
);

let fake: FakeLogto;
beforeAll(async () => {
  fake = await startFakeLogto({ seed: { users: [{ username: 'me', password: 'secret' }] } });
});
afterAll(async () => {
  await fake?.close();
});

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

describe('every operation of the spec on the fake', () => {
  it('answers each of the 359 operations with a spec-valid response or a spec-valid error', async () => {
    const spec = fake.validator.document as unknown as SpecDocument;
    const generator = new ArgumentGenerator(spec);
    const me = fake.data.users.find((user) => user.username === 'me')!;
    let last: Answer | undefined;
    const client = createLogtoClient({
      ...fake.credentials,
      userToken: fake.issueUserToken(me.id),
      logger: { warn: () => {} },
      rateLimit: false,
      maxRetries: 0,
      timeoutMs: 30_000,
      // What reached the client, before the client interprets it; redirects are answers too.
      fetch: async (input, init) => {
        const request = new Request(input, { ...init, redirect: 'manual' });
        const response = await fetch(request);
        if (!new URL(request.url).pathname.startsWith('/oidc/')) {
          last = { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.clone().text() };
        }
        return response;
      },
    });

    const problems: string[] = [];
    const statuses = new Map<string, number>();
    for (const { name, operation } of operations) {
      const { id, method, path } = operation.descriptor;
      let args: { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
      try {
        args = generator.argumentsFor(method, path);
      } catch (error) {
        if (!(error instanceof CannotGenerate)) throw error;
        // The spec's own schema admits no value (see the contract test); send no body.
        args = { path: Object.fromEntries([...path.matchAll(/\{(\w+)\}/g)].map(([, param]) => [param, 'x'])) };
      }
      // The signed-in user and the fake's own M2M app exist: those routes answer with data
      // (deletes keep the generated id, so both live on).
      if (args.path?.userId && method !== 'DELETE') args.path.userId = me.id;
      if (args.path?.applicationId && method !== 'DELETE') args.path.applicationId = fake.clientId;
      last = undefined;
      await (operation as any)(client, args).catch(() => {});
      if (!last) {
        problems.push(`${name} (${id}): no answer reached the client`);
        continue;
      }
      const answer: Answer = last;
      statuses.set(id, answer.status);
      const documented = spec.paths[path][method.toLowerCase()].responses as Record<string, { content?: Record<string, unknown> }>;
      if (!documented[String(answer.status)]) {
        problems.push(`${name} (${id}): status ${answer.status} is not in the spec (${Object.keys(documented).join(', ')}): ${answer.text.slice(0, 200)}`);
        continue;
      }
      if (answer.status >= 400) {
        // Logto's errors: JSON `{ code, message }`, or Koa's plain-text 404 for no route at all.
        const body = answer.contentType.startsWith('application/json') ? JSON.parse(answer.text) : undefined;
        if (typeof body?.code !== 'string' || typeof body?.message !== 'string') problems.push(`${name} (${id}): error ${answer.status} without Logto's body: ${answer.text.slice(0, 200)}`);
        continue;
      }
      if ((documented[String(answer.status)].content?.['application/json'] as { schema?: unknown } | undefined)?.schema) {
        if (!answer.contentType.startsWith('application/json')) {
          problems.push(`${name} (${id}): ${answer.status} should be JSON, got ${answer.contentType || 'no content type'} ${JSON.stringify(answer.text.slice(0, 80))}`);
          continue;
        }
        const errors = fake.validator.checkResponse(id, answer.status, JSON.parse(answer.text));
        if (errors.length) problems.push(`${name} (${id}): the ${answer.status} body breaks the spec: ${errors.slice(0, 3).join('; ')}`);
      }
    }

    const successes = [...statuses.values()].filter((status) => status < 400).length;
    console.log(`every operation: ${operations.length} operations, ${successes} answered with success, ${statuses.size - successes} with a documented error, ${problems.length} problems`);
    expect(problems).toEqual([]);
    expect(operations).toHaveLength(359);
    expect(statuses.size).toBe(359);
    // Most operations succeed with minimal arguments; errors are the stateful routes' 404s
    // for ids that do not exist and the like.
    expect(successes).toBeGreaterThan(250);
  }, 300_000);
});
