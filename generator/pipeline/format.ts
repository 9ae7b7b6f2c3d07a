/**
 * Step 8: prettier, through its API, with a fixed configuration (a consumer's own prettier config
 * must not change what --check compares). `--check` compares exactly these bytes.
 *
 * Speed (the 1.3 MB schema.ts is most of a cold run's time):
 * - the `babel-ts` parser gives byte-identical output to `typescript` here, ~40% faster;
 * - big files are cut into pieces — schema.ts as emit-types.ts plans it (or, transformed whole,
 *   at top-level statements and interface members), OPERATIONS.md at its sections — formatted
 *   on every spare core (worker threads) and joined. Prettier prints top-level statements,
 *   interface members and Markdown blocks independently, so the result is prettier's output
 *   for the whole file (test/generator/full-spec.test.ts checks that on the real spec);
 * - planned pieces are handed to the worker threads as soon as they are transformed;
 * - every file's and piece's pre-format hash is in the lock: when it and the file on disk both
 *   match the lock, the bytes on disk *are* prettier's output for this input and are reused.
 *   A planned piece is also found by its source, before it is transformed at all. The spec's
 *   sha256, which every banner holds, is blanked before hashing (and formatting), so a new
 *   spec does not make every file new: reused bytes get the new sha256.
 * The pinned spec.json is not run through prettier: it is the vendor's document serialised with
 * JSON.stringify (2-space), deterministic on its own. Nor are name-map.json and (with plain text
 * from the spec) the Markdown, written in prettier's layout already (`FormatInput.formatted`).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { siblingModule, spareCores, startModuleWorker } from './module-worker.js';
import type { LockedFile, LockedPiece } from './pin-spec.js';

export const PRETTIER_OPTIONS = {
  printWidth: 120,
  singleQuote: true,
  trailingComma: 'all',
  semi: true,
  proseWrap: 'preserve',
  endOfLine: 'lf',
} as const;

/** Pieces of about this many characters keep every core busy without much per-piece overhead. */
const PIECE_SIZE = 60_000;
/** Below this much text to format, starting workers costs more than it saves. */
const PARALLEL_THRESHOLD = 250_000;

/** A file to format: its whole text, which formatFiles cuts into pieces where it can. */
export interface FormatInput {
  path: string;
  text: string;
  /**
   * The text is prettier's output already, so it is written as given: name-map.json, which
   * `JSON.stringify(…, null, 2)` lays out as prettier's JSON printer does (objects of strings,
   * every object already broken over lines), and the Markdown emit-index.ts writes in prettier's
   * layout. full-spec.test.ts checks every generated file is unchanged by prettier. Saves loading
   * prettier's JSON and Markdown printers on a run that changes an operation.
   */
  formatted?: boolean;
}

/**
 * A file planned as pieces whose texts are made on demand (schema.ts, emit-types.ts): a piece
 * whose `source` the lock recorded is reused from the file on disk without being made at all.
 */
export interface PlannedInput {
  path: string;
  /** Text before the pieces (the banner): formatted as a piece of its own. */
  prefix: string;
  pieces: ReadonlyArray<{
    source: string;
    dropHead: boolean;
    dropTail: boolean;
    /** Put before the formatted text (the blank line between statements formatted apart). */
    lead?: string;
  }>;
  /** Makes the unformatted texts of the pieces at `indices`, handing each over as soon as it is made. */
  render(indices: readonly number[], onPiece: (index: number, text: string) => void): Promise<void>;
  /**
   * The render runs on another thread (the wrappers', the types'): this one is free meanwhile.
   * When every render is elsewhere, this thread loads prettier and formats what has arrived while
   * they run, instead of waiting for them all to finish first.
   */
  rendersElsewhere?: boolean;
}

export interface FormattedFile {
  path: string;
  text: string;
  /** sha256 of the unformatted text (recorded in the lock), with the spec's sha256 blanked. */
  input: string;
  /** Reused from disk as a whole: its input hash matched the lock. */
  reused: boolean;
  /** Piece hashes, lengths and sources of a file formatted in pieces (recorded in the lock). */
  pieces?: LockedPiece[];
  /** Of a file in pieces: how many were formatted, and how many of those had to be rendered first. */
  formattedPieces?: number;
  renderedPieces?: number;
}

