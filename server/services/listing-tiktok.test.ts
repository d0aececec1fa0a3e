import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTikTokSandbox, type TikTokSandbox } from '../../sandbox/tiktok/index.js';
import { approveAuthorization } from '../../sandbox/tiktok/testing.js';
import { ShopConnection } from '../db/models.js';
import { decodeRgb, pixelAt } from '../pipeline/testing/pixels.js';
import { ADMIN_TOKEN, call, type Harness, startHarness } from '../testing/harness.js';
import { jobForm, productJpeg } from '../testing/images.js';

let sandbox: TikTokSandbox;
let h: Harness;
beforeAll(async () => {
  const app = {
    appKey: 'sandbox-app',
    appSecret: randomBytes(16).toString('hex'),
    serviceId: '7000000000000001',
  };
  sandbox = await startTikTokSandbox({ ...app, redirectUrl: 'http://127.0.0.1:1/unset' });
  h = await startHarness({
    TIKTOK_API_BASE: sandbox.baseUrl,
    TIKTOK_AUTH_BASE: sandbox.baseUrl,
    TIKTOK_SERVICES_BASE: sandbox.baseUrl,
    TIKTOK_APP_KEY: app.appKey,
    TIKTOK_APP_SECRET: app.appSecret,
    TIKTOK_SERVICE_ID: app.serviceId,
  });
  // As registered in Partner Center: TikTok sends sellers back to this fixed URL.
  sandbox.setRedirectUrl(`${h.baseUrl}/v1/connections/tiktok/callback`);
  h.startWorker();
});
afterAll(async () => {
  await h?.close();
  await sandbox?.close();
});

async function connectedSeller() {
  const signup = await call(h.baseUrl, 'POST', '/v1/auth/signup', {
    body: { email: `t-${randomUUID()}@example.com`, password: 'password123', locale: 'id' },
  });
  const token = signup.body.token as string;
  await call(h.baseUrl, 'POST', '/v1/admin/credits', {
    token: ADMIN_TOKEN,
    body: { email: signup.body.seller.email, amount: 500 },
  });
  const start = await call(h.baseUrl, 'POST', '/v1/connections/tiktok/start', { token });
  expect(start.status).toBe(200);
  const page = await fetch(await approveAuthorization(start.body.authorizeUrl));
  expect(await page.text()).toContain('data-ok="true"');
  return { token, sellerId: signup.body.seller.id as string };
}

