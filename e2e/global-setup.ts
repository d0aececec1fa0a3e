/** Builds the extension once, pointed at the API port the e2e server will listen on. */
import { spawnSync } from 'node:child_process';
import { E2E_API_URL, EXTENSION_DIR } from './env.js';

export default function setup(): void {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['node_modules/wxt/bin/wxt.mjs', 'build'], {
    // vitest sets NODE_ENV=test; a build under it emits dev JSX calls against production React.
    env: { ...process.env, NODE_ENV: 'production', WXT_API_URL: E2E_API_URL },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error('extension build failed');
  console.log(`extension built for ${E2E_API_URL} in ${Date.now() - started} ms → ${EXTENSION_DIR}`);
}
