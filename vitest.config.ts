import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Lab tests share one machine's namespaces and users; files run one after another.
    fileParallelism: false,
    // The default output, then the names of the tests that did not run (never only a count).
    reporters: ['default', './test/helpers/not-run-reporter.ts'],
  },
});
