/**
 * How to read the quirks of Logto's zod → OpenAPI output when validating against the vendor's
 * spec as published (test/specs/README.md, "Quirks"), applied to every Ajv instance that
 * checks requests and responses against it (the fake's, and this repository's contract test):
 * - `format: '"email"'` (a zod literal): the value is exactly that JSON value;
 * - `format: 'url' | 'regex' | 'empty' | 'email' | 'date-time'`: informal formats, checked for
 *   what they mean (a URL, a compilable regex, the empty string...);
 * - `pattern: '/^\d+$/'`: a JavaScript regex literal (zod's `regex.toString()`), flags included,
 *   not an ECMA-262 pattern body — compiled as the regex it denotes.
 */
import type { Ajv } from 'ajv';

/** `/body/flags` → RegExp(body, flags); anything else is a plain pattern. */
export function logtoRegExp(pattern: string, unicode: string): RegExp {
  const literal = /^\/(.*)\/([dgimsuy]*)$/s.exec(pattern);
  if (!literal) return new RegExp(pattern, unicode);
  const flags = new Set([...literal[2], ...unicode]);
  return new RegExp(literal[1], [...flags].join(''));
}
logtoRegExp.code = 'logtoRegExp';

export const informalFormats: Record<string, (value: string) => boolean> = {
  url: (value) => URL.canParse(value),
  regex: (value) => {
    try {
      new RegExp(value);
      return true;
    } catch {
      return false;
    }
  },
  empty: (value) => value === '',
  email: (value) => /^\S+@\S+\.\S+$/.test(value),
  'date-time': (value) => !Number.isNaN(Date.parse(value)),
  // A file part (a spec that types its upload fields, as our multipart-file-field patch does):
  // the spec server hands Ajv a placeholder string for each file it received.
  binary: () => true,
};

/** Registers every format the spec uses, so no format is silently ignored. */
export function addLogtoFormats(ajv: Ajv, formats: Iterable<string>): Ajv {
  for (const format of formats) {
    if (informalFormats[format]) {
      ajv.addFormat(format, informalFormats[format]);
      continue;
    }
    let literal: unknown;
    try {
      literal = JSON.parse(format);
    } catch {
      throw new Error(`The spec uses format ${JSON.stringify(format)}, which logto-mgmt-testing does not know how to check`);
    }
    // Ajv applies string formats to strings only; boolean literals (`format: 'true'`) are
    // written on `type: boolean` and compared by our generator, so a plain string check suffices.
    ajv.addFormat(format, { type: typeof literal === 'number' ? 'number' : 'string', validate: (value: unknown) => String(value) === String(literal) } as never);
  }
  return ajv;
}

/** Every `format` value used anywhere in the document. */
export function formatsIn(document: unknown): Set<string> {
  const formats = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const format = (node as { format?: unknown }).format;
      if (typeof format === 'string') formats.add(format);
      Object.values(node).forEach(walk);
    }
  };
  walk(document);
  return formats;
}

/**
 * Logto 1.34.0 writes zod's `null` as `{nullable: true}` with no `type`, which Ajv refuses to
 * compile ("nullable" cannot be used without "type"). A schema without a type accepts any value,
 * null included, so the copy handed to Ajv drops that `nullable`: the same values pass.
 */
export function withoutUntypedNullable<T>(document: T): T {
  const copy = structuredClone(document);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const schema = node as Record<string, unknown>;
      if (schema.nullable === true && schema.type === undefined) delete schema.nullable;
      Object.values(schema).forEach(walk);
    }
  };
  walk(copy);
  return copy;
}
