/**
 * The audit log: newest first, filtered by `userId`, `applicationId`, `logKey` and a
 * `start_time`/`end_time` window (epoch ms); with `enableCap=true` a count above the cap
 * saturates and the headers say so.
 */
import { sendJson } from '../http/responses.js';
import type { LogEntry } from '../state/management-data.js';
import { sendList } from './pagination.js';
import { found, type RouteTable } from './route.js';

export const logRoutes: RouteTable = {
  ListLogs: (ctx) => {
    const userId = ctx.query.get('userId');
    const applicationId = ctx.query.get('applicationId');
    const logKey = ctx.query.get('logKey');
    const start = ctx.query.get('start_time');
    const end = ctx.query.get('end_time');
    const logs = ctx.data.logs;
    // Newest first: rows added at run time (token exchanges) in reverse, then the seeded ones,
    // whose entry 0 is the newest. Unfiltered, a view: 200 000 lazily seeded rows stay lazy.
    const explicit = logs.size - logs.lazyCount;
    const newestFirst = (i: number) => (i < explicit ? logs.at(logs.size - 1 - i)! : logs.at(i - explicit)!);
    const filtered = userId || applicationId || logKey || start || end;
    let rows: { size: number; slice(offset: number, limit: number): LogEntry[] };
    if (filtered) {
      const matching: LogEntry[] = [];
      for (let i = 0; i < logs.size; i++) {
        const log = newestFirst(i);
        if (
          (!userId || log.payload.userId === userId) &&
          (!applicationId || log.payload.applicationId === applicationId) &&
          (!logKey || log.key === logKey) &&
          (!start || log.createdAt >= Number(start)) &&
          (!end || log.createdAt <= Number(end))
        ) {
          matching.push(log);
        }
      }
      rows = { size: matching.length, slice: (offset, limit) => matching.slice(offset, offset + limit) };
    } else {
      rows = {
        size: logs.size,
        slice: (offset, limit) => Array.from({ length: Math.max(0, Math.min(logs.size, offset + limit) - offset) }, (_, k) => newestFirst(offset + k)),
      };
    }
    sendList(ctx, rows, { optional: false, capAt: ctx.query.get('enableCap') === 'true' ? ctx.settings.logsCountCap : undefined });
  },
  GetLog: (ctx) => {
    const log = found(ctx, ctx.data.logs.get(ctx.params.id));
    if (log) sendJson(ctx.res, 200, log);
  },
};
