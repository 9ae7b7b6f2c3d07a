/**
 * Whether two specs differ in anything but their `info` and `servers`, with object keys in any
 * order. Logto serves `servers[0].url` as the origin it was asked on and `info` as metadata (the
 * Cloud copy of the same API differs only there), and a spec whose keys were merely reordered
 * pins to the same sorted `spec.json`: none of these is a change of the client. Anything else
 * that differs — reordered lists, validation details the types do not show — regenerates the
 * client without an API change: a patch release (version-bump.ts).
 */
import { sortKeys } from '../pipeline/pin-spec.js';

const metadataKeys = new Set(['info', 'servers']);

export function specContentChanged(oldSpec: unknown, newSpec: unknown): boolean {
  return specContent(oldSpec) !== specContent(newSpec);
}

/**
 * What specContentChanged compares: the spec without `info` and `servers`, keys sorted. `sorted`
 * says the caller's spec has its keys in sortKeys' order already (generate.ts sorts every spec it
 * reads), which saves sorting it again.
 */
export function specContent(spec: unknown, { sorted = false } = {}): string {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return JSON.stringify(spec);
  const content = Object.fromEntries(Object.entries(spec).filter(([key]) => !metadataKeys.has(key)));
  return JSON.stringify(sorted ? content : sortKeys(content));
}
