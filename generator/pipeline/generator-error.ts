/**
 * The one error type the generator throws for bad input. It names the file, the JSON pointer
 * inside it and the problem, so the CLI can print one precise line and exit 1.
 */
export class GeneratorError extends Error {
  readonly file: string | undefined;
  readonly pointer: string | undefined;
  readonly problem: string;

  constructor(problem: string, location: { file?: string; pointer?: string } = {}) {
    const where = [location.file, location.pointer === undefined ? undefined : `#${location.pointer}`]
      .filter(Boolean)
      .join(' ');
    super(where ? `${where}: ${problem}` : problem);
    this.name = 'GeneratorError';
    this.file = location.file;
    this.pointer = location.pointer;
    this.problem = problem;
  }
}

/** Escapes one key for a JSON pointer (RFC 6901 section 4: `~` → `~0`, `/` → `~1`). */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function jsonPointer(...segments: Array<string | number>): string {
  return segments.map((segment) => `/${pointerSegment(segment)}`).join('');
}
