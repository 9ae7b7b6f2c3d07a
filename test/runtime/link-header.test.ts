import { describe, expect, it } from 'vitest';
import { findLink, LinkHeaderError, parseLinkHeader, type Link } from '../../runtime/pagination/link-header.js';

const link = (target: string, rel: string[], params: Record<string, string> = {}): Link => ({
  target,
  rel,
  params: rel.length ? { rel: rel.join(' '), ...params } : params,
});

// What a real Logto 1.42 server sends for GET /api/users?page=2&page_size=20 (45 users):
// four Link lines, which fetch folds into one value joined by ", ".
const logtoPage2 = [
  '<http://127.0.0.1:3001/users?page=1&page_size=20>; rel="first"',
  '<http://127.0.0.1:3001/users?page=1&page_size=20>; rel="prev"',
  '<http://127.0.0.1:3001/users?page=3&page_size=20>; rel="last"',
  '<http://127.0.0.1:3001/users?page=3&page_size=20>; rel="next"',
].join(', ');

describe('parseLinkHeader', () => {
  const valid: { name: string; given: string | null | undefined; want: Link[] }[] = [
    { name: 'null header', given: null, want: [] },
    { name: 'undefined header', given: undefined, want: [] },
    { name: 'empty header', given: '', want: [] },
    { name: 'only list separators and whitespace', given: ' , ,\t, ', want: [] },
    {
      name: 'Logto multi-line Link folded by fetch',
      given: logtoPage2,
      want: [
        link('http://127.0.0.1:3001/users?page=1&page_size=20', ['first']),
        link('http://127.0.0.1:3001/users?page=1&page_size=20', ['prev']),
        link('http://127.0.0.1:3001/users?page=3&page_size=20', ['last']),
        link('http://127.0.0.1:3001/users?page=3&page_size=20', ['next']),
      ],
    },
    {
      name: 'commas and semicolons inside <…>',
      given: '<https://x.test/a?ids=1,2,3;x=y>; rel=next, <https://x.test/b,c>; rel=prev',
      want: [
        { target: 'https://x.test/a?ids=1,2,3;x=y', rel: ['next'], params: { rel: 'next' } },
        { target: 'https://x.test/b,c', rel: ['prev'], params: { rel: 'prev' } },
      ],
    },
    {
      name: 'unquoted rel',
      given: '</users?page=2>; rel=next',
      want: [{ target: '/users?page=2', rel: ['next'], params: { rel: 'next' } }],
    },
    {
      name: 'several space-separated rels in one link, case folded',
      given: '</users?page=3>; rel="Next  LAST"',
      want: [{ target: '/users?page=3', rel: ['next', 'last'], params: { rel: 'Next  LAST' } }],
    },
    {
      name: 'quoted parameter values containing "," and ";" and escaped quotes',
      given: '</a>; title="a, b; c \\"d\\""; rel="next", </b>; rel=prev',
      want: [
        { target: '/a', rel: ['next'], params: { title: 'a, b; c "d"', rel: 'next' } },
        { target: '/b', rel: ['prev'], params: { rel: 'prev' } },
      ],
    },
    {
      name: 'whitespace around ";" and "=" (OWS/BWS), upper-case parameter names',
      given: '</a>\t;  REL = "next" ;type="text/html"',
      want: [{ target: '/a', rel: ['next'], params: { rel: 'next', type: 'text/html' } }],
    },
    {
      name: 'rel appearing twice: the first wins (RFC 8288 §3.3)',
      given: '</a>; rel=next; rel=prev',
      want: [{ target: '/a', rel: ['next'], params: { rel: 'next' } }],
    },
    {
      name: 'parameter without a value, and a link without rel',
      given: '</a>; crossorigin, </b>',
      want: [
        { target: '/a', rel: [], params: { crossorigin: '' } },
        { target: '/b', rel: [], params: {} },
      ],
    },
    {
      name: 'empty list elements between links',
      given: ', </a>; rel=next,, ,</b>; rel=last,',
      want: [
        { target: '/a', rel: ['next'], params: { rel: 'next' } },
        { target: '/b', rel: ['last'], params: { rel: 'last' } },
      ],
    },
    {
      name: 'RFC 8187 extended value is decoded',
      given: "</a>; rel=next; title*=UTF-8'de'n%c3%a4chstes%20Kapitel",
      want: [{ target: '/a', rel: ['next'], params: { rel: 'next', 'title*': 'nächstes Kapitel' } }],
    },
    {
      name: 'empty target (same document)',
      given: '<>; rel=self',
      want: [{ target: '', rel: ['self'], params: { rel: 'self' } }],
    },
  ];

  it.each(valid)('parses $name', ({ given, want }) => {
    expect(parseLinkHeader(given)).toEqual(want);
  });

  const malformed: { name: string; given: string; offset: number; expected: RegExp }[] = [
    { name: 'bare URL without <>', given: 'https://x.test/a; rel=next', offset: 0, expected: /expected "<" starting a link/ },
    { name: 'unterminated <', given: '<https://x.test/a; rel=next', offset: 0, expected: /">" closing the link target/ },
    { name: 'unterminated quoted string', given: '</a>; rel="next', offset: 15, expected: /closing '"'/ },
    { name: 'junk after the target', given: '</a> rel=next', offset: 5, expected: /";" or "," after a link/ },
    { name: 'missing parameter name', given: '</a>; =next', offset: 6, expected: /a parameter name/ },
    { name: 'missing parameter value after =', given: '</a>; rel=', offset: 10, expected: /a token or quoted string/ },
    { name: 'space inside the target', given: '</a b>; rel=next', offset: 3, expected: /a URI character inside/ },
    { name: 'junk between links', given: '</a>; rel=next, garbage', offset: 16, expected: /"<" starting a link/ },
    { name: 'unquoted value with a space-separated second rel', given: '</a>; rel=next last', offset: 15, expected: /";" or ","/ },
    { name: 'unquoted value with "/" (not a token)', given: '</a>; type=text/html', offset: 15, expected: /";" or ","/ },
    { name: 'broken RFC 8187 value', given: "</a>; title*=nope", offset: 17, expected: /RFC 8187/ },
  ];

  it.each(malformed)('rejects $name with the offset', ({ given, offset, expected }) => {
    let error: unknown;
    try {
      parseLinkHeader(given);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LinkHeaderError);
    expect(error).toBeInstanceOf(SyntaxError);
    const linkError = error as LinkHeaderError;
    expect(linkError.offset).toBe(offset);
    expect(linkError.header).toBe(given);
    expect(linkError.message).toMatch(expected);
    expect(linkError.message).toContain(`at offset ${offset}`);
  });
});

describe('findLink', () => {
  it('finds a relation among several rels of one link, case-insensitively', () => {
    const links = parseLinkHeader('</a>; rel="prev first", </c>; rel="next last"');
    expect(findLink(links, 'NEXT')?.target).toBe('/c');
    expect(findLink(links, 'first')?.target).toBe('/a');
    expect(findLink(links, 'self')).toBeUndefined();
  });
});
