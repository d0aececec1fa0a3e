import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { ADMIN_TOKEN, call } from '../server/testing/harness.js';
import { priceOfPreset, priceOfSteps } from '../shared/pricing.js';
import { findTemplate } from '../shared/templates.js';
import {
  clickTestId,
  extensionPage,
  recordConsole,
  startWorld,
  textOf,
  type World,
  waitForStableCount,
} from './harness.js';

const PRICE = priceOfPreset('shopee-white-studio');
let world: World;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

async function signUpInOptions(email: string) {
  const options = await extensionPage(world, 'options');
  const ready = await options.waitForSelector('[data-testid="signup-email"], [data-testid="logout"]');
  if (await ready!.evaluate((el) => el.getAttribute('data-testid') === 'logout')) {
    await options.click('[data-testid="logout"]');
    await options.waitForSelector('[data-testid="signup-email"]');
  }
  await options.type('[data-testid="signup-email"]', email);
  await options.type('[data-testid="signup-password"]', 'correct horse battery');
  await options.click('[data-testid="signup-submit"]');
  await options.waitForSelector('[data-testid="logout"]', { timeout: 15_000 });
  return options;
}

const imageSrcs = (page: import('puppeteer-core').Page) =>
  page.$$eval('.shopee-image-manager img', (imgs) => imgs.map((img) => (img as HTMLImageElement).src));

describe('Shopee: enhance and replace a listing image', () => {
  it('a new seller signs up, connects the shop, enhances image 2 and replaces it on the listing', async () => {
    const email = `e2e-${randomUUID()}@example.com`;
    const options = await signUpInOptions(email);

    // Connect the sandbox shop through the seller-authorization page.
    await options.click('[data-testid="connect-shopee"]');
    const authTarget = await world.browser.waitForTarget(
      (t) => t.url().includes('/api/v2/shop/auth_partner'),
      { timeout: 15_000 },
    );
    const auth = (await authTarget.page())!;
    await auth.waitForSelector('#authorize');
    await Promise.all([auth.waitForNavigation(), auth.click('#authorize')]);
    await auth.waitForSelector('[data-testid="connect-result"][data-ok="true"]');
    await options.bringToFront();
    await options.reload();
    expect(await textOf(options, 'connection-row')).toContain('220001');

    // The product edit page in the (sandboxed) seller center.
    const item = world.sandbox.shops[0]!.items[0]!;
    const before = world.sandbox.getItem(item.itemId)!.imageIds;
    const page = await world.browser.newPage();
    const consoleLines = recordConsole(page);
    onTestFailed(async () => {
      console.log(consoleLines.join('\n'));
      console.log(
        'panel:',
        await page
          .$$eval('pierce/[data-testid="lumiku-panel"]', (els) => els.map((e) => e.textContent))
          .catch(String),
      );
      await page.screenshot({ path: '.tmp/e2e-failure.png' }).catch(() => {});
    });
    await page.goto(`https://seller.shopee.co.id/portal/product/${item.itemId}`);
    await page.waitForSelector('.shopee-image-manager img');
    // One button per image, even though the page re-renders its image list after loading.
    await waitForStableCount(page, 'lumiku-enhance', before.length);

    await clickTestId(page, 'lumiku-enhance', 1);
    expect(await textOf(page, 'lumiku-confirm')).toContain(String(PRICE));
    await clickTestId(page, 'lumiku-confirm');

    await textOf(page, 'lumiku-after');
    await textOf(page, 'lumiku-before');
    await clickTestId(page, 'lumiku-replace');
    await page.waitForFunction(
      (n) => document.querySelectorAll('.shopee-image-manager img').length === n,
      {},
      before.length,
    );
    const after = await waitForChange(() => world.sandbox.getItem(item.itemId)!.imageIds, before);
    expect(after).toHaveLength(before.length);
    expect(after[1]).not.toBe(before[1]);
    expect([after[0], ...after.slice(2)]).toEqual([before[0], ...before.slice(2)]);

    // The page shows the new image in slot 2, also after a reload from the marketplace's data.
    await page.waitForFunction(
      (id) =>
        (document.querySelectorAll('.shopee-image-manager img')[1] as HTMLImageElement)?.src.endsWith(id),
      {},
      after[1]!,
    );
    await page.reload();
    await page.waitForSelector('.shopee-image-manager img');
    expect((await imageSrcs(page))[1]).toMatch(new RegExp(`${after[1]}$`));

    // The popup shows the balance minus exactly the price; the ledger holds one capture for the job.
    const popup = await extensionPage(world, 'popup');
    await popup.waitForFunction(() =>
      document.querySelector('[data-testid="balance"]')?.textContent?.match(/\d/),
    );
    expect(await textOf(popup, 'balance')).toContain(String(50 - PRICE));
    const db = world.server.database.db;
    const seller = await db('sellers').where({ email }).first();
    const jobs = await db('jobs').where({ sellerId: seller.id });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: 'succeeded', slot: 1, productId: String(item.itemId) });
    // A new seller is on the free tier: the result is capped at 1024 px and watermarked (SPEC §4).
    expect(jobs[0].resultMeta).toMatchObject({ width: 1024, height: 1024, format: 'jpeg' });
    const captures = await db('credit_ledger').where({
      sellerId: seller.id,
      kind: 'capture',
      jobId: jobs[0].id,
    });
    expect(captures).toHaveLength(1);
    const change = await db('listing_image_changes').where({ jobId: jobs[0].id }).first();
    expect(change).toMatchObject({ previousImageId: before[1], newImageId: after[1], slot: 1 });
    await Promise.all([page.close(), popup.close(), options.close(), auth.close()]);
  });

  it('with too few credits the seller gets a clear message and nothing is created', async () => {
    const email = `poor-${randomUUID()}@example.com`;
    const options = await signUpInOptions(email);
    const adjust = await call(world.server.baseUrl, 'POST', '/v1/admin/credits', {
      token: ADMIN_TOKEN,
      body: { email, amount: -45 },
    });
    expect(adjust.status).toBe(201);

    const item = world.sandbox.shops[0]!.items[1]!;
    const before = world.sandbox.getItem(item.itemId)!.imageIds;
    const page = await world.browser.newPage();
    const consoleLines = recordConsole(page);
    onTestFailed(() => console.log(consoleLines.join('\n')));
    await page.goto(`https://seller.shopee.co.id/portal/product/${item.itemId}`);
    await waitForStableCount(page, 'lumiku-enhance', before.length);
    await clickTestId(page, 'lumiku-enhance', 0);
    await clickTestId(page, 'lumiku-confirm');
    const message = await textOf(page, 'lumiku-error');
    expect(message).toMatch(/Not enough credits|Kredit tidak cukup/);

    const db = world.server.database.db;
    const seller = await db('sellers').where({ email }).first();
    expect(await db('jobs').where({ sellerId: seller.id })).toHaveLength(0);
    expect(
      await db('credit_ledger')
        .where({ sellerId: seller.id })
        .whereIn('kind', ['hold', 'capture', 'release']),
    ).toHaveLength(0);
    expect(world.sandbox.getItem(item.itemId)!.imageIds).toEqual(before);
    await Promise.all([page.close(), options.close()]);
  });
});

