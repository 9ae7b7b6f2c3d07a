/**
 * Step 8: prettier, through its API, with a fixed configuration (a consumer's own prettier config
 * must not change what --check compares). `--check` compares exactly these bytes.
 *
 * Speed (the 1.3 MB schema.ts is most of a cold run's time):
 * - the `babel-ts` parser gives byte-identical output to `typescript` here, ~40% faster;
 * - big files are cut at top-level statements and interface members, the pieces formatted on
 *   every core (worker threads) and joined. Prettier prints top-level statements and interface
 *   members independently, so the result is prettier's output for the whole file
 *   (test/generator/full-spec.test.ts checks that on the real spec);
 * - every file's pre-format hash is in the lock: when it and the file on disk both match the
 *   lock, the file on disk *is* prettier's output for this input and is reused as is.
 * The pinned spec.json is not run through prettier: it is the vendor's document serialised with
 * JSON.stringify (2-space), deterministic on its own.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LockedFile } from './pin-spec.js';

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

export interface FormatInput {
  path: string;
  text: string;
}

export interface FormattedFile {
  path: string;
  text: string;
  /** sha256 of the unformatted text (recorded in the lock). */
  input: string;
  /** Reused from disk because its input hash matched the lock. */
  reused: boolean;
  /** Piece hashes and lengths of a file formatted in pieces (recorded in the lock). */
  pieces?: Array<{ input: string; length: number }>;
}

export interface FormatCache {
  formatter: string | undefined;
  files: Record<string, LockedFile>;
  /** The current bytes of a file in the out dir, if any. */
  readExisting(path: string): Promise<string | undefined>;
}

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

export async function formatFiles(inputs: readonly FormatInput[], cache: FormatCache): Promise<FormattedFile[]> {
  const formatter = await formatterId();
  const results: FormattedFile[] = [];
  const pending: Array<{ path: string; text: string; input: string; reusable: Map<string, string> }> = [];
  await Promise.all(
    inputs.map(async ({ path, text }) => {
      const input = hash(text);
      const locked = cache.formatter === formatter ? cache.files[path] : undefined;
      const existing = locked ? await cache.readExisting(path) : undefined;
      const trusted = existing !== undefined && hash(existing) === locked!.sha256;
      if (trusted && locked!.input === input) {
        results.push({ path, text: existing, input, reused: true, pieces: locked!.pieces });
        return;
      }
      // The file changed: its unchanged pieces can still be cut out of the trusted old bytes.
      const reusable = new Map<string, string>();
      if (trusted && locked!.pieces) {
        let offset = 0;
        for (const piece of locked!.pieces) {
          reusable.set(piece.input, existing.slice(offset, offset + piece.length));
          offset += piece.length;
        }
      }
      pending.push({ path, text, input, reusable });
    }),
  );
  const formatted = await formatTexts(pending);
  pending.forEach(({ path, input }, index) =>
    results.push({ path, text: formatted[index].text, input, reused: false, pieces: formatted[index].pieces }),
  );
  const order = new Map(inputs.map(({ path }, index) => [path, index]));
  return results.sort((a, b) => order.get(a.path)! - order.get(b.path)!);
}

/**
 * A unit of prettier work. Pieces of one big interface are formatted inside `interface _ {…}`
 * (the first with the real head): `dropHead`/`dropTail` cut the synthetic first line and the
 * closing `}` so consecutive pieces join into the one interface.
 */
interface Piece {
  text: string;
  parser: string;
  dropHead: boolean;
  dropTail: boolean;
}

/**
 * Formats each file's text; big TypeScript files are split into pieces formatted in parallel,
 * and pieces found in `reusable` (piece input hash → formatted text) are not formatted again.
 */