export interface FormatCache {
  formatter: string | undefined;
  files: Record<string, LockedFile>;
  /** The current bytes of a file in the out dir, if any. */
  readExisting(path: string): Promise<string | undefined>;
  /**
   * The spec's sha256, which every banner holds, and the one the files on disk were written
   * from (the lock's). Prettier gets `SHA_PLACEHOLDER` in its place, so a file changes its input
   * hash only when something but the banner changed, and reused bytes get the new sha256.
   */
  specSha256?: { current: string; previous: string | undefined };
  /**
   * Reuse planned pieces by source, without making their text (default true). `--force` says no:
   * the source says what a piece is made from, not by which generator, so a changed generator
   * must make every piece again (formatting is still reused where the text is unchanged).
   */
  trustSources?: boolean;
}

/** What a FormatCache is made of, without the reader: what can be sent to a worker thread. */
export type FormatCacheData = Omit<FormatCache, 'readExisting'> & {
  outDir: string;
};

/**
 * The cache whose files on disk are those in `outDir`. `read` keeps what was read, by path, so
 * the output step can compare the new texts with those instead of reading the files again.
 */
export function formatCacheIn({ outDir, ...data }: FormatCacheData, read?: Map<string, string>): FormatCache {
  return {
    ...data,
    readExisting: async (path) => {
      const text = await readFile(join(outDir, path), 'utf8').catch(() => undefined);
      if (text !== undefined) read?.set(path, text);
      return text;
    },
  };
}

/** Stands for the spec's sha256 while formatting: same length and alphabet, so prettier lays it out alike. */
export const SHA_PLACEHOLDER = '0'.repeat(64);

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function parserFor(path: string): string | undefined {
  if (path.endsWith('.ts')) return 'babel-ts';
  if (path.endsWith('.md')) return 'markdown';
  if (path.endsWith('.json')) return 'json';
  return undefined;
}

/** Identifies prettier and our options: a change to either invalidates every cached file. */
export async function formatterId(): Promise<string> {
  // Read from package.json: importing prettier just for its version would cost a run that
  // reuses every file the whole prettier load.
  const { version } = createRequire(import.meta.url)('prettier/package.json') as { version: string };
  return `prettier@${version} ${hash(JSON.stringify(PRETTIER_OPTIONS)).slice(0, 12)}`;
}

/**
 * A unit of prettier work. Pieces of one big interface are formatted inside `interface _ {…}`
 * (the first with the real head): `dropHead`/`dropTail` cut the synthetic first line and the
 * closing `}` so consecutive pieces join into the one interface. `text` is undefined for a
 * planned piece until it is rendered.
 */
interface Piece {
  text?: string;
  parser: string;
  dropHead: boolean;
  dropTail: boolean;
  /** Put before the formatted text: the blank line between Markdown sections formatted apart. */
  lead?: string;
  source?: string;
  /** The spec's sha256 in `text` was replaced by the placeholder (to put back after formatting). */
  blanked?: boolean;
}

/** One file on its way through formatFiles. */
interface FilePlan {
  path: string;
  /** No parser, or formatted already: written as given (spec.json, name-map.json, the Markdown); else its pieces, in order. */
  verbatim?: string;
  pieces: Piece[];
  /** For a planned file: renders its pieces (indices into `pieces`, minus the prefix). */
  render?: PlannedInput['render'];
  /** Formatted text by piece input hash, and by source, cut from the trusted file on disk. */
  byInput: Map<string, string>;
  bySource: Map<string, { input: string; text: string }>;
}

/**
 * Formats every file with prettier, reusing what the lock says is already formatted: a file
 * whose input hash is the lock's, a piece of it whose hash (or, planned, whose source) is one
 * the lock lists. Only bytes on disk that still hash to what the lock recorded are reused, so a
 * hand edit is never mistaken for generated output.
 */
