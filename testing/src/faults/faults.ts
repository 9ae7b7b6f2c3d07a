/**
 * Fault injection: what a misbehaving network or an overloaded Logto does to a request.
 * Faults are applied by the server before the route runs, so any route (API or token
 * endpoint) can be made to fail.
 */
import type { FakeResponse } from '../http/exchange.js';
import { sendJson, sendText, type HeaderValues } from '../http/responses.js';

export type Fault =
  /** Answer with this status, headers and body (object → JSON, string → text/plain). */
  | { type: 'respond'; status: number; body?: unknown; headers?: HeaderValues }
  /** 429 with `Retry-After`: seconds (number), an HTTP-date (Date), or a raw header string. */
  | { type: 'rate-limit'; retryAfter?: number | Date | string; body?: unknown }
  /** 5xx (default 500) with Logto's generic JSON error body. */
  | { type: 'server-error'; status?: number }
  /** Destroy the connection before any byte of the response is sent. */
  | { type: 'reset' }
  /** Send status, headers and the first bytes of a JSON body, then destroy the connection. */
  | { type: 'reset-mid-response'; status?: number }
  /** Accept the request and never answer (until the client gives up or the server closes). */
  | { type: 'stall' }
  /** Send status and headers (and a partial body) and then never finish the body. */
  | { type: 'stall-body'; status?: number }
  /** Wait, then handle the request normally. */
  | { type: 'delay'; ms: number };

/** Which requests a queued fault applies to. A string path is a prefix; `operationId` names a spec operation. */
export type FaultMatch =
  | { method?: string; path?: string | RegExp; operationId?: string }
  | ((request: { method: string; path: string; operationId?: string }) => boolean);

export interface QueuedFault {
  fault: Fault;
  /** How many more matching requests this fault still applies to. */
  remaining: number;
  match: FaultMatch;
}

export function matches(match: FaultMatch, method: string, path: string, operationId?: string): boolean {
  if (typeof match === 'function') return match({ method, path, operationId });
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.operationId && match.operationId !== operationId) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? path.startsWith(match.path) : match.path.test(path);
}

/** Takes the first queued fault that matches the request, consuming one use of it. */
export function takeFault(queue: QueuedFault[], method: string, path: string, operationId?: string): Fault | undefined {
  for (let i = 0; i < queue.length; i++) {
    const entry = queue[i];
    if (!matches(entry.match, method, path, operationId)) continue;
    if (--entry.remaining <= 0) queue.splice(i, 1);
    return entry.fault;
  }
  return undefined;
}

function retryAfterValue(value: number | Date | string): string {
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return value.toUTCString();
  return value;
}

/**
 * Applies a fault. Returns true when the response is taken care of (or deliberately never
 * will be); `delay` returns false after waiting so the request continues normally.
 */
export async function applyFault(
  fault: Fault,
  res: FakeResponse,
  onStall: (res: FakeResponse) => void,
): Promise<boolean> {
  switch (fault.type) {
    case 'respond':
      if (typeof fault.body === 'string') sendText(res, fault.status, fault.body, fault.headers);
      else if (fault.body === undefined) {
        res.statusCode = fault.status;
        if (fault.headers) for (const [name, value] of Object.entries(fault.headers)) res.setHeader(name, value);
        res.end();
      } else sendJson(res, fault.status, fault.body, fault.headers);
      return true;
    case 'rate-limit': {
      const headers: HeaderValues = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = retryAfterValue(fault.retryAfter);
      if (fault.body === undefined) sendText(res, 429, 'Too Many Requests', headers);
      else sendJson(res, 429, fault.body, headers);
      return true;
    }
    case 'server-error':
      sendJson(res, fault.status ?? 500, { code: 'unknown', message: 'Internal server error.' });
      return true;
    case 'reset':
      res.destroy();
      return true;
    case 'reset-mid-response':
      res.writeHead(fault.status ?? 200, { 'content-type': 'application/json; charset=utf-8', 'content-length': '1000' });
      res.write('[{"id":"partial","na', () => setTimeout(() => res.destroy(), 5));
      return true;
    case 'stall':
      onStall(res);
      return true;
    case 'stall-body':
      res.writeHead(fault.status ?? 200, { 'content-type': 'application/json; charset=utf-8', 'content-length': '1000' });
      res.write('[{"id":"');
      onStall(res);
      return true;
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return false;
  }
}
