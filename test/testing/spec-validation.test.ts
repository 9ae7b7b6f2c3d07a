/**
 * The fake checks every request against the pinned spec, for the operations it answers from
 * the spec as much as for the stateful ones, and its response check tells a wrong body from a
 * right one. Operations here (hooks, sign-in experience) have no stateful handler, so only the
 * spec validator can refuse them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';

let fake: FakeLogto;
beforeAll(async () => {
  fake = await startFakeLogto();
});
afterAll(async () => {
  await fake.close();
});

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await fake.issueToken()}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('request validation against the spec', () => {
  it('refuses a body without a required property, naming it as zod does', async () => {
    const answer = await call('POST', '/api/hooks', { name: 'no config' });
    expect(answer).toEqual({
      status: 400,
      body: {
        code: 'guard.invalid_input',
        message: 'The request body is invalid.',
        details: 'Error in key path "config": (invalid_type) Required',
        data: { name: 'ZodError', issues: [{ code: 'invalid_type', expected: 'object', received: 'undefined', path: ['config'], message: 'Required' }] },
      },
    });
  });

  it('refuses a missing required body, a body of the wrong type and a nested wrong type', async () => {
    const missing = await call('POST', '/api/hooks');
    expect([missing.status, missing.body.code, missing.body.message]).toEqual([400, 'guard.invalid_input', 'The request body is invalid.']);
    const wrongType = await call('POST', '/api/hooks', [1, 2]);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.data.issues[0]).toMatchObject({ code: 'invalid_type', expected: 'object', received: 'array', path: [] });
    const nested = await call('POST', '/api/hooks', { name: 'n', events: ['PostRegister'], config: { url: 42 } });
    expect(nested.status).toBe(400);
    expect(nested.body.data.issues).toContainEqual(expect.objectContaining({ code: 'invalid_type', expected: 'string', received: 'integer', path: ['config', 'url'] }));
  });

  it('accepts a valid body for an operation answered from the spec', async () => {
    const answer = await call('POST', '/api/hooks', { name: 'ok', events: ['PostRegister'], config: { url: 'https://example.com/hook' } });
    expect(answer.status).toBe(201);
    expect(fake.validator.checkResponse('CreateHook', 201, answer.body)).toEqual([]);
  });

  it('coerces query strings to the parameter type and refuses what does not coerce', async () => {
    const path = '/api/sign-in-exp/username-policy/case-sensitivity-conflicts';
    expect((await call('GET', `${path}?limit=5`)).status).toBe(200);
    const bad = await call('GET', `${path}?limit=five`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'guard.invalid_input', message: 'The request query is invalid.', data: { issues: [expect.objectContaining({ path: ['limit'] })] } });
    // Logto's query guards drop what they do not declare.
    expect((await call('GET', `${path}?limit=5&undeclared=1`)).status).toBe(200);
  });

  it('reads a multipart body as a form', async () => {
    const form = new FormData();
    form.append('file', new Blob(['PK\u0003\u0004'], { type: 'application/zip' }), 'ui.zip');
    const response = await fetch(`${fake.url}/api/sign-in-exp/default/custom-ui-assets`, { method: 'POST', headers: { authorization: `Bearer ${await fake.issueToken()}` }, body: form });
    expect(response.status).toBeLessThan(300);
  });
});

describe('response validation against the spec', () => {
  it('finds what is wrong with a body, and nothing in a right one', () => {
    const hook = { tenantId: 'default', id: 'h1', name: 'n', event: 'PostRegister', events: ['PostRegister'], signingKey: 'k', enabled: true, config: { url: 'https://example.com' }, createdAt: 1, updatedAt: 1 };
    expect(fake.validator.checkResponse('GetHook', 200, hook)).toEqual([]);
    const { name: _name, ...withoutName } = hook;
    expect(fake.validator.checkResponse('GetHook', 200, withoutName)).toEqual([expect.stringContaining('name')]);
    expect(fake.validator.checkResponse('GetHook', 200, { ...hook, enabled: 'yes' })).toEqual([expect.stringMatching(/^\/enabled must be boolean/)]);
  });

  it('checks errors against the documented error schema, 204s as empty, and names unknown operations', () => {
    expect(fake.validator.checkResponse('DeleteHook', 204, null)).toEqual([]);
    expect(fake.validator.checkResponse('DeleteHook', 204, { deleted: true })).not.toEqual([]);
    expect(fake.validator.checkResponse('GetHook', 404, { code: 'entity.not_found', message: 'The resource does not exist.' })).toEqual([]);
    expect(fake.validator.checkResponse('NoSuchOperation', 200, {})).toEqual(['no operation NoSuchOperation in the spec']);
  });
});
