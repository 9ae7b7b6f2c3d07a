/**
 * A strict parser for the HTTP `Link` header (RFC 8288 §3).
 *
 *   Link       = #link-value
 *   link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
 *   link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
 *
 * Logto sends one `Link` line per relation; fetch folds them into one value joined by ", "
 * (RFC 9110 §5.3), so commas separate links — except inside `<…>` and quoted strings, which
 * is why a `split(',')` parser breaks on real URLs. Anything that is not this grammar throws
 * a `LinkHeaderError` naming the offset: a guessed link could make a paginator skip or repeat
 * a page, so callers decide what to do with a broken header (`paginate` falls back to
 * counting pages, see pagination.ts).
 */

export interface Link {
  /** The URI-Reference between `<` and `>`, exactly as sent (not resolved). */
  target: string;
  /** Relation types, lower-cased: `rel="next last"` gives `['next', 'last']`. */
  rel: string[];
  /**
   * Every parameter by lower-cased name, first occurrence wins; a bare `; name` is `''`.
   * A null-prototype object: `constructor`, `__proto__`... are names like any other.
   */
  params: Record<string, string>;
}

export class LinkHeaderError extends SyntaxError {
  override name = 'LinkHeaderError';
  constructor(
    readonly header: string,
    readonly offset: number,
    expected: string,
  ) {
    const found = offset < header.length ? JSON.stringify(header[offset]) : 'end of header';
    super(`Malformed Link header at offset ${offset}: expected ${expected}, found ${found} in ${JSON.stringify(header)}`);
  }
}

// RFC 9110 §5.6.2 tchar.
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const isWhitespace = (char: string | undefined) => char === ' ' || char === '\t';
// RFC 9110 §5.6.4 quoted-pair: "\" ( HTAB / SP / VCHAR / obs-text ).
const QUOTED_PAIR_CHAR = /[\t\x20-\x7e\x80-\xff]/;

/** Parses a `Link` header value; `null`, `''` or only commas/whitespace give `[]`. */
export function parseLinkHeader(header: string | null | undefined): Link[] {
  if (header == null) return [];
  const links: Link[] = [];
  let at = 0;

  const skipWhitespace = () => {
    while (isWhitespace(header[at])) at++;
  };
  const fail = (expected: string): never => {
    throw new LinkHeaderError(header, at, expected);
  };
  const readToken = (what: string): string => {
    const start = at;
    while (at < header.length && TOKEN_CHAR.test(header[at])) at++;
    if (at === start) fail(what);
    return header.slice(start, at);
  };
  const readQuotedString = (): string => {
    at++; // opening DQUOTE
    let value = '';
    for (;;) {
      const char = header[at];
      if (char === undefined) fail('closing \'"\'');
      if (char === '"') break;
      if (char === '\\') {
        at++;
        if (at >= header.length) fail('a character after "\\"');
        if (!QUOTED_PAIR_CHAR.test(header[at])) fail('a tab, space or visible character after "\\"');
      } else if (char < ' ' && char !== '\t') {
        fail('a printable character in quoted string');
      }
      value += header[at];
      at++;
    }
    at++; // closing DQUOTE
    return value;
  };

  for (;;) {
    // `#` list rule (RFC 9110 §5.6.1): empty elements and surrounding whitespace are allowed.
    skipWhitespace();
    if (at >= header.length) break;
    if (header[at] === ',') {
      at++;
      continue;
    }

    if (header[at] !== '<') fail('"<" starting a link');
    const close = header.indexOf('>', at + 1);
    if (close === -1) fail('">" closing the link target');
    const target = header.slice(at + 1, close);
    if (/[\s<"]/.test(target)) {
      at = at + 1 + target.search(/[\s<"]/);
      fail('a URI character inside <…>');
    }
    at = close + 1;

    // No prototype, so that `in` below sees only the parameters already read.
    const params: Record<string, string> = Object.create(null);
    for (;;) {
      skipWhitespace();
      if (at >= header.length || header[at] === ',') break;
      if (header[at] !== ';') fail('";" or "," after a link');
      at++;
      skipWhitespace();
      const name = readToken('a parameter name').toLowerCase();
      skipWhitespace();
      let value = '';
      if (header[at] === '=') {
        at++;
        skipWhitespace();
        value = header[at] === '"' ? readQuotedString() : readToken('a token or quoted string as parameter value');
        if (name.endsWith('*')) value = decodeExtendedValue(value, header, at);
      }
      // RFC 8288 §3.3: occurrences of `rel` after the first MUST be ignored (same for others here).
      if (!(name in params)) params[name] = value;
    }

    const rel = (params.rel ?? '').toLowerCase().split(/[ \t]+/).filter(Boolean);
    links.push({ target, rel, params });
  }
  return links;
}

/** RFC 8187 ext-value (`title*=UTF-8'en'%E2%82%AC`): charset'language'percent-encoded. */
function decodeExtendedValue(value: string, header: string, at: number): string {
  const match = /^(utf-8|iso-8859-1)'[^']*'(.*)$/i.exec(value);
  if (!match) throw new LinkHeaderError(header, at, "an RFC 8187 value charset'lang'value before");
  try {
    if (match[1].toLowerCase() === 'utf-8') return decodeURIComponent(match[2]);
    return match[2].replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  } catch {
    throw new LinkHeaderError(header, at, 'valid percent-encoded UTF-8 before');
  }
}

/** The first link carrying relation `rel` (case-insensitive), if any. */
export function findLink(links: readonly Link[], rel: string): Link | undefined {
  const wanted = rel.toLowerCase();
  return links.find((link) => link.rel.includes(wanted));
}
