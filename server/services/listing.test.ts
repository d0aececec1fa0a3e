import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShopeeSandbox, startShopeeSandbox } from '../../sandbox/shopee/index.js';
import { approveAuthorization } from '../../sandbox/shopee/testing.js';
import { TokenCipher } from '../crypto/token-cipher.js';
import { ShopConnection } from '../db/models.js';
import { ADMIN_TOKEN, call, type Harness, startHarness } from '../testing/harness.js';
import { jobForm, productJpeg } from '../testing/images.js';
import { reencryptAllTokens, shopAuthFor } from './connections.js';

let sandbox: ShopeeSandbox;
let h: Harness;
beforeAll(async () => {
  const partnerKey = randomBytes(32).toString('hex');
  sandbox = await startShopeeSandbox({ partnerId: 1000001, partnerKey });
  h = await startHarness({
    SHOPEE_API_BASE: sandbox.apiBaseUrl,
    SHOPEE_PARTNER_ID: '1000001',
    SHOPEE_PARTNER_KEY: partnerKey,
  });
  h.startWorker();
});
afterAll(async () => {
  await h?.close();
  await sandbox?.close();
});

async function connectedSeller() {
  const signup = await call(h.baseUrl, 'POST', '/v1/auth/signup', {
    body: { email: `l-${randomUUID()}@example.com`, password: 'password123', locale: 'en' },
  });
  const token = signup.body.token as string;
  await call(h.baseUrl, 'POST', '/v1/admin/credits', {
    token: ADMIN_TOKEN,
    body: { email: signup.body.seller.email, amount: 500 },
  });
  const start = await call(h.baseUrl, 'POST', '/v1/connections/shopee/start', { token });
  expect(start.status).toBe(200);
  const callback = await approveAuthorization(start.body.authorizeUrl);
  const page = await fetch(callback);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('data-ok="true"');
  return { token, sellerId: signup.body.seller.id as string, callback };
}

