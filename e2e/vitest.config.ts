import { defineConfig } from 'vitest/config';

// E2E: the built extension in Debian Chromium against the sandboxes and a real server. One file at a
// time, because every file's API listens on the port baked into the extension build.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['server/testing/global-setup.ts', 'e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
