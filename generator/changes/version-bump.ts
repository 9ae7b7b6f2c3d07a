/**
 * `generate --bump`: the change report decides the next version of the package that holds the
 * generated client, and the release notes are written for it.
 *
 * - a breaking change → major; before 1.0.0 → minor (semver's 0.x convention: `^0.y` ranges
 *   treat 0.y as the major, and 1.0.0 is a decision for a person, not for a spec change);
 * - anything else the client's types show (an added operation, field, enum value; a parameter
 *   no longer required…) → minor;
 * - only documentation (summaries, descriptions, examples, deprecation notes), or a spec that
 *   changed without an API change (reordered lists) → patch;
 * - nothing (same spec; only `servers`, `info` or key order differ) → no release.
 *
 * The package is the nearest package.json at or above the out dir. Its version and a Keep a
 * Changelog entry in the CHANGELOG.md beside it are updated — or, where the repository uses
 * Changesets, one changeset is written instead and Changesets does the rest. Everything is read
 * and checked before the out dir is written (`planRelease`), and written after it
 * (`applyRelease`), so a bad package.json stops the run with nothing changed.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import semver from 'semver';
import { GeneratorError } from '../pipeline/generator-error.js';
import { summaryLine } from './change-report.js';
import { changesetFileName, findChangesetDir, renderChangeset } from './changeset.js';
import type { DocumentationChange } from './diff-docs.js';
import type { ChangeReport } from './diff-specs.js';
import { addReleaseEntry, ChangelogConflictError, RELEASE_CHANGELOG_FILE, releaseSections } from './release-changelog.js';
import { resolveDate } from './track-changes.js';

export type ReleaseLevel = 'major' | 'minor' | 'patch';

export interface ReleaseDecision {
  /** What the changes call for, before the 0.x rule. */
  level: ReleaseLevel | 'none';
  breaking: boolean;
  reason: string;
}

export interface ReleaseInput {
  /** Undefined when nothing was compared (first pin, same spec). */
  report?: ChangeReport;
  documentation?: readonly DocumentationChange[];
  /** Whether the spec differs in more than `info`, `servers` and key order. */
  contentChanged?: boolean;
}

export function decideRelease(input: ReleaseInput): ReleaseDecision {
  const { report } = input;
  const documentation = input.documentation ?? [];
  if (report && report.breaking.length > 0) {
    return { level: 'major', breaking: true, reason: plural(report.breaking.length, 'breaking change') };
  }
  const apiChanges = (report?.changes ?? []).filter((change) => change.kind !== 'deprecated');
  if (apiChanges.length > 0) {
    return { level: 'minor', breaking: false, reason: `${plural(apiChanges.length, 'compatible API change')} (added operations, fields or enum values, relaxed requirements)` };
  }
  // What is left of the report is operations newly deprecated: documentation, like the rest.
  const documentationChanges = (report?.changes.length ?? 0) + documentation.length;
  if (documentationChanges > 0) {
    return { level: 'patch', breaking: false, reason: `documentation only: ${plural(documentationChanges, 'change')} to summaries, descriptions, examples or deprecation notes` };
  }
  if (report && input.contentChanged) {
    return { level: 'patch', breaking: false, reason: 'the spec changed without an API change (reordered lists, validation details)' };
  }
  return { level: 'none', breaking: false, reason: 'no change to the client (same spec, or only servers, info or key order differ)' };
}

/** Semver's 0.x convention: below 1.0.0 a breaking change bumps the minor version. */
export function levelForVersion(level: ReleaseLevel, version: string): { level: ReleaseLevel; zeroMajor: boolean } {
  if (level === 'major' && semver.major(version) === 0) return { level: 'minor', zeroMajor: true };
  return { level, zeroMajor: false };
}

export interface ReleaseResult {
  level: ReleaseLevel | 'none';
  breaking: boolean;
  reason: string;
  /** The package that holds the output. */
  packageName: string;
  packageJson: string;
  /** Its version before (and, when a release is made without Changesets, after). */
  from: string;
  to?: string;
  /** With Changesets: the version `changeset version` will make of this changeset alone. */
  expectedVersion?: string;
  /** The file written: the changeset, or CHANGELOG.md. */
  changeset?: string;
  changelog?: string;
  /** One line for the log. */
  note: string;
}

export interface ReleasePlan {
  result: ReleaseResult;
  writes: Array<{ file: string; text: string }>;
}