export async function formatTexts(
  files: ReadonlyArray<{ path: string; text: string; reusable?: ReadonlyMap<string, string> }>,
): Promise<Array<{ text: string; pieces?: Array<{ input: string; length: number }> }>> {
  const plans: Array<Piece[] | string> = [];
  for (const { path, text } of files) {
    const parser = parserFor(path);
    if (!parser) plans.push(text);
    else if (parser === 'babel-ts' && text.length > PIECE_SIZE * 2) plans.push(splitTypeScript(text));
    else plans.push([{ text, parser, dropHead: false, dropTail: false }]);
  }
  const pieceInput = (piece: Piece) => hash(`${piece.dropHead ? 1 : 0}${piece.dropTail ? 1 : 0}${piece.text}`);
  const contributions = new Map<Piece, string>();
  const toFormat: Piece[] = [];
  plans.forEach((plan, index) => {
    if (typeof plan === 'string' || plan.length < 2) {
      if (typeof plan !== 'string') toFormat.push(...plan);
      return;
    }
    for (const piece of plan) {
      const reused = files[index].reusable?.get(pieceInput(piece));
      if (reused !== undefined) contributions.set(piece, reused);
      else toFormat.push(piece);
    }
  });
  const outputs = await formatPieces(toFormat);
  for (const [piece, output] of outputs) {
    let text = output;
    if (piece.dropHead) text = text.slice(text.indexOf('\n') + 1);
    if (piece.dropTail) text = text.slice(0, text.lastIndexOf('}\n'));
    contributions.set(piece, text);
  }
  return plans.map((plan) => {
    if (typeof plan === 'string') return { text: plan };
    const parts = plan.map((piece) => contributions.get(piece)!);
    return {
      text: parts.join(''),
      pieces: plan.length < 2 ? undefined : plan.map((piece, index) => ({ input: pieceInput(piece), length: parts[index].length })),
    };
  });
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
        if (buffer.length > 0) pieces.push({ text: `${buffer.join('\n')}\n`, parser: 'babel-ts', dropHead: false, dropTail: false });
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
  if (buffer.length > 0) pieces.push({ text: `${buffer.join('\n')}\n`, parser: 'babel-ts', dropHead: false, dropTail: false });
  return pieces;
}

/** A cheap 32-bit string hash (FNV-1a) for choosing cut points; not for integrity. */
function fnv1a(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

/** Formats every piece, spreading them over the main thread and worker threads. */
async function formatPieces(pieces: readonly Piece[]): Promise<Map<Piece, string>> {
  const outputs = new Map<Piece, string>();
  if (pieces.length === 0) return outputs;
  const prettier = await import('prettier');
  const queue = [...pieces].sort((a, b) => b.text.length - a.text.length);
  const total = pieces.reduce((sum, piece) => sum + piece.text.length, 0);
  const workerCount = total < PARALLEL_THRESHOLD ? 0 : Math.min(spareCores() - 1, 3, Math.max(0, queue.length - 1));
  const workers = Array.from({ length: workerCount }, () => startFormatWorker());
  const lane = async (format: (text: string, parser: string) => Promise<string>) => {
    for (let piece = queue.shift(); piece; piece = queue.shift()) {
      outputs.set(piece, await format(piece.text, piece.parser));
    }
  };
  try {
    await Promise.all([
      lane((text, parser) => prettier.format(text, { ...PRETTIER_OPTIONS, parser })),
      ...workers.map((worker) => lane(worker.format)),
    ]);
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
  }
  return outputs;
}

/**
 * Cores we may use: workers only pay off on idle cores (each one loads prettier and warms up
 * its JIT, ~0.3 s of CPU), so a busy machine formats on the main thread alone.
 * LOGTO_MGMT_FORMAT_THREADS overrides (1 = never start workers).
 */
function spareCores(): number {
  const forced = Number(process.env.LOGTO_MGMT_FORMAT_THREADS);
  if (forced > 0) return forced;
  const cores = availableParallelism();
  return Math.max(1, Math.min(cores, Math.floor(cores - loadavg()[0] + 0.5)));
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const loading = import(workerData.prettierUrl);
parentPort.on('message', async ({ id, text, options }) => {
  try {
    const module = await loading;
    const prettier = module.format ? module : module.default;
    parentPort.postMessage({ id, text: await prettier.format(text, options) });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});`;

function startFormatWorker() {
  const prettierUrl = pathToFileURL(createRequire(import.meta.url).resolve('prettier')).href;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { prettierUrl } });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  worker.on('message', ({ id, text, error }: { id: number; text?: string; error?: string }) => {
    const entry = waiting.get(id)!;
    waiting.delete(id);
    if (error !== undefined) entry.reject(new Error(`prettier failed in a worker: ${error}`));
    else entry.resolve(text!);
  });
  worker.on('error', (error) => {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  });
  return {
    format: (text: string, parser: string) =>
      new Promise<string>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, text, options: { ...PRETTIER_OPTIONS, parser } });
      }),
    close: () => worker.terminate(),
  };
}

export { hash as sha256Text };
