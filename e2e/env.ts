import { resolve } from 'node:path';

export const E2E_API_PORT = Number(process.env.E2E_API_PORT ?? 18787);
export const E2E_API_URL = `http://127.0.0.1:${E2E_API_PORT}`;
export const EXTENSION_DIR = resolve('.output/chrome-mv3');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
