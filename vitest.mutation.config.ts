import { defineConfig } from 'vitest/config';

// The tests Stryker runs against each mutant (npm run mutation): the suites that exercise
// runtime/ and generator/changes/. Not e2e (it packs and installs the packages: minutes per
// run, and it tests the packaging, not the logic), not the contract test (it checks the
// generated wrappers against the spec; every runtime line it reaches is reached faster by the
// runtime suites) and not the memory test (a 200 000-item heap measurement).
export default defineConfig({
  test: {
    include: ['test/runtime/**/*.test.ts', 'test/redis/**/*.test.ts', 'test/generator/**/*.test.ts'],
    exclude: ['test/runtime/contract.test.ts', 'test/runtime/pagination-memory.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
