/**
 * The sandbox speaks Shopee's wire protocol. These tests sign requests by hand (node:crypto) rather than
 * through the product's client, so a signing bug in one cannot hide the same bug in the other.
 */
import { createHmac } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HttpsAnswer, httpsGet as httpsGetFrom } from '../common/testing.js';
import { parseItemIdList } from './api.js';
import { type ShopeeSandbox, startShopeeSandbox } from './index.js';
import { approveAuthorization } from './testing.js';

const PARTNER_ID = 1000001;
const PARTNER_KEY = 'sandbox-test-partner-key-0123456789abcdef';
const SHOP_ID = 220001;

let sandbox: ShopeeSandbox;
/** Shifts the sandbox clock (and the timestamps we sign) to test expiries. */
let offsetMs = 0;
const now = (): number => Date.now() + offsetMs;

beforeAll(async () => {
  sandbox = await startShopeeSandbox({ partnerId: PARTNER_ID, partnerKey: PARTNER_KEY, now, seed: 7 });
});
afterAll(async () => {
  await sandbox?.close();
});
afterEach(() => {
  offsetMs = 0;
});

interface SignOptions {
  token?: { accessToken: string; shopId: number };
  key?: string;
  timestamp?: number;
  query?: Record<string, string | string[]>;
}

function signedUrl(path: string, options: SignOptions = {}): string {
  const timestamp = options.timestamp ?? Math.floor(now() / 1000);
  let base = `${PARTNER_ID}${path}${timestamp}`;
  if (options.token) base += `${options.token.accessToken}${options.token.shopId}`;
  const sign = createHmac('sha256', options.key ?? PARTNER_KEY)
    .update(base)
    .digest('hex');
  const url = new URL(path, sandbox.apiBaseUrl);
  url.searchParams.set('partner_id', String(PARTNER_ID));
  url.searchParams.set('timestamp', String(timestamp));
  if (options.token) {
    url.searchParams.set('access_token', options.token.accessToken);
    url.searchParams.set('shop_id', String(options.token.shopId));
  }
  url.searchParams.set('sign', sign);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
  }
  return url.toString();
}

interface Answer {
  status: number;
  body: { request_id: string; error: string; message: string; response?: unknown; [key: string]: unknown };
}

async function call(url: string, init?: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const postJson = (url: string, body: unknown): Promise<Answer> =>
  call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function authorize(): Promise<{ accessToken: string; refreshToken: string }> {
  const callback = await approveAuthorization(
    signedUrl('/api/v2/shop/auth_partner', { query: { redirect: 'https://app.example/cb' } }),
  );
  const answer = await postJson(signedUrl('/api/v2/auth/token/get'), {
    code: callback.searchParams.get('code'),
    partner_id: PARTNER_ID,
    shop_id: SHOP_ID,
  });
  expect(answer.body.error).toBe('');
  return { accessToken: String(answer.body.access_token), refreshToken: String(answer.body.refresh_token) };
}

const refresh = (refreshToken: string): Promise<Answer> =>
  postJson(signedUrl('/api/v2/auth/access_token/get'), {
    refresh_token: refreshToken,
    partner_id: PARTNER_ID,
    shop_id: SHOP_ID,
  });

const itemInfo = (accessToken: string, ids: string | string[], shopId = SHOP_ID): Promise<Answer> =>
  call(
    signedUrl('/api/v2/product/get_item_base_info', {
      token: { accessToken, shopId },
      query: { item_id_list: ids },
    }),
  );

const updateItem = (accessToken: string, body: unknown): Promise<Answer> =>
  postJson(signedUrl('/api/v2/product/update_item', { token: { accessToken, shopId: SHOP_ID } }), body);

function uploadForm(bytes: Buffer, type: string, filename: string, scene?: string): FormData {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(bytes)], { type }), filename);
  if (scene) form.append('scene', scene);
  return form;
}

const httpsGet = (hostname: string, path: string): Promise<HttpsAnswer> =>
  httpsGetFrom(sandbox.httpsPort, hostname, path);

const firstItem = (): { itemId: number; name: string } => sandbox.shops[0]!.items[0]!;

