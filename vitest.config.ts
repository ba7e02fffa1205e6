import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ once: some tests run the real executable or pack the package.
    globalSetup: ['test/global-setup.ts'],
    // Property tests run thousands of cases; give slow CI machines room.
    testTimeout: 120_000,
  },
});