export async function formatFiles(
  inputs: ReadonlyArray<FormatInput | PlannedInput>,
  cache: FormatCache,
): Promise<FormattedFile[]> {
  const formatter = await formatterId();
  const sha = cache.specSha256;
  const swapSha = (text: string) => (sha?.previous && sha.previous !== sha.current ? text.replaceAll(sha.previous, sha.current) : text);
  const planFile = async (input: FormatInput | PlannedInput): Promise<FilePlan> => {
    const plan: FilePlan = {
      path: input.path,
      pieces: [],
      byInput: new Map(),
      bySource: new Map(),
    };
    const parser = parserFor(input.path);
    if ('text' in input) {
      if (!parser || input.formatted) plan.verbatim = input.text;
      else {
        const blanked = blankSha(input.text, sha?.current);
        plan.pieces = splitText(blanked.text, parser).map((piece) => ({
          ...piece,
          blanked: blanked.blanked,
        }));
      }
    } else {
      plan.pieces = [
        {
          ...blankSha(input.prefix, sha?.current),
          parser: parser ?? 'babel-ts',
          dropHead: false,
          dropTail: false,
        },
        ...input.pieces.map((piece) => ({
          ...piece,
          parser: parser ?? 'babel-ts',
        })),
      ];
      plan.render = input.render;
    }
    const locked = cache.formatter === formatter ? cache.files[input.path] : undefined;
    const existing = locked ? await cache.readExisting(input.path) : undefined;
    if (existing === undefined || hash(existing) !== locked!.sha256) return plan;
    // Trusted: these bytes are what prettier gave for the inputs the lock records.
    if (!locked!.pieces) {
      plan.byInput.set(locked!.input, swapSha(existing));
      return plan;
    }
    let offset = 0;
    for (const piece of locked!.pieces) {
      const text = swapSha(existing.slice(offset, offset + piece.length));
      plan.byInput.set(piece.input, text);
      if (piece.source !== undefined && cache.trustSources !== false) plan.bySource.set(piece.source, { input: piece.input, text });
      offset += piece.length;
    }
    return plan;
  };
  const plans = await Promise.all(inputs.map(planFile));

  // Reuse what the lock has; format the rest as soon as its text exists: planned pieces are
  // handed to the pool as they are rendered, so worker threads format while the types are
  // still being transformed on this one.
  const sourced = new Map<Piece, { input: string; text: string }>();
  const inputOf = (piece: Piece, plan: FilePlan) =>
    sourced.get(piece)?.input ?? (plan.pieces.length === 1 ? hash(piece.text!) : pieceInput(piece));
  const contributions = new Map<Piece, string>();
  const rendered = new Map<FilePlan, number>();
  const missing = new Map<FilePlan, number[]>();
  let expected = 0; // characters of text the pool will get, roughly, to decide on worker threads
  for (const plan of plans) {
    plan.pieces.forEach((piece, index) => {
      if (piece.text !== undefined) {
        if (!plan.byInput.has(inputOf(piece, plan))) expected += piece.text.length;
        return;
      }
      const reused = plan.bySource.get(piece.source!);
      if (reused) sourced.set(piece, reused);
      else missing.set(plan, [...(missing.get(plan) ?? []), index]);
    });
    expected += (missing.get(plan)?.length ?? 0) * PIECE_SIZE * 0.5;
  }
  const pool = startPool(expected);
  // Every render that has work to do runs on another thread: format here while they run.
  if (missing.size > 0 && inputs.every((input, index) => !missing.has(plans[index]) || (input as PlannedInput).rendersElsewhere)) pool.formatHereNow();
  const offer = (piece: Piece, plan: FilePlan) => {
    const reused = sourced.get(piece)?.text ?? plan.byInput.get(inputOf(piece, plan));
    if (reused !== undefined) contributions.set(piece, reused);
    else pool.add(piece);
  };
  let outputs: Map<Piece, string>;
  try {
    for (const plan of plans) for (const piece of plan.pieces) if (piece.text !== undefined || sourced.has(piece)) offer(piece, plan);
    // Every planned file's missing pieces are asked for at once, in the inputs' order: a render
    // that hands its work to another thread (the wrappers) is then under way while one that
    // works on this thread (the types) runs.
    await Promise.all(
      [...missing].map(async ([plan, indices]) => {
        await plan.render!(
          indices.map((index) => index - 1),
          (index, text) => {
            const piece = plan.pieces[index + 1];
            Object.assign(piece, blankSha(text, sha?.current));
            offer(piece, plan);
          },
        );
        rendered.set(plan, indices.length);
      }),
    );
    outputs = await pool.finish();
  } finally {
    await pool.close();
  }
  for (const [piece, output] of outputs) {
    let text = output;
    if (piece.dropHead) text = text.slice(text.indexOf('\n') + 1);
    if (piece.dropTail) text = text.slice(0, text.lastIndexOf('}\n'));
    if (piece.lead) text = piece.lead + text;
    contributions.set(piece, piece.blanked ? text.replaceAll(SHA_PLACEHOLDER, sha!.current) : text);
  }

  return plans.map((plan): FormattedFile => {
    if (plan.verbatim !== undefined)
      return {
        path: plan.path,
        text: plan.verbatim,
        input: hash(plan.verbatim),
        reused: false,
      };
    const parts = plan.pieces.map((piece) => contributions.get(piece)!);
    const formattedCount = plan.pieces.filter((piece) => outputs.has(piece)).length;
    const text = parts.join('');
    if (plan.pieces.length === 1) {
      const input = inputOf(plan.pieces[0], plan);
      return { path: plan.path, text, input, reused: formattedCount === 0 };
    }
    const pieces: LockedPiece[] = plan.pieces.map((piece, index) => ({
      input: inputOf(piece, plan),
      length: parts[index].length,
      ...(piece.source !== undefined ? { source: piece.source } : {}),
    }));
    return {
      path: plan.path,
      text,
      input: hash(pieces.map((piece) => piece.input).join('\n')),
      reused: formattedCount === 0 && !rendered.has(plan),
      pieces,
      formattedPieces: formattedCount,
      renderedPieces: rendered.get(plan) ?? 0,
    };
  });
}

