import { randomUUID } from 'node:crypto';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { ADMIN_TOKEN, call } from '../server/testing/harness.js';
import {
  clickTestId,
  extensionPage,
  recordConsole,
  startWorld,
  textOf,
  type World,
  waitForStableCount,
} from './harness.js';

const IMAGES = '.core-upload-list-item-picture img';
let world: World;
let email: string;

beforeAll(async () => {
  world = await startWorld();
  // One seller for the file, connected to the TikTok Shop sandbox (which also serves Tokopedia).
  email = `tt-${randomUUID()}@example.com`;
  const options = await extensionPage(world, 'options');
  await options.waitForSelector('[data-testid="signup-email"]');
  await options.type('[data-testid="signup-email"]', email);
  await options.type('[data-testid="signup-password"]', 'correct horse battery');
  await options.click('[data-testid="signup-submit"]');
  await options.waitForSelector('[data-testid="logout"]', { timeout: 15_000 });
  await options.click('[data-testid="connect-tiktok"]');
  const authTarget = await world.browser.waitForTarget((t) => t.url().includes('/open/authorize'), {
    timeout: 15_000,
  });
  const auth = (await authTarget.page())!;
  await auth.waitForSelector('#authorize');
  await Promise.all([auth.waitForNavigation(), auth.click('#authorize')]);
  await auth.waitForSelector('[data-testid="connect-result"][data-ok="true"]');
  await auth.close();
  await options.close();
});
afterAll(() => world?.close());

async function productPage(url: string, onFail = true): Promise<Page> {
  const page = await world.browser.newPage();
  const lines = recordConsole(page);
  if (onFail) {
    onTestFailed(async () => {
      console.log(lines.join('\n'));
      await page.screenshot({ path: `.tmp/e2e-tiktok-failure-${Date.now()}.png` }).catch(() => {});
    });
  }
  await page.goto(url);
  await page.waitForSelector(IMAGES);
  return page;
}

const srcs = (page: Page) => page.$$eval(IMAGES, (imgs) => imgs.map((img) => (img as HTMLImageElement).src));
const topUp = (amount: number) =>
  call(world.server.baseUrl, 'POST', '/v1/admin/credits', { token: ADMIN_TOKEN, body: { email, amount } });

async function enhanceAndPreview(page: Page, slot: number, count: number) {
  await waitForStableCount(page, 'lumiku-enhance', count);
  await clickTestId(page, 'lumiku-enhance', slot);
  await clickTestId(page, 'lumiku-confirm');
  await textOf(page, 'lumiku-after');
}

