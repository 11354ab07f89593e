import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    // End-to-end tests start real servers on 127.0.0.1; give them room on a 2-core machine.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
