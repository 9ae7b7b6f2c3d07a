import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createLogtoClient,
  MemoryRateLimitStore,
  MemoryTokenStore,
  scopedStore,
  type LogtoStore,
  type StoreIdentity,
  defineOperation,
  LogtoApiError,
  LogtoBadRequestError,
  LogtoError,
  LogtoNotFoundError,
  LogtoServerError,
  LogtoUnauthorizedError,
  LogtoUnprocessableEntityError,
  type LogtoClient,
} from '../../runtime/index.js';
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';
import { assignApplicationRolesOp, createUser, getMyAccount, getStatus, getUser, listUsers } from './operations.js';
import { createFetchClient } from '../../runtime/client/fetch-client.js';

let fake: FakeLogto;
let client: LogtoClient;
const logger = { warn: () => {} };
beforeEach(async () => {
  fake = await startFakeLogto();
  client = createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, logger, maxRetries: 0 });
});
afterEach(async () => {
  await fake.close();
});

/** A client on the fake whose custom `fetch` records what each request was handed (a Request or a URL). */
function recordingClient(options: { headers?: Record<string, string> } = {}) {
  const inputs: unknown[] = [];
  const recording = createLogtoClient({
    endpoint: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    logger,
    ...options,
    fetch: (input, init) => (inputs.push(input), fetch(input, init)),
  });
  return { client: recording, inputs };
}

describe('per-operation security', () => {
  it('sends the M2M token to m2m operations, nothing to security: [] operations', async () => {
    await listUsers(client);
    await getStatus(client);
    const token = fake.issuedTokens()[0].token;
    expect(fake.requestsTo('/api/users')[0].headers.authorization).toBe(`Bearer ${token}`);
    expect(fake.requestsTo('/api/status')[0].headers.authorization).toBeUndefined();
    // A no-auth operation does not even fetch a token.
    const fresh = createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, logger });
    await getStatus(fresh);
    expect(fake.counters.tokenRequests).toBe(1);
  });

  it("sends the caller's user token (per call over per client), never the M2M token, to user operations", async () => {
    const [alice, bob] = fake.data.seedUsers([{ username: 'alice' }, { username: 'bob' }]) as Array<{ id: string }>;
    const aliceToken = fake.issueUserToken(alice.id);
    const bobToken = fake.issueUserToken(bob.id);
    const withUser = createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, userToken: aliceToken, logger });
    expect((await getMyAccount(withUser)).username).toBe('alice');
    expect((await getMyAccount(withUser, {}, { userToken: bobToken })).username).toBe('bob');
    const viaProvider = createLogtoClient({ endpoint: fake.url, getUserToken: async () => bobToken, logger });
    expect((await getMyAccount(viaProvider)).username).toBe('bob');
    expect(fake.requestsTo('/api/my-account').map((r) => r.headers.authorization)).toEqual([`Bearer ${aliceToken}`, `Bearer ${bobToken}`, `Bearer ${bobToken}`]);
    expect(fake.counters.tokenRequests).toBe(0);
  });

  it('fails clearly, without sending anything, when a user operation has no user token', async () => {
    const error = await getMyAccount(client).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoError);
    expect(error.message).toMatch(/GetProfile .* end user's access token: pass \{ userToken \}/);
    expect(fake.counters.requests).toBe(0);
  });

  it('refuses what getUserToken gives unless it is a non-empty string, and passes its own error through', async () => {
    const userClient = (getUserToken: () => unknown) => createLogtoClient({ endpoint: fake.url, getUserToken: getUserToken as () => string, logger });
    for (const given of ['', 42, { token: 't' }]) {
      await expect(getMyAccount(userClient(() => given))).rejects.toThrow(/GetProfile .* end user's access token/);
    }
    const noSession = new Error('no session');
    await expect(
      getMyAccount(
        userClient(() => {
          throw noSession;
        }),
      ),
    ).rejects.toBe(noSession);
    expect(fake.counters.requests).toBe(0);
  });

  it('fails clearly when an m2m operation is called on a client without M2M credentials', async () => {
    const anonymous = createLogtoClient({ endpoint: fake.url, logger });
    await expect(listUsers(anonymous)).rejects.toThrow(/ListUsers .* needs an M2M token/);
    await expect(getStatus(anonymous)).resolves.toBeUndefined();
  });
});

