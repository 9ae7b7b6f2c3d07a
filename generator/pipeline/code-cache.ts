/**
 * V8's code cache for the big CommonJS files the generator loads. TypeScript is 9 MB of
 * JavaScript and a regenerate loads it twice, on two threads (openapi-typescript's copy and the
 * one inside ts-morph); compiling it is a large share of a small change's CPU. With the code V8
 * compiled last time, a load skips most of that work (measured by hand: openapi-typescript's
 * transform 461 → 309 ms, ts-morph 516 → 430 ms, each alone in a process).
 *
 * Node ≥ 22.1 does this itself (`module.enableCompileCache`), which is used where it exists. On
 * Node 20 the same idea is installed here, for CommonJS files of at least {@link MIN_CHARS}:
 * compile with the stored data when V8 accepts it; otherwise compile as usual and store what V8
 * produces once the module has run (so the functions its loading compiled are in it too).
 *
 * The cache is `<tmpdir>/logto-mgmt-code-cache-<uid>/<V8 version>-<arch>/`, used only while it
 * is private to the user (see isPrivateDirectory): one file per module, named by hashes of its
 * path and its version (size, mtime, ctime, inode), so a file written again (an npm update) gets
 * a new entry and its old one is removed. V8 checks its own data again (version, flags) and a
 * rejected entry is rewritten. `LOGTO_MGMT_CODE_CACHE=0` turns it off; another value is the
 * directory to use.
 * Nothing here can fail a run: a cache that cannot be read or written means compiling as usual.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { threadId } from 'node:worker_threads';

/** Files smaller than this compile fast enough; reading a cache entry for each would cost more. */
export const MIN_CHARS = 512 * 1024;

/** The parts of CommonJS's Module this uses: not in @types/node, stable since Node 0.x. */
interface CjsModule {
  exports: unknown;
  require(id: string): unknown;
  _compile(content: string, filename: string): unknown;
}
interface CjsModuleClass {
  prototype: CjsModule;
  wrap(source: string): string;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string;
  _extensions: unknown;
  _cache: unknown;
  enableCompileCache?: (directory: string) => unknown;
}

const Module = createRequire(import.meta.url)('node:module') as CjsModuleClass;

/** What the hook did on this thread: modules compiled from an entry, entries V8 refused, entries written. */
export const codeCacheCounts = { fromCache: 0, rejected: 0, stored: 0 };
const INSTALLED = Symbol.for('logto-mgmt.code-cache');

export interface CodeCacheStatus {
  /** Where entries are kept; undefined when turned off. */
  directory?: string;
  /** `node`: Node's own compile cache; `hook`: this module's; `off`. */
  mode: 'node' | 'hook' | 'off';
}

/** The directory for this Node (V8 version, architecture), or undefined when turned off. */
export function codeCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.LOGTO_MGMT_CODE_CACHE;
  if (setting === '0' || setting === 'false' || setting === 'off') return undefined;
  const user = typeof process.getuid === 'function' ? `-${process.getuid()}` : '';
  return join(setting || join(tmpdir(), `logto-mgmt-code-cache${user}`), `${process.versions.v8}-${process.arch}`);
}

/**
 * Code from the cache runs as this process, so its directory must be this user's alone: in a
 * shared tmpdir another user could otherwise plant compiled code there. Made 0700 when missing;
 * used only when it and its parent are owned by this user and writable by nobody else (POSIX).
 */
function isPrivateDirectory(directory: string): boolean {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    if (typeof process.getuid !== 'function') return true;
    const uid = process.getuid();
    return [dirname(directory), directory].every((path) => {
      const stat = statSync(path);
      return stat.uid === uid && (stat.mode & 0o022) === 0;
    });
  } catch {
    return false;
  }
}

/**
 * Turns the cache on for this thread (each worker thread calls it for itself). Idempotent.
 * `nativeFirst: false` uses the hook even where Node has its own cache (for the tests).
 */
export function enableCodeCache(options: { directory?: string; nativeFirst?: boolean } = {}): CodeCacheStatus {
  const directory = options.directory ?? codeCacheDirectory();
  if (directory === undefined || !isPrivateDirectory(directory)) return { mode: 'off' };
  if (options.nativeFirst !== false && typeof Module.enableCompileCache === 'function') {
    try {
      Module.enableCompileCache(directory);
      return { directory, mode: 'node' };
    } catch {
      return { mode: 'off' };
    }
  }
  const prototype = Module.prototype as CjsModule & { [INSTALLED]?: string };
  if (prototype[INSTALLED] !== undefined) return { directory: prototype[INSTALLED], mode: 'hook' };
  const compile = prototype._compile;
  prototype._compile = function compileWithCache(this: CjsModule, content: string, filename: string) {
    if (content.length < MIN_CHARS) return compile.call(this, content, filename);
    return runCached(this, content, filename, directory, () => compile.call(this, content, filename));
  };
  prototype[INSTALLED] = directory;
  return { directory, mode: 'hook' };
}

/** What Node's own `_compile` does for a CommonJS file, with the code cache on the way. */
function runCached(module: CjsModule, content: string, filename: string, directory: string, plain: () => unknown): unknown {
  // Which version of the file: any write changes its ctime (which no tool can set back), and
  // hashing 9 MB of source on every load would cost a good part of what the cache saves.
  let version: string;
  try {
    const stat = statSync(filename);
    version = `${content.length}-${stat.size}-${stat.mtimeMs}-${stat.ctimeMs}-${stat.ino}`;
  } catch {
    return plain();
  }
  const key = hash(filename);
  const entry = join(directory, `${key}.${hash(version)}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(entry);
  } catch {
    // no entry yet (or unreadable): compile and store one
  }
  let script: vm.Script;
  try {
    // Module.wrap keeps line numbers; a hashbang line would not parse inside the wrapper.
    script = new vm.Script(Module.wrap(content.startsWith('#!') ? `//${content.slice(2)}` : content), {
      filename,
      cachedData,
      importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    } as vm.ScriptOptions);
  } catch {
    return plain(); // a syntax error: Node's own compile reports it as it always does
  }
  // V8 says whether it took the data (undefined when none was given).
  if (script.cachedDataRejected === false) codeCacheCounts.fromCache++;
  else if (script.cachedDataRejected === true) codeCacheCounts.rejected++;
  const run = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  const result = run.call(module.exports, module.exports, requireFor(module), module, filename, dirname(filename));
  if (cachedData === undefined || script.cachedDataRejected) store(directory, key, entry, script);
  return result;
}

/** The `require` a module gets from Node's loader (the parts CommonJS code uses). */
function requireFor(module: CjsModule) {
  const require = (id: string) => module.require(id);
  require.resolve = (request: string, options?: unknown) => Module._resolveFilename(request, module, false, options);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** Writes the entry whole (a temporary file renamed), and removes the module's older entries. */
function store(directory: string, key: string, entry: string, script: vm.Script): void {
  try {
    mkdirSync(directory, { recursive: true });
    const temporary = `${entry}.${process.pid}-${threadId}.tmp`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, entry);
    codeCacheCounts.stored++;
    for (const name of readdirSync(directory)) {
      if (name.startsWith(`${key}.`) && name.endsWith('.bin') && join(directory, name) !== entry) unlinkSync(join(directory, name));
    }
  } catch {
    // a read-only or full disk: the next run compiles as this one did
  }
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 16);
}
