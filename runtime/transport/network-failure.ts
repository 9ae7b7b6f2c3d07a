/**
 * What a failed `fetch` tells about whether the request reached the server — the fact the
 * retry policy needs to keep writes from being applied twice.
 */

/** Codes for connections that were never established: nothing reached the server. */
const NOT_SENT_CODES = new Set<string | undefined>(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The first `code` (ECONNRESET, UND_ERR_SOCKET...) along an error's cause chain. */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // Happy eyeballs: undici reports one failure per address in an AggregateError.
    const errors = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length) {
      const inner = networkErrorCode(errors[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Classifies an error thrown by `fetch` (undici) for one attempt: `not-sent` when the
 * connection was never made, else `connection` (it may have reached the server).
 */
export function classifyFetchError(error: unknown): 'not-sent' | 'connection' {
  return NOT_SENT_CODES.has(networkErrorCode(error)) ? 'not-sent' : 'connection';
}
