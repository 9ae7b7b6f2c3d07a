/**
 * The pipeline, top to bottom: load the spec (URL, file or pinned) → fast path when nothing
 * changed → parse → validate → pin → normalise (patches) → compare with the pinned spec →
 * operation model → emit types and wrappers → Markdown index → format → compare or write atomically.
 *
 * `generate(options)` is the programmatic entry (cli.ts parses flags into it; consumer mode
 * calls it with a config object). Heavy modules (openapi-typescript, ts-morph, prettier, yaml)
 * are imported lazily inside their steps, so the no-change fast path stays well under 0.3 s.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SPEC_URL, isUrl, parseHeaders, parseSpecText, pullSpec, readSpecFile, sha256, SpecPullError } from './fetch-spec.js';
import { GeneratorError } from './generator-error.js';
import { LOGTO_PATCHES, type SpecPatch } from './patches.js';
import { LOCK_FILE, PINNED_SPEC_FILE, readLock, serializeLock, serializePinnedSpec, sortKeys, type SpecLock } from './pin-spec.js';
import { bannerText, uncheckedTsBanner } from './banner.js';
import { emitGeneratedReadme, emitOperationsIndex, isPlainIndex } from './emit-index.js';
import { emitTypes, planTypes, typesEmitterId, TypesPlanMismatch } from './emit-types.js';
import { formatCacheIn, formatFiles, formatterId, sha256Text, type FormatInput, type PlannedInput } from './format.js';
import { siblingModule, spareCores, startModuleWorker, type ModuleWorker } from './module-worker.js';
import { NAME_MAP_FILE, parseNameMap } from './name-map.js';
import { normaliseSpec } from './normalise-spec.js';
import { buildOperationModel } from './operation-model.js';
import { validateSpec } from './validate-spec.js';
import { GENERATOR_PACKAGE, RUNTIME_PACKAGE } from './package-names.js';
import { checkInstalledRuntime } from './check-runtime.js';
import { diffOutput, writeOutput } from './write-output.js';
import type { ReleasePlan, ReleaseResult } from '../changes/version-bump.js';

export interface GenerateOptions {
  /** URL or file of the spec. Default: Logto's published Cloud spec. */
  spec?: string;
  /**
   * What the spec is, for a reader of the lock (e.g. `Logto 1.42.0 GET /api/swagger.json`), recorded
   * beside `source`. Kept from the lock when the pinned spec is reused; omitted when never given.
   */
  origin?: string;
  /** Extra request headers for a spec URL (`{ Authorization: 'Bearer …' }` or `['Authorization: Bearer …']`). */
  headers?: Record<string, string> | readonly string[];
  /** Use the pinned spec in the out dir; do not pull. */
  offline?: boolean;
  /** A failed pull is an error instead of a fallback to the pinned spec. */
  strict?: boolean;
  /** Regenerate in memory and compare with the out dir; write nothing. */
  check?: boolean;
  /** Regenerate even when the spec, generator and files match the lock. */
  force?: boolean;
  /** Output directory, relative to `cwd`. Default `generated`. */
  out?: string;
  /** How generated code imports the runtime (relative to the out dir, or a package specifier). */
  runtimeImport?: string;
  cwd?: string;
  /** Timeout for pulling the spec, in milliseconds. Default 15 s. */
  timeoutMs?: number;
  /** Spec patches to apply. Default: Logto's (generator/pipeline/patches.ts). */
  patches?: readonly SpecPatch[];
  /**
   * A patch that matches nothing fails the run (`--strict-patches`). For this repo's own check
   * of its pinned spec; a consumer's Logto may lack any quirk, so by default it is `id×0`.
   */
  strictPatches?: boolean;
  /**
   * Exit with an error, writing nothing, when replacing the pinned spec would bring a breaking
   * API change (generator/changes/track-changes.ts).
   */
  failOnBreaking?: boolean;
  /** `YYYY-MM-DD` for the API-CHANGELOG.md entry; default `SOURCE_DATE_EPOCH`, else no date. */
  date?: string;
  /**
   * Release what changed: bump the version of the package holding the out dir by the change
   * report (major / minor / patch / none) and add a CHANGELOG.md entry, or write a changeset
   * where the repo uses Changesets (generator/changes/version-bump.ts).
   */
  bump?: boolean;
  /** Progress and warnings, one line each. Default: stderr. */
  log?: (line: string) => void;
}

