/**
 * The production client against the Shopee sandbox over real HTTP (random ports), plus a few cases that
 * need a hand-made answer (fake fetch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShopeeSandbox, startShopeeSandbox } from '../../../sandbox/shopee/index.js';
import { approveAuthorization } from '../../../sandbox/shopee/testing.js';
import { answering, rejectionOf, solidJpeg, unusedPort } from '../testing.js';
import {
  ShopeeApiError,
  ShopeeClient,
  type ShopeeClientOptions,
  type ShopeeError,
  ShopeeNetworkError,
  type ShopeeTokens,
} from './client.js';
import { classifyShopeeError, isShopeeError } from './errors.js';

const PARTNER_ID = 1000001;
const PARTNER_KEY = 'client-test-partner-key-fedcba9876543210';
const SHOP_ID = 220001;

let sandbox: ShopeeSandbox;
let client: ShopeeClient;

const makeClient = (overrides: Partial<ShopeeClientOptions> = {}): ShopeeClient =>
  new ShopeeClient({
    baseUrl: sandbox.apiBaseUrl,
    partnerId: PARTNER_ID,
    partnerKey: PARTNER_KEY,
    retryMinTimeoutMs: 1,
    ...overrides,
  });

beforeAll(async () => {
  sandbox = await startShopeeSandbox({ partnerId: PARTNER_ID, partnerKey: PARTNER_KEY, seed: 3 });
  client = makeClient();
});
afterAll(async () => {
  await sandbox?.close();
});

async function connect(c: ShopeeClient = client): Promise<ShopeeTokens> {
  const callback = await approveAuthorization(c.authorizationUrl('https://lumiku.example/v1/cb?state=xyz'));
  expect(callback.searchParams.get('state')).toBe('xyz');
  return c.getAccessToken({
    code: callback.searchParams.get('code')!,
    shopId: callback.searchParams.get('shop_id')!,
  });
}

const rejection = (promise: Promise<unknown>): Promise<ShopeeError> => rejectionOf(promise, isShopeeError);

const callsTo = (path: string): number => sandbox.requestLog.filter((e) => e.path === path).length;

const item = (index: number): string => String(sandbox.shops[0]!.items[index]!.itemId);

const photo = (color: string): Promise<Buffer> => solidJpeg(color, 200);

describe('authorization and tokens', () => {
  it('gets tokens from a code, refreshes them, and the used refresh token is then refused', async () => {
    const first = await connect();
    expect(first).toMatchObject({ expiresInSeconds: 14400 });
    expect(first.accessToken).not.toBe('');
    expect(first.requestId).not.toBe('');

    const second = await client.refreshAccessToken({ refreshToken: first.refreshToken, shopId: SHOP_ID });
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);

    const reused = await rejection(
      client.refreshAccessToken({ refreshToken: first.refreshToken, shopId: SHOP_ID }),
    );
    expect(reused).toBeInstanceOf(ShopeeApiError);
    expect(reused.kind).toBe('refresh_expired');
    // The new pair works.
    const items = await client.getItemBaseInfo({
      accessToken: second.accessToken,
      shopId: SHOP_ID,
      itemIds: [item(0)],
    });
    expect(items).toHaveLength(1);
  });

  it('a reused authorization code is refresh_expired (the seller must authorize again)', async () => {
    const callback = await approveAuthorization(client.authorizationUrl('https://lumiku.example/cb'));
    const code = callback.searchParams.get('code')!;
    await client.getAccessToken({ code, shopId: SHOP_ID });
    const before = callsTo('/api/v2/auth/token/get');
    const again = await rejection(client.getAccessToken({ code, shopId: SHOP_ID }));
    expect(again).toMatchObject({ kind: 'refresh_expired', error: 'invalid_code' });
    expect(callsTo('/api/v2/auth/token/get')).toBe(before + 1);
  });
});

describe('listing images', () => {
  it('uploads, reads and replaces one slot without touching the others', async () => {
    const { accessToken } = await connect();
    const [before] = await client.getItemBaseInfo({ accessToken, shopId: SHOP_ID, itemIds: [item(0)] });
    expect(before!.itemId).toBe(item(0));
    expect(before!.imageIds).toEqual(sandbox.getItem(Number(item(0)))!.imageIds);
    expect(before!.imageUrls[0]).toBe(`https://down-id.img.susercontent.com/file/${before!.imageIds[0]}`);

    const uploaded = await client.uploadImage({ data: await photo('#2a6'), filename: 'enhanced.jpg' });
    expect(uploaded.imageUrl).toBe(`https://down-id.img.susercontent.com/file/${uploaded.imageId}`);

    const next = [...before!.imageIds];
    next[1] = uploaded.imageId;
    await client.updateItemImages({ accessToken, shopId: SHOP_ID, itemId: item(0), imageIds: next });

    const [after] = await client.getItemBaseInfo({ accessToken, shopId: SHOP_ID, itemIds: [item(0)] });
    expect(after!.imageIds).toEqual(next);
    expect(after!.imageIds.filter((id, i) => id !== before!.imageIds[i])).toEqual([uploaded.imageId]);
    // The neighbouring listing is untouched too.
    const [other] = await client.getItemBaseInfo({ accessToken, shopId: SHOP_ID, itemIds: [item(1)] });
    expect(other!.imageIds).toEqual(sandbox.getItem(Number(item(1)))!.imageIds);
  });

  it('reads several items in one call and leaves unknown ids out', async () => {
    const { accessToken } = await connect();
    const items = await client.getItemBaseInfo({
      accessToken,
      shopId: SHOP_ID,
      itemIds: [item(0), '42', item(2)],
    });
    expect(items.map((i) => i.itemId)).toEqual([item(0), item(2)]);
  });

  it('a promotion-locked item is refused and left unchanged', async () => {
    const { accessToken } = await connect();
    const itemId = item(2);
    const before = sandbox.getItem(Number(itemId))!.imageIds;
    sandbox.setPromotionLocked(Number(itemId), true);
    try {
      const beforeCalls = callsTo('/api/v2/product/update_item');
      const err = await rejection(
        client.updateItemImages({ accessToken, shopId: SHOP_ID, itemId, imageIds: [...before].reverse() }),
      );
      expect(err).toMatchObject({ kind: 'promotion_locked', error: 'error_cannt_edit_image_in_promotion' });
      expect(callsTo('/api/v2/product/update_item')).toBe(beforeCalls + 1); // not retried
      expect(sandbox.getItem(Number(itemId))!.imageIds).toEqual(before);
    } finally {
      sandbox.setPromotionLocked(Number(itemId), false);
    }
  });
});

describe('error classification', () => {
  it('a wrong partner key is error_sign → sign, not retried', async () => {
    const wrong = makeClient({ partnerKey: 'not-the-partner-key' });
    const before = callsTo('/api/v2/media_space/upload_image');
    const err = await rejection(wrong.uploadImage({ data: await photo('#999') }));
    expect(err).toMatchObject({ kind: 'sign', error: 'error_sign', httpStatus: 403 });
    expect((err as ShopeeApiError).requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(callsTo('/api/v2/media_space/upload_image')).toBe(before + 1);
    expect(err.message).not.toContain('not-the-partner-key');
  });

  it('an expired timestamp (clock 10 min behind) is error_param → param', async () => {
    const slow = makeClient({ now: () => Date.now() - 10 * 60_000 });
    const err = await rejection(slow.uploadImage({ data: await photo('#999') }));
    expect(err).toMatchObject({
      kind: 'param',
      error: 'error_param',
      shopeeMessage: 'Timestamp is expired.',
    });
  });

  it('a bad or expired access token is auth; after revoke the refresh is refresh_expired', async () => {
    const tokens = await connect();
    const bad = await rejection(
      client.getItemBaseInfo({ accessToken: 'f'.repeat(32), shopId: SHOP_ID, itemIds: [item(0)] }),
    );
    expect(bad).toMatchObject({ kind: 'auth', error: 'invalid_acceess_token' });
    expect(bad.message).not.toContain('f'.repeat(32));

    sandbox.expireAccessTokens(SHOP_ID);
    const expired = await rejection(
      client.getItemBaseInfo({ ...tokens, shopId: SHOP_ID, itemIds: [item(0)] }),
    );
    expect(expired.kind).toBe('auth');
    const renewed = await client.refreshAccessToken({ refreshToken: tokens.refreshToken, shopId: SHOP_ID });

    sandbox.revokeShop(SHOP_ID);
    const revoked = await rejection(
      client.getItemBaseInfo({ ...renewed, shopId: SHOP_ID, itemIds: [item(0)] }),
    );
    expect(revoked.kind).toBe('auth');
    const noRefresh = await rejection(
      client.refreshAccessToken({ refreshToken: renewed.refreshToken, shopId: SHOP_ID }),
    );
    expect(noRefresh).toMatchObject({ kind: 'refresh_expired', error: 'error_auth' });
    expect(JSON.stringify(noRefresh) + noRefresh.message).not.toContain(renewed.refreshToken);
  });

  it('classifies the remaining codes', () => {
    expect(classifyShopeeError('error_rate_limit', 429, '/api/v2/product/update_item')).toBe('rate_limit');
    expect(classifyShopeeError('error_limit', 200, '/api/v2/product/update_item')).toBe('rate_limit');
    expect(classifyShopeeError('refresh_token_expired', 403, '/api/v2/auth/access_token/get')).toBe(
      'refresh_expired',
    );
    expect(classifyShopeeError('product.error_param', 400, '/api/v2/product/update_item')).toBe('param');
    expect(classifyShopeeError('error_in_item_promotion_image_item_lock', 400, '/x')).toBe(
      'promotion_locked',
    );
    expect(classifyShopeeError('error_inner', 500, '/x')).toBe('server');
    expect(classifyShopeeError('', 502, '/x')).toBe('server');
    expect(classifyShopeeError('something_new', 400, '/x')).toBe('server');
  });
});

describe('retries', () => {
  it('retries error_rate_limit and gateway 5xx on safe calls', async () => {
    const { accessToken } = await connect();
    const path = '/api/v2/product/get_item_base_info';
    sandbox.injectFault({ path, error: 'error_rate_limit' });
    sandbox.injectFault({ path, httpStatus: 502, times: 1 });
    const before = callsTo(path);
    const items = await client.getItemBaseInfo({ accessToken, shopId: SHOP_ID, itemIds: [item(0)] });
    expect(items).toHaveLength(1);
    expect(
      sandbox.requestLog
        .filter((e) => e.path === path)
        .slice(before)
        .map((e) => e.error),
    ).toEqual(['error_rate_limit', 'http_502', '']);
  });

  it('gives up after the retry budget with the last error', async () => {
    const { accessToken } = await connect();
    const path = '/api/v2/product/update_item';
    sandbox.injectFault({ path, error: 'error_server', times: 3 });
    const limited = makeClient({ retries: 2 });
    const before = callsTo(path);
    const imageIds = sandbox.getItem(Number(item(1)))!.imageIds;
    const err = await rejection(
      limited.updateItemImages({ accessToken, shopId: SHOP_ID, itemId: item(1), imageIds }),
    );
    expect(err).toMatchObject({ kind: 'server', error: 'error_server', transient: true });
    expect(callsTo(path)).toBe(before + 3);
  });

  it('never re-sends a refresh token whose answer was lost', async () => {
    const tokens = await connect();
    const path = '/api/v2/auth/access_token/get';
    // Shopee processes the refresh (spending the token), then the answer is lost behind a 500.
    sandbox.injectFault({ path, httpStatus: 500, afterHandling: true });
    const before = callsTo(path);
    const err = await rejection(
      client.refreshAccessToken({ refreshToken: tokens.refreshToken, shopId: SHOP_ID }),
    );
    expect(err).toMatchObject({ kind: 'server', httpStatus: 500 });
    expect(callsTo(path)).toBe(before + 1);
    // It was spent: the caller must now treat the connection as needing re-authorization.
    const spent = await rejection(
      client.refreshAccessToken({ refreshToken: tokens.refreshToken, shopId: SHOP_ID }),
    );
    expect(spent.kind).toBe('refresh_expired');
  });

  it('does not retry a token call that timed out, but retries one that was rate limited', async () => {
    const tokens = await connect();
    const path = '/api/v2/auth/access_token/get';
    sandbox.injectFault({ path, error: 'error_inner', delayMs: 400 });
    const impatient = makeClient({ timeoutMs: 100 });
    const before = callsTo(path);
    const logStart = sandbox.requestLog.length;
    const err = await rejection(
      impatient.refreshAccessToken({ refreshToken: tokens.refreshToken, shopId: SHOP_ID }),
    );
    expect(err).toBeInstanceOf(ShopeeNetworkError);
    expect(err).toMatchObject({ kind: 'network', timedOut: true, mayHaveReachedServer: true });
    // The sandbox logs the delayed call once it answers; a retry would have added a second entry.
    await expect
      .poll(() =>
        sandbox.requestLog.slice(logStart).some((e) => e.path === path && e.error === 'error_inner'),
      )
      .toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(callsTo(path)).toBe(before + 1);

    sandbox.injectFault({ path, error: 'error_rate_limit' });
    const renewed = await client.refreshAccessToken({ refreshToken: tokens.refreshToken, shopId: SHOP_ID });
    expect(renewed.accessToken).not.toBe(tokens.accessToken);
    expect(callsTo(path)).toBe(before + 3);
  });

  it('retries a token call whose connection was refused (it never left)', async () => {
    const port = await unusedPort();
    let attempts = 0;
    const refused = new ShopeeClient({
      baseUrl: `http://127.0.0.1:${port}`,
      partnerId: PARTNER_ID,
      partnerKey: PARTNER_KEY,
      retries: 2,
      retryMinTimeoutMs: 1,
      fetch: (input, init) => {
        attempts += 1;
        return fetch(input, init);
      },
    });
    const err = await rejection(
      refused.refreshAccessToken({ refreshToken: 'r'.repeat(32), shopId: SHOP_ID }),
    );
    expect(err).toMatchObject({ kind: 'network', code: 'ECONNREFUSED', mayHaveReachedServer: false });
    expect(attempts).toBe(3);
    expect(err.message).not.toContain('r'.repeat(32));
  });
});

describe('answers made by hand', () => {
  const fakeClient = (answer: unknown, status = 200): ShopeeClient =>
    new ShopeeClient({
      baseUrl: 'https://partner.shopeemobile.com',
      partnerId: PARTNER_ID,
      partnerKey: PARTNER_KEY,
      retries: 0,
      fetch: answering(answer, status),
    });

  it('picks the ID-region image URL when several regions are listed', async () => {
    const c = fakeClient({
      request_id: 'r1',
      error: '',
      message: '',
      response: {
        image_info: {
          image_id: 'id-1',
          image_url_list: [
            { image_url_region: 'SG', image_url: 'https://down-sg.img.susercontent.com/file/id-1' },
            { image_url_region: 'ID', image_url: 'https://down-id.img.susercontent.com/file/id-1' },
          ],
        },
      },
    });
    expect(await c.uploadImage({ data: await photo('#123') })).toEqual({
      imageId: 'id-1',
      imageUrl: 'https://down-id.img.susercontent.com/file/id-1',
    });
  });

  it('redacts tokens Shopee echoes back, and branches on `error` even with HTTP 200', async () => {
    const token = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const c = fakeClient({
      request_id: 'r2',
      error: 'error_auth',
      message: `Invalid access_token ${token}.`,
    });
    const err = await rejection(c.getItemBaseInfo({ accessToken: token, shopId: SHOP_ID, itemIds: ['1'] }));
    expect(err).toMatchObject({
      kind: 'auth',
      httpStatus: 200,
      shopeeMessage: 'Invalid access_token [redacted].',
    });
    expect(err.message).not.toContain(token);
  });

  it('treats an unexpected answer as a server error without echoing it', async () => {
    const c = fakeClient({ request_id: 'r3', error: '', message: '', access_token: 'only-half' });
    const err = await rejection(c.refreshAccessToken({ refreshToken: 'x'.repeat(32), shopId: SHOP_ID }));
    expect(err).toMatchObject({ kind: 'server', error: '' });
    expect(err.message).not.toContain('only-half');
  });

  it('refuses unsafe configuration', () => {
    const base = { partnerId: PARTNER_ID, partnerKey: PARTNER_KEY };
    expect(() => new ShopeeClient({ ...base, baseUrl: 'http://partner.shopeemobile.com' })).toThrow(/https/);
    expect(() => new ShopeeClient({ ...base, baseUrl: 'https://partner.shopeemobile.com/api' })).toThrow(
      /path/,
    );
    expect(() => client.authorizationUrl('javascript:alert(1)')).toThrow();
    expect(JSON.stringify(client)).not.toContain(PARTNER_KEY);
  });
});
