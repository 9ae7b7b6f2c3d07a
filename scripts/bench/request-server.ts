/**
 * The loopback server for the request-overhead benchmark, run in its own process so its CPU
 * is not counted against the client being measured. It answers like Logto, as cheaply as
 * possible: `POST /oidc/token` (client credentials) and `GET /api/users/{userId}` with a
 * realistic user body (API calls must carry the bearer token the token endpoint hands out, or get
 * Logto's 401); anything else is Logto's 404 body. Prints `listening <port>` when ready.
 */
import { createServer } from 'node:http';

const user = JSON.stringify({
  id: 'u1',
  username: 'alice',
  primaryEmail: 'alice@example.com',
  primaryPhone: null,
  name: 'Alice Liddell',
  avatar: null,
  customData: { plan: 'pro', seats: 5 },
  identities: {},
  lastSignInAt: 1732600000000,
  createdAt: 1700000000000,
  updatedAt: 1732600000000,
  profile: { givenName: 'Alice', familyName: 'Liddell' },
  applicationId: null,
  isSuspended: false,
  hasPassword: true,
  ssoIdentities: [],
});
const token = JSON.stringify({ access_token: 'bench-access-token', expires_in: 3600, token_type: 'Bearer', scope: 'all' });
const notFound = JSON.stringify({ code: 'entity.not_found', message: 'The requested entity was not found.' });
const unauthorized = JSON.stringify({ code: 'auth.authorization_header_missing', message: 'Authorization header is missing.' });
const expectedAuthorization = 'Bearer bench-access-token';

const server = createServer((request, response) => {
  // Drain the body (token requests are form-encoded) before answering.
  request.resume();
  request.on('end', () => {
    const path = request.url?.split('?')[0] ?? '';
    if (request.method === 'POST' && path === '/oidc/token') return send(response, 200, token);
    // Checked so a client that skips auth fails the benchmark instead of looking cheap.
    if (path.startsWith('/api/') && request.headers.authorization !== expectedAuthorization) return send(response, 401, unauthorized);
    if (request.method === 'GET' && path.startsWith('/api/users/')) return send(response, 200, user);
    send(response, 404, notFound);
  });
});

function send(response: import('node:http').ServerResponse, status: number, body: string) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
