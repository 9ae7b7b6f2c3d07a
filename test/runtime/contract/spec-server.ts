/**
 * A loopback server that checks every request against the pinned spec with openapi-backend:
 * the route (method + path template), path and query parameters, and the request body (JSON,
 * multipart or form) — plus the credential the spec asks for. It answers each valid request
 * with the operation's first 2xx status, so the client under test resolves.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAPIBackend, type Context } from 'openapi-backend';
import { addLogtoFormats, formatsIn, logtoRegExp, withoutUntypedNullable } from './logto-schema-rules.js';
import type { SpecDocument } from './minimal-arguments.js';

export type ExpectedSecurity = 'm2m' | 'none' | 'user';

export interface Violation {
  method: string;
  url: string;
  operationId?: string;
  problem: string;
}

export interface SpecServer {
  url: string;
  violations: Violation[];
  /** `METHOD /path/{template}` → number of valid requests received. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** Tags whose operations act as the signed-in end user (test/specs/README.md). */
const USER_TOKEN_TAGS = new Set(['My account', 'Verifications', 'Account center']);

/** What the spec asks for: `security: []` → none; the end-user tags → user; else the M2M token. */
export function expectedSecurity(spec: SpecDocument, operation: { security?: unknown[]; tags?: string[] }): ExpectedSecurity {
  const security = operation.security ?? spec.security ?? [];
  if (security.length === 0) return 'none';
  return operation.tags?.some((tag) => USER_TOKEN_TAGS.has(tag)) ? 'user' : 'm2m';
}

/**
 * openapi-backend keeps its validators in plain objects keyed by operationId, so an operation
 * called `constructor`, `toString` or `__proto__` finds Object.prototype's member there and
 * fails ("validators is not iterable"). It gets a copy whose operationIds carry a prefix.
 */
const OPERATION_ID_PREFIX = 'spec:';

function withPrefixedOperationIds(spec: SpecDocument): SpecDocument {
  const copy = withoutUntypedNullable(spec);
  for (const pathItem of Object.values(copy.paths)) {
    for (const operation of Object.values(pathItem)) {
      if (operation && typeof operation === 'object' && typeof operation.operationId === 'string') operation.operationId = OPERATION_ID_PREFIX + operation.operationId;
    }
  }
  return copy;
}

function originalOperationId(operationId: string | undefined): string | undefined {
  return operationId?.startsWith(OPERATION_ID_PREFIX) ? operationId.slice(OPERATION_ID_PREFIX.length) : operationId;
}

async function readBody(req: IncomingMessage, url: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const raw = Buffer.concat(chunks);
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'multipart/form-data') {
    const form = await new Request(url, { method: 'POST', headers: { 'content-type': req.headers['content-type']! }, body: raw }).formData();
    const out: Record<string, unknown> = {};
    for (const [name, value] of form) out[name] = typeof value === 'string' ? value : `<file ${value.size} bytes>`;
    return out;
  }
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  // JSON (or anything else): hand openapi-backend the text; it reports malformed JSON itself.
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startSpecServer(spec: SpecDocument, tokens: { m2m: string; user: string }): Promise<SpecServer> {
  const violations: Violation[] = [];
  const hits = new Map<string, number>();
  const formats = formatsIn(spec);
  const api = new OpenAPIBackend({
    definition: withPrefixedOperationIds(spec) as never,
    strict: false,
    validate: true,
    quick: true,
    // The credential is checked in notImplemented below, against what the spec asks for.
    securityHandlers: { OAuth2: () => true },
    // One Ajv instance per validator: skipping the meta-schema check makes each ~10× cheaper.
    ajvOpts: { code: { regExp: logtoRegExp as never }, validateSchema: false } as never,
    customizeAjv: (ajv) => addLogtoFormats(ajv as never, formats) as never,
    handlers: {
      validationFail: (c: Context, _req: unknown, res: ServerResponse) => {
        const errors = (c.validation.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
        violations.push({ method: c.request.method, url: c.request.path, operationId: originalOperationId(c.operation?.operationId), problem: `invalid request: ${errors.join('; ')}` });
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'guard.invalid_input', message: 'contract violation' }));
      },
      notFound: (c: Context, _req: unknown, res: ServerResponse) => {
        violations.push({ method: c.request.method, url: c.request.path, problem: 'no operation of the spec matches this method and path' });
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      },
      methodNotAllowed: (c: Context, _req: unknown, res: ServerResponse) => {
        violations.push({ method: c.request.method, url: c.request.path, problem: 'method not allowed on this path' });
        res.writeHead(405).end();
      },
      notImplemented: (c: Context, req: IncomingMessage, res: ServerResponse) => {
        const operation = c.operation as unknown as { operationId: string; security?: unknown[]; tags?: string[]; responses?: Record<string, unknown> };
        const want = expectedSecurity(spec, operation);
        const expectedHeader = want === 'none' ? undefined : `Bearer ${want === 'm2m' ? tokens.m2m : tokens.user}`;
        if (req.headers.authorization !== expectedHeader) {
          violations.push({
            method: c.request.method,
            url: c.request.path,
            operationId: originalOperationId(operation.operationId),
            problem: `expected ${want === 'none' ? 'no Authorization header' : `the ${want} token`}, got ${req.headers.authorization === undefined ? 'none' : req.headers.authorization === `Bearer ${tokens.m2m}` ? 'the m2m token' : req.headers.authorization === `Bearer ${tokens.user}` ? 'the user token' : 'another header'}`,
          });
        }
        // openapi-backend parses the query with qs, which accepts `name[key]=v` for any object
        // parameter; OpenAPI's default for query objects (style form, explode) is `key=v`.
        for (const parameter of (c.operation?.parameters ?? []) as Array<{ in?: string; name?: string; style?: string; schema?: { type?: string } }>) {
          if (parameter.in !== 'query' || parameter.schema?.type !== 'object' || (parameter.style ?? 'form') !== 'form') continue;
          if (new URL(req.url ?? '/', 'http://x').search.includes(`${encodeURIComponent(parameter.name!)}%5B`) || (req.url ?? '').includes(`${parameter.name}[`)) {
            violations.push({ method: c.request.method, url: req.url ?? '', operationId: originalOperationId(operation.operationId), problem: `query object ${parameter.name} must be serialized style=form, explode=true (key=value), not deepObject` });
          }
        }
        // By route, not operationId: the generator names operations whose operationId is not an identifier.
        const route = `${String((c.operation as { method?: string }).method).toUpperCase()} ${(c.operation as { path?: string }).path}`;
        hits.set(route, (hits.get(route) ?? 0) + 1);
        const status = Number(Object.keys(operation.responses ?? {}).find((code) => /^2\d\d$/.test(code)) ?? 200);
        if (status === 204) res.writeHead(204).end();
        else res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      },
    },
  });
  await api.init();

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req, url.href);
      await api.handleRequest(
        { method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1), headers: req.headers as Record<string, string>, body },
        req,
        res,
      );
    } catch (error) {
      violations.push({ method: req.method ?? '?', url: req.url ?? '?', problem: `server error: ${(error as Error).message}` });
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    violations,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
