import { defineConfig } from 'vitest/config';

// The tests Stryker runs against each mutant (npm run mutation): the suites that exercise
// runtime/ and generator/changes/. Not e2e (it packs and installs the packages: minutes per
// run, and it tests the packaging, not the logic), not the contract test (it checks the
// generated wrappers against the spec; every runtime line it reaches is reached faster by the
// runtime suites) and not the memory test (a 200 000-item heap measurement).
// MUTATION_TESTS (set by stryker.config.mjs per scope, or by hand) narrows the test files, so
// the initial run of a scoped run only runs the tests that matter.
const include = (process.env.MUTATION_TESTS ?? 'test/runtime/**/*.test.ts,test/redis/**/*.test.ts,test/generator/**/*.test.ts')
  .split(',')
  .map((glob) => glob.trim());

export default defineConfig({
  test: {
    include,
    exclude: ['test/runtime/contract.test.ts', 'test/runtime/pagination-memory.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Instrumented code on busy shared cores runs several times slower: a test with tight
    // real-time margins may miss one once. A second try tells that from a mutant, which fails
    // every time.
    retry: 1,
  },
});
