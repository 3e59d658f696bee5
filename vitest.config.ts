import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file starts its own local servers and sets the functions' environment.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
