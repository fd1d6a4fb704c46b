import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
    // A limit that catches hangs: a test that runs the CLI six times takes ~13 s on a quiet machine
    // and over 30 s beside two other workers on two cores.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Git and child-process tests are I/O bound; two cores serve a few workers well.
    pool: 'forks',
    maxWorkers: 3,
  },
});
