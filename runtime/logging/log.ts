/**
 * The `logger` option and the redaction that guards it. The runtime never puts a secret or a
 * token into a log message on purpose; redaction is the second line of defence, for text that
 * comes from elsewhere (a server's error description, a user hook).
 */

export interface LogtoLogger {
  /** Something the user should fix (e.g. the M2M app lacks the `all` scope). */
  warn(message: string, details?: Record<string, unknown>): void;
  /** Token refreshes, replays after 401. Optional. */
  debug?(message: string, details?: Record<string, unknown>): void;
}

export const consoleLogger: LogtoLogger = {
  warn: (message) => console.warn(`[logto-mgmt] ${message}`),
};

const REDACTED = '[redacted]';

/** Replaces every occurrence of each secret (skipping empty/short ones that would shred the text). */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** A logger whose messages and details pass through `redactSecrets` with the current secrets. */
export function redactingLogger(logger: LogtoLogger, secrets: () => Iterable<string | undefined>): LogtoLogger {
  const clean = (message: string, details?: Record<string, unknown>) => {
    const known = [...secrets()];
    const safeDetails = details && (JSON.parse(redactSecrets(JSON.stringify(details), known)) as Record<string, unknown>);
    return [redactSecrets(message, known), safeDetails] as const;
  };
  return {
    warn: (message, details) => {
      const [text, safe] = clean(message, details);
      if (safe) logger.warn(text, safe);
      else logger.warn(text);
    },
    debug: logger.debug
      ? (message, details) => {
          const [text, safe] = clean(message, details);
          if (safe) logger.debug!(text, safe);
          else logger.debug!(text);
        }
      : undefined,
  };
}
