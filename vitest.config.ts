import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Git and child-process tests are I/O bound; two cores serve a few workers well.
    pool: 'forks',
    maxWorkers: 3,
  },
});