describe('bring your own token', () => {
  it('sends the token from getAccessToken and asks again with rejectedToken after a 401', async () => {
    let current = fake.issueToken();
    const seen: Array<string | undefined> = [];
    const byo = createLogtoClient({
      endpoint: fake.url,
      getAccessToken: ({ rejectedToken }) => {
        seen.push(rejectedToken);
        if (rejectedToken === current) current = fake.issueToken();
        return current;
      },
      logger,
    });
    await listUsers(byo);
    const old = current;
    fake.revokeToken(old);
    await listUsers(byo);
    expect(seen).toEqual([undefined, undefined, old]);
    expect(fake.requestsTo('/api/users').map((r) => r.headers.authorization)).toEqual([`Bearer ${old}`, `Bearer ${old}`, `Bearer ${current}`]);
  });

  it('does not replay when getAccessToken hands back the rejected token', async () => {
    const token = fake.issueToken();
    fake.revokeToken(token);
    const byo = createLogtoClient({ endpoint: fake.url, getAccessToken: () => token, logger });
    await expect(listUsers(byo)).rejects.toBeInstanceOf(LogtoUnauthorizedError);
    expect(fake.requestsTo('/api/users')).toHaveLength(1);
  });
});

describe('401 replay', () => {
  it('replays once with a new token, resending the same JSON body', async () => {
    const debug: string[] = [];
    client = createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, logger: { warn: () => {}, debug: (line) => void debug.push(line) }, maxRetries: 0 });
    await listUsers(client);
    fake.revokeAllTokens();
    const user = await createUser(client, { body: { username: 'carol', primaryEmail: 'carol@example.com' } });
    expect(user.username).toBe('carol');
    const posts = fake.requestsTo('/api/users', 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[0].body).toBe(posts[1].body);
    expect(posts[0].headers.authorization).not.toBe(posts[1].headers.authorization);
    expect(fake.counters.tokenRequests).toBe(2);
    expect(debug).toContain('POST /api/users answered 401; refreshing the M2M token and replaying once');
  });

  it('gives up with the 401 when the replay is rejected too', async () => {
    fake.intercept((request) => (request.path === '/api/users' ? { type: 'respond', status: 401, body: { code: 'auth.unauthorized', message: 'Unauthorized. Please check credentials and its scope.' } } : undefined));
    const error = await listUsers(client).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoUnauthorizedError);
    expect(error).toMatchObject({ status: 401, kind: 'unauthorized', code: 'auth.unauthorized' });
    expect(fake.requestsTo('/api/users')).toHaveLength(2);
    expect(fake.counters.tokenRequests).toBe(2);
  });

  it('does not replay a 401 for a user-token operation', async () => {
    const error = await getMyAccount(client, {}, { userToken: 'not-a-user-token' }).catch((e: any) => e);
    expect(error).toMatchObject({ status: 401, code: 'auth.unauthorized' });
    expect(fake.requestsTo('/api/my-account')).toHaveLength(1);
    // Not even when getUserToken would hand out another token.
    let asked = 0;
    const provider = createLogtoClient({ endpoint: fake.url, getUserToken: () => `not-a-user-token-${++asked}`, logger });
    await expect(getMyAccount(provider)).rejects.toMatchObject({ status: 401 });
    expect([asked, fake.requestsTo('/api/my-account').length]).toEqual([1, 2]);
  });
});

