/**
 * Telling untouched operations apart without walking them, for diffSpecs and diffDocumentation
 * alike: most operations are the same between two releases, and comparing their JSON (native,
 * fast) costs a fraction of a walk. Each operation's JSON is made once for both (the two diffs
 * of one comparison index the same objects).
 */

const json = new WeakMap<object, { parameters: unknown; text: string }>();

/** `JSON.stringify([operation, pathParameters ?? null])`, made once per operation object. */
export function operationJson(operation: object, pathParameters: unknown): string {
  const cached = json.get(operation);
  if (cached && cached.parameters === pathParameters) return cached.text;
  const text = JSON.stringify([operation, pathParameters ?? null]);
  json.set(operation, { parameters: pathParameters, text });
  return text;
}

/**
 * Whether every $ref in a piece of JSON, and in turn every $ref in what they point at, points
 * at JSON that is the same in both documents. A target missing on either side, or a $ref the
 * resolver would refuse, is not known to be the same: the walk then reports it as it does.
 */
export function unchangedTargets(oldDocument: Record<string, any>, newDocument: Record<string, any>): (json: string) => boolean {
  // Per $ref: the $refs inside its target, or null when the target differs or is not found.
  const targets = new Map<string, string[] | null>();
  const refsInTarget = (ref: string) => {
    let refs = targets.get(ref);
    if (refs === undefined) {
      const before = targetJson(oldDocument, ref);
      refs = before !== undefined && before === targetJson(newDocument, ref) ? refsIn(before) : null;
      targets.set(ref, refs);
    }
    return refs;
  };
  return (json) => {
    const queue = refsIn(json);
    const seen = new Set<string>();
    // The queue grows while it is read: every $ref reachable is checked once.
    for (const ref of queue) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      const inner = refsInTarget(ref);
      if (inner === null) return false;
      queue.push(...inner);
    }
    return true;
  };
}

/**
 * Every string `$ref` of an object in this JSON: all the resolver can follow. JSON escapes each
 * quote inside a string, so `"$ref":"` is a `$ref` key and its value, or the end of a key that
 * ends in `$ref` — one more target to check: at worst a walk not needed, never a change missed.
 */
function refsIn(json: string): string[] {
  return [...json.matchAll(/"\$ref":("(?:[^"\\]|\\.)*")/g)].map((match) => JSON.parse(match[1]!) as string);
}

/** The JSON at a local $ref, found as makeResolver finds it; undefined when it finds none. */
function targetJson(document: Record<string, any>, ref: string): string | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: any = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return JSON.stringify(node);
}
