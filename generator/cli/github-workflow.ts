/**
 * `logto-mgmt init --ci github`: the scheduled workflow that keeps a consumer's generated client
 * up to date. Daily and on demand it pulls the spec (the config's `${VAR}` header secrets come
 * from repository secrets of the same name), regenerates with `--bump`, runs the repo's
 * type-check and tests, and opens or updates one pull request (branch `logto-mgmt/update-spec`)
 * whose body is CHANGES.md, labelled `breaking` when it is. When the spec did not change (or
 * changed only in `servers`/`info`), `--bump` reports `release=none` and every later step is
 * skipped.
 *
 * Plain `git` and `gh` (preinstalled on GitHub's runners) rather than an action: every `run:` is
 * bash reading env vars, so the whole job can be read — and run — step by step outside GitHub.
 * The token is the job's own GITHUB_TOKEN with exactly `contents: write` (push the branch) and
 * `pull-requests: write` (open, edit, label the pull request); no secret is written here.
 */

export const WORKFLOW_FILE = '.github/workflows/logto-mgmt-update.yml';
export const UPDATE_BRANCH = 'logto-mgmt/update-spec';

export interface WorkflowOptions {
  /** The generated client's directory, relative to the repo (where CHANGES.md is). */
  outputDir: string;
  /** The package.json script that runs `logto-mgmt generate`. */
  generateScript: string;
  /** Environment variables the config's headers use (`${LOGTO_SPEC_TOKEN}`): passed from secrets. */
  secretVariables: readonly string[];
  /** The package's directory inside the repository ('' at its root): where the steps run. */
  workingDirectory?: string;
}

