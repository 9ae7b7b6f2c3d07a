// Mutation testing (npm run mutation): Stryker changes one thing at a time in the code below
// (a condition, a number, a string…) and runs the tests that cover it; a mutant the tests
// do not notice is a behaviour no test pins. Summary: MUTATION.md (scripts/mutation-summary.ts).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: ['runtime/**/*.ts', 'generator/changes/**/*.ts'],
  // Each mutant runs only the tests that reached it in the initial run.
  coverageAnalysis: 'perTest',
  // A rerun only tests mutants whose code or covering tests changed since the committed report.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // Two shared cores: one mutant at a time per core at most.
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['progress', 'json', 'clear-text'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Stryker's default also marks test/**/*.ts `@ts-nocheck`, which would change the golden
  // fixtures the generator tests compare byte for byte: only the mutated code needs it.
  disableTypeChecks: '{runtime,generator}/**/*.ts',
  ignorePatterns: ['dist', '.tmp', 'reports', 'coverage', '*.tgz'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 85, low: 80, break: null },
};
