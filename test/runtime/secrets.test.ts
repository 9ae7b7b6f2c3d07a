/**
 * The client secret and every access token must never appear in anything a user could print:
 * thrown errors (message, stack, cause chain, JSON, util.inspect), log lines, or the client.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogtoManagementClient } from '../../generated/index.js';
import { createLogtoClient, type LogtoClient, type LogtoClientOptions } from '../../runtime/index.js';
import { createFetchClient } from '../../runtime/client/fetch-client.js';
import { startFakeLogto, type FakeLogto, type TokenFailureMode } from '../../testing/src/index.js';
import { createUser, getMyAccount, getUser, listUsers } from './operations.js';

const SECRET = 'SuperSecret-Zq8Wm3Xr7Tn2';
const CLIENT_ID = 'secret-scan-app';

let fake: FakeLogto;
const logLines: string[] = [];
const logger = {
  warn: (message: string, details?: unknown) => logLines.push(message, JSON.stringify(details ?? null)),
  debug: (message: string, details?: unknown) => logLines.push(message, JSON.stringify(details ?? null)),
};
const makeClient = (extra: Partial<LogtoClientOptions> = {}): LogtoClient =>
  createLogtoClient({ endpoint: fake.url, clientId: CLIENT_ID, clientSecret: SECRET, logger, timeoutMs: 300, tokenTimeoutMs: 300, maxRetries: 0, ...extra } as LogtoClientOptions);

beforeAll(async () => {
  // The 300 ms client timeouts below leave no room for the fake compiling its request
  // validators or warming up on a loaded machine: compile them and take one request first.
  fake = await startFakeLogto({ clients: [{ id: CLIENT_ID, secret: SECRET }, { id: 'scopeless', secret: SECRET, scopes: [] }], precompile: ['ListUsers', 'GetUser', 'CreateUser'] });
  await fetch(`${fake.url}/api/users`, { headers: { authorization: `Bearer ${fake.issueToken({ clientId: CLIENT_ID })}` } });
});
afterAll(async () => {
  await fake.close();
});

/** Everything printable about a value, following the cause chain. */
function printable(value: unknown): string {
  const parts: string[] = [];
  for (let current = value, depth = 0; current !== undefined && current !== null && depth < 6; depth++) {
    const error = current as { message?: unknown; stack?: unknown; cause?: unknown };
    parts.push(String(error.message), String(error.stack), inspect(current, { depth: 8, showHidden: true }));
    try {
      parts.push(JSON.stringify(current));
    } catch {
      // circular: inspect covered it
    }
    current = error.cause;
  }
  return parts.join('\n');
}

const caught = async (call: () => PromiseLike<unknown>) => {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
};

describe('secret and token hygiene', () => {
  it('never shows the secret or a token in errors, logs or the client', async () => {
    const errors: unknown[] = [];
    const client = makeClient();
    await listUsers(client); // a valid token is cached from here on

    // Token endpoint failures.
    errors.push(await caught(() => listUsers(makeClient({ clientSecret: `${SECRET}-wrong` }))));
    errors.push(await caught(() => listUsers(makeClient({ tokenAuthMethod: 'body', clientSecret: `${SECRET}-wrong` }))));
    errors.push(await caught(() => listUsers(makeClient({ clientId: 'unknown-app' }))));
    errors.push(await caught(() => listUsers(makeClient({ resource: 'https://elsewhere/api' }))));
    for (const mode of ['malformed-json', 'missing-access-token', 'non-numeric-expires-in', 'html', 'server-error', 'stall', 'stall-body'] as TokenFailureMode[]) {
      fake.failTokenRequests(mode);
      errors.push(await caught(() => listUsers(makeClient())));
    }
    // API failures with a token in flight.
    errors.push(await caught(() => getUser(client, { path: { userId: 'nobody' } })));
    errors.push(await caught(() => createUser(client, { body: { primaryEmail: 'bad' } })));
    fake.intercept((request) => (request.path === '/api/users' && request.query.get('page') === '7' ? { type: 'respond', status: 401, body: { code: 'auth.unauthorized', message: 'no' } } : undefined));
    errors.push(await caught(() => listUsers(client, { query: { page: 7 } })));
    for (const type of ['stall', 'stall-body', 'reset', 'reset-mid-response'] as const) {
      fake.enqueueFault({ type });
      errors.push(await caught(() => listUsers(client)));
    }
    errors.push(await caught(() => getMyAccount(client)));
    const userToken = fake.issueUserToken('nobody');
    errors.push(await caught(() => getMyAccount(client, {}, { userToken })));
    errors.push(await caught(() => listUsers(makeClient({ clientId: 'scopeless' }))));
    const controller = new AbortController();
    fake.enqueueFault({ type: 'stall' });
    setTimeout(() => controller.abort(), 30);
    errors.push(await caught(() => listUsers(client, {}, { signal: controller.signal })));

    const managementClient = createLogtoManagementClient({ endpoint: fake.url, clientId: CLIENT_ID, clientSecret: SECRET, logger });
    await managementClient.users.list();
    const tokens = [...fake.tokens.tokens.keys(), 'eyJhbGciOiJFUzM4NCJ9.bogus-expiry.sig'].filter((t) => t !== userToken);
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    const basicHeaderValue = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');
    const forbidden = [SECRET, basicHeaderValue, ...tokens];

    const texts = [
      inspect(managementClient, { depth: 8, showHidden: true }),
      JSON.stringify(managementClient),
      inspect(createFetchClient(client), { depth: 8, showHidden: true }),
      ...errors.map(printable),
      ...logLines,
      inspect(client, { depth: 8, showHidden: true }),
      JSON.stringify(client),
      String(client),
    ];
    expect(errors).toHaveLength(22);
    // The scanner itself finds a leak, including one hidden in a cause.
    expect(printable(new Error('outer', { cause: new Error(`Bearer ${tokens[0]}`) })).includes(tokens[0])).toBe(true);
    expect(logLines.length).toBeGreaterThan(0); // the scope warning and debug lines were scanned too
    for (const text of texts) for (const secret of forbidden) expect(text.includes(secret), `leaked ${secret.slice(0, 12)}… in:\n${text.slice(0, 400)}`).toBe(false);
  });

  it('redacts a secret or token that reaches the logger from elsewhere', async () => {
    const lines: string[] = [];
    const client = createLogtoClient({ endpoint: fake.url, clientId: 'scopeless', clientSecret: SECRET, logger: { warn: (m) => lines.push(m) } });
    await listUsers(client).catch(() => {});
    expect(lines.join('\n')).not.toContain(SECRET);
    const { redactSecrets } = await import('../../runtime/index.js');
    expect(redactSecrets(`secret=${SECRET}`, [SECRET])).toBe('secret=[redacted]');
  });
});