export interface GenerateResult {
  /** `unchanged`: nothing was written (fast path, or output identical). */
  status: 'written' | 'unchanged' | 'check-passed' | 'check-failed';
  outDir: string;
  /** Where the spec came from this run. */
  specOrigin: 'url' | 'file' | 'pinned';
  sha256: string;
  operations: number;
  tags: number;
  paginated: number;
  /** Every file the generator owns in the out dir. */
  files: string[];
  /** Files written (generate) or differing (check), relative to the out dir. */
  changedFiles: string[];
  /** Files of a previous run that this run no longer produces (deleted, or reported by --check). */
  staleFiles: string[];
  warnings: string[];
  timingsMs: Record<string, number>;
  /** With `bump`: the release made (or `level: 'none'`). */
  release?: ReleaseResult;
}

const GENERATOR_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)), GENERATOR_PACKAGE);
const generatorManifest = JSON.parse(readFileSync(join(GENERATOR_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  peerDependencies?: Record<string, string>;
};
export const GENERATOR_ID = `${GENERATOR_PACKAGE}@${generatorManifest.version}`;
/** The runtime versions the generated code is written for (the generator's peer range on the client package). */
export const RUNTIME_RANGE = generatorManifest.peerDependencies?.[RUNTIME_PACKAGE] ?? `^${generatorManifest.version}`;

/** The nearest directory at or above `start` whose package.json is named `name` (any name: undefined), or undefined. */
function findPackageRoot(start: string, name: string): string;
function findPackageRoot(start: string, name: string | undefined, optional: true): string | undefined;
function findPackageRoot(start: string, name: string | undefined, optional?: true): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      const found = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
      if (name === undefined || found === name) return dir;
    } catch {
      // not here: keep walking up
    }
    if (dirname(dir) === dir) {
      if (optional) return undefined;
      throw new Error(`${name}: cannot find its package.json above ${start}`);
    }
  }
}

/**
 * How generated code imports the runtime: a relative path to `runtime/index.js` when the out
 * dir lies inside the client package itself (this repository's prebuilt client), else the
 * client package's export `logto-mgmt/runtime` (a consumer repo). "Inside" means the nearest
 * package.json above the out dir is the client's: a project of its own nested in this
 * repository (a benchmark's or an example's) imports the installed package, as anywhere else.
 */
export function defaultRuntimeImport(outDir: string): string {
  const clientRoot = findPackageRoot(outDir, RUNTIME_PACKAGE, true);
  const nearestRoot = findPackageRoot(outDir, undefined, true);
  if (!clientRoot || clientRoot !== nearestRoot || relative(clientRoot, outDir).split(sep).includes('node_modules')) return `${RUNTIME_PACKAGE}/runtime`;
  const specifier = relative(outDir, join(clientRoot, 'runtime', 'index.js')).split(sep).join('/');
  return specifier.startsWith('.') ? specifier : `./${specifier}`;
}