describe('errors', () => {
  it('throws LogtoNotFoundError with Logto code, message, method, path and headers', async () => {
    const error = await getUser(client, { path: { userId: 'missing id' } }).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoNotFoundError);
    expect(error).toBeInstanceOf(LogtoApiError);
    expect(error).toMatchObject({ status: 404, kind: 'not_found', code: 'entity.not_found', logtoMessage: 'The resource does not exist.', method: 'GET', path: '/api/users/missing%20id' });
    expect(error.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(error.message).toBe('GET /api/users/missing%20id failed with 404 entity.not_found: The resource does not exist.');
  });

  it('names the path with the placeholders a call did not fill', async () => {
    for (const params of [{}, { path: {} }]) {
      await expect(getUser(client, params as never)).rejects.toMatchObject({ status: 404, path: '/api/users/{userId}' });
    }
  });

  it('carries guard.invalid_input details and data', async () => {
    const error = await createUser(client, { body: { primaryEmail: 'nope' } }).catch((e: any) => e);
    expect(error).toBeInstanceOf(LogtoBadRequestError);
    expect(error).toMatchObject({ kind: 'bad_request', code: 'guard.invalid_input', details: 'Error in key path "primaryEmail": (invalid_string) Invalid' });
    expect(error.data).toMatchObject({ name: 'ZodError', issues: [{ path: ['primaryEmail'] }] });
  });

  it('tells 422, 403, 5xx and a plain-text 404 apart', async () => {
    await createUser(client, { body: { username: 'dup' } });
    await expect(createUser(client, { body: { username: 'dup' } })).rejects.toBeInstanceOf(LogtoUnprocessableEntityError);
    fake.enqueueFault({ type: 'server-error', status: 503 });
    await expect(listUsers(client)).rejects.toBeInstanceOf(LogtoServerError);
    const unknownRoute = defineOperation<{}, unknown>({ id: 'Nope', method: 'GET', path: '/api/nope', security: 'm2m', paginated: false, body: 'none' });
    const error = await unknownRoute(client).catch((e: any) => e);
    expect(error).toMatchObject({ status: 404, kind: 'not_found', code: undefined, logtoMessage: 'Not Found' });
    fake.enqueueFault({ type: 'rate-limit', retryAfter: 3 });
    const limited = await listUsers(client).catch((e: any) => e);
    expect(limited).toMatchObject({ status: 429, kind: 'rate_limited' });
    expect(limited.headers.get('retry-after')).toBe('3');
  });
});