/** Only names GitHub accepts for secrets (and bash for variables). */
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function renderWorkflow(options: WorkflowOptions): string {
  for (const name of options.secretVariables) {
    if (!variableName.test(name) || /^GITHUB_/i.test(name)) throw new TypeError(`${name}: not usable as a repository secret name`);
  }
  const secrets = [...new Set(options.secretVariables)].sort();
  const generateEnv = secrets.length
    ? ['        env:', ...secrets.map((name) => `          ${name}: \${{ secrets.${name} }}`)]
    : [];
  const lines = [
    '# Written by `logto-mgmt init --ci github`. Daily and on demand: pull the Logto Management API',
    '# spec, regenerate the client with --bump (the change report decides the version), type-check',
    '# and test, then open or update one pull request whose body is CHANGES.md.',
    '# Needs: Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests".',
    '# Pull requests opened with GITHUB_TOKEN do not trigger other workflows: that is why this job',
    '# runs the type-check and tests itself.',
    'name: Update the Logto client',
    '',
    'on:',
    '  schedule:',
    "    - cron: '23 4 * * *'",
    '  workflow_dispatch:',
    '',
    'permissions:',
    '  contents: write',
    '  pull-requests: write',
    '',
    'concurrency:',
    '  group: logto-mgmt-update',
    '  cancel-in-progress: false',
    '',
    'jobs:',
    '  update:',
    '    runs-on: ubuntu-latest',
    ...(options.workingDirectory ? ['    defaults:', '      run:', `        working-directory: ${yamlString(options.workingDirectory)}`] : []),
    '    env:',
    `      CLIENT_DIR: ${yamlString(options.outputDir)}`,
    `      BRANCH: ${UPDATE_BRANCH}`,
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: actions/setup-node@v4',
    '        with:',
    '          node-version: 20',
    '          cache: npm',
    '      - name: Install dependencies',
    '        run: npm ci',
    '      - name: Pull the spec and regenerate',
    '        id: generate',
    ...generateEnv,
    `        run: npm run ${shellWord(options.generateScript)} -- --bump --strict`,
    // A failed check still opens the pull request (that is where the code gets fixed), says so
    // at the top of its body, and fails the run at the end.
    '      - name: Type-check',
    '        id: typecheck',
    "        if: steps.generate.outputs.release != 'none'",
    '        continue-on-error: true',
    '        run: |',
    '          if node -e "process.exit(require(\'./package.json\').scripts?.typecheck ? 0 : 1)"; then',
    '            npm run typecheck',
    '          elif [ -f tsconfig.json ]; then',
    '            npx --no-install tsc --noEmit -p tsconfig.json',
    '          else',
    '            echo "no typecheck script and no tsconfig.json: nothing to type-check"',
    '          fi',
    '      - name: Test',
    '        id: test',
    "        if: steps.generate.outputs.release != 'none'",
    '        continue-on-error: true',
    '        run: npm run --if-present test',
    '      - name: Open or update the pull request',
    "        if: steps.generate.outputs.release != 'none'",
    '        env:',
    '          GH_TOKEN: ${{ github.token }}',
    '          RELEASE: ${{ steps.generate.outputs.release }}',
    '          BREAKING: ${{ steps.generate.outputs.breaking }}',
    '          VERSION: ${{ steps.generate.outputs.version }}',
    '          TYPECHECK: ${{ steps.typecheck.outcome }}',
    '          TESTS: ${{ steps.test.outcome }}',
    '          RUN_URL: ${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}',
    '        run: |',
    '          title="Logto API update: $RELEASE release ($VERSION)"',
    "          git config user.name 'github-actions[bot]'",
    "          git config user.email '41898282+github-actions[bot]@users.noreply.github.com'",
    '          git checkout -B "$BRANCH"',
    '          git add -A',
    '          git commit -m "$title" -m "Regenerated by logto-mgmt generate --bump; see $CLIENT_DIR/CHANGES.md."',
    '          # The same update as the open branch (a rerun before the merge): no new push.',
    '          if git fetch --quiet origin "$BRANCH" 2>/dev/null &&',
    '            [ "$(git rev-parse FETCH_HEAD^)" = "$(git rev-parse HEAD^)" ] && git diff --quiet FETCH_HEAD HEAD; then',
    '            echo "$BRANCH already holds this update"',
    '          else',
    '            git push --force origin "HEAD:refs/heads/$BRANCH"',
    '          fi',
    '          body=$(mktemp)',
    '          failed=""',
    '          if [ "$TYPECHECK" = failure ]; then failed="the type-check"; fi',
    '          if [ "$TESTS" = failure ]; then failed="${failed:+$failed and }the tests"; fi',
    '          if [ -n "$failed" ]; then',
    '            printf \'> [!WARNING]\\n> With this client, %s failed: the code that uses it needs changes on this branch (%s).\\n\\n\' "$failed" "$RUN_URL" > "$body"',
    '          fi',
    '          # A pull request body holds at most 65 536 characters: cut long reports at a line.',
    "          awk -v max=60000 '{ n += length($0) + 1; if (n > max) { cut = 1; exit } print } END { if (cut) print \"\\n… cut here: the full report is \" ENVIRON[\"CLIENT_DIR\"] \"/CHANGES.md on this branch.\" }' \"$CLIENT_DIR/CHANGES.md\" >> \"$body\"",
    '          number=$(gh pr list --head "$BRANCH" --state open --json number --jq \'.[0].number // empty\')',
    '          if [ "$BREAKING" = true ]; then',
    "            gh label create breaking --color B60205 --description 'Breaking API change' 2>/dev/null || true",
    '          fi',
    '          if [ -z "$number" ] && [ "$BREAKING" = true ]; then',
    '            gh pr create --head "$BRANCH" --title "$title" --body-file "$body" --label breaking',
    '          elif [ -z "$number" ]; then',
    '            gh pr create --head "$BRANCH" --title "$title" --body-file "$body"',
    '          else',
    '            gh pr edit "$number" --title "$title" --body-file "$body"',
    '            if [ "$BREAKING" = true ]; then',
    '              gh pr edit "$number" --add-label breaking',
    '            else',
    '              gh pr edit "$number" --remove-label breaking 2>/dev/null || true # it may have none',
    '            fi',
    '          fi',
    '      - name: Fail when the type-check or the tests failed',
    "        if: steps.typecheck.outcome == 'failure' || steps.test.outcome == 'failure'",
    '        run: |',
    '          echo "::error::the regenerated client fails the type-check or the tests: see the pull request on $BRANCH"',
    '          exit 1',
  ];
  return `${lines.join('\n')}\n`;
}

/** A value YAML reads back as the same string. */
function yamlString(value: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(value) ? value : JSON.stringify(value);
}

function shellWord(value: string): string {
  return /^[A-Za-z0-9_:.-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `${NAME}` references in header values, as the config's env expansion reads them (`$${` is literal). */
export function headerVariables(headers: Record<string, unknown> | undefined): string[] {
  const names = new Set<string>();
  for (const value of Object.values(headers ?? {})) {
    if (typeof value !== 'string') continue;
    for (const match of value.matchAll(/\$?\$\{([^}]*)\}/g)) {
      if (!match[0].startsWith('$$')) names.add(match[1]!);
    }
  }
  return [...names];
}
