import { defineConfig } from 'vitest/config';

// Engine tests run in plain Node; the e2e suite drives Chromium (test/e2e/browser.ts picks the binary) against the built renderer.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // 2-core machines: DuckDB and llama.cpp each want a core; run files two at a time.
    maxWorkers: 2,
    setupFiles: ['test/setup/egress.ts'],
  },
});