describe('seed state', () => {
  it('has one shop with items of 3–5 distinct JPEG photos', async () => {
    expect(sandbox.shops).toHaveLength(1);
    expect(sandbox.shops[0]).toMatchObject({ shopId: SHOP_ID, name: 'Toko Batik Sandbox' });
    const items = sandbox.shops[0]!.items;
    expect(items.length).toBeGreaterThanOrEqual(3);
    const allIds = items.flatMap((i) => sandbox.getItem(i.itemId)!.imageIds);
    expect(new Set(allIds).size).toBe(allIds.length);
    for (const item of items) {
      const count = sandbox.getItem(item.itemId)!.imageIds.length;
      expect(count).toBeGreaterThanOrEqual(3);
      expect(count).toBeLessThanOrEqual(5);
    }
    const photo = await httpsGet('down-id.img.susercontent.com', `/file/${allIds[0]}`);
    const meta = await sharp(photo.body).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 800, height: 800 });
    expect(sandbox.hostResolverRules).toBe(
      `MAP seller.shopee.co.id 127.0.0.1:${sandbox.httpsPort}, MAP down-id.img.susercontent.com 127.0.0.1:${sandbox.httpsPort}`,
    );
  });
});

describe('authorization page', () => {
  it('shows the shop in English and Bahasa Indonesia with the authorize button', async () => {
    const res = await fetch(
      signedUrl('/api/v2/shop/auth_partner', { query: { redirect: 'https://app.example/cb?state=abc' } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<button id="authorize" type="submit">Authorize / Otorisasi</button>');
    expect(html).toContain('Toko Batik Sandbox');
    expect(html).toContain('Authorize partner app');
    expect(html).toContain('Otorisasi aplikasi partner');
  });

  it('redirects with code and shop_id appended, keeping the query the redirect already had', async () => {
    const redirect = 'https://app.example/v1/connections/shopee/callback?state=s%20t%2Fate&keep=1';
    const callback = await approveAuthorization(
      signedUrl('/api/v2/shop/auth_partner', { query: { redirect } }),
    );
    expect(callback.origin + callback.pathname).toBe('https://app.example/v1/connections/shopee/callback');
    expect(callback.searchParams.get('state')).toBe('s t/ate');
    expect(callback.searchParams.get('keep')).toBe('1');
    expect(callback.searchParams.get('shop_id')).toBe(String(SHOP_ID));
    expect(callback.searchParams.get('code')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('checks the sign, the 5-minute expiry and the redirect scheme', async () => {
    const redirect = 'https://app.example/cb';
    const badSign = await call(signedUrl('/api/v2/shop/auth_partner', { key: 'wrong', query: { redirect } }));
    expect(badSign.body.error).toBe('error_sign');
    const old = Math.floor(now() / 1000) - 301;
    const expired = await call(
      signedUrl('/api/v2/shop/auth_partner', { timestamp: old, query: { redirect } }),
    );
    expect(expired.body).toMatchObject({ error: 'error_param', message: 'Timestamp is expired.' });
    const script = await call(
      signedUrl('/api/v2/shop/auth_partner', { query: { redirect: 'javascript:alert(1)' } }),
    );
    expect(script.body.error).toBe('error_param');
    // A page loaded in time but submitted after the link expired is refused as well.
    const url = signedUrl('/api/v2/shop/auth_partner', { query: { redirect } });
    offsetMs = 6 * 60_000;
    await expect(approveAuthorization(url)).rejects.toThrow(/error_param/);
  });
});

describe('tokens', () => {
  it('codes are single-use and expire after 10 minutes', async () => {
    const url = signedUrl('/api/v2/shop/auth_partner', { query: { redirect: 'https://app.example/cb' } });
    const code = (await approveAuthorization(url)).searchParams.get('code');
    const body = { code, partner_id: PARTNER_ID, shop_id: SHOP_ID };
    const first = await postJson(signedUrl('/api/v2/auth/token/get'), body);
    expect(first.body).toMatchObject({ error: '', expire_in: 14400 });
    expect(typeof first.body.access_token).toBe('string');
    const again = await postJson(signedUrl('/api/v2/auth/token/get'), body);
    expect(again.body.error).toBe('invalid_code');

    const late = (await approveAuthorization(url)).searchParams.get('code');
    offsetMs = 11 * 60_000;
    const tooLate = await postJson(signedUrl('/api/v2/auth/token/get'), { ...body, code: late });
    expect(tooLate.body.error).toBe('invalid_code');
  });

  it('refresh tokens are single-use; the old access token lives 5 more minutes', async () => {
    const first = await authorize();
    const renewed = await refresh(first.refreshToken);
    expect(renewed.body).toMatchObject({ error: '', expire_in: 14400, shop_id: SHOP_ID });
    const reused = await refresh(first.refreshToken);
    expect(reused.body.error).toBe('error_auth');

    const ids = String(firstItem().itemId);
    expect((await itemInfo(first.accessToken, ids)).body.error).toBe('');
    offsetMs = 4 * 60_000;
    expect((await itemInfo(first.accessToken, ids)).body.error).toBe('');
    offsetMs = 6 * 60_000;
    expect((await itemInfo(first.accessToken, ids)).body.error).toBe('invalid_acceess_token');
    expect((await itemInfo(String(renewed.body.access_token), ids)).body.error).toBe('');
  });

  it('refresh tokens expire after the configured TTL', async () => {
    const { refreshToken } = await authorize();
    offsetMs = 31 * 24 * 3600_000;
    expect((await refresh(refreshToken)).body.error).toBe('refresh_token_expired');
  });

  it('expireAccessTokens expires access tokens but refresh still works', async () => {
    const tokens = await authorize();
    sandbox.expireAccessTokens(SHOP_ID);
    expect((await itemInfo(tokens.accessToken, String(firstItem().itemId))).body.error).toBe(
      'invalid_acceess_token',
    );
    const renewed = await refresh(tokens.refreshToken);
    expect(renewed.body.error).toBe('');
    expect((await itemInfo(String(renewed.body.access_token), String(firstItem().itemId))).body.error).toBe(
      '',
    );
  });

  it('revokeShop invalidates every token of the shop', async () => {
    const tokens = await authorize();
    sandbox.revokeShop(SHOP_ID);
    expect((await itemInfo(tokens.accessToken, String(firstItem().itemId))).body.error).toBe(
      'invalid_acceess_token',
    );
    expect((await refresh(tokens.refreshToken)).body.error).toBe('error_auth');
    // The seller can authorize again.
    await authorize();
  });
});

describe('signing of shop APIs', () => {
  it('rejects a wrong sign, a stale timestamp, a wrong partner and another shop', async () => {
    const { accessToken } = await authorize();
    const id = String(firstItem().itemId);
    const wrongKey = await call(
      signedUrl('/api/v2/product/get_item_base_info', {
        key: 'not-the-key',
        token: { accessToken, shopId: SHOP_ID },
        query: { item_id_list: id },
      }),
    );
    expect(wrongKey).toMatchObject({ status: 403, body: { error: 'error_sign' } });
    expect(wrongKey.body.request_id).toMatch(/^[0-9a-f]{32}$/);

    const stale = await call(
      signedUrl('/api/v2/product/get_item_base_info', {
        timestamp: Math.floor(now() / 1000) - 6 * 60,
        token: { accessToken, shopId: SHOP_ID },
        query: { item_id_list: id },
      }),
    );
    expect(stale.body).toMatchObject({ error: 'error_param', message: 'Timestamp is expired.' });

    // The sign covers access_token and shop_id: changing either after signing breaks it.
    const tampered = new URL(
      signedUrl('/api/v2/product/get_item_base_info', {
        token: { accessToken, shopId: SHOP_ID },
        query: { item_id_list: id },
      }),
    );
    tampered.searchParams.set('shop_id', '220002');
    expect((await call(tampered.toString())).body.error).toBe('error_sign');

    const otherShop = await itemInfo(accessToken, id, 220002);
    expect(otherShop.body.error).toBe('error_auth');

    const badToken = await itemInfo('0'.repeat(32), id);
    expect(badToken.body.error).toBe('invalid_acceess_token');
  });

  it('sign covers the path', async () => {
    const url = new URL(signedUrl('/api/v2/auth/token/get'));
    url.pathname = '/api/v2/auth/access_token/get';
    const answer = await postJson(url.toString(), {
      refresh_token: 'x',
      partner_id: PARTNER_ID,
      shop_id: SHOP_ID,
    });
    expect(answer.body.error).toBe('error_sign');
  });
});

describe('products', () => {
  it('get_item_base_info accepts 1,2 — repeated params — [1,2]', async () => {
    const { accessToken } = await authorize();
    const [a, b] = sandbox.shops[0]!.items.map((i) => String(i.itemId));
    for (const ids of [`${a},${b}`, [a!, b!], `[${a},${b}]`]) {
      const answer = await itemInfo(accessToken, ids);
      expect(answer.body.error).toBe('');
      const list = (
        answer.body.response as {
          item_list: Array<{ item_id: number; image: { image_id_list: string[]; image_url_list: string[] } }>;
        }
      ).item_list;
      expect(list.map((i) => String(i.item_id))).toEqual([a, b]);
      expect(list[0]!.image.image_id_list).toEqual(sandbox.getItem(Number(a))!.imageIds);
      expect(list[0]!.image.image_url_list[0]).toBe(
        `https://down-id.img.susercontent.com/file/${list[0]!.image.image_id_list[0]}`,
      );
    }
    const unknown = await itemInfo(accessToken, `${a},999`);
    expect((unknown.body.response as { item_list: unknown[] }).item_list).toHaveLength(1);
    expect(unknown.body.warning).toContain('999');
    const tooMany = await itemInfo(
      accessToken,
      Array.from({ length: 51 }, (_, i) => String(i + 1)).join(','),
    );
    expect(tooMany.body.error).toBe('error_param');
    expect(parseItemIdList(['1, 2', '[3]'])).toEqual([1, 2, 3]);
  });

  it('upload_image stores JPEG/PNG decided by bytes and the CDN serves them', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c33' } })
      .jpeg()
      .toBuffer();
    const upload = await call(signedUrl('/api/v2/media_space/upload_image'), {
      method: 'POST',
      body: uploadForm(jpeg, 'application/octet-stream', 'photo.bin'),
    });
    expect(upload.body.error).toBe('');
    const info = (
      upload.body.response as {
        image_info: {
          image_id: string;
          image_url_list: Array<{ image_url_region: string; image_url: string }>;
        };
      }
    ).image_info;
    expect(info.image_url_list).toEqual([
      { image_url_region: 'ID', image_url: `https://down-id.img.susercontent.com/file/${info.image_id}` },
    ]);
    const served = await httpsGet('down-id.img.susercontent.com', `/file/${info.image_id}`);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['access-control-allow-origin']).toBe('*');
    expect(served.body.equals(jpeg)).toBe(true);

    // scene=normal makes a non-square image square.
    const png = await sharp({ create: { width: 80, height: 40, channels: 3, background: '#3c3' } })
      .png()
      .toBuffer();
    const square = await call(signedUrl('/api/v2/media_space/upload_image'), {
      method: 'POST',
      body: uploadForm(png, 'image/png', 'wide.png'),
    });
    const squareId = (square.body.response as { image_info: { image_id: string } }).image_info.image_id;
    const squareServed = await httpsGet('down-id.img.susercontent.com', `/file/${squareId}`);
    expect(squareServed.headers['content-type']).toBe('image/png');
    expect(await sharp(squareServed.body).metadata()).toMatchObject({ width: 80, height: 80 });

    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const renamed = await call(signedUrl('/api/v2/media_space/upload_image'), {
      method: 'POST',
      body: uploadForm(svg, 'image/jpeg', 'fake.jpg'),
    });
    expect(renamed.body.error).toBe('error_param');
    const badScene = await call(signedUrl('/api/v2/media_space/upload_image'), {
      method: 'POST',
      body: uploadForm(jpeg, 'image/jpeg', 'a.jpg', 'banner'),
    });
    expect(badScene.body.error).toBe('error_param');
    const noImage = await call(signedUrl('/api/v2/media_space/upload_image'), {
      method: 'POST',
      body: new FormData(),
    });
    expect(noImage.body.error).toBe('error_param');
    const tooBig = Buffer.alloc(10 * 1024 * 1024 + 1, 0);
    jpeg.copy(tooBig);
    const big = await call(signedUrl('/api/v2/media_space/upload_image'), {
      method: 'POST',
      body: uploadForm(tooBig, 'image/jpeg', 'big.jpg'),
    });
    expect(big).toMatchObject({ status: 413, body: { error: 'error_param' } });
    const unsigned = await call(signedUrl('/api/v2/media_space/upload_image', { key: 'wrong' }), {
      method: 'POST',
      body: uploadForm(jpeg, 'image/jpeg', 'a.jpg'),
    });
    expect(unsigned.body.error).toBe('error_sign');
  });

  it('update_item changes only what is sent, needs known images and respects promotion locks', async () => {
    const { accessToken } = await authorize();
    const item = sandbox.shops[0]!.items[1]!;
    const before = sandbox.getItem(item.itemId)!;
    const reversed = [...before.imageIds].reverse();

    const unknownImage = await updateItem(accessToken, {
      item_id: item.itemId,
      image: { image_id_list: ['id-nope'] },
    });
    expect(unknownImage.body.error).toBe('error_param');
    expect(sandbox.getItem(item.itemId)!.imageIds).toEqual(before.imageIds);

    const ok = await updateItem(accessToken, { item_id: item.itemId, image: { image_id_list: reversed } });
    expect(ok.body.error).toBe('');
    expect(sandbox.getItem(item.itemId)!.imageIds).toEqual(reversed);

    // Name only: the images stay.
    const renamed = await updateItem(accessToken, { item_id: item.itemId, item_name: 'Tas Rotan Baru' });
    expect(renamed.body.error).toBe('');
    expect(sandbox.getItem(item.itemId)!.imageIds).toEqual(reversed);
    const info = await httpsGet(
      'seller.shopee.co.id',
      `/api/v3/product/get_product_info?product_id=${item.itemId}`,
    );
    const product = JSON.parse(info.body.toString()) as {
      data: { name: string; images: Array<{ image_id: string }> };
    };
    expect(product.data.name).toBe('Tas Rotan Baru');
    expect(product.data.images.map((i) => i.image_id)).toEqual(reversed);

    sandbox.setPromotionLocked(item.itemId, true);
    try {
      const locked = await updateItem(accessToken, {
        item_id: item.itemId,
        image: { image_id_list: before.imageIds },
      });
      expect(locked.body.error).toBe('error_cannt_edit_image_in_promotion');
      expect(sandbox.getItem(item.itemId)).toMatchObject({ imageIds: reversed, promotionLocked: true });
    } finally {
      sandbox.setPromotionLocked(item.itemId, false);
    }
    const missing = await updateItem(accessToken, { item_id: 999, image: { image_id_list: reversed } });
    expect(missing.body.error).toBe('error_item_not_found');
  });
});

describe('faults and the request log', () => {
  it('injects a rate limit once and logs every call with its error', async () => {
    const { accessToken } = await authorize();
    const path = '/api/v2/product/get_item_base_info';
    sandbox.injectFault({ path, error: 'error_rate_limit' });
    const limited = await itemInfo(accessToken, String(firstItem().itemId));
    expect(limited).toMatchObject({ status: 429, body: { error: 'error_rate_limit' } });
    expect((await itemInfo(accessToken, String(firstItem().itemId))).body.error).toBe('');
    expect(sandbox.requestLog.filter((e) => e.path === path).slice(-2)).toEqual([
      { method: 'GET', path, error: 'error_rate_limit', status: 429 },
      { method: 'GET', path, error: '', status: 200 },
    ]);
    const notFound = await call(signedUrl('/api/v2/nope'));
    expect(notFound).toMatchObject({ status: 404, body: { error: 'error_not_found' } });
  });
});

describe('https seller center and CDN, by Host', () => {
  it('serves the product edit page and its data on seller.shopee.co.id', async () => {
    const item = firstItem();
    const page = await httpsGet('seller.shopee.co.id', `/portal/product/${item.itemId}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const html = page.body.toString();
    expect(html).toContain('/api/v3/product/get_product_info?product_id=');
    expect(html).toContain("'product-edit-images shopee-image-manager'");
    expect(html).toContain("'shopee-image-manager__itemer'");
    expect(html).not.toContain('innerHTML');
    expect(page.altNames).toContain('DNS:seller.shopee.co.id');
    expect(page.altNames).toContain('DNS:down-id.img.susercontent.com');

    const data = await httpsGet(
      'seller.shopee.co.id',
      `/api/v3/product/get_product_info?product_id=${item.itemId}`,
    );
    const body = JSON.parse(data.body.toString()) as {
      code: number;
      data: { name: string; images: Array<{ url: string }> };
    };
    expect(body.code).toBe(0);
    expect(body.data.name).toBe(item.name);
    expect(body.data.images.map((i) => i.url)).toEqual(
      sandbox.getItem(item.itemId)!.imageIds.map((id) => `https://down-id.img.susercontent.com/file/${id}`),
    );
    expect(
      (await httpsGet('seller.shopee.co.id', '/api/v3/product/get_product_info?product_id=1')).status,
    ).toBe(404);

    const list = await httpsGet('seller.shopee.co.id', '/portal/product/list/all');
    for (const i of sandbox.shops[0]!.items)
      expect(list.body.toString()).toContain(`href="/portal/product/${i.itemId}"`);
    expect((await httpsGet('seller.shopee.co.id', '/portal/product/new')).status).toBe(404);
  });

  it('serves images on the CDN host only, and nothing on other hosts', async () => {
    const id = sandbox.getItem(firstItem().itemId)!.imageIds[0]!;
    const image = await httpsGet('down-id.img.susercontent.com', `/file/${id}`);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(image.headers['access-control-allow-origin']).toBe('*');
    expect((await httpsGet('down-id.img.susercontent.com', '/file/id-unknown')).status).toBe(404);
    // The same path on the seller-center host is not the CDN.
    expect((await httpsGet('seller.shopee.co.id', `/file/${id}`)).status).toBe(404);
    expect((await httpsGet('example.com', '/')).status).toBe(421);
  });
});
