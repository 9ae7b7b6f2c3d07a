/**
 * Step "compare with what is pinned": when `generate` is about to replace the pinned spec with
 * a different one, diff the two and produce the change report files for the out dir:
 * - `CHANGES.md`: the full report of the latest spec change (replaced on each change);
 * - `API-CHANGELOG.md`: every report so far, newest first (an entry is added on each change).
 *
 * Both are history, not a function of the spec alone, so when the spec did not change they
 * are carried over byte for byte: `--check` then regenerates the same bytes and passes, and an
 * atomic rewrite of the out dir never drops them. They live in the out dir (not the repo root)
 * so a consumer repo gets its own changelog next to its own generated client.
 *
 * Dates: generated output must be deterministic, so an entry is dated only when the caller
 * passes `date` (`--date YYYY-MM-DD`) or sets `SOURCE_DATE_EPOCH` (the reproducible-builds
 * convention); otherwise entries are identified by the old → new sha256 and git has the date.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addChangelogEntry, renderChangelogEntry, renderDocumentationChanges, renderMarkdown, renderSummary, summaryLine, type ReportSides } from './change-report.js';
import { asGenerated, asGeneratedInPlace } from './compare-as-generated.js';
import { diffDocumentation, type DocumentationChange } from './diff-docs.js';
import { diffSpecs, type ChangeReport } from './diff-specs.js';
import { specContent } from './spec-content.js';
import type { SpecPatch } from '../pipeline/patches.js';
import { GeneratorError } from '../pipeline/generator-error.js';

export const CHANGES_FILE = 'CHANGES.md';
export const CHANGELOG_FILE = 'API-CHANGELOG.md';

export interface TrackChangesInput {
  outDir: string;
  /** How the out dir is shown in messages (`generated`). */
  outLabel: string;
  /** sha256 of the pinned spec (from spec.lock.json), undefined on a first run. */
  previousSha256: string | undefined;
  /** File name of the pinned spec inside the out dir. */
  pinnedSpecFile: string;
  /** The new spec as parsed, before any normalisation (the pinned copy is the vendor's too). */
  newDocument: unknown;
  /**
   * What the comparison makes of `newDocument`, when the caller has it already (generate.ts):
   * the document with the patches applied, and how to get `specContent(newDocument)` (asked
   * only when the report has no change). `newDocument` is then not read (it may have been
   * patched in place since).
   */
  newPrepared?: { generated: unknown; content: () => string };
  newSha256: string;
  /** Applied to both sides before comparing (what the generated types are made from). */
  patches?: readonly SpecPatch[];
  source?: string;
  date?: string;
  failOnBreaking?: boolean;
  environment?: NodeJS.ProcessEnv;
  log: (line: string) => void;
  warn: (message: string) => void;
}

export interface TrackedChanges {
  /** Files to write into the out dir with the rest of the output. */
  files: Map<string, string>;
  /** Undefined when there was nothing to compare (first run, same spec, unreadable pin). */
  report?: ChangeReport;
  /** With `report`: summaries, descriptions, examples and deprecation notes that changed. */
  documentation?: DocumentationChange[];
  /** With `report`: whether the spec differs in more than `info`, `servers` and key order. */
  contentChanged?: boolean;
  /** One line for the progress log: `no API changes`, the counts, or why nothing was compared. */
  note: string;
}

/** Thrown by `--fail-on-breaking`: nothing has been written yet, so the out dir is untouched. */
export class BreakingChangesError extends GeneratorError {
  constructor(
    readonly report: ChangeReport,
    summary: string,
  ) {
    super(`${summary}\n--fail-on-breaking: ${report.summary.breaking} breaking change${report.summary.breaking === 1 ? '' : 's'}; nothing was written (run without --fail-on-breaking to accept them)`);
    this.name = 'BreakingChangesError';
  }
}