async function finishedJob(token: string, itemId: number, slot: number) {
  const item = sandbox.getItem(itemId)!;
  const job = await call(h.baseUrl, 'POST', '/v1/jobs', {
    token,
    form: jobForm(
      {
        kind: 'enhance',
        marketplace: 'shopee',
        productId: String(itemId),
        slot: String(slot),
        presetId: 'shopee-white-studio',
        sourceImageId: item.imageIds[slot]!,
      },
      await productJpeg(800, slot),
    ),
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(job.status).toBe(202);
  for (let i = 0; i < 150; i++) {
    const view = await call(h.baseUrl, 'GET', `/v1/jobs/${job.body.id}`, { token });
    if (view.body.status === 'succeeded') return view.body.id as string;
    if (view.body.status === 'failed') throw new Error(JSON.stringify(view.body.error));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('job did not finish');
}

const uploads = () => sandbox.requestLog.filter((e) => e.path.endsWith('/media_space/upload_image')).length;
const refreshes = () => sandbox.requestLog.filter((e) => e.path.endsWith('/auth/access_token/get')).length;

describe('shop connection', () => {
  it('stores tokens encrypted; a replayed or forged state is refused and stores nothing', async () => {
    const { sellerId, callback } = await connectedSeller();
    const [connection] = await ShopConnection.query(h.database.db).where({ sellerId });
    expect(connection).toMatchObject({
      marketplace: 'shopee',
      shopId: '220001',
      status: 'active',
      keyId: 'k1',
    });
    const raw = JSON.stringify(await h.database.db('shop_connections').where({ sellerId }));
    expect(raw).not.toMatch(/access_token|refresh_token/i);

    const replay = await fetch(callback);
    expect(replay.status).toBe(400);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state');
    expect((await fetch(forged)).status).toBe(400);
    expect(await ShopConnection.query(h.database.db).where({ sellerId })).toHaveLength(1);
  });

  it('20 concurrent callers with an expired token cause exactly one refresh', async () => {
    const { sellerId } = await connectedSeller();
    const [connection] = await ShopConnection.query(h.database.db).where({ sellerId });
    await ShopConnection.query(h.database.db)
      .patch({ accessExpiresAt: new Date(Date.now() - 1000) })
      .where({ id: connection!.id });
    const before = refreshes();
    const deps = {
      db: h.database.db,
      cipher: h.runtime.cipher,
      logger: h.runtime.logger,
      publicUrl: h.config.PUBLIC_URL,
      connectors: h.runtime.connectors,
    };
    const auths = await Promise.all(Array.from({ length: 20 }, () => shopAuthFor(deps, connection!.id)));
    const tokens = auths.map((a) => a.accessToken);
    expect(refreshes() - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });
});

describe('replace on listing', () => {
  it('uploads the result into the same slot, keeps the others, records the change, and uploads once when repeated', async () => {
    const { token } = await connectedSeller();
    const itemId = sandbox.shops[0]!.items[2]!.itemId;
    const before = sandbox.getItem(itemId)!.imageIds;
    const jobId = await finishedJob(token, itemId, 2);
    const uploadsBefore = uploads();

    const [first, second] = await Promise.all([
      call(h.baseUrl, 'POST', `/v1/jobs/${jobId}/apply`, { token }),
      call(h.baseUrl, 'POST', `/v1/jobs/${jobId}/apply`, { token }),
    ]);
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(uploads() - uploadsBefore).toBe(1);

    const after = sandbox.getItem(itemId)!.imageIds;
    expect(after[2]).toBe(first.body.job.applied.imageId);
    expect(first.body.job.applied.replacedImageId).toBe(before[2]);
    expect(after.filter((_, i) => i !== 2)).toEqual(before.filter((_, i) => i !== 2));
    expect(first.body.job.applied.imageUrl).toBe(`https://down-id.img.susercontent.com/file/${after[2]}`);
  });

  it('refreshes an access token the marketplace expired, without the seller noticing', async () => {
    const { token } = await connectedSeller();
    const itemId = sandbox.shops[0]!.items[0]!.itemId;
    const jobId = await finishedJob(token, itemId, 0);
    sandbox.expireAccessTokens(220001);
    const before = refreshes();
    const res = await call(h.baseUrl, 'POST', `/v1/jobs/${jobId}/apply`, { token });
    expect(res.status).toBe(200);
    expect(refreshes() - before).toBeGreaterThanOrEqual(1);
  });

  it('reports a promotion lock and a changed listing in plain words, changing nothing', async () => {
    const { token } = await connectedSeller();
    const itemId = sandbox.shops[0]!.items[1]!.itemId;
    const jobId = await finishedJob(token, itemId, 0);
    const before = sandbox.getItem(itemId)!.imageIds;
    sandbox.setPromotionLocked(itemId, true);
    const locked = await call(h.baseUrl, 'POST', `/v1/jobs/${jobId}/apply`, { token });
    sandbox.setPromotionLocked(itemId, false);
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('LISTING_IN_PROMOTION');
    expect(sandbox.getItem(itemId)!.imageIds).toEqual(before);
    expect(await h.database.db('listing_image_changes').where({ jobId })).toHaveLength(0);
  });

  it('a revoked connection becomes needs_reauth and the seller is told to reconnect', async () => {
    const { token, sellerId } = await connectedSeller();
    const itemId = sandbox.shops[0]!.items[0]!.itemId;
    const jobId = await finishedJob(token, itemId, 1);
    sandbox.revokeShop(220001);
    const res = await call(h.baseUrl, 'POST', `/v1/jobs/${jobId}/apply`, { token });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONNECTION_NEEDS_REAUTH');
    const [connection] = await ShopConnection.query(h.database.db).where({ sellerId });
    expect(connection!.status).toBe('needs_reauth');
    const list = await call(h.baseUrl, 'GET', '/v1/connections', { token });
    expect(list.body.connections[0]).toMatchObject({ status: 'needs_reauth', shopId: '220001' });
  });

  it('reverts to the replaced image once, and refuses when the slot no longer holds our image', async () => {
    const { token } = await connectedSeller();
    const itemId = sandbox.shops[0]!.items[2]!.itemId;
    const original = sandbox.getItem(itemId)!.imageIds;
    const jobId = await finishedJob(token, itemId, 0);
    const applied = await call(h.baseUrl, 'POST', `/v1/jobs/${jobId}/apply`, { token });
    expect(applied.status).toBe(200);
    expect(sandbox.getItem(itemId)!.imageIds[0]).not.toBe(original[0]);

    const [first, second] = await Promise.all([
      call(h.baseUrl, 'POST', `/v1/jobs/${jobId}/revert`, { token }),
      call(h.baseUrl, 'POST', `/v1/jobs/${jobId}/revert`, { token }),
    ]);
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(first.body.job.applied.revertedAt).not.toBeNull();
    expect(sandbox.getItem(itemId)!.imageIds).toEqual(original);

    const history = await call(
      h.baseUrl,
      'GET',
      `/v1/listings/history?marketplace=shopee&productId=${itemId}`,
      { token },
    );
    expect(
      history.body.changes
        .filter((c: { jobId: string }) => c.jobId === jobId)
        .map((c: { kind: string }) => c.kind),
    ).toEqual(['revert', 'replace']);

    // Job B replaces slot 1, then job C replaces it again: reverting B would clobber C's image.
    const b = await finishedJob(token, itemId, 1);
    expect((await call(h.baseUrl, 'POST', `/v1/jobs/${b}/apply`, { token })).status).toBe(200);
    const c = await finishedJob(token, itemId, 1);
    expect((await call(h.baseUrl, 'POST', `/v1/jobs/${c}/apply`, { token })).status).toBe(200);
    const current = sandbox.getItem(itemId)!.imageIds;
    const refused = await call(h.baseUrl, 'POST', `/v1/jobs/${b}/revert`, { token });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('LISTING_CHANGED');
    expect(sandbox.getItem(itemId)!.imageIds).toEqual(current);

    const neverApplied = await finishedJob(token, itemId, 2);
    const nothing = await call(h.baseUrl, 'POST', `/v1/jobs/${neverApplied}/revert`, { token });
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.code).toBe('NOTHING_TO_REVERT');
  });
});

describe('connection lifecycle', () => {
  it('rotates the token key: every row re-encrypted with the new key, same tokens', async () => {
    const { sellerId } = await connectedSeller();
    const [before] = await ShopConnection.query(h.database.db).where({ sellerId });
    const oldCipher = h.runtime.cipher;
    const ctx = { connectionId: before!.id, marketplace: 'shopee' };
    const accessToken = oldCipher.decrypt(before!.accessTokenCt!, before!.keyId!, ctx);
    const rotated = new TokenCipher([{ id: 'k2', key: randomBytes(32) }, ...h.config.TOKEN_ENCRYPTION_KEYS]);
    expect(await reencryptAllTokens(h.database.db, rotated)).toBeGreaterThanOrEqual(1);
    const [after] = await ShopConnection.query(h.database.db).where({ sellerId });
    expect(after!.keyId).toBe('k2');
    expect(rotated.decrypt(after!.accessTokenCt!, 'k2', ctx)).toBe(accessToken);
    expect(await reencryptAllTokens(h.database.db, rotated)).toBe(0);
  });

  it('disconnect deletes the connection and its tokens; another seller cannot', async () => {
    const { token, sellerId } = await connectedSeller();
    const other = await connectedSeller();
    const [connection] = await ShopConnection.query(h.database.db).where({ sellerId });
    expect(
      (await call(h.baseUrl, 'DELETE', `/v1/connections/${connection!.id}`, { token: other.token })).status,
    ).toBe(404);
    expect((await call(h.baseUrl, 'DELETE', `/v1/connections/${connection!.id}`, { token })).status).toBe(
      204,
    );
    expect(await h.database.db('shop_connections').where({ id: connection!.id })).toHaveLength(0);
  });
});
