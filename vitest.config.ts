import { defineConfig } from 'vitest/config';

// Unit and integration tests (server, shared, sandbox, extension logic). E2E has its own config in e2e/.
export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'shared/**/*.test.ts', 'sandbox/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['server/testing/global-setup.ts'],
  },
});
