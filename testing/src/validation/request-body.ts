/**
 * The request body as the spec validator and the routes see it: JSON parsed, a multipart form
 * or a url-encoded form as an object. Malformed JSON is Logto's 400 `guard.invalid_input`.
 */
import { headerValue, type FakeRequest } from '../http/exchange.js';
import type { LogtoErrorBody } from '../http/responses.js';

export async function parseRequestBody(request: FakeRequest): Promise<{ value?: unknown; error?: LogtoErrorBody }> {
  if (request.bytes.length === 0) return {};
  const contentType = headerValue(request.headers, 'content-type') ?? '';
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === 'multipart/form-data') {
    const form = await new Request(request.url, { method: 'POST', headers: { 'content-type': contentType }, body: request.bytes as Uint8Array<ArrayBuffer> }).formData();
    const value: Record<string, unknown> = {};
    for (const [name, entry] of form) value[name] = typeof entry === 'string' ? entry : `<file ${entry.size} bytes>`;
    return { value };
  }
  if (type === 'application/x-www-form-urlencoded') return { value: Object.fromEntries(new URLSearchParams(request.text)) };
  try {
    return { value: JSON.parse(request.text) };
  } catch (error) {
    return { error: { code: 'guard.invalid_input', message: 'The request body is invalid.', details: (error as Error).message } };
  }
}