async function finishedJob(
  token: string,
  marketplace: 'tokopedia' | 'tiktok',
  productId: string,
  slot: number,
) {
  const product = sandbox.getProduct(productId)!;
  const job = await call(h.baseUrl, 'POST', '/v1/jobs', {
    token,
    form: jobForm(
      {
        kind: 'enhance',
        marketplace,
        productId,
        slot: String(slot),
        presetId: `${marketplace}-white-studio`,
        sourceImageId: product.mainImageUris[slot]!,
      },
      await productJpeg(800, slot + 3),
    ),
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(job.status).toBe(202);
  for (let i = 0; i < 150; i++) {
    const view = await call(h.baseUrl, 'GET', `/v1/jobs/${job.body.id}`, { token });
    if (view.body.status === 'succeeded') return view.body;
    if (view.body.status === 'failed') throw new Error(JSON.stringify(view.body.error));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('job did not finish');
}

const tokopediaProduct = () =>
  sandbox.shops[0]!.products.find((p) => sandbox.getProduct(p.id)!.listingPlatforms.includes('TOKOPEDIA'))!;
const count = (suffix: string) => sandbox.requestLog.filter((e) => e.path.endsWith(suffix)).length;

describe('TikTok Shop / Tokopedia connection', () => {
  it('connects every authorized shop with its shop_cipher, tokens encrypted', async () => {
    const { token, sellerId } = await connectedSeller();
    const [connection] = await ShopConnection.query(h.database.db).where({ sellerId });
    expect(connection).toMatchObject({
      marketplace: 'tiktok',
      status: 'active',
      shopId: sandbox.shops[0]!.id,
      shopCipher: sandbox.shops[0]!.cipher,
    });
    const list = await call(h.baseUrl, 'GET', '/v1/connections', { token });
    expect(list.body.connections[0]).toMatchObject({
      marketplace: 'tiktok',
      shopName: sandbox.shops[0]!.name,
    });
  });
});

/** Darkest luma in the result's bottom-right corner, where the free tier's watermark goes. */
async function cornerInk(token: string, jobId: string): Promise<number> {
  const result = await fetch(`${h.baseUrl}/v1/jobs/${jobId}/result`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const image = await decodeRgb(Buffer.from(await result.arrayBuffer()));
  let darkest = 255;
  for (let y = image.height - Math.round(image.height * 0.06); y < image.height - 4; y++) {
    for (let x = image.width - Math.round(image.width * 0.2); x < image.width - 4; x++) {
      const [r, g, b] = pixelAt(image, x, y);
      darkest = Math.min(darkest, 0.299 * r + 0.587 * g + 0.114 * b);
    }
  }
  return darkest;
}

describe('tiers (SPEC §4: free = watermark, max 1024 px)', () => {
  it('a free seller gets a 1024 px result with the watermark; a professional seller 1200 px without', async () => {
    const { token, sellerId } = await connectedSeller();
    const product = tokopediaProduct();
    const free = await finishedJob(token, 'tokopedia', product.id, 2);
    expect(free.result).toMatchObject({ width: 1024, height: 1024, format: 'jpeg' });
    expect(await cornerInk(token, free.id)).toBeLessThan(215);

    // The worker reads the tier when the job runs, so an upgrade applies to the next job.
    await h.database.db('sellers').where({ id: sellerId }).update({ tier: 'professional' });
    const paid = await finishedJob(token, 'tokopedia', product.id, 2);
    expect(paid.result).toMatchObject({ width: 1200, height: 1200, format: 'jpeg' });
    expect(paid.price).toBe(free.price);
    expect(await cornerInk(token, paid.id)).toBeGreaterThanOrEqual(245);
  });
});

describe('replace and revert through the TikTok Shop API', () => {
  it('replaces a Tokopedia listing image: full ordered list, listing platforms kept, review state reported', async () => {
    const { token } = await connectedSeller();
    const product = tokopediaProduct();
    const before = sandbox.getProduct(product.id)!;
    const job = await finishedJob(token, 'tokopedia', product.id, 1);
    // A new sign-up is on the free tier: 1024 px at most (SPEC §4), still above Tokopedia's 300 px minimum.
    expect(job.result).toMatchObject({ width: 1024, height: 1024 });

    const applied = await call(h.baseUrl, 'POST', `/v1/jobs/${job.id}/apply`, { token });
    expect(applied.status).toBe(200);
    expect(applied.body.job.applied).toMatchObject({
      replacedImageId: before.mainImageUris[1],
      auditStatus: 'AUDITING',
      revertedAt: null,
    });
    const after = sandbox.getProduct(product.id)!;
    expect(after.mainImageUris[1]).toBe(applied.body.job.applied.imageId);
    expect(after.mainImageUris.filter((_, i) => i !== 1)).toEqual(
      before.mainImageUris.filter((_, i) => i !== 1),
    );
    expect(after.listingPlatforms).toEqual(before.listingPlatforms);
    expect(after.listingPlatforms).toContain('TOKOPEDIA');

    const reverted = await call(h.baseUrl, 'POST', `/v1/jobs/${job.id}/revert`, { token });
    expect(reverted.status).toBe(200);
    expect(sandbox.getProduct(product.id)!.mainImageUris).toEqual(before.mainImageUris);
    expect(sandbox.getProduct(product.id)!.listingPlatforms).toEqual(before.listingPlatforms);
  });

  it('an access token that expires mid-flow is refreshed without the seller noticing', async () => {
    const { token } = await connectedSeller();
    const product = sandbox.shops[0]!.products[0]!;
    const job = await finishedJob(token, 'tiktok', product.id, 0);
    sandbox.expireAccessTokens();
    const refreshes = count('/api/v2/token/refresh');
    const applied = await call(h.baseUrl, 'POST', `/v1/jobs/${job.id}/apply`, { token });
    expect(applied.status).toBe(200);
    expect(count('/api/v2/token/refresh')).toBe(refreshes + 1);
  });

  it('rides out a rate limit (429 with Retry-After) on the edit', async () => {
    const { token } = await connectedSeller();
    const product = sandbox.shops[0]!.products[2]!;
    const job = await finishedJob(token, 'tiktok', product.id, 0);
    sandbox.injectFault({
      path: /partial_edit$/,
      times: 1,
      httpStatus: 429,
      code: 36009002,
      retryAfterSeconds: 1,
    });
    const applied = await call(h.baseUrl, 'POST', `/v1/jobs/${job.id}/apply`, { token });
    expect(applied.status).toBe(200);
    expect(sandbox.getProduct(product.id)!.mainImageUris[0]).toBe(applied.body.job.applied.imageId);
  });

  it('a revoked authorization: needs_reauth, a clear message, and no credit movement for the failed push', async () => {
    const { token, sellerId } = await connectedSeller();
    const product = sandbox.shops[0]!.products[0]!;
    const job = await finishedJob(token, 'tiktok', product.id, 2);
    const ledgerBefore = await h.database.db('credit_ledger').where({ sellerId }).count({ n: '*' }).first();
    sandbox.revokeShop(sandbox.shops[0]!.id);
    sandbox.expireAccessTokens();
    const res = await call(h.baseUrl, 'POST', `/v1/jobs/${job.id}/apply`, { token });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({
      code: 'CONNECTION_NEEDS_REAUTH',
      message: 'Koneksi toko kedaluwarsa. Hubungkan ulang toko di pengaturan ekstensi.',
    });
    const [connection] = await ShopConnection.query(h.database.db).where({ sellerId });
    expect(connection!.status).toBe('needs_reauth');
    const ledgerAfter = await h.database.db('credit_ledger').where({ sellerId }).count({ n: '*' }).first();
    expect(ledgerAfter).toEqual(ledgerBefore);
    expect(await h.database.db('listing_image_changes').where({ jobId: job.id })).toHaveLength(0);
  });
});
