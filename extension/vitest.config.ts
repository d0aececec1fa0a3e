import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Extension unit tests: `browser` is WXT's in-memory fake (no DOM environment is installed, so tests run
// in node and parse HTML fixtures with linkedom). Run from the repository root:
//   npx vitest run --config extension/vitest.config.ts
const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  plugins: [WxtVitest({ root })],
  test: {
    include: ['extension/**/*.test.ts'],
    environment: 'node',
  },
});
