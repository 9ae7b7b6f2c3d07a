/**
 * The debug log: one line per retry, 429 and give-up, to stderr, switched on by the `debug`
 * client option or `LOGTO_MGMT_DEBUG=1`. Callers pass only chosen fields (method, path without
 * query, status, attempt, wait, reason); headers and bodies never reach it, and anything that
 * still looks like a credential is masked, so the log is safe to paste into an issue.
 */
export type DebugLogFields = Record<string, string | number | boolean | undefined>;
export type DebugLog = (event: string, fields: DebugLogFields) => void;

/** `true` logs to stderr, a function receives each line, `false` is off even with the env var. */
export type DebugOption = boolean | ((line: string) => void);

/** `LOGTO_MGMT_DEBUG` counts as on unless empty, `0` or `false`. */
function envEnabled(): boolean {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.LOGTO_MGMT_DEBUG;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

const CREDENTIAL = /\b(Bearer|Basic)\s+[\w\-.~+/=]+|\beyJ[\w-]+\.[\w-]+\.[\w-]*|((?:access_token|client_secret|refresh_token|password)["']?\s*[=:]\s*["']?)[^\s&"',]+/gi;

export function redact(text: string): string {
  return text.replace(CREDENTIAL, (match, scheme: string | undefined, key: string | undefined) =>
    scheme ? `${scheme} [redacted]` : key ? `${key}[redacted]` : '[redacted]',
  );
}

export function formatDebugLine(event: string, fields: DebugLogFields): string {
  let line = `[logto-mgmt] ${event}`;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = typeof value === 'string' ? redact(value) : String(value);
    line += ` ${name}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`;
  }
  return line;
}

/** Undefined when logging is off, so call sites cost one `?.` check. */
export function createDebugLog(option?: DebugOption): DebugLog | undefined {
  if (option === false || (option === undefined && !envEnabled())) return undefined;
  const write = typeof option === 'function' ? option : (line: string) => console.error(line);
  return (event, fields) => write(formatDebugLine(event, fields));
}