export async function generate(options: GenerateOptions = {}): Promise<GenerateResult> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cwd = options.cwd ?? process.cwd();
  const outDir = resolve(cwd, options.out ?? 'generated');
  const outLabel = relative(cwd, outDir).split(sep).join('/') || '.';
  const runtimeImport = options.runtimeImport ?? defaultRuntimeImport(outDir);
  const patches = options.patches ?? LOGTO_PATCHES;
  const warnings: string[] = [];
  const timingsMs: Record<string, number> = {};
  const warn = (message: string) => {
    warnings.push(message);
    log(`warning: ${message}`);
  };
  let last = started;
  /** A step of the main thread is done; or, with `ms`, one that ran beside it (on a worker thread). */
  const done = (step: string, detail = '', ms?: number) => {
    const now = performance.now();
    timingsMs[step] = ms ?? Math.round(now - last);
    if (ms === undefined) last = now;
    log(`[logto-mgmt] ${step.padEnd(16)} ${String(timingsMs[step]).padStart(5)} ms${detail ? `  ${detail}` : ''}`);
  };

  if (options.bump && options.check) throw new GeneratorError('--bump releases what a regeneration writes; it cannot be combined with --check, which writes nothing');

  const runtimeProblem = await checkInstalledRuntime(outDir, runtimeImport, RUNTIME_RANGE);
  if (runtimeProblem) warn(runtimeProblem);

  // 1. Load the spec's text.
  const lock = await readLock(outDir);
  const pinnedFile = join(outDir, PINNED_SPEC_FILE);
  const pinnedLabel = `${outLabel}/${PINNED_SPEC_FILE}`;
  const readPinned = async (why: string) => {
    const text = await readFile(pinnedFile, 'utf8').catch(() => undefined);
    if (text === undefined) throw new GeneratorError(`${why}, and there is no pinned spec to use`, { file: pinnedLabel });
    return text;
  };
  const headers = Array.isArray(options.headers) ? parseHeaders(options.headers as string[]) : { ...(options.headers as Record<string, string> | undefined) };
  const specArgument = options.spec ?? DEFAULT_SPEC_URL;
  let origin: GenerateResult['specOrigin'];
  let text: string;
  let specFile: string; // for error messages
  let source: string;
  let sourceOrigin: string | undefined = options.origin;
  let etag: string | null;
  let bodySha256: string;
  const usePinned = async (why: string) => {
    text = await readPinned(why);
    origin = 'pinned';
    specFile = pinnedLabel;
    source = lock?.source ?? pinnedLabel;
    sourceOrigin ??= lock?.origin;
    etag = lock?.etag ?? null;
    bodySha256 = lock?.sha256 ?? sha256(text);
  };
  if (options.offline) {
    await usePinned('--offline uses the pinned spec');
  } else if (isUrl(specArgument)) {
    try {
      const pulled = await pullSpec(specArgument, {
        headers,
        etag: lock?.source === specArgument ? lock.etag : null,
        timeoutMs: options.timeoutMs,
      });
      if (pulled.status === 'not-modified') {
        await usePinned(`${specArgument} answered 304 Not Modified`);
      } else {
        [text, origin, specFile, source, etag, bodySha256] = [pulled.text, 'url', specArgument, specArgument, pulled.etag, pulled.sha256];
      }
    } catch (error) {
      if (!(error instanceof SpecPullError)) throw error;
      if (options.strict) throw new GeneratorError(`${error.message} (--strict: not falling back to the pinned spec)`);
      await usePinned(error.message);
      warn(`${error.message}; using the pinned spec ${pinnedLabel} (sha256 ${bodySha256!.slice(0, 12)})`);
    }
  } else {
    const file = resolve(cwd, specArgument);
    text = await readSpecFile(file, specArgument);
    origin = 'file';
    specFile = specArgument;
    source = relative(cwd, file).split(sep).join('/');
    etag = null;
    bodySha256 = sha256(text);
  }
  done('load spec', `${origin!} ${source!} (sha256 ${bodySha256!.slice(0, 12)})`);

  // 2. Fast path: same spec, same generator, every file's hash as the lock recorded it → the
  // output is what this run would write (generation is deterministic), so there is nothing to
  // do — and nothing for --check to regenerate. A hand edit changes a hash and takes the full
  // path; --force always does (this repo's own check uses it, so a change to the generator's
  // sources that was not regenerated is caught too).
  if (!options.force && lock && (await isUpToDate(lock, outDir, { sha256: bodySha256!, source: origin! === 'pinned' ? lock.source : source!, origin: sourceOrigin, runtimeImport }))) {
    done(options.check ? 'check' : 'up to date', `no API changes; ${outLabel} matches spec.lock.json; nothing ${options.check ? 'regenerated' : 'written'}`);
    const release = options.bump ? await planBump(outDir, cwd, { toSha256: bodySha256!, date: options.date }, log) : undefined;
    return {
      ...(release ? { release: release.result } : {}),
      status: options.check ? 'check-passed' : 'unchanged',
      outDir,
      specOrigin: origin!,
      sha256: bodySha256!,
      operations: -1,
      tags: -1,
      paginated: -1,
      files: [LOCK_FILE, ...Object.keys(lock.files)].sort(),
      changedFiles: [],
      staleFiles: [],
      warnings,
      timingsMs: { ...timingsMs, total: Math.round(performance.now() - started) },
    };
  }

  // Not the fast path: the wrappers' thread (on a machine with a spare core) starts loading
  // ts-morph now, beside parsing. On a regenerate (the lock has schema.ts in pieces, so most are
  // likely reused), a types thread starts loading openapi-typescript too: the few pieces to
  // transform then wait for no load on this thread. A first run transforms everything here, on
  // this thread, where the document already is.
  const wrappersThread = spareCores() > 1 ? wrappersWorker() : undefined;
  const typesThread = spareCores() > 1 && lock?.files['schema.ts']?.pieces ? typesWorker() : undefined;

  // 3. Parse, put keys in a stable order, validate, pin.
  let parsed: unknown;
  try {
    parsed = await parseSpecText(text!, specFile!);
  } catch (error) {
    if (origin! !== 'url' || options.strict || !(error instanceof GeneratorError)) throw error;
    await usePinned(`${specArgument} did not answer a JSON or YAML document`);
    warn(`${error.message}; using the pinned spec ${pinnedLabel} (sha256 ${bodySha256!.slice(0, 12)})`);
    parsed = await parseSpecText(text!, specFile!);
  }
  const sorted = sortKeys(parsed);
  done('parse', `${(text!.length / 1e6).toFixed(1)} MB`);
  const validation = validateSpec(sorted, specFile!);
  for (const message of validation.warnings) warn(message);
  const pinnedSpec = serializePinnedSpec(sorted);
  done('validate', `openapi ${validation.document.openapi}, info.version ${JSON.stringify(validation.document.info?.version ?? null)}`);

  // 4. Normalise (in place: the pinned text is serialised already). With no operationId assigned,
  // the normalised document is also the comparison's patched one (no copy of it is made); the
  // raw one, should the comparison need it, is the pinned text.
  const compares = lock !== undefined && lock.sha256 !== bodySha256!;
  const { specContent } = await import('../changes/spec-content.js');
  const { asGenerated } = await import('../changes/compare-as-generated.js');
  const copied = compares && validation.assignedOperationIds.length > 0 ? asGenerated(sorted, patches) : undefined;
  const normalised = normaliseSpec(validation, patches, specFile!, { strictPatches: options.strictPatches });
  done('normalise', Object.entries(normalised.patchCounts).map(([id, count]) => `${id}×${count}`).join(' '));

  // Compare with the pinned spec (both as the types are generated: Logto's quirks patched on
  // both sides): change report files, and --fail-on-breaking stops here before anything is written.
  const { trackChanges } = await import('../changes/track-changes.js');
  const tracked = await trackChanges({
    outDir,
    outLabel,
    previousSha256: lock?.sha256,
    pinnedSpecFile: PINNED_SPEC_FILE,
    newDocument: sorted,
    newPrepared: compares
      ? { generated: copied ?? normalised.document, content: () => specContent(JSON.parse(pinnedSpec), { sorted: true }) }
      : undefined,
    newSha256: bodySha256!,
    patches,
    source: source!,
    date: options.date,
    failOnBreaking: options.failOnBreaking,
    log,
    warn,
  });
  done('compare', tracked.note);
  const release = options.bump
    ? await planBump(outDir, cwd, { ...tracked, fromSha256: lock?.sha256, toSha256: bodySha256!, date: options.date }, log)
    : undefined;

  // 5. Model.
  const nameMapLabel = `${outLabel}/${NAME_MAP_FILE}`;
  const previousNames = parseNameMap(await readFile(join(outDir, NAME_MAP_FILE), 'utf8').catch(() => undefined), nameMapLabel);
  const model = buildOperationModel(normalised.document, previousNames, { spec: specFile!, nameMap: nameMapLabel });
  const paginated = model.operations.filter((operation) => operation.paginated).length;
  const tags = new Set(model.operations.map((operation) => operation.tag ?? '')).size;
  done('model', `${model.operations.length} operations, ${tags} tags, ${model.namespaces.length} namespaces, ${paginated} paginated`);

  // 6. Emit. schema.ts and the wrappers are planned, not printed: their pieces and files are
  // made in the format step, and only those the lock does not already have (by what they are
  // made of). The wrappers are made on the worker thread (it has been loading ts-morph since
  // the fast path failed), beside the types on this one.
  const { planWrappers, wrapperBanner } = await import('./emit-wrappers.js');
  const wrapperOptions = { runtimeImport };
  let wrappersSpan: { start: number; end: number } | undefined; // from the first file asked for to the last made
  let wrappersMade = 0;
  const wrapperInputs = planWrappers(model, wrapperOptions, GENERATOR_ID).map(
    (planned): PlannedInput => ({
      path: planned.file.path,
      prefix: wrapperBanner(planned, bodySha256!),
      pieces: planned.pieces.map((piece) => ({ ...piece, dropHead: false, dropTail: false })),
      rendersElsewhere: wrappersThread !== undefined,
      render: async (indices, onPiece) => {
        wrappersSpan ??= { start: performance.now(), end: 0 };
        const texts = wrappersThread
          ? await wrappersThread.call<string[]>('emitWrapperPieces', [planned.file, wrapperOptions, indices])
          : (await import('./emit-wrappers.js')).emitWrapperPieces(planned.file, wrapperOptions, indices);
        wrappersSpan.end = performance.now();
        wrappersMade++;
        indices.forEach((index, position) => onPiece(index, texts[position]));
      },
    }),
  );
  const plan = planTypes(normalised.document, specFile!, `${GENERATOR_ID} ${typesEmitterId()}`, typesThread);
  const wholeSchema = async (): Promise<FormatInput> => ({ path: 'schema.ts', text: uncheckedTsBanner(bodySha256!) + (await emitTypes(normalised.document, specFile!)) });
  const schema: FormatInput | PlannedInput = plan
    ? { path: 'schema.ts', prefix: uncheckedTsBanner(bodySha256!), pieces: plan.pieces, render: plan.render, rendersElsewhere: typesThread !== undefined }
    : await wholeSchema();
  done(
    'emit types',
    plan
      ? `schema.ts planned as ${plan.pieces.length} pieces${typesThread ? ', to transform on a worker thread' : ''}`
      : `schema.ts ${((schema as FormatInput).text.length / 1e6).toFixed(2)} MB, whole`,
  );
  const sortedNames = Object.fromEntries(
    Object.keys(model.nameMap)
      .sort()
      .map((operationId) => [operationId, { namespace: model.nameMap[operationId].namespace, method: model.nameMap[operationId].method }]),
  );
  const nameMapText = `${JSON.stringify({ '//': bannerText(bodySha256!), ...sortedNames }, null, 2)}\n`;
  const others: FormatInput[] = [
    // In prettier's layout already (emit-index.ts): OPERATIONS.md goes through prettier only when
    // some text from the spec is not plain; README.md is our own text.
    { path: 'OPERATIONS.md', text: emitOperationsIndex(model, bodySha256!), formatted: isPlainIndex(model) },
    { path: 'README.md', text: emitGeneratedReadme(model, bodySha256!), formatted: true },
    { path: NAME_MAP_FILE, text: nameMapText, formatted: true },
  ];
  done('emit index');

  // 7. Format (reusing files and pieces whose input is unchanged), then the lock that records them.
  const formatter = await formatterId();
  const readTexts = new Map<string, string>(); // the old files the format step read, for the output step
  const formatCache = formatCacheIn({
    outDir,
    formatter: lock?.formatter,
    files: lock?.files ?? {},
    specSha256: { current: bodySha256!, previous: lock?.sha256 },
    trustSources: !options.force,
  }, readTexts);
  let formatted;
  try {
    formatted = await formatFiles([...wrapperInputs, schema, ...others], formatCache);
  } catch (error) {
    if (!(error instanceof TypesPlanMismatch)) throw error;
    // A shape the plan did not foresee: the whole document, as openapi-typescript prints it.
    formatted = await formatFiles([...wrapperInputs, await wholeSchema(), ...others], formatCache);
  }
  const reused = formatted.filter((file) => file.reused).length;
  const schemaFile = formatted.find((file) => file.path === 'schema.ts')!;
  const schemaNote = schemaFile.pieces
    ? `; schema.ts: ${schemaFile.renderedPieces} of ${schemaFile.pieces.length} pieces transformed, ${schemaFile.formattedPieces} formatted`
    : '';
  done('format', `${formatted.length - reused} formatted, ${reused} unchanged reused${schemaNote}`);
  done(
    'emit wrappers',
    `${wrappersMade} of ${wrapperInputs.length} files made${wrappersThread ? ' on a worker thread during the format step' : ''}, ${wrapperInputs.length - wrappersMade} unchanged reused`,
    wrappersSpan ? Math.round(wrappersSpan.end - wrappersSpan.start) : 0,
  );
  const files = new Map<string, string>(formatted.map((file) => [file.path, file.text]));
  files.set(PINNED_SPEC_FILE, pinnedSpec);
  const lockedFiles: SpecLock['files'] = {};
  for (const file of formatted) {
    lockedFiles[file.path] = { sha256: sha256Text(file.text), input: file.input, ...(file.pieces ? { pieces: file.pieces } : {}) };
  }
  const pinnedSha256 = sha256Text(pinnedSpec);
  lockedFiles[PINNED_SPEC_FILE] = { sha256: pinnedSha256, input: pinnedSha256 };
  for (const [path, text] of tracked.files) {
    files.set(path, text);
    const textSha256 = sha256Text(text);
    lockedFiles[path] = { sha256: textSha256, input: textSha256 };
  }
  const lockText = serializeLock({
    source: source!,
    ...(sourceOrigin !== undefined && { origin: sourceOrigin }),
    etag: etag!,
    sha256: bodySha256!,
    infoVersion: typeof validation.document.info?.version === 'string' ? validation.document.info.version : null,
    openapi: validation.document.openapi,
    generator: GENERATOR_ID,
    runtimeImport,
    runtime: `${RUNTIME_PACKAGE}@${RUNTIME_RANGE}`,
    formatter,
    files: lockedFiles,
  });
  files.set(LOCK_FILE, lockText);

  // 8. Compare or write.
  const previouslyOwned = lock ? [LOCK_FILE, ...Object.keys(lock.files)] : [];
  const diff = await diffOutput(outDir, files, previouslyOwned, readTexts);
  const summary = {
    outDir,
    specOrigin: origin!,
    sha256: bodySha256!,
    operations: model.operations.length,
    tags,
    paginated,
    files: [...files.keys()].sort(),
    changedFiles: diff.changed,
    staleFiles: diff.stale,
    warnings,
  };
  let status: GenerateResult['status'];
  if (options.check) {
    status = diff.changed.length === 0 && diff.stale.length === 0 ? 'check-passed' : 'check-failed';
    done('check', status === 'check-passed' ? `${outLabel} is up to date` : `${diff.changed.length + diff.stale.length} files differ`);
  } else if (diff.changed.length === 0 && diff.stale.length === 0) {
    status = 'unchanged';
    done('write', 'identical output, nothing written');
  } else {
    await writeOutput(outDir, files, previouslyOwned);
    status = 'written';
    done('write', `${diff.changed.length} written${diff.stale.length ? `, ${diff.stale.length} stale removed` : ''} in ${outLabel}`);
  }
  if (release && status !== 'check-passed' && status !== 'check-failed') {
    const { applyRelease } = await import('../changes/version-bump.js');
    await applyRelease(release);
    done('release', release.result.note);
  }
  timingsMs.total = Math.round(performance.now() - started);
  log(
    `[logto-mgmt] ${status}: ${model.operations.length} operations, ${tags} tags, ${paginated} paginated, ` +
      `${files.size} files (${diff.changed.length} ${options.check ? 'differing' : 'changed'}) in ${timingsMs.total} ms`,
  );
  return { status, ...summary, timingsMs, ...(release ? { release: release.result } : {}) };
}

