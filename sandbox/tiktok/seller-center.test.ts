/**
 * The seller-center SPA in a real browser: the exact main-image markup the extension's selectors rely on, the
 * one re-render ~300 ms after each product's first render, client-side navigation to the next product, the
 * review badge, and images loaded from the CDN hosts through --host-resolver-rules. Skipped where there is no
 * Chromium (CHROMIUM_PATH, default /usr/bin/chromium, as the e2e suite).
 */
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTikTokSandbox, type TikTokSandbox } from './index.js';
import { approveAuthorization } from './testing.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const APP_KEY = 'spaappkey';
const APP_SECRET = 'spa-test-app-secret-0123456789';
const SERVICE_ID = '7300000000000000007';

describe.skipIf(!existsSync(CHROMIUM))('seller-center product edit page in Chromium', () => {
  let sandbox: TikTokSandbox;
  let browser: Browser;
  let profile: string;

  beforeAll(async () => {
    sandbox = await startTikTokSandbox({
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      serviceId: SERVICE_ID,
      redirectUrl: 'https://lumiku.example/cb',
      // Keeps the edit below under review for the whole test.
      auditApprovalMs: 10 * 60_000,
    });
    profile = mkdtempSync(join(tmpdir(), 'tiktok-sandbox-chromium-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      pipe: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        `--host-resolver-rules=${sandbox.hostResolverRules}`,
        '--ignore-certificate-errors',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close().catch(() => {});
    await sandbox?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const expectedMarkup = (uris: string[]): string =>
    '<div class="core-upload core-upload-type-picture-card" data-tid="product-main-images">' +
    '<div class="core-upload-list core-upload-list-type-picture-card">' +
    uris
      .map(
        (uri) =>
          '<div class="core-upload-list-item core-upload-list-item-done"><div class="core-upload-list-item-picture">' +
          `<img src="https://p16-oec-sg.ibyteimg.com/${uri}~tplv-aphluv4xwc-origin-jpeg.jpeg"></div></div>`,
      )
      .join('') +
    '</div></div>';

  const renders = (page: Page): Promise<number> =>
    page.evaluate(() => Number(document.body.getAttribute('data-image-renders') ?? 0));

  const mainImagesHtml = (page: Page): Promise<string | undefined> =>
    page.evaluate(() => document.querySelector('[data-tid="product-main-images"]')?.outerHTML);

  /** Puts product 1 under review through the API, signed by hand like the sandbox tests. */
  async function editProduct(id: string): Promise<void> {
    const callback = await approveAuthorization(
      `${sandbox.baseUrl}/open/authorize?service_id=${SERVICE_ID}&state=s`,
    );
    const tokenUrl = new URL('/api/v2/token/get', sandbox.baseUrl);
    for (const [k, v] of Object.entries({
      app_key: APP_KEY,
      app_secret: APP_SECRET,
      grant_type: 'authorized_code',
      auth_code: callback.searchParams.get('code')!,
    }))
      tokenUrl.searchParams.set(k, v);
    const token = ((await (await fetch(tokenUrl)).json()) as { data: { access_token: string } }).data
      .access_token;
    const product = sandbox.getProduct(id)!;
    const body = JSON.stringify({
      main_images: [...product.mainImageUris].reverse().map((uri) => ({ uri })),
      listing_platforms: product.listingPlatforms,
    });
    const path = `/product/202309/products/${id}/partial_edit`;
    const query: Record<string, string> = {
      app_key: APP_KEY,
      shop_cipher: sandbox.shops[0]!.cipher,
      timestamp: String(Math.floor(Date.now() / 1000)),
    };
    const base = `${path}${Object.keys(query)
      .sort()
      .map((k) => `${k}${query[k]}`)
      .join('')}${body}`;
    const url = new URL(path, sandbox.baseUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    url.searchParams.set(
      'sign',
      createHmac('sha256', APP_SECRET).update(`${APP_SECRET}${base}${APP_SECRET}`).digest('hex'),
    );
    const answer = (await (
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tts-access-token': token },
        body,
      })
    ).json()) as { code: number };
    expect(answer.code).toBe(0);
  }

  it('renders the exact main-image markup, re-renders once, and navigates client-side', async () => {
    const [first, second] = sandbox.shops[0]!.products;
    await editProduct(second!.id);
    const page = await browser.newPage();
    try {
      await page.goto(`${sandbox.sellerCenters.tokopedia}/product/edit/${first!.id}`);
      // Counts are compared with >= and read together with the node they describe: on a loaded machine the
      // ~300 ms re-render may already have happened by the time the test looks.
      await page.waitForFunction(() => Number(document.body.getAttribute('data-image-renders')) >= 1);
      expect(await mainImagesHtml(page)).toBe(expectedMarkup(sandbox.getProduct(first!.id)!.mainImageUris));
      const item = await page.evaluateHandle((): Element | null => {
        (window as unknown as { rendersAtGrab: number }).rendersAtGrab = Number(
          document.body.getAttribute('data-image-renders'),
        );
        return document.querySelector('.core-upload-list-item');
      });
      const rendersAtGrab = await page.evaluate(
        () => (window as unknown as { rendersAtGrab: number }).rendersAtGrab,
      );
      await page.waitForFunction(() => Number(document.body.getAttribute('data-image-renders')) >= 2);
      // The items were replaced (the extension's anchors go stale), the markup is the same.
      if (rendersAtGrab === 1) expect(await page.evaluate((node) => node?.isConnected, item)).toBe(false);
      expect(await mainImagesHtml(page)).toBe(expectedMarkup(sandbox.getProduct(first!.id)!.mainImageUris));
      // Exactly one re-render.
      await new Promise((r) => setTimeout(r, 600));
      expect(await renders(page)).toBe(2);
      // The images really come from the CDN hosts, through the host-resolver rules.
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll<HTMLImageElement>('.core-upload-list-item-picture img')).every(
          (img) => img.complete && img.naturalWidth === 800,
        ),
      );
      expect(await page.$('[data-tid="audit-status"]')).toBeNull();

      // Client-side navigation: same document, new product (a first render and one re-render).
      const rendersBeforeNavigation = await renders(page);
      await page.evaluate(() => {
        (window as unknown as { marker: number }).marker = 42;
      });
      await page.click('a[data-tid="next-product"]');
      await page.waitForFunction(
        (id) => document.querySelector('[data-product-id]')?.getAttribute('data-product-id') === id,
        {},
        second!.id,
      );
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
      expect(new URL(page.url()).pathname).toBe(`/product/edit/${second!.id}`);
      expect(await mainImagesHtml(page)).toBe(expectedMarkup(sandbox.getProduct(second!.id)!.mainImageUris));
      expect(await page.$eval('[data-tid="audit-status"]', (node) => node.textContent)).toBe(
        'Under review / Menunggu peninjauan',
      );
      await page.waitForFunction(
        (n) => Number(document.body.getAttribute('data-image-renders')) >= n + 2,
        {},
        rendersBeforeNavigation,
      );

      // Back button: popstate renders the first product again, still without a reload.
      await page.goBack();
      await page.waitForFunction(
        (id) => document.querySelector('[data-product-id]')?.getAttribute('data-product-id') === id,
        {},
        first!.id,
      );
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    } finally {
      await page.close();
    }
  });

  it('serves the same page on seller-id.tiktok.com and seller.tiktokglobalshop.com', async () => {
    const product = sandbox.shops[0]!.products[2]!;
    for (const origin of [sandbox.sellerCenters.tiktok, sandbox.sellerCenters.tiktokGlobal]) {
      const page = await browser.newPage();
      try {
        await page.goto(`${origin}/product/edit/${product.id}`);
        await page.waitForFunction(() => Number(document.body.getAttribute('data-image-renders')) >= 1);
        expect(await mainImagesHtml(page)).toBe(
          expectedMarkup(sandbox.getProduct(product.id)!.mainImageUris),
        );
      } finally {
        await page.close();
      }
    }
  });
});
