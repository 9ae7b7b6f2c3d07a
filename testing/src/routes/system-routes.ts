/**
 * Routes without a token (`/api/status`, `/api/swagger.json`) and the end user's own account.
 */
import { readFile } from 'node:fs/promises';
import { logtoErrors, sendEmpty, sendJson } from '../http/responses.js';
import type { RouteTable } from './route.js';

export const systemRoutes: RouteTable = {
  GetStatus: (ctx) => sendEmpty(ctx.res, 204),
  GetSwaggerJson: async (ctx) => {
    const text = await readFile(ctx.settings.specPath, 'utf8');
    ctx.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    ctx.res.end(text);
  },
  // An end-user token only (security: 'user').
  GetProfile: (ctx) => {
    const user = ctx.data.users.get(ctx.token!.userId!);
    if (!user) return sendJson(ctx.res, 404, logtoErrors.notFound());
    sendJson(ctx.res, 200, user);
  },
};