describe('Shopee: choose a look before enhancing', () => {
  it('the seller picks a studio template, enhances, and the job runs it at its price', async () => {
    const template = findTemplate('studio-black')!;
    const templatePrice = priceOfSteps(template.steps);
    expect(templatePrice).not.toBe(PRICE);
    const email = `picker-${randomUUID()}@example.com`;
    const options = await signUpInOptions(email);

    const item = world.sandbox.shops[0]!.items[1]!;
    const before = world.sandbox.getItem(item.itemId)!.imageIds;
    const page = await world.browser.newPage();
    const consoleLines = recordConsole(page);
    onTestFailed(() => console.log(consoleLines.join('\n')));
    await page.goto(`https://seller.shopee.co.id/portal/product/${item.itemId}`);
    await waitForStableCount(page, 'lumiku-enhance', before.length);

    // One click shows the default preset; "Change look" opens the picker.
    await clickTestId(page, 'lumiku-enhance', 0);
    expect(await textOf(page, 'lumiku-confirm')).toContain(String(PRICE));
    await clickTestId(page, 'lumiku-change-look');
    await clickTestId(page, 'lumiku-tab-studio');
    const tile = await page.waitForSelector('pierce/[data-testid="lumiku-look"][data-look="studio-black"]', {
      visible: true,
      timeout: 20_000,
    });
    expect(await tile!.evaluate((el) => el.textContent)).toContain(String(templatePrice));
    // The thumbnail the server rendered, carried into the page by the background as a data: URL.
    await page.waitForFunction(
      () => {
        const host = document.querySelector('lumiku-panel-ui');
        const img = host?.shadowRoot?.querySelector(
          '[data-look="studio-black"] img',
        ) as HTMLImageElement | null;
        return img?.src.startsWith('data:image/webp') && img.complete && img.naturalWidth > 0;
      },
      { timeout: 30_000 },
    );
    await tile!.click();
    await page.waitForFunction(
      (price) => {
        const host = document.querySelector('lumiku-panel-ui');
        const button = host?.shadowRoot?.querySelector('[data-testid="lumiku-confirm"]');
        return button?.textContent?.includes(`(${price} `);
      },
      { timeout: 20_000 },
      templatePrice,
    );
    expect(await textOf(page, 'lumiku-preset')).toMatch(
      new RegExp(`${template.name.en}|${template.name.id}`),
    );
    await clickTestId(page, 'lumiku-confirm');
    await textOf(page, 'lumiku-after');

    const db = world.server.database.db;
    const seller = await db('sellers').where({ email }).first();
    const jobs = await db('jobs').where({ sellerId: seller.id });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      status: 'succeeded',
      templateId: 'studio-black',
      presetId: null,
      price: templatePrice,
      slot: 0,
    });
    const entries = await db('credit_ledger').where({ sellerId: seller.id, jobId: jobs[0].id });
    expect(entries.find((e: { kind: string }) => e.kind === 'hold')?.amount).toBe(-templatePrice);
    expect(entries.filter((e: { kind: string }) => e.kind === 'capture')).toHaveLength(1);
    expect((await db('sellers').where({ id: seller.id }).first()).balance).toBe(50 - templatePrice);

    // Remembered for Shopee: the next panel opens on the template.
    await page.reload();
    await waitForStableCount(page, 'lumiku-enhance', before.length);
    await clickTestId(page, 'lumiku-enhance', 1);
    expect(await textOf(page, 'lumiku-confirm')).toContain(String(templatePrice));
    await Promise.all([page.close(), options.close()]);
  });
});

async function waitForChange(read: () => string[], before: string[], timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = read();
    if (now.join() !== before.join()) return now;
    if (Date.now() > deadline) throw new Error('listing did not change');
    await new Promise((r) => setTimeout(r, 200));
  }
}
