/**
 * Response helpers and Logto's exact error bodies (see test/specs/README.md,
 * "What a real Logto 1.42 server returned").
 */
import type { FakeResponse } from './exchange.js';

export type HeaderValues = Record<string, string | string[]>;

const JSON_TYPE = 'application/json; charset=utf-8';

export function sendJson(res: FakeResponse, status: number, body: unknown, headers?: HeaderValues): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', JSON_TYPE);
  res.setHeader('content-length', Buffer.byteLength(text));
  if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(text);
}

export function sendText(res: FakeResponse, status: number, text: string, headers?: HeaderValues): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(text);
}

export function sendEmpty(res: FakeResponse, status: number): void {
  res.statusCode = status;
  res.end();
}

/** Koa's answer for a path no router matched: plain text, not JSON. */
export function sendNotFoundRoute(res: FakeResponse): void {
  sendText(res, 404, 'Not Found');
}

export interface LogtoErrorBody {
  code: string;
  message: string;
  data?: unknown;
  details?: string;
}

/** Logto's `RequestError` bodies, keyed by code, as a real 1.42 server words them. */
export const logtoErrors = {
  notFound: (): LogtoErrorBody => ({ code: 'entity.not_found', message: 'The resource does not exist.' }),
  invalidPagination: (): LogtoErrorBody => ({
    code: 'guard.invalid_pagination',
    message: 'The request pagination value is invalid.',
  }),
  authorizationHeaderMissing: (): LogtoErrorBody => ({
    code: 'auth.authorization_header_missing',
    message: 'Authorization header is missing.',
  }),
  authorizationTypeNotSupported: (): LogtoErrorBody => ({
    code: 'auth.authorization_token_type_not_supported',
    message: 'Authorization type is not supported.',
  }),
  unauthorized: (data: unknown): LogtoErrorBody => ({
    code: 'auth.unauthorized',
    message: 'Unauthorized. Please check credentials and its scope.',
    data,
  }),
  forbidden: (): LogtoErrorBody => ({
    code: 'auth.forbidden',
    message: 'Forbidden. Please check your user roles and permissions.',
  }),
  usernameInUse: (): LogtoErrorBody => ({
    code: 'user.username_already_in_use',
    message: 'This username is already in use.',
  }),
  emailInUse: (): LogtoErrorBody => ({
    code: 'user.email_already_in_use',
    message: 'This email is associated with an existing account.',
  }),
  phoneInUse: (): LogtoErrorBody => ({
    code: 'user.phone_already_in_use',
    message: 'This phone number is associated with an existing account.',
  }),
  invalidCredentials: (): LogtoErrorBody => ({
    code: 'session.invalid_credentials',
    message: 'Wrong account or password.',
  }),
  resourceIndicatorInUse: (indicator: string): LogtoErrorBody => ({
    code: 'resource.resource_indicator_in_use',
    message: `The resource indicator ${indicator} is already in use.`,
  }),
  scopeNameInUse: (name: string): LogtoErrorBody => ({
    code: 'scope.name_exists',
    message: `The scope name ${name} is already in use`,
  }),
  /** Logto's SchemaRouter: a unique-constraint violation (organization role or scope names). */
  uniqueConstraint: (): LogtoErrorBody => ({
    code: 'entity.unique_integrity_violation',
    message: 'The entity already exists.',
  }),
  /** A relation to a row that does not exist (organization members, role assignments). */
  relationForeignKeyNotFound: (): LogtoErrorBody => ({
    code: 'entity.relation_foreign_key_not_found',
    message: 'Cannot find one or more foreign keys.',
  }),
  roleNameInUse: (name: string): LogtoErrorBody => ({
    code: 'role.name_in_use',
    message: `This role name ${name} is already in use`,
  }),
  internal: (): LogtoErrorBody => ({ code: 'unknown', message: 'Internal server error.' }),
};

export interface ZodIssue {
  code: string;
  message: string;
  path: Array<string | number>;
  [key: string]: unknown;
}

/**
 * 400 `guard.invalid_input`: Logto's koaGuard wraps the ZodError; `details` names the first
 * issue's key path, `data` carries the ZodError itself.
 */
export function invalidInput(where: 'body' | 'query' | 'params', issues: ZodIssue[]): LogtoErrorBody {
  const details = issues
    .map((issue) => `Error in key path "${issue.path.join('.')}": (${issue.code}) ${issue.message}`)
    .join('\n');
  return {
    code: 'guard.invalid_input',
    message: `The request ${where === 'params' ? 'path' : where} is invalid.`,
    details,
    data: { name: 'ZodError', issues },
  };
}