/**
 * The worker thread for step 6 (emit-wrappers.ts), shared by the runs of one process: it keeps
 * ts-morph loaded, and stays out of the way when idle (unref'd).
 */
let sharedWrappersWorker: ModuleWorker | undefined;
function wrappersWorker(): ModuleWorker {
  if (!sharedWrappersWorker?.alive) sharedWrappersWorker = startModuleWorker(siblingModule('emit-wrappers'), ['ts-morph']);
  return sharedWrappersWorker;
}

/** The thread for the types' transforms on a regenerate (emit-types.ts), shared like the wrappers' one. */
let sharedTypesWorker: ModuleWorker | undefined;
function typesWorker(): ModuleWorker {
  if (!sharedTypesWorker?.alive) sharedTypesWorker = startModuleWorker(siblingModule('emit-types'), ['openapi-typescript/dist/transform/index.cjs']);
  return sharedTypesWorker;
}

/** `--bump`, before anything is written: reads and checks the package, decides the release. */
async function planBump(
  outDir: string,
  cwd: string,
  input: Omit<import('../changes/version-bump.js').PlanReleaseInput, 'outDir' | 'cwd'>,
  log: (line: string) => void,
): Promise<ReleasePlan> {
  const { planRelease } = await import('../changes/version-bump.js');
  const plan = await planRelease({ ...input, outDir, cwd });
  if (plan.writes.length === 0) log(`[logto-mgmt] release          ${plan.result.note}`);
  return plan;
}

async function isUpToDate(lock: SpecLock, outDir: string, current: { sha256: string; source: string; origin: string | undefined; runtimeImport: string }): Promise<boolean> {
  if (
    lock.sha256 !== current.sha256 ||
    lock.generator !== GENERATOR_ID ||
    lock.runtimeImport !== current.runtimeImport ||
    lock.source !== current.source ||
    (lock.origin ?? null) !== (current.origin ?? null)
  ) {
    return false;
  }
  const checks = await Promise.all(
    Object.entries(lock.files).map(async ([path, locked]) => {
      const content = await readFile(join(outDir, path)).catch(() => undefined);
      return content !== undefined && sha256(content) === locked.sha256;
    }),
  );
  return checks.every(Boolean);
}
