/**
 * The answer for an operation the fake keeps no state for: the operation's first success
 * status, with a body built from its response schema (deterministic, valid against the spec).
 * A consumer's code that calls such an operation gets what a Logto could have sent.
 */
import { sendEmpty, sendJson, sendText } from '../http/responses.js';
import type { SchemaSampler } from '../spec/schema-sample.js';
import { sendList } from './pagination.js';
import type { RouteContext } from './route.js';

export function answerFromSpec(ctx: RouteContext, sampler: SchemaSampler): void {
  const responses = ctx.operation.responses;
  const code = Object.keys(responses).find((status) => /^[23]\d\d$/.test(status)) ?? '200';
  const status = Number(code);
  const response = responses[code]?.$ref ? undefined : responses[code];
  const content = response?.content as Record<string, { schema?: Record<string, unknown> }> | undefined;
  if (status >= 300) {
    // A redirect (SSO, SAML flows): Logto sends the user agent somewhere; the fake to its root.
    ctx.res.statusCode = status;
    ctx.res.setHeader('location', `${ctx.origin}/`);
    ctx.res.end();
    return;
  }
  if (!content || Object.keys(content).length === 0) return sendEmpty(ctx.res, status);
  const json = content['application/json'];
  if (json) {
    const value = json.schema ? sampler.sample(json.schema) : {};
    // A paginated list: an empty page with Logto's headers when a page is asked for.
    if (Array.isArray(value) && hasPagination(ctx)) return sendList(ctx, value, { optional: true });
    return sendJson(ctx.res, status, value);
  }
  const [type, media] = Object.entries(content)[0];
  const value = media.schema ? sampler.sample(media.schema) : '';
  sendText(ctx.res, status, typeof value === 'string' ? value : JSON.stringify(value), { 'content-type': type });
}

export function hasPagination(ctx: Pick<RouteContext, 'operation'>): boolean {
  return (ctx.operation.parameters ?? []).some((parameter) => parameter.in === 'query' && (parameter.name === 'page' || parameter.name === 'page_size'));
}
