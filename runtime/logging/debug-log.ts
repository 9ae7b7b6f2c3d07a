/**
 * The debug switch (`debug` option or `LOGTO_MGMT_DEBUG=1`) and the retry/429 debug lines.
 *
 * There is one debug channel: the logger's `debug`. The switch gives a logger without one a
 * stderr writer, so token refreshes, 401 replays, retries and 429s all show up in one place.
 * Retry lines carry only chosen fields (method, path without query, status, attempt, wait,
 * reason); headers and bodies never reach them, and anything that still looks like a
 * credential is masked, so a debug log is safe to paste into an issue.
 */
export type DebugLogFields = Record<string, string | number | boolean | undefined>;
export type DebugLog = (event: string, fields: DebugLogFields) => void;

/** `true`: debug lines to stderr; a function receives each line; `false`: off, even with the env var. */
export type DebugOption = boolean | ((line: string) => void);

/** The shape of the client's `logger` option (see log.ts). */
interface DebuggableLogger {
  warn(message: string, details?: Record<string, unknown>): void;
  debug?(message: string, details?: Record<string, unknown>): void;
}

/** `LOGTO_MGMT_DEBUG` counts as on unless empty, `0` or `false`. */
export function debugFromEnv(): boolean {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.LOGTO_MGMT_DEBUG;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * The logger with its `debug` decided by the switch: `false` removes it; a function replaces
 * it; `true` or the env var add a stderr writer when the logger has none; otherwise (switch
 * unset) a logger's own `debug` is kept — giving one is asking for debug lines.
 */
export function withDebug<Logger extends DebuggableLogger>(logger: Logger, option: DebugOption | undefined): DebuggableLogger {
  const warn = (message: string, details?: Record<string, unknown>) => (details ? logger.warn(message, details) : logger.warn(message));
  if (option === false) return { warn };
  if (typeof option === 'function') return { warn, debug: (message) => option(`[logto-mgmt] ${message}`) };
  if (logger.debug) return logger;
  if (option === true || debugFromEnv()) return { warn, debug: (message) => console.error(`[logto-mgmt] ${message}`) };
  return logger;
}

const CREDENTIAL = /\b(Bearer|Basic)\s+[\w\-.~+/=]+|\beyJ[\w-]+\.[\w-]+\.[\w-]*|((?:access_token|client_secret|refresh_token|password)["']?\s*[=:]\s*["']?)[^\s&"',]+/gi;

export function redact(text: string): string {
  return text.replace(CREDENTIAL, (match, scheme: string | undefined, key: string | undefined) =>
    scheme ? `${scheme} [redacted]` : key ? `${key}[redacted]` : '[redacted]',
  );
}

/** `retry method=GET path=/api/users attempt=1 status=503 wait=500 reason=503` */
export function formatDebugLine(event: string, fields: DebugLogFields): string {
  let line = event;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = typeof value === 'string' ? redact(value) : String(value);
    line += ` ${name}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`;
  }
  return line;
}

/** Undefined when the logger has no `debug`, so call sites cost one `?.` check. */
export function createDebugLog(logger: DebuggableLogger): DebugLog | undefined {
  const debug = logger.debug;
  if (!debug) return undefined;
  return (event, fields) => {
    const clean: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) clean[name] = typeof value === 'string' ? redact(value) : value;
    debug.call(logger, formatDebugLine(event, fields), clean);
  };
}
