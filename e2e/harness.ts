/**
 * One e2e world: a real API + worker (real pipeline) on the port the extension was built for, the
 * Shopee sandbox, and Debian Chromium with the built extension and the seller-center hostnames mapped
 * to the sandbox (--host-resolver-rules), so content scripts run on their real `matches`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { type ShopeeSandbox, startSandboxes, type TikTokSandbox } from '../sandbox/index.js';
import { type Harness, startHarness } from '../server/testing/harness.js';
import { CHROMIUM, E2E_API_PORT, E2E_API_URL, EXTENSION_DIR } from './env.js';

export interface World {
  server: Harness;
  sandbox: ShopeeSandbox;
  tiktok: TikTokSandbox;
  browser: Browser;
  extensionId: string;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const partnerId = 1000001;
  const partnerKey = randomBytes(32).toString('hex');
  const tiktokApp = {
    appKey: 'e2e-app',
    appSecret: randomBytes(16).toString('hex'),
    serviceId: '7000000000000001',
  };
  const sandboxes = await startSandboxes({
    shopee: { partnerId, partnerKey },
    tiktok: { ...tiktokApp, redirectUrl: `${E2E_API_URL}/v1/connections/tiktok/callback` },
  });
  const sandbox = sandboxes.shopee;
  const tiktok = sandboxes.tiktok;
  const server = await startHarness(
    {
      PUBLIC_URL: E2E_API_URL,
      SHOPEE_API_BASE: sandbox.apiBaseUrl,
      SHOPEE_PARTNER_ID: String(partnerId),
      SHOPEE_PARTNER_KEY: partnerKey,
      TIKTOK_API_BASE: tiktok.baseUrl,
      TIKTOK_AUTH_BASE: tiktok.baseUrl,
      TIKTOK_SERVICES_BASE: tiktok.baseUrl,
      TIKTOK_APP_KEY: tiktokApp.appKey,
      TIKTOK_APP_SECRET: tiktokApp.appSecret,
      TIKTOK_SERVICE_ID: tiktokApp.serviceId,
    },
    { port: E2E_API_PORT },
  );
  server.startWorker();

  const profile = resolve('.tmp', `chromium-${randomBytes(4).toString('hex')}`);
  mkdirSync(profile, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    pipe: true,
    enableExtensions: [EXTENSION_DIR],
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--host-resolver-rules=${sandboxes.hostResolverRules}`,
      '--ignore-certificate-errors',
    ],
  });
  const worker = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'),
    {
      timeout: 15_000,
    },
  );
  const extensionId = new URL(worker.url()).host;
  return {
    server,
    sandbox,
    tiktok,
    browser,
    extensionId,
    async close() {
      await browser.close().catch(() => {});
      await server.close();
      await sandboxes.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function extensionPage(world: World, page: 'options' | 'popup'): Promise<Page> {
  const tab = await world.browser.newPage();
  await tab.goto(`chrome-extension://${world.extensionId}/${page}.html`);
  return tab;
}

/**
 * `visible` makes puppeteer poll every frame: its default polling watches DOM mutations of the document,
 * which never fire for changes inside our shadow roots.
 */
const VISIBLE = { visible: true, timeout: 60_000 } as const;

/** Text of the first element matching a test id, piercing shadow roots. */
export async function textOf(page: Page, testId: string): Promise<string> {
  const handle = await page.waitForSelector(`pierce/[data-testid="${testId}"]`, VISIBLE);
  return (await handle!.evaluate((el) => el.textContent ?? '')).trim();
}

/**
 * Waits until exactly `count` elements with the test id exist and the count has held for a moment (the
 * seller-center page re-renders its image list after loading, and the extension remounts its buttons).
 */
export async function waitForStableCount(
  page: Page,
  testId: string,
  count: number,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let stableSince = 0;
  for (;;) {
    const n = (await page.$$(`pierce/[data-testid="${testId}"]`)).length;
    if (n === count) {
      stableSince ||= Date.now();
      if (Date.now() - stableSince >= 600) return;
    } else stableSince = 0;
    if (Date.now() > deadline) throw new Error(`expected ${count} × ${testId}, found ${n}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Clicks the index-th element with the test id, queried fresh (a trusted click through CDP input). */
export async function clickTestId(page: Page, testId: string, index = 0): Promise<void> {
  await page.waitForSelector(`pierce/[data-testid="${testId}"]`, VISIBLE);
  const handles = await page.$$(`pierce/[data-testid="${testId}"]`);
  const handle = handles[index];
  if (!handle) throw new Error(`no ${testId} #${index} (found ${handles.length})`);
  await handle.click();
}

/** Collects page console errors, to print when a test fails. */
export function recordConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') lines.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => lines.push(`pageerror: ${e}`));
  return lines;
}
