import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run thousands of cases; give slow CI machines room.
    testTimeout: 120_000,
  },
});
