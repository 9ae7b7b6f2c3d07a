// Mutation testing (npm run mutation): Stryker changes one thing at a time in the code below
// (a condition, an operator, a string…) and runs the tests that cover it; a mutant the tests
// do not notice is a behaviour no test pins. Summary: MUTATION.md (scripts/mutation-summary.ts).
//
// One scope per runtime folder (and the change-tracking code), each with the tests that
// exercise it and its own incremental file, so each can run on its own (a run of the whole
// runtime takes hours on two cores) and a rerun only tests the mutants whose code or covering
// tests changed since that scope's last run:
//   MUTATION_SCOPE=runtime-pagination  runtime/pagination/**
//   MUTATION_SCOPE=runtime-limits      runtime/limits/** and runtime/logging/**
//   MUTATION_SCOPE=runtime-transport   runtime/transport/**
//   MUTATION_SCOPE=runtime-auth        runtime/auth/**
//   MUTATION_SCOPE=runtime-client      runtime/client/** and runtime/index.ts
//   MUTATION_SCOPE=store               runtime/store/**  against test/redis and the store's unit tests
//   MUTATION_SCOPE=changes             generator/changes/ diff and report  against their direct tests
//   MUTATION_SCOPE=changes-release     generator/changes/ release helpers  against whole-generation tests
// The Redis suites (real redis-server, several processes, outages held for seconds) reach the
// client, transport and limiter code too, but only the store scope runs them: elsewhere the
// unit suites cover the same lines in a fraction of the time.
// Narrow a run with `--mutate 'runtime/limits/retry.ts'` and MUTATION_TESTS='test/runtime/retry.test.ts,…'
// (comma-separated globs of test files).
const runtimeTests = (...names) => names.map((name) => `test/runtime/${name}.test.ts`);
const scopes = {
  'runtime-pagination': { mutate: ['runtime/pagination/**/*.ts'], tests: [...runtimeTests('pagination', 'pagination-boundaries', 'pagination-generated', 'link-header', 'link-header-edges', 'client')] },
  'runtime-limits': { mutate: ['runtime/limits/**/*.ts', 'runtime/logging/**/*.ts'], tests: runtimeTests('rate-limit', 'rate-limit-edges', 'retry', 'retry-decisions', 'logging', 'limited-fetch', 'limit-defaults', 'faults', 'connection-reset', 'secrets', 'options') },
  'runtime-transport': { mutate: ['runtime/transport/**/*.ts'], tests: runtimeTests('errors', 'faults', 'timeout', 'connection-reset', 'client', 'limit-defaults', 'http-request') },
  'runtime-auth': { mutate: ['runtime/auth/**/*.ts'], tests: runtimeTests('token-source', 'auth', 'secrets', 'client') },
  'runtime-client': { mutate: ['runtime/client/**/*.ts', 'runtime/index.ts'], tests: runtimeTests('client', 'options', 'pagination', 'pagination-generated', 'faults', 'limit-defaults') },
  store: { mutate: ['runtime/store/**/*.ts'], tests: ['test/redis/**/*.test.ts', ...runtimeTests('fallback-share', 'rate-limit', 'rate-limit-edges', 'limited-fetch', 'token-source', 'auth', 'secrets', 'limit-defaults')] },
  // The change-tracking code in two scopes: the diff and the report, against the suites that
  // call them directly (milliseconds per mutant), and the release helpers, whose tests run whole
  // generations through them (seconds per mutant).
  changes: {
    mutate: ['diff-schemas', 'diff-specs', 'diff-docs', 'change-report', 'compare-as-generated', 'spec-content'].map((name) => `generator/changes/${name}.ts`),
    tests: [
      ...['diff-specs', 'breaking-rules', 'diff-completeness', 'change-report', 'diff-docs', 'spec-comparison', 'diff-specs-edges', 'diff-unchanged-operations'],
      ...['schema-diff-edges', 'schema-diff-resolver', 'schema-diff-literals', 'schema-diff-unions', 'schema-diff-shapes'],
    ].map((name) => `test/generator/${name}.test.ts`),
  },
  'changes-release': {
    mutate: ['track-changes', 'version-bump', 'release-changelog', 'changeset'].map((name) => `generator/changes/${name}.ts`),
    tests: ['track-changes', 'version-bump', 'release-workflow', 'release-notes'].map((name) => `test/generator/${name}.test.ts`),
  },
};
const scopeName = process.env.MUTATION_SCOPE ?? 'runtime-pagination';
const scope = scopes[scopeName];
if (!scope) throw new Error(`MUTATION_SCOPE must be one of ${Object.keys(scopes).join(', ')}, got ${scopeName}`);
// Read by vitest.mutation.config.ts in Stryker's test-runner processes, which inherit it.
process.env.MUTATION_TESTS ??= scope.tests.join(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: scope.mutate,
  // Each mutant runs only the tests that reached it in the initial run.
  coverageAnalysis: 'perTest',
  // A mutant in module-level code (a default, a constant table) is reached by no test in
  // particular, so perTest coverage would run the whole suite (minutes) for each one. They are
  // left out of the score; the defaults they hold have tests of their own
  // (test/runtime/limit-defaults.test.ts).
  ignoreStatic: true,
  // The initial run executes every selected test once with coverage; on two busy cores that
  // can take well over Stryker's 5-minute default.
  dryRunTimeoutMinutes: 30,
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${scopeName}.json`,
  // Two shared cores.
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  // A mutant that loops forever is detected by the timeout, after which Stryker restarts the
  // test runner. Stryker's defaults (1.5× + 5 s): with a tighter allowance, a busy machine
  // turned slow tests into "timed out" (counted as killed) — half of a transport run's mutants.
  timeoutMS: 5_000,
  timeoutFactor: 1.5,
  reporters: ['progress', 'json', 'clear-text'],
  jsonReporter: { fileName: `reports/mutation/${scopeName}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
  // Stryker's default also marks test/**/*.ts `@ts-nocheck`, which would change the golden
  // fixtures the generator tests compare byte for byte: only the mutated code needs it.
  disableTypeChecks: '{runtime,generator}/**/*.ts',
  ignorePatterns: ['dist', '.tmp', '.stryker-tmp', 'reports', 'coverage', '*.tgz'],
  tempDirName: `.stryker-tmp/${scopeName}`,
  cleanTempDir: 'always',
  thresholds: { high: 85, low: 80, break: null },
};
