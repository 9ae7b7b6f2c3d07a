/**
 * What a stateful route gets, and the small answers every route shares.
 */
import type { IssuedToken } from '../auth/token-endpoint.js';
import type { FakeRequest, FakeResponse } from '../http/exchange.js';
import { logtoErrors, sendJson } from '../http/responses.js';
import type { SpecOperation } from '../spec/spec-document.js';
import type { ManagementData } from '../state/management-data.js';

export interface RouteContext {
  req: FakeRequest;
  res: FakeResponse;
  /** Path parameters, named as in the spec's path template. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed body (undefined when there was none); already valid against the spec. */
  body: any;
  /** `http://127.0.0.1:port` */
  origin: string;
  data: ManagementData;
  token?: IssuedToken;
  operation: SpecOperation;
  /** Options the routes need from the server. */
  settings: { logsCountCap: number; specPath: string };
}

export type RouteHandler = (ctx: RouteContext) => void | Promise<void>;

/** Stateful routes by the spec's operationId. */
export type RouteTable = Record<string, RouteHandler>;

/** Sends 404 `entity.not_found` unless the row exists; returns the row. */
export function found<T>(ctx: RouteContext, row: T | undefined): T | undefined {
  if (row === undefined) sendJson(ctx.res, 404, logtoErrors.notFound());
  return row;
}

export function pick<T>(body: unknown, keys: readonly string[]): Partial<T> {
  const record = (body ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (record[key] !== undefined) out[key] = record[key];
  return out as Partial<T>;
}
