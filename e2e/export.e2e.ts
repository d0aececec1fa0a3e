import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import yauzl from 'yauzl';
import { ADMIN_TOKEN, call } from '../server/testing/harness.js';
import { jobForm, productJpeg } from '../server/testing/images.js';
import { clickTestId, extensionPage, recordConsole, startWorld, textOf, type World } from './harness.js';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

const PASSWORD = 'correct horse battery';

async function signUpInOptions(email: string) {
  const options = await extensionPage(world, 'options');
  await options.waitForSelector('[data-testid="signup-email"]');
  await options.type('[data-testid="signup-email"]', email);
  await options.type('[data-testid="signup-password"]', PASSWORD);
  await options.click('[data-testid="signup-submit"]');
  await options.waitForSelector('[data-testid="logout"]', { timeout: 15_000 });
  return options;
}

function zipEntries(data: Buffer): Promise<string[]> {
  return new Promise((done, fail) => {
    yauzl.fromBuffer(data, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return fail(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => done(names));
      zip.on('error', fail);
      zip.readEntry();
    });
  });
}

describe('Popup: download finished photos as a ZIP', () => {
  it('a Professional seller ticks two photos, exports JPG + PNG and the browser saves the ZIP', async () => {
    const email = `zip-${randomUUID()}@example.com`;
    const options = await signUpInOptions(email);
    const base = world.server.baseUrl;
    const db = world.server.database.db;
    await db('sellers').where({ email }).update({ tier: 'professional' });
    await call(base, 'POST', '/v1/admin/credits', { token: ADMIN_TOKEN, body: { email, amount: 100 } });

    // Two finished photos, made through the API with a second session of the same seller.
    const login = await call(base, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    const image = await productJpeg();
    for (const slot of [0, 1]) {
      const res = await call(base, 'POST', '/v1/jobs', {
        token: login.body.token,
        form: jobForm(
          {
            kind: 'enhance',
            marketplace: 'shopee',
            productId: '700007',
            slot: String(slot),
            presetId: 'shopee-white-studio',
          },
          image,
        ),
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status).toBe(202);
    }
    const seller = await db('sellers').where({ email }).first();
    for (let i = 0; i < 600; i++) {
      const done = await db('jobs').where({ sellerId: seller.id, status: 'succeeded' });
      if (done.length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // Where Chromium saves downloads in this test.
    const downloads = resolve('.tmp', `downloads-${randomUUID().slice(0, 8)}`);
    mkdirSync(downloads, { recursive: true });
    const cdp = await world.browser.target().createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });

    const popup = await extensionPage(world, 'popup');
    const consoleLines = recordConsole(popup);
    onTestFailed(() => console.log(consoleLines.join('\n')));
    await clickTestId(popup, 'select-all');
    await clickTestId(popup, 'export-format-both');
    expect(await textOf(popup, 'export-create')).toMatch(/10 (credits|kredit)/);
    await clickTestId(popup, 'export-create');
    await popup.waitForSelector('[data-testid="export-download"]', { timeout: 60_000 });
    await clickTestId(popup, 'export-download');
    await popup.waitForSelector('[data-testid="export-download-started"]', { timeout: 15_000 });

    let saved: string | undefined;
    for (let i = 0; i < 300 && !saved; i++) {
      saved = readdirSync(downloads).find((name) => name.endsWith('.zip'));
      if (!saved) await new Promise((r) => setTimeout(r, 100));
    }
    expect(saved).toMatch(/^lumiku-export-\d{4}-\d{2}-\d{2}.*\.zip$/);
    const entries = await zipEntries(readFileSync(resolve(downloads, saved!)));
    expect(entries).toContain('metadata.json');
    expect(entries.filter((n) => n.startsWith('jpg/'))).toHaveLength(2);
    expect(entries.filter((n) => n.startsWith('png/'))).toHaveLength(2);

    // The export was charged once, at the multi-format price.
    const exportJobs = await db('jobs').where({ sellerId: seller.id, kind: 'export' });
    expect(exportJobs).toHaveLength(1);
    expect(exportJobs[0].price).toBe(10);

    rmSync(downloads, { recursive: true, force: true });
    await Promise.all([popup.close(), options.close(), cdp.detach()]);
  });
});