export interface PlanReleaseInput extends ReleaseInput {
  outDir: string;
  /** Paths in messages are relative to this. */
  cwd: string;
  fromSha256?: string;
  toSha256: string;
  date?: string;
  environment?: NodeJS.ProcessEnv;
}

export async function planRelease(input: PlanReleaseInput): Promise<ReleasePlan> {
  const show = (file: string) => relative(input.cwd, file).split(sep).join('/') || file;
  const packageJson = findPackageJson(input.outDir);
  if (!packageJson) {
    throw new GeneratorError(`--bump: no package.json at or above ${show(input.outDir)}: the version to bump is that package's`);
  }
  const packageText = await readFile(packageJson, 'utf8');
  let manifest: Record<string, any>;
  try {
    manifest = JSON.parse(packageText);
  } catch (error) {
    throw new GeneratorError(`--bump: not valid JSON (${(error as Error).message})`, { file: show(packageJson) });
  }
  const { name, version } = manifest;
  if (typeof name !== 'string' || name === '') throw new GeneratorError('--bump: the package has no "name"', { file: show(packageJson) });
  if (typeof version !== 'string' || semver.valid(version) === null) {
    throw new GeneratorError(`--bump: "version" ${JSON.stringify(version)} is not a semver version (e.g. "0.1.0")`, { file: show(packageJson) });
  }

  const decision = decideRelease(input);
  const base = { breaking: decision.breaking, reason: decision.reason, packageName: name, packageJson, from: version };
  if (decision.level === 'none') {
    return { result: { ...base, level: 'none', note: `no release: ${decision.reason}` }, writes: [] };
  }
  const { level, zeroMajor } = levelForVersion(decision.level, version);
  const why = zeroMajor ? `${decision.reason}; below 1.0.0 a breaking change bumps the minor version (semver 0.x)` : decision.reason;
  const sections = releaseSections(input.report, input.documentation ?? []);
  const shas = input.fromSha256 ? `\`${input.fromSha256.slice(0, 12)}\` → \`${input.toSha256.slice(0, 12)}\`` : `\`${input.toSha256.slice(0, 12)}\``;
  const counts = input.report ? summaryLine(input.report) : 'no API changes';
  const intro = `Regenerated from a new Logto Management API spec (${shas}): ${counts}. ${capitalise(level)} release: ${why}.`;

  const changesetDir = findChangesetDir(dirname(packageJson));
  if (changesetDir) {
    const file = join(changesetDir, changesetFileName(input.toSha256));
    return {
      result: { ...base, level, expectedVersion: semver.inc(version, level)!, changeset: file, note: `${level} release of ${name} (${why}): changeset ${show(file)}` },
      writes: [{ file, text: renderChangeset({ packageName: name, level, intro, sections }) }],
    };
  }

  const to = semver.inc(version, level)!;
  const changelog = join(dirname(packageJson), RELEASE_CHANGELOG_FILE);
  const existing = existsSync(changelog) ? await readFile(changelog, 'utf8') : undefined;
  const date = resolveDate(input.date, input.environment ?? process.env).date ?? new Date().toISOString().slice(0, 10);
  let changelogText: string;
  try {
    changelogText = addReleaseEntry(existing, { version: to, date, intro, sections });
  } catch (error) {
    if (!(error instanceof ChangelogConflictError)) throw error;
    throw new GeneratorError(`--bump: ${error.message}; is package.json's version (${version}) behind it?`, { file: show(changelog) });
  }
  manifest.version = to;
  return {
    result: { ...base, level, to, changelog, note: `${level} release: ${name} ${version} → ${to} (${why}); ${show(changelog)}` },
    writes: [
      { file: packageJson, text: formatLike(packageText, manifest) },
      { file: changelog, text: changelogText },
    ],
  };
}

export async function applyRelease(plan: ReleasePlan): Promise<void> {
  for (const { file, text } of plan.writes) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

/** The nearest package.json at or above `directory` (which may not exist yet). */
export function findPackageJson(directory: string): string | undefined {
  for (let dir = directory; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Keeps the package.json's indentation and trailing newline. */
function formatLike(original: string, value: unknown): string {
  const indent = /^[ \t]+(?=")/m.exec(original)?.[0] ?? '  ';
  return `${JSON.stringify(value, null, indent)}${original.endsWith('\n') ? '\n' : ''}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
