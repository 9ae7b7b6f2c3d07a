/**
 * parseLinkHeader at the edges of RFC 8288 / RFC 7230 quoted strings and RFC 8187 extended
 * values: what is accepted, and where and why the rest is rejected — each case states the
 * whole error (offset, what was expected, what was found).
 */
import { describe, expect, it } from 'vitest';
import { LinkHeaderError, parseLinkHeader } from '../../runtime/pagination/link-header.js';

const rejection = (header: string) => {
  try {
    parseLinkHeader(header);
  } catch (error) {
    return error as LinkHeaderError;
  }
  throw new Error(`expected ${JSON.stringify(header)} to be rejected`);
};

describe('parseLinkHeader edges', () => {
  it.each([
    { name: 'a tab inside a quoted string', given: '</a>; title="one\ttwo"', want: { title: 'one\ttwo' } },
    { name: 'an escaped quote and backslash', given: '</a>; title="say \\"hi\\" \\\\ bye"', want: { title: 'say "hi" \\ bye' } },
    { name: 'an ISO-8859-1 extended value', given: "</a>; title*=iso-8859-1'en'%A3%20rates", want: { 'title*': '£ rates' } },
    { name: 'rel types separated by tabs and spaces', given: '</a>; rel="next \t last"', want: { rel: 'next \t last' } },
    // RFC 9110 quoted-pair: a backslash may escape a tab, a space, a visible or an obs-text character.
    { name: 'escaped tab, space, letter and obs-text', given: '</a>; title="\\\t\\ \\a\\\u00e9"', want: { title: '\t a\u00e9' } },
  ])('accepts $name', ({ given, want }) => {
    const [link] = parseLinkHeader(given);
    expect(link.params).toEqual(want);
  });

  it('splits rel on tabs as well as spaces', () => {
    expect(parseLinkHeader('</a>; rel="next\tlast"')[0].rel).toEqual(['next', 'last']);
  });

  it.each([
    { name: 'a control character in a quoted string', given: '</a>; title="a\u0001b"', offset: 14, message: 'expected a printable character in quoted string, found "\\u0001"' },
    { name: 'a backslash ending the header', given: '</a>; title="ab\\', offset: 16, message: 'expected a character after "\\", found end of header' },
    // quoted-pair escapes nothing but HTAB / SP / VCHAR / obs-text: not a line break nor any other control.
    { name: 'an escaped line feed', given: '</a>; title="a\\\nb"', offset: 15, message: 'expected a tab, space or visible character after "\\", found "\\n"' },
    { name: 'an escaped carriage return', given: '</a>; title="a\\\rb"', offset: 15, message: 'expected a tab, space or visible character after "\\", found "\\r"' },
    { name: 'an escaped NUL', given: '</a>; title="a\\\u0000b"', offset: 15, message: 'expected a tab, space or visible character after "\\", found "\\u0000"' },
    { name: 'an escaped DEL', given: '</a>; title="a\\\u007fb"', offset: 15, message: 'expected a tab, space or visible character after "\\", found "\u007f"' },
    { name: 'an escaped character past obs-text', given: '</a>; title="a\\\u0100b"', offset: 15, message: 'expected a tab, space or visible character after "\\", found "\u0100"' },
    { name: 'an unterminated quoted string', given: '</a>; title="ab', offset: 15, message: 'expected closing \'"\', found end of header' },
    { name: 'a target without its ">"', given: '</a; rel=next', offset: 0, message: 'expected ">" closing the link target, found "<"' },
    { name: 'an extended value with text before its charset', given: "</a>; title*=xutf-8''abc", offset: 24, message: "expected an RFC 8187 value charset'lang'value before, found end of header" },
    { name: 'invalid percent-encoded UTF-8', given: "</a>; title*=utf-8''%ff", offset: 23, message: 'expected valid percent-encoded UTF-8 before, found end of header' },
    // The whole value must be charset'lang'value: a line separator (which `.` does not match)
    // must not cut it short to "a".
    { name: 'an extended value with a line separator in it', given: "</a>; title*=\"utf-8''a\u2028b\"", offset: 25, message: "expected an RFC 8187 value charset'lang'value before, found end of header" },
  ])('rejects $name, saying where and what', ({ given, offset, message }) => {
    const error = rejection(given);
    expect(error).toBeInstanceOf(LinkHeaderError);
    expect(error.name).toBe('LinkHeaderError');
    expect(error.offset).toBe(offset);
    expect(error.message).toBe(`Malformed Link header at offset ${offset}: ${message} in ${JSON.stringify(given)}`);
  });

  it('reads parameters named like Object.prototype members as any other, first occurrence winning', () => {
    const [link] = parseLinkHeader('</a>; constructor=one; __proto__="two"; constructor=three; __proto__=four; rel=next');
    expect(Object.entries(link.params)).toEqual([
      ['constructor', 'one'],
      ['__proto__', 'two'],
      ['rel', 'next'],
    ]);
    expect(link.rel).toEqual(['next']);
  });

  it('gives no parameter that was not sent, not even inherited ones', () => {
    const [link] = parseLinkHeader('</a>; rel=next');
    expect([link.params.constructor, link.params.toString, link.params.hasOwnProperty]).toEqual([undefined, undefined, undefined]);
  });

  it('keeps the trailing text of an extended value', () => {
    expect(parseLinkHeader("</a>; title*=utf-8''abc%20def")[0].params['title*']).toBe('abc def');
  });
});