describe('results', () => {
  it('resolves to data on 200 and 201, undefined on 204, and exposes the Response via withResponse()', async () => {
    fake.data.seedUsers(45);
    const { data, response } = await listUsers(client, { query: { page: 2 } }).withResponse();
    expect(data).toHaveLength(20);
    expect(response.status).toBe(200);
    expect(response.headers.get('total-number')).toBe('45');
    const role = fake.data.seedRoles([{ name: 'r' }])[0];
    const assign = defineOperation<{ path: { applicationId: string }; body: { roleIds: string[] } }, unknown>(assignApplicationRolesOp);
    const assigned = await assign(client, { path: { applicationId: fake.clientId }, body: { roleIds: [role.id] } }).withResponse();
    expect(assigned.response.status).toBe(201);
    expect(assigned.data).toEqual({ roleIds: [role.id], addedRoleIds: [role.id] });
    await expect(getStatus(client)).resolves.toBeUndefined();
  });

  it('serializes query arrays and objects form/explode, as OpenAPI and Logto expect', async () => {
    const list = defineOperation<{ query: Record<string, unknown> }, unknown[]>({ id: 'ListUsers', method: 'GET', path: '/api/users', security: 'm2m', paginated: true, body: 'none' });
    await list(client, { query: { page: 1, search_params: { 'search.primaryEmail': '%@example.com', 'mode.primaryEmail': 'like' }, types: ['SPA', 'Native'] } });
    const [request] = fake.requestsTo('/api/users');
    expect([...request.query]).toEqual([
      ['page', '1'],
      ['search.primaryEmail', '%@example.com'],
      ['mode.primaryEmail', 'like'],
      ['types', 'SPA'],
      ['types', 'Native'],
    ]);
  });

  it('sends a multipart body built from a FormData or from plain fields (undefined ones left out)', async () => {
    const upload = defineOperation<{ body: unknown }, { url: string }>({ id: 'CreateUserAsset', method: 'POST', path: '/api/user-assets', security: 'm2m', paginated: false, body: 'multipart' });
    const png = () => new Blob(['png bytes'], { type: 'image/png' });
    const form = new FormData();
    form.append('file', png(), 'a.png');
    form.append('note', 'kept');
    await upload(client, { body: form });
    await upload(client, { body: { file: png(), size: 9, skipped: undefined } });
    const received = fake.requestsTo('/api/user-assets').map(async ({ body, headers }) => {
      const parts = [...(await new Response(body, { headers: { 'content-type': String(headers['content-type']) } }).formData())];
      return Promise.all(parts.map(async ([name, value]) => [name, typeof value === 'string' ? value : `${value.type} ${await value.text()}`]));
    });
    expect(await Promise.all(received)).toEqual([
      [
        ['file', 'image/png png bytes'],
        ['note', 'kept'],
      ],
      [
        ['file', 'image/png png bytes'],
        ['size', '9'],
      ],
    ]);
  });

  it('sends default headers and per-call headers', async () => {
    const custom = createLogtoClient({ endpoint: `${fake.url}/`, clientId: fake.clientId, clientSecret: fake.clientSecret, headers: { 'x-app': 'billing' }, logger });
    await listUsers(custom, {}, { headers: { 'x-request-id': 'r1' } });
    const [request] = fake.requestsTo('/api/users');
    expect(request.headers['x-app']).toBe('billing');
    expect(request.headers['x-request-id']).toBe('r1');
  });

  it('uses a custom fetch for the token and the API', async () => {
    const { client: custom, inputs } = recordingClient();
    await listUsers(custom);
    const seen = inputs.map((input) => (input instanceof Request ? `${new URL(input.url).pathname} (a Request)` : new URL(String(input)).pathname));
    // A custom fetch is handed API calls as a Request, as the option documents.
    expect(seen).toEqual(['/oidc/token', '/api/users (a Request)']);
  });

  it('calls the default fetch (globalThis.fetch when the client was made) with the URL and init, no Request to copy', async () => {
    const seen: unknown[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = (input, init) => (seen.push(input), original(input, init));
    let byDefault: LogtoClient;
    try {
      byDefault = createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, logger });
    } finally {
      globalThis.fetch = original;
    }
    await listUsers(byDefault);
    expect(seen).toEqual([`${fake.url}/oidc/token`, `${fake.url}/api/users`]);
  });

  it('offers the plain openapi-fetch client with the M2M token as an escape hatch', async () => {
    const { data, response } = await createFetchClient(client).GET('/api/users', {});
    expect(response.status).toBe(200);
    expect(data).toEqual([]);
  });
});

describe('ApiPromise', () => {
  it('passes the data through finally()', async () => {
    let finished = false;
    await expect(
      listUsers(client).finally(() => {
        finished = true;
      }),
    ).resolves.toEqual([]);
    expect(finished).toBe(true);
  });

  it('settles its base promise, so Promise.prototype.then called on it directly does not hang', async () => {
    const call = getStatus(client);
    const base = Promise.prototype.then.call(call, () => 'settled');
    const timer = new Promise((resolve) => setTimeout(resolve, 1_000, 'pending'));
    expect(await Promise.race([base, timer])).toBe('settled');
    await call;
  });
});

