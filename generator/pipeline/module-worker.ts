/**
 * One of our pipeline modules on a worker thread, so a step runs beside the others: the wrappers
 * (ts-morph, with its own TypeScript: ~1 s of CPU) are emitted and formatted while the main
 * thread transforms and formats the types. The worker loads the module, and the packages named
 * in `preload`, as soon as it starts: the loading, not only the work, leaves the main thread.
 *
 * Before the preloads, the worker turns on the code cache for big CommonJS files (code-cache.ts):
 * the two TypeScripts then compile from what V8 stored on an earlier run.
 *
 * Arguments and results cross by structured clone (plain data, Maps). Run from sources (a `.ts`
 * module: `npm run generate`, the tests), the worker registers tsx first: a worker thread does
 * not inherit the loader of the thread that started it.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { GeneratorError } from './generator-error.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');
const requireHere = createRequire(workerData.url);
const loading = (async () => {
  if (workerData.url.endsWith('.ts')) {
    // tsx's ESM API by its package's "import" export (require.resolve would give the CommonJS one).
    const manifest = requireHere.resolve('tsx/package.json');
    const api = new URL(require(manifest).exports['./esm/api'].import.default, pathToFileURL(manifest));
    (await import(api.href)).register();
  }
  // The tools' big CommonJS files (TypeScript) compile from V8's code cache (code-cache.ts).
  try { (await import(workerData.codeCache)).enableCodeCache(); } catch {}
  for (const name of workerData.preload) {
    try { requireHere(name); } catch {} // only a head start: the module loads what it needs itself
  }
  return import(workerData.url);
})();
loading.catch(() => {}); // reported to the first call
parentPort.on('message', async ({ id, name, args }) => {
  try {
    const module = await loading;
    parentPort.postMessage({ id, value: await module[name](...args) });
  } catch (error) {
    const { name, message, stack, problem, file, pointer } = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({ id, error: { name, message, stack, problem, file, pointer } });
  }
});`;

interface SentError {
  name: string;
  message: string;
  stack?: string;
  problem?: string;
  file?: string;
  pointer?: string;
}

export interface ModuleWorker {
  /** Calls the module's export `name` with `args` on the worker thread. */
  call<T>(name: string, args: unknown[]): Promise<T>;
  /** False once the thread has exited (a crash): start another. */
  readonly alive: boolean;
  close(): Promise<void>;
}

/** Starts a worker thread that loads `moduleUrl` (and requires `preload` from beside it) right away. */
export function startModuleWorker(moduleUrl: string, preload: readonly string[] = []): ModuleWorker {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { url: moduleUrl, preload, codeCache: siblingModule('code-cache') } });
  /** Why the thread is gone (it threw or exited); a call then fails with this instead of waiting for an answer that cannot come. */
  let gone: Error | undefined;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  };
  worker.on('message', ({ id, value, error }: { id: number; value?: never; error?: SentError }) => {
    const entry = waiting.get(id)!;
    waiting.delete(id);
    if (waiting.size === 0) worker.unref();
    if (error) entry.reject(rebuild(error));
    else entry.resolve(value!);
  });
  worker.on('error', (error) => {
    gone ??= error;
    failAll(error);
  });
  worker.on('exit', (code) => {
    gone ??= new Error(`the worker thread for ${moduleUrl} exited (code ${code})`);
    failAll(gone);
  });
  // Idle, the thread must not keep the process alive. Only after the listeners: adding a
  // 'message' listener refs the worker's port again, and a worker that was never called (every
  // wrapper reused) then kept the CLI from exiting.
  worker.unref();
  return {
    call: <T>(name: string, args: unknown[]) =>
      new Promise<T>((resolve, reject) => {
        if (gone) return reject(gone); // posted to a dead thread, the call would never settle: the process would exit 0 with nothing written
        const id = nextId++;
        waiting.set(id, { resolve: resolve as (value: never) => void, reject });
        worker.ref();
        worker.postMessage({ id, name, args });
      }),
    get alive() {
      return gone === undefined;
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

/** The error as thrown on the worker: a GeneratorError stays one (the CLI prints those as one line); others keep their name. */
function rebuild(sent: SentError): Error {
  const error = sent.name === 'GeneratorError' && sent.problem !== undefined ? new GeneratorError(sent.problem, { file: sent.file, pointer: sent.pointer }) : new Error(sent.message);
  if (!(error instanceof GeneratorError)) error.name = sent.name; // a caller may tell its own errors apart by name
  if (sent.stack) error.stack = sent.stack;
  return error;
}

/** The URL of a pipeline module beside this one (`.ts` from sources, `.js` once built). */
export function siblingModule(name: string): string {
  return new URL(`./${name}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;
}

/**
 * Cores we may use: every core the process may run on, not fewer on a busy machine (the load
 * average was mostly this command's own last runs, so a run right after a benchmark did other
 * work than one on a quiet machine). LOGTO_MGMT_FORMAT_THREADS overrides: 1 = no worker thread,
 * 2 = the wrappers' thread, 3 or more = format workers too.
 */
export function spareCores(): number {
  const forced = Number(process.env.LOGTO_MGMT_FORMAT_THREADS);
  if (forced > 0) return forced;
  return availableParallelism();
}