/**
 * `text` with the spec's sha256 replaced by the placeholder, which the formatted output turns
 * back. A text that holds the placeholder itself (a spec example of 64 zeros) is left as it is:
 * turning that back would put the sha256 where the zeros were.
 */
function blankSha(text: string, sha: string | undefined): { text: string; blanked: boolean } {
  if (!sha || sha === SHA_PLACEHOLDER || text.includes(SHA_PLACEHOLDER)) return { text, blanked: false };
  return { text: text.replaceAll(sha, SHA_PLACEHOLDER), blanked: true };
}

function pieceInput(piece: Piece): string {
  return hash(`${piece.dropHead ? 1 : 0}${piece.dropTail ? 1 : 0}${piece.lead ?? ''}${piece.text}`);
}

/** A file's text as the pieces prettier formats: big TypeScript and Markdown files are cut. */
function splitText(text: string, parser: string): Piece[] {
  if (parser === 'babel-ts' && text.length > PIECE_SIZE * 2) return splitTypeScript(text);
  if (parser === 'markdown' && text.length > PIECE_SIZE / 4) return splitMarkdown(text);
  return [{ text, parser, dropHead: false, dropTail: false }];
}

/**
 * Cuts a big Markdown file (OPERATIONS.md: prettier spends ~1 s of CPU on its tables) before each
 * `## ` heading that follows a blank line. Prettier lays out each block on its own and separates
 * blocks by one blank line, which `lead` puts back. Not cut: a file with code fences (a `## `
 * line may be code) or link definitions (a link in one section may be defined in another).
 */
