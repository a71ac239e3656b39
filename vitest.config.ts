import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every database test makes its own database, so files can run side by side.
    fileParallelism: true,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