describe('escape hatch', () => {
  it('is one openapi-fetch client: middleware added to it applies to later requests', async () => {
    createFetchClient(client).use({ onRequest: ({ request }) => (request.headers.set('x-app', 'billing'), request) });
    await createFetchClient(client).GET('/api/users', {});
    expect(fake.requestsTo('/api/users')[0].headers['x-app']).toBe('billing');
  });

  it("uses the client's fetch and headers, and is one per client", async () => {
    const { client: custom, inputs } = recordingClient({ headers: { 'x-app': 'billing' } });
    expect(createFetchClient(custom)).toBe(createFetchClient(custom));
    expect(createFetchClient(custom)).not.toBe(createFetchClient(client));
    const { response } = await createFetchClient(custom).GET('/api/users', { params: { query: { search_params: { 'search.name': 'ada' } } } });
    expect(response.status).toBe(200);
    const [request] = fake.requestsTo('/api/users');
    expect([request.headers['x-app'], String(request.headers.authorization).startsWith('Bearer ')]).toEqual(['billing', true]);
    const last = inputs.at(-1);
    expect(last instanceof Request ? last.url : String(last)).toBe(`${fake.url}/api/users?search.name=ada`);
  });

  it('sends no authorization from a client without M2M credentials', async () => {
    const { response } = await createFetchClient(createLogtoClient({ endpoint: fake.url, logger })).GET('/api/status', {});
    expect(response.ok).toBe(true);
    expect(fake.requestsTo('/api/status')[0].headers.authorization).toBeUndefined();
  });
});

describe('store', () => {
  /** A LogtoStore that hands every client the same state, recording who opened it and the rate-limit keys used. */
  function sharedStore() {
    const opened: StoreIdentity[] = [];
    const keys = new Set<string>();
    const rateLimit = new (class extends MemoryRateLimitStore {
      override tryAcquire(key: string, limit: number, windowMs: number) {
        keys.add(key);
        return super.tryAcquire(key, limit, windowMs);
      }
    })();
    const scoped = scopedStore(rateLimit, new MemoryTokenStore());
    const store: LogtoStore = { open: (identity) => (opened.push(identity), scoped) };
    return { store, opened, keys };
  }

  it('is opened for the endpoint and client id, counts under "requests" and shares the M2M token', async () => {
    const { store, opened, keys } = sharedStore();
    for (let i = 0; i < 2; i++) await listUsers(createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, logger, store }));
    expect(opened).toEqual([
      { endpoint: fake.url, clientId: fake.clientId },
      { endpoint: fake.url, clientId: fake.clientId },
    ]);
    expect([...keys]).toEqual(['requests']);
    expect(fake.counters.tokenRequests).toBe(1);
  });
});

describe('logging', () => {
  it('redacts the client secret from a warning carrying text the token endpoint sent', async () => {
    fake.intercept((request) =>
      request.path === '/oidc/token'
        ? { type: 'respond', status: 200, body: { access_token: fake.issueToken(), token_type: 'Bearer', expires_in: 3600, scope: `read ${fake.clientSecret}` } }
        : undefined,
    );
    const warnings: string[] = [];
    await listUsers(createLogtoClient({ endpoint: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, logger: { warn: (line) => warnings.push(line) } }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('granted scope "read [redacted]"');
  });

  it('writes debug lines for a client without M2M credentials too', async () => {
    const lines: string[] = [];
    const anonymous = createLogtoClient({ endpoint: fake.url, logger: { warn: () => {}, debug: (line) => lines.push(line) }, maxRetries: 0 });
    fake.enqueueFault({ type: 'server-error', status: 503 });
    await expect(getStatus(anonymous)).rejects.toBeInstanceOf(LogtoServerError);
    expect(lines).toEqual([expect.stringMatching(/^giving up .*status=503/)]);
  });
});

describe('inspection', () => {
  it('shows the endpoint and the kind of auth, never a secret, in util.inspect and JSON', () => {
    expect(inspect(client)).toBe(`LogtoClient { endpoint: "${fake.url}", auth: client credentials (clientId "${fake.clientId}") }`);
    expect(inspect(createLogtoClient({ endpoint: fake.url, getAccessToken: () => 't' }))).toBe(`LogtoClient { endpoint: "${fake.url}", auth: getAccessToken }`);
    expect(inspect(createLogtoClient({ endpoint: fake.url }))).toBe(`LogtoClient { endpoint: "${fake.url}", auth: none }`);
    expect(JSON.parse(JSON.stringify(client))).toEqual({ endpoint: fake.url, clientId: fake.clientId });
  });
});
