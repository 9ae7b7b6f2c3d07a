/**
 * The release notes of a regenerated client package, in the form of Keep a Changelog
 * (https://keepachangelog.com/en/1.1.0/): one entry per version, newest first, with the sections
 * Breaking / Added / Changed / Deprecated, each line an operation and what changed in it.
 * Breaking lists exactly the change report's breaking changes (removed operations included);
 * Deprecated holds newly deprecated operations, parameters and fields; Changed the rest (other
 * compatible changes, then wording and examples). Pure: the caller gives the date.
 */
import type { DocumentationChange } from './diff-docs.js';
import type { ApiChange, ChangeReport, OperationRef } from './diff-specs.js';

export const RELEASE_CHANGELOG_FILE = 'CHANGELOG.md';

export interface ReleaseSections {
  breaking: string[];
  added: string[];
  changed: string[];
  deprecated: string[];
}

/** Kinds whose change is something new the old client did not have. */
const additions = new Set<string>([
  'operation-added',
  'parameter-added',
  'request-body-added',
  'media-type-added',
  'response-body-added',
  'field-added',
  'enum-value-added',
  'variant-added',
]);

export function releaseSections(report: ChangeReport | undefined, documentation: readonly DocumentationChange[]): ReleaseSections {
  const sections: ReleaseSections = { breaking: [], added: [], changed: [], deprecated: [] };
  for (const change of report?.changes ?? []) {
    const line = describeChange(change);
    if (change.breaking) sections.breaking.push(line);
    else if (change.kind === 'deprecated') sections.deprecated.push(line);
    else if (additions.has(change.kind)) sections.added.push(line);
    else sections.changed.push(line);
  }
  for (const change of documentation) {
    const line = `${change.operation ? `${operationName(change.operation)} ` : ''}\`${change.location}\`: ${change.message}`;
    (change.kind === 'deprecated' ? sections.deprecated : sections.changed).push(line);
  }
  return sections;
}

/** `` `ListLogs` (GET /api/logs) `query/enableCap`: optional query parameter "enableCap" added `` */
function describeChange(change: ApiChange): string {
  const name = operationName(change.operation);
  if (change.kind === 'operation-added') return `${name}: new operation${change.operation.summary ? ` — ${change.operation.summary}` : ''}`;
  if (change.kind === 'operation-removed') return `${name}: operation removed`;
  return `${name}${change.location ? ` \`${change.location}\`` : ''}: ${change.message}`;
}

function operationName(operation: OperationRef): string {
  return `\`${operation.operationId}\` (${operation.method} ${operation.path})`;
}

export interface ReleaseEntry {
  version: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** One paragraph above the sections: where the release comes from and why this version. */
  intro: string;
  sections: ReleaseSections;
}

/** The sections as Markdown, headings at `level` (`###` in CHANGELOG.md); empty sections left out. */
export function renderSections(sections: ReleaseSections, level: number): string[] {
  const out: string[] = [];
  const heading = '#'.repeat(level);
  for (const [title, lines] of [
    ['Breaking', sections.breaking],
    ['Added', sections.added],
    ['Changed', sections.changed],
    ['Deprecated', sections.deprecated],
  ] as const) {
    if (lines.length === 0) continue;
    out.push(`${heading} ${title}`, '', ...lines.map((line) => `- ${line.replace(/\r?\n/g, ' ')}`), '');
  }
  return out;
}

export function renderReleaseEntry(entry: ReleaseEntry): string {
  return [`## [${entry.version}] - ${entry.date}`, '', entry.intro, '', ...renderSections(entry.sections, 3)].join('\n').trimEnd();
}

const header = [
  '# Changelog',
  '',
  'All notable changes to this project are documented in this file.',
  '',
  'The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),',
  'and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).',
].join('\n');

/** Thrown before anything is written: the changelog already names the version to release. */
export class ChangelogConflictError extends Error {
  override name = 'ChangelogConflictError';
}

/**
 * Adds `entry` to an existing CHANGELOG.md (or a new one): below `## [Unreleased]` when there
 * is one (its notes stay where they are), above every earlier version, the rest byte for byte.
 */
export function addReleaseEntry(existing: string | undefined, entry: ReleaseEntry): string {
  const text = renderReleaseEntry(entry);
  if (existing === undefined || existing.trim() === '') return `${header}\n\n${text}\n`;
  const escaped = entry.version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`^## \\[?v?${escaped}\\]?(\\s|$)`, 'm').test(existing)) {
    throw new ChangelogConflictError(`already has an entry for ${entry.version}`);
  }
  const headings = [...existing.matchAll(/^## .*$/gm)];
  const firstRelease = headings.find((match) => !/^## \[?unreleased\]?/i.test(match[0]));
  if (firstRelease?.index !== undefined) {
    const before = existing.slice(0, firstRelease.index);
    return `${before}${text}\n\n${existing.slice(firstRelease.index)}`;
  }
  // No earlier release: after everything (the title, an Unreleased section).
  return `${existing.trimEnd()}\n\n${text}\n`;
}