function splitMarkdown(text: string): Piece[] {
  const whole: Piece[] = [{ text, parser: 'markdown', dropHead: false, dropTail: false }];
  if (/^\s*(```|~~~)/m.test(text) || /^\s{0,3}\[[^\]]+\]:/m.test(text)) return whole;
  return text.split(/(?<=\n\n)(?=## )/).map((section, index) => ({
    text: section,
    parser: 'markdown',
    dropHead: false,
    dropTail: false,
    ...(index > 0 ? { lead: '\n' } : {}),
  }));
}

/**
 * Formats each file's text as formatFiles does without a lock (pieces, worker threads); for
 * tests that compare it with prettier's output for the whole file.
 */
export async function formatTexts(files: ReadonlyArray<{ path: string; text: string }>): Promise<Array<{ text: string }>> {
  const formatted = await formatFiles(files, {
    formatter: undefined,
    files: {},
    readExisting: async () => undefined,
  });
  return formatted.map(({ text }) => ({ text }));
}

/**
 * Cuts openapi-typescript's output into pieces: the top-level statements, with big interfaces
 * (`paths`, `operations`) cut between members. It relies on the shape of TypeScript's printer
 * output (4-space indentation, no blank lines): a line indented exactly 4 spaces and ending in
 * `;` closes a member of a top-level interface. Anything else is formatted whole. Line-based
 * on purpose: parsing the file again would cost more than it saves.
 */
function splitTypeScript(text: string): Piece[] {
  const whole: Piece[] = [{ text, parser: 'babel-ts', dropHead: false, dropTail: false }];
  if (/\n[ \t]*\n/.test(text) || !text.endsWith('}\n')) return whole;
  const lines = text.slice(0, -1).split('\n');
  const pieces: Piece[] = [];
  let head: string | undefined; // the `export interface x {` line (with comments above) of a split interface
  let buffer: string[] = [];
  let size = 0;
  let pieceIndex = 0;
  let memberStart = 0;
  const push = (last: boolean) => {
    pieces.push({
      text: `${pieceIndex === 0 ? head : 'interface _ {'}\n${buffer.join('\n')}\n}\n`,
      parser: 'babel-ts',
      dropHead: pieceIndex > 0,
      dropTail: !last,
    });
    pieceIndex++;
    buffer = [];
    size = 0;
  };
  for (const line of lines) {
    if (head === undefined) {
      buffer.push(line);
      if (/^export interface [\w$]+ \{$/.test(line)) {
        // Start a split interface: what came before it is its own piece (comments go with the head).
        const comment = [];
        while (buffer.length > 1 && /^(\/\/|\/\*\*| \*|\s*\*\/)/.test(buffer[buffer.length - 2])) comment.unshift(buffer.splice(-2, 1)[0]);
        buffer.pop();
        if (buffer.length > 0)
          pieces.push(plainPiece(buffer));
        head = [...comment, line].join('\n');
        buffer = [];
        pieceIndex = 0;
        memberStart = 0;
      }
      continue;
    }
    if (line === '}') {
      push(true);
      head = undefined;
      continue;
    }
    if (!line.startsWith('    ')) return whole; // not the shape we know
    buffer.push(line);
    size += line.length + 1;
    if (/^ {4}\S.*;$/.test(line)) {
      // A member ends here. Cut where its own text says so (content-defined), so an edit to one
      // operation moves no other boundary and the other pieces are reused; cap the size.
      const member = buffer.slice(memberStart).join('\n');
      memberStart = buffer.length;
      if ((size >= PIECE_SIZE / 4 && fnv1a(member) % 8 === 0) || size >= PIECE_SIZE * 3) {
        push(false);
        memberStart = 0;
      }
    }
  }
  if (head !== undefined) return whole;
  if (buffer.length > 0)
    pieces.push(plainPiece(buffer));
  return pieces;
}

/** Lines outside a split interface: a piece of their own, formatted as they are. */
const plainPiece = (lines: string[]) => ({ text: `${lines.join('\n')}\n`, parser: 'babel-ts', dropHead: false, dropTail: false });

/** A cheap 32-bit string hash (FNV-1a) for choosing cut points; not for integrity. */
function fnv1a(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

/**
 * Formats pieces as they are added, on worker threads (when there is enough to format to pay
 * for starting them) and, once `finish` is called, on this thread too: until then it is busy
 * making the pieces.
 */
function startPool(expectedCharacters: number) {
  const queue: Piece[] = [];
  const outputs = new Map<Piece, string>();
  let finishing = false;
  let wake: Array<() => void> = [];
  const signal = () => {
    const waiting = wake;
    wake = [];
    for (const resolve of waiting) resolve();
  };
  const next = async (): Promise<Piece | undefined> => {
    while (queue.length === 0 && !finishing) await new Promise<void>((resolve) => wake.push(resolve));
    return queue.shift();
  };
  const lane = async (format: (text: string, parser: string) => Promise<string>) => {
    for (let piece = await next(); piece; piece = await next()) outputs.set(piece, await format(piece.text!, piece.parser));
  };
  // This thread and the wrappers' thread already keep two cores busy for the whole format step;
  // a format worker only pays off on a third. On 2 cores it was measured 5 % slower (it loads
  // prettier again and competes with the other two), and so was handing pieces to the wrappers'
  // thread once its wrappers were made (4.69 s vs 4.54 s wall, 16 % more CPU; both by hand).
  const workerCount = expectedCharacters < PARALLEL_THRESHOLD ? 0 : Math.max(0, Math.min(spareCores() - 2, 3));
  const workers = Array.from({ length: workerCount }, () => startFormatWorker());
  const workerLanes = workers.map((worker) => lane(worker.format));
  // Settled by finish(); a failure before then must not go unhandled.
  for (const running of workerLanes) running.catch(() => {});
  let here: Promise<void> | undefined;
  const hereLane = () => lane(prettierHere());
  return {
    add(piece: Piece) {
      queue.push(piece);
      signal();
    },
    /** Starts formatting on this thread now, not at `finish` (nothing is rendered on it). */
    formatHereNow() {
      here ??= hereLane();
      here.catch(() => {}); // settled by finish()
    },
    async finish(): Promise<Map<Piece, string>> {
      finishing = true;
      // Biggest first, so no lane is left with a big piece at the end.
      queue.sort((a, b) => b.text!.length - a.text!.length);
      signal();
      if (!here && queue.length > 0) here = hereLane();
      await Promise.all([here, ...workerLanes]);
      return outputs;
    },
    async close() {
      finishing = true;
      signal();
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}

/**
 * prettier on this thread. TypeScript and JSON go through its standalone build with the babel and
 * estree plugins: the full entry adds config-file resolution and plugin loading by name (678 kB
 * of JavaScript against 85 kB) that fixed options never use, and compiling it was most of what a
 * small change paid to format a few kB (import and a first format: 110 vs 70 ms, by hand). The
 * output is the same: what the full entry adds for these parsers is formatting embedded in
 * template literals (css`…`, graphql`…`), and the emitters write no template literals.
 * Markdown goes through the full entry: a fenced block in a spec's description is formatted by
 * whichever plugin its language needs, as prettier alone does. Format worker threads (4 or more
 * cores) format through this too (formatPiece).
 */
function prettierHere(): (text: string, parser: string) => Promise<string> {
  type Format = (text: string, options: Record<string, unknown>) => Promise<string>;
  let standalone: Promise<[{ format: Format }, object, object]> | undefined;
  let full: Promise<{ format: Format }> | undefined;
  return async (text, parser) => {
    if (parser === 'markdown') {
      full ??= import('prettier');
      return (await full).format(text, { ...PRETTIER_OPTIONS, parser });
    }
    standalone ??= Promise.all([import('prettier/standalone'), import('prettier/plugins/babel'), import('prettier/plugins/estree')]);
    const [prettier, babel, estree] = await standalone;
    return prettier.format(text, { ...PRETTIER_OPTIONS, parser, plugins: [babel, estree] });
  };
}

/** One piece formatted on a format worker thread (startModuleWorker: a dead thread fails its calls). */
let workerFormat: ReturnType<typeof prettierHere> | undefined;
export function formatPiece(text: string, parser: string): Promise<string> {
  workerFormat ??= prettierHere();
  return workerFormat(text, parser);
}

function startFormatWorker() {
  const worker = startModuleWorker(siblingModule('format'));
  return {
    format: (text: string, parser: string) => worker.call<string>('formatPiece', [text, parser]),
    close: () => worker.close(),
  };
}

export { hash as sha256Text };