export async function trackChanges(input: TrackChangesInput): Promise<TrackedChanges> {
  const files = new Map<string, string>();
  const existing = async (name: string) => readFile(join(input.outDir, name), 'utf8').catch(() => undefined);
  const carryOver = async (note: string): Promise<TrackedChanges> => {
    for (const name of [CHANGES_FILE, CHANGELOG_FILE]) {
      const text = await existing(name);
      if (text !== undefined) files.set(name, text);
    }
    return { files, note };
  };

  if (input.previousSha256 === undefined) return carryOver('first pin, nothing to compare with');
  if (input.previousSha256 === input.newSha256) return carryOver('no API changes (same spec sha256)');

  const pinnedText = await existing(input.pinnedSpecFile);
  let previous: unknown;
  try {
    if (pinnedText === undefined) throw new Error('it is missing');
    previous = JSON.parse(pinnedText);
  } catch (error) {
    input.warn(
      `cannot compare with the previously pinned spec ${input.outLabel}/${input.pinnedSpecFile} (${(error as Error).message}): no change report this time`,
    );
    return carryOver('not compared');
  }
  // Both sides as the types and JSDoc are generated (patches applied): a quirk present on one
  // side only is neither an API nor a documentation change. `previous` is this function's own
  // parse, so it is patched in place.
  const previousGenerated = asGeneratedInPlace(previous, input.patches ?? []);
  const newGenerated = input.newPrepared?.generated ?? asGenerated(input.newDocument, input.patches ?? []);
  let report: ChangeReport;
  try {
    report = diffSpecs(previousGenerated, newGenerated);
  } catch (error) {
    input.warn(`cannot compare with the previously pinned spec: ${(error as Error).message}; no change report this time`);
    return carryOver('not compared');
  }

  const reportPath = `${input.outLabel}/${CHANGES_FILE}`;
  if (input.failOnBreaking && report.breaking.length > 0) {
    throw new BreakingChangesError(report, renderSummary(report, { limit: Number.POSITIVE_INFINITY }));
  }
  const documentation = diffDocumentation(previousGenerated, newGenerated);
  // An API change is a content change; without one, both raw sides are compared (the pinned
  // text parsed again: `previous` is patched now).
  const contentChanged =
    report.changes.length > 0 || specContent(JSON.parse(pinnedText!)) !== (input.newPrepared ? input.newPrepared.content() : specContent(input.newDocument));
  if (report.changes.length === 0 && !contentChanged) {
    const note = `no API changes (spec ${input.previousSha256.slice(0, 12)} → ${input.newSha256.slice(0, 12)} differs only in servers, info or key order)`;
    return { ...(await carryOver(note)), report, documentation, contentChanged };
  }
  input.log(renderSummary(report, { reportPath }));
  if (documentation.length > 0) input.log(`  documentation changed in ${documentation.length} place${documentation.length === 1 ? '' : 's'} (see ${reportPath})`);
  const sides: ReportSides = {
    fromSha256: input.previousSha256,
    toSha256: input.newSha256,
    ...(input.source ? { source: input.source } : {}),
    ...resolveDate(input.date, input.environment ?? process.env),
  };
  const withDocumentation = (text: string, level: number) => {
    const section = renderDocumentationChanges(documentation, { level, contentChanged: contentChanged && report.changes.length === 0 });
    return section.length === 0 ? text : `${[text.trimEnd(), '', ...section].join('\n').trimEnd()}\n`;
  };
  files.set(CHANGES_FILE, withDocumentation(renderMarkdown(report, sides), 2));
  files.set(CHANGELOG_FILE, addChangelogEntry(await existing(CHANGELOG_FILE), withDocumentation(renderChangelogEntry(report, sides), 3), input.newSha256));
  const documentationNote = documentation.length > 0 ? `; ${documentation.length} documentation change${documentation.length === 1 ? '' : 's'}` : '';
  return { files, report, documentation, contentChanged, note: `${summaryLine(report)}${documentationNote}` };
}

/** `--date` wins, then `SOURCE_DATE_EPOCH`; neither → no date (deterministic output). */
export function resolveDate(date: string | undefined, environment: NodeJS.ProcessEnv): { date?: string } {
  if (date !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
      throw new GeneratorError(`--date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
    }
    return { date };
  }
  const epoch = environment.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return {};
  if (!/^\d+$/.test(epoch)) throw new GeneratorError(`SOURCE_DATE_EPOCH=${JSON.stringify(epoch)}: expected seconds since 1970`);
  return { date: new Date(Number(epoch) * 1000).toISOString().slice(0, 10) };
}
