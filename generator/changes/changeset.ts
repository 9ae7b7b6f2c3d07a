/**
 * In a repository that releases with Changesets (https://github.com/changesets/changesets, a
 * `.changeset/` folder), `--bump` does not touch the version or CHANGELOG.md: it writes one
 * changeset — front matter `"<package>": <level>`, then the release notes — and Changesets'
 * own `version` / `publish` flow takes over (its CHANGELOG entry is made from this body).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderSections, type ReleaseSections } from './release-changelog.js';

export const CHANGESET_DIR = '.changeset';

/**
 * The `.changeset/` folder serving the package in `packageDir`: in that directory or one above
 * it, up to the repository root (the first directory with `.git`). Undefined when there is none.
 */
export function findChangesetDir(packageDir: string): string | undefined {
  for (let dir = packageDir; ; dir = dirname(dir)) {
    const candidate = join(dir, CHANGESET_DIR);
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
  }
}

/** Deterministic, so a rerun of the same upgrade rewrites the same changeset instead of adding one. */
export function changesetFileName(toSha256: string): string {
  return `logto-api-${toSha256.slice(0, 12)}.md`;
}

export function renderChangeset(input: { packageName: string; level: 'major' | 'minor' | 'patch'; intro: string; sections: ReleaseSections }): string {
  return [
    '---',
    `${JSON.stringify(input.packageName)}: ${input.level}`,
    '---',
    '',
    input.intro,
    '',
    ...renderSections(input.sections, 4),
  ]
    .join('\n')
    .trimEnd()
    .concat('\n');
}
