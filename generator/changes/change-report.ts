/**
 * Renders a `ChangeReport` two ways: a short terminal summary (what `generate` prints) and
 * the full Markdown report (`generated/CHANGES.md`, and one entry of `API-CHANGELOG.md`).
 * Output is a pure function of the report and the given metadata: no clock, so the same
 * upgrade renders the same bytes.
 */
import { bannerText } from '../pipeline/banner.js';
import type { DocumentationChange } from './diff-docs.js';
import type { ApiChange, ChangeReport, OperationRef } from './diff-specs.js';

export interface ReportSides {
  /** sha256 of the previously pinned spec. */
  fromSha256: string;
  /** sha256 of the new spec. */
  toSha256: string;
  /** Where the new spec came from (URL or file), when known. */
  source?: string;
  /** `YYYY-MM-DD`, only when the caller supplies one (`--date` or `SOURCE_DATE_EPOCH`). */
  date?: string;
}

const banner = (sha256: string) => `<!-- ${bannerText(sha256)} -->`;

/** One line of counts, e.g. `46 operations added, 0 removed, 73 changed; 24 breaking changes`. */
export function summaryLine(report: ChangeReport): string {
  const { added, removed, changed, breaking } = report.summary;
  if (report.changes.length === 0) return 'no API changes';
  return (
    `${plural(added, 'operation')} added, ${removed} removed, ${changed} changed; ` +
    `${breaking === 0 ? 'no breaking changes' : plural(breaking, 'breaking change')}`
  );
}

/**
 * The terminal summary: the counts, then the breaking changes (up to `limit`, default 10)
 * with a pointer to the full report.
 */
export function renderSummary(report: ChangeReport, options: { limit?: number; reportPath?: string } = {}): string {
  const limit = options.limit ?? 10;
  const lines = [`API changes (${report.operations.old} → ${report.operations.new} operations): ${summaryLine(report)}`];
  for (const change of report.breaking.slice(0, limit)) lines.push(`  ✗ ${describe(change)}`);
  const hidden = report.breaking.length - Math.min(limit, report.breaking.length);
  if (hidden > 0) lines.push(`  … and ${hidden} more breaking change${hidden === 1 ? '' : 's'}`);
  if (options.reportPath && report.changes.length > 0) lines.push(`  full report: ${options.reportPath}`);
  return lines.join('\n');
}

/** `GetApplication (GET /api/applications/{id}) responses/200/secret: field "secret" may now be absent` */
function describe(change: ApiChange): string {
  const { operationId, method, path } = change.operation;
  if (change.kind === 'operation-removed') return `${method} ${path} (${operationId}) removed`;
  return `${operationId} (${method} ${path})${change.location ? ` ${change.location}` : ''}: ${change.message}`;
}

/** The full report as `generated/CHANGES.md`. */
export function renderMarkdown(report: ChangeReport, sides: ReportSides): string {
  return [banner(sides.toSha256), '', '# API changes', '', ...renderBody(report, sides, 2), ''].join('\n');
}

/**
 * One `API-CHANGELOG.md` entry: `## <date> — <old sha> → <new sha>` and the report below it,
 * one heading level deeper.
 */
export function renderChangelogEntry(report: ChangeReport, sides: ReportSides): string {
  const title = `${sides.date ? `${sides.date} — ` : ''}\`${short(sides.fromSha256)}\` → \`${short(sides.toSha256)}\``;
  return [`## ${title}`, '', ...renderBody(report, sides, 3)].join('\n');
}

const changelogTitle = '# API changelog';

/**
 * Adds an entry to the changelog, newest first, keeping every earlier entry byte for byte.
 * An entry for the same old → new upgrade is not added twice.
 */
export function addChangelogEntry(existing: string | undefined, entry: string, toSha256: string): string {
  const header = [
    banner(toSha256),
    '',
    changelogTitle,
    '',
    'One entry per change of the pinned Logto spec, newest first, written by `logto-mgmt generate`.',
    '',
  ].join('\n');
  let earlier = '';
  if (existing) {
    const start = existing.indexOf('\n## ');
    earlier = start === -1 ? '' : existing.slice(start + 1);
  }
  const heading = entry.slice(0, entry.indexOf('\n'));
  if (earlier.startsWith(`${heading}\n`)) earlier = earlier.slice(nextEntry(earlier));
  return `${header}\n${entry.trimEnd()}\n${earlier ? `\n${earlier.trimEnd()}\n` : ''}`;
}