describe('Tokopedia and TikTok Shop: enhance, replace, revert', () => {
  it('Tokopedia: replaces image 2 through the TikTok Shop API (listing kept on Tokopedia), shows the review state, then reverts', async () => {
    await topUp(200);
    const product = world.tiktok.shops[0]!.products.find((p) =>
      world.tiktok.getProduct(p.id)!.listingPlatforms.includes('TOKOPEDIA'),
    )!;
    const before = world.tiktok.getProduct(product.id)!;
    const page = await productPage(`https://seller-id.tokopedia.com/product/edit/${product.id}`);
    await enhanceAndPreview(page, 1, before.mainImageUris.length);
    await clickTestId(page, 'lumiku-replace');
    expect(await textOf(page, 'lumiku-audit')).toMatch(/Under review|Menunggu peninjauan/);

    const after = world.tiktok.getProduct(product.id)!;
    expect(after.mainImageUris[1]).not.toBe(before.mainImageUris[1]);
    expect(after.mainImageUris.filter((_, i) => i !== 1)).toEqual(
      before.mainImageUris.filter((_, i) => i !== 1),
    );
    expect(after.listingPlatforms).toEqual(before.listingPlatforms);
    await page.waitForFunction(
      (sel, uri) => (document.querySelectorAll(sel)[1] as HTMLImageElement)?.src.includes(uri),
      {},
      IMAGES,
      after.mainImageUris[1]!,
    );

    await clickTestId(page, 'lumiku-revert');
    await page.waitForFunction(
      (sel, uri) => (document.querySelectorAll(sel)[1] as HTMLImageElement)?.src.includes(uri),
      {},
      IMAGES,
      before.mainImageUris[1]!,
    );
    expect(world.tiktok.getProduct(product.id)!.mainImageUris).toEqual(before.mainImageUris);
    expect((await srcs(page)).length).toBe(before.mainImageUris.length);
    expect(await textOf(page, 'lumiku-status')).toMatch(/Original photo restored|Foto asli dikembalikan/);
    await page.close();
  });

  it('TikTok Shop: follows client-side navigation to the next product; an access token expiring mid-flow is refreshed silently', async () => {
    await topUp(200);
    const first = world.tiktok.shops[0]!.products[0]!;
    const page = await productPage(`https://seller-id.tiktok.com/product/edit/${first.id}`);
    await waitForStableCount(page, 'lumiku-enhance', world.tiktok.getProduct(first.id)!.mainImageUris.length);

    // Every button mounted from now on, with the image it sat on when it appeared (our hosts are in the
    // page's DOM; their shadow roots are not).
    await page.evaluate(() => {
      const seen: Array<{ product: string; src: string }> = [];
      (window as unknown as { lumikuMounts: typeof seen }).lumikuMounts = seen;
      new MutationObserver((records) => {
        for (const node of records.flatMap((r) => Array.from(r.addedNodes))) {
          if (!(node instanceof HTMLElement) || node.localName !== 'lumiku-enhance-ui') continue;
          const img = node.parentElement?.querySelector('img');
          seen.push({ product: node.dataset.lumikuProduct ?? '', src: img?.src ?? '' });
        }
      }).observe(document.body, { childList: true, subtree: true });
    });

    // A slow network: the next product's data arrives 1 s after the URL changed, so the previous product's
    // images stay on screen under the new URL for a while (what the stale-button guard is for).
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const slow = request.url().includes('/api/v1/product/get') && !request.url().endsWith(`=${first.id}`);
      if (slow) setTimeout(() => void request.continue().catch(() => {}), 1000);
      else void request.continue().catch(() => {});
    });

    // The seller moves to the next product without a page load (history.pushState).
    const loadsBefore = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    await page.click('[data-tid="next-product"]');
    await page.waitForFunction((id) => !location.pathname.endsWith(id), {}, first.id);
    const nextId = new URL(page.url()).pathname.split('/').pop()!;
    const next = world.tiktok.getProduct(nextId)!;
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(loadsBefore);
    await page.waitForFunction(
      (sel, uri) => (document.querySelector(sel) as HTMLImageElement | null)?.src.includes(uri),
      {},
      IMAGES,
      next.mainImageUris[0]!,
    );

    await enhanceAndPreview(page, 0, next.mainImageUris.length);
    // No button ever stood on the previous product's images or acted for the previous product.
    const mounts = await page.evaluate(
      () => (window as unknown as { lumikuMounts: Array<{ product: string; src: string }> }).lumikuMounts,
    );
    expect(mounts.length).toBeGreaterThanOrEqual(next.mainImageUris.length);
    for (const mount of mounts) {
      expect(mount.product).toBe(nextId);
      expect(next.mainImageUris.some((uri) => mount.src.includes(uri))).toBe(true);
    }
    const refreshes = world.tiktok.requestLog.filter((e) => e.path.endsWith('/api/v2/token/refresh')).length;
    world.tiktok.expireAccessTokens();
    await clickTestId(page, 'lumiku-replace');
    await textOf(page, 'lumiku-revert');
    expect(world.tiktok.getProduct(nextId)!.mainImageUris[0]).not.toBe(next.mainImageUris[0]);
    expect(world.tiktok.requestLog.filter((e) => e.path.endsWith('/api/v2/token/refresh')).length).toBe(
      refreshes + 1,
    );
    const db = world.server.database.db;
    const seller = await db('sellers').where({ email }).first();
    const job = await db('jobs').where({ sellerId: seller.id, productId: nextId }).first();
    expect(job).toMatchObject({ marketplace: 'tiktok', slot: 0, status: 'succeeded' });
    await page.close();
  });

  it('a revoked connection shows "Reconnect", and the failed push charges nothing', async () => {
    await topUp(200);
    const product = world.tiktok.shops[0]!.products[2]!;
    const before = world.tiktok.getProduct(product.id)!;
    const page = await productPage(`https://seller-id.tiktok.com/product/edit/${product.id}`);
    await enhanceAndPreview(page, 0, before.mainImageUris.length);

    world.tiktok.revokeShop(world.tiktok.shops[0]!.id);
    world.tiktok.expireAccessTokens();
    const db = world.server.database.db;
    const seller = await db('sellers').where({ email }).first();
    const ledgerBefore = await db('credit_ledger').where({ sellerId: seller.id }).orderBy('seq');
    await clickTestId(page, 'lumiku-replace');
    expect(await textOf(page, 'lumiku-error')).toMatch(/Reconnect|Hubungkan ulang/);
    await textOf(page, 'lumiku-reconnect');
    expect(await db('credit_ledger').where({ sellerId: seller.id }).orderBy('seq')).toEqual(ledgerBefore);
    expect(world.tiktok.getProduct(product.id)!.mainImageUris).toEqual(before.mainImageUris);

    // "Reconnect shop" opens the options page (through the background), which shows the connection as
    // needing reconnection, with a button for it; the popup warns too.
    await clickTestId(page, 'lumiku-reconnect');
    const optionsTarget = await world.browser.waitForTarget(
      (t) => t.url() === `chrome-extension://${world.extensionId}/options.html`,
      { timeout: 15_000 },
    );
    const options = (await optionsTarget.page())!;
    await options.waitForSelector('[data-testid="connection-row"][data-status="needs_reauth"]', {
      timeout: 15_000,
    });
    await options.waitForSelector('[data-testid="connection-reconnect"]');
    const popup = await extensionPage(world, 'popup');
    await popup.waitForSelector('[data-testid="popup-reconnect"]', { timeout: 15_000 });
    await Promise.all([page.close(), options.close(), popup.close()]);
  });
});