function nextEntry(text: string): number {
  const next = text.indexOf('\n## ', 1);
  return next === -1 ? text.length : next + 1;
}

function renderBody(report: ChangeReport, sides: ReportSides, level: number): string[] {
  const h = (depth: number) => '#'.repeat(level + depth);
  const out: string[] = [];
  out.push(
    `From spec \`${sides.fromSha256}\` (${report.operations.old} operations) to \`${sides.toSha256}\` ` +
      `(${report.operations.new} operations)${sides.source ? `, pulled from ${sides.source}` : ''}.`,
    '',
    `**${capitalise(summaryLine(report))}.**`,
    '',
  );
  if (report.changes.length === 0) return out;

  if (report.breaking.length > 0) {
    out.push(`${h(0)} Breaking changes (${report.breaking.length})`, '', '| Operation | Where | Change |', '| --- | --- | --- |');
    for (const change of report.breaking) {
      out.push(`| ${operationCell(change.operation)} | ${change.location ? code(change.location) : ''} | ${cell(change.message)} |`);
    }
    out.push('');
  }
  if (report.added.length > 0) {
    out.push(`${h(0)} Added operations (${report.added.length})`, '', '| Operation | Method | Path | Summary |', '| --- | --- | --- | --- |');
    for (const operation of report.added) {
      out.push(`| ${code(operation.operationId)} | ${operation.method} | ${code(operation.path)} | ${cell(operation.summary ?? '')} |`);
    }
    out.push('');
  }
  if (report.removed.length > 0) {
    out.push(`${h(0)} Removed operations (${report.removed.length})`, '', '| Operation | Method | Path | Summary |', '| --- | --- | --- | --- |');
    for (const operation of report.removed) {
      out.push(`| ${code(operation.operationId)} | ${operation.method} | ${code(operation.path)} | ${cell(operation.summary ?? '')} |`);
    }
    out.push('');
  }
  if (report.changed.length > 0) {
    out.push(`${h(0)} Changed operations (${report.changed.length})`, '');
    for (const entry of report.changed) {
      const { operationId, method, path } = entry.operation;
      out.push(`${h(1)} ${code(operationId)} — ${method} ${code(path)}${entry.breaking ? ' (breaking)' : ''}`, '');
      if (entry.previous) {
        out.push(`Was ${code(entry.previous.operationId)} — ${entry.previous.method} ${code(entry.previous.path)}.`, '');
      }
      for (const change of entry.changes) {
        const where = change.location ? `${code(change.location)}: ` : '';
        out.push(`- ${change.breaking ? '**breaking** ' : ''}${where}${escapeMarkdown(change.message)}`);
      }
      out.push('');
    }
  }
  return out;
}

function operationCell(operation: OperationRef): string {
  return `${code(operation.operationId)} ${operation.method} ${code(operation.path)}`;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

function cell(text: string): string {
  return escapeMarkdown(text).replace(/\r?\n/g, ' ');
}

function escapeMarkdown(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

function short(sha256: string): string {
  return sha256.slice(0, 12);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The documentation changes (diff-docs.ts) as a report section, appended after the API changes
 * of `CHANGES.md` and of the changelog entry; `level` is the heading level of its title.
 * With no documentation change but a spec that still changed (`contentChanged`), one sentence
 * says why the client was regenerated at all.
 */
export function renderDocumentationChanges(
  changes: readonly DocumentationChange[],
  options: { level: number; contentChanged: boolean },
): string[] {
  if (changes.length === 0) {
    if (!options.contentChanged) return [];
    return ['The spec changed only in ways the client does not type (reordered lists, validation details): regenerated without an API change.', ''];
  }
  const out = [`${'#'.repeat(options.level)} Documentation changes (${changes.length})`, '', '| Operation | Where | Change |', '| --- | --- | --- |'];
  for (const change of changes) {
    out.push(`| ${change.operation ? operationCell(change.operation) : ''} | ${code(change.location)} | ${cell(change.message)} |`);
  }
  out.push('');
  return out;
}
