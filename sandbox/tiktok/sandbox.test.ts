/**
 * The sandbox speaks TikTok Shop's wire protocol. These tests sign requests by hand (node:crypto) rather than
 * through the product's client, so a signing bug in one cannot hide the same bug in the other.
 */
import { createHmac } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HttpsAnswer, httpsGet as httpsGetFrom } from '../common/testing.js';
import { startTikTokSandbox, type TikTokSandbox } from './index.js';
import { approveAuthorization } from './testing.js';

const APP_KEY = 'sbxappkey01';
const APP_SECRET = 'sandbox-test-app-secret-0123456789abcdef';
const SERVICE_ID = '7300000000000000001';
const REDIRECT = 'https://lumiku.example/v1/connections/tiktok/callback';
const SHOP_ID = '7494016700000000001';

let sandbox: TikTokSandbox;
/** Shifts the sandbox clock (and the timestamps we sign) to test expiries. */
let offsetMs = 0;
const now = (): number => Date.now() + offsetMs;

beforeAll(async () => {
  sandbox = await startTikTokSandbox({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    serviceId: SERVICE_ID,
    redirectUrl: REDIRECT,
    now,
    seed: 7,
  });
});
afterAll(async () => {
  await sandbox?.close();
});
afterEach(() => {
  offsetMs = 0;
  sandbox.setRedirectUrl(REDIRECT);
});

interface SignOptions {
  secret?: string;
  appKey?: string;
  timestamp?: number;
  query?: Record<string, string>;
  /** The exact JSON text sent (signed); multipart bodies are not signed. */
  body?: string;
  noSign?: boolean;
}

function signedUrl(path: string, options: SignOptions = {}): string {
  const query: Record<string, string> = {
    app_key: options.appKey ?? APP_KEY,
    timestamp: String(options.timestamp ?? Math.floor(now() / 1000)),
    ...options.query,
  };
  const secret = options.secret ?? APP_SECRET;
  const params = Object.keys(query)
    .sort()
    .map((k) => `${k}${query[k]}`)
    .join('');
  const sign = createHmac('sha256', secret)
    .update(`${secret}${path}${params}${options.body ?? ''}${secret}`)
    .digest('hex');
  const url = new URL(path, sandbox.baseUrl);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  if (!options.noSign) url.searchParams.set('sign', sign);
  return url.toString();
}

interface Answer {
  status: number;
  headers: Headers;
  body: { code: number; message: string; request_id: string; data: unknown };
}

async function call(url: string, init?: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}

const withToken = (accessToken: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), 'x-tts-access-token': accessToken },
});

interface TokenData {
  access_token: string;
  access_token_expire_in: number;
  refresh_token: string;
  refresh_token_expire_in: number;
  open_id: string;
  seller_name: string;
  seller_base_region: string;
  granted_scopes: string[];
}

function tokenUrl(path: string, fields: Record<string, string>): string {
  const url = new URL(path, sandbox.baseUrl);
  for (const [key, value] of Object.entries({ app_key: APP_KEY, app_secret: APP_SECRET, ...fields })) {
    url.searchParams.set(key, value);
  }
  return url.toString();
}

const authorizeUrl = (state = 'st-1'): string =>
  `${sandbox.baseUrl}/open/authorize?service_id=${SERVICE_ID}&state=${encodeURIComponent(state)}`;

async function authorize(): Promise<TokenData> {
  const callback = await approveAuthorization(authorizeUrl());
  const answer = await call(
    tokenUrl('/api/v2/token/get', {
      auth_code: callback.searchParams.get('code')!,
      grant_type: 'authorized_code',
    }),
  );
  expect(answer.body.code).toBe(0);
  return answer.body.data as TokenData;
}

const refresh = (refreshToken: string): Promise<Answer> =>
  call(tokenUrl('/api/v2/token/refresh', { refresh_token: refreshToken, grant_type: 'refresh_token' }));

let cipher = '';
const product = (index: number): { id: string; title: string } => sandbox.shops[0]!.products[index]!;

const getProduct = (accessToken: string, id: string, query: Record<string, string> = {}): Promise<Answer> =>
  call(
    signedUrl(`/product/202309/products/${id}`, { query: { shop_cipher: cipher, ...query } }),
    withToken(accessToken),
  );

function partialEdit(
  accessToken: string,
  id: string,
  body: unknown,
  options: SignOptions = {},
): Promise<Answer> {
  const text = JSON.stringify(body);
  return call(
    signedUrl(`/product/202309/products/${id}/partial_edit`, {
      query: { shop_cipher: cipher },
      body: text,
      ...options,
    }),
    withToken(accessToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text }),
  );
}

function uploadForm(bytes: Buffer, type: string, filename: string, useCase?: string): FormData {
  const form = new FormData();
  form.append('data', new Blob([new Uint8Array(bytes)], { type }), filename);
  if (useCase) form.append('use_case', useCase);
  return form;
}

const upload = (accessToken: string, form: FormData, options: SignOptions = {}): Promise<Answer> =>
  call(
    signedUrl('/product/202309/images/upload', options),
    withToken(accessToken, { method: 'POST', body: form }),
  );

const solid = (width: number, height: number, color = '#c33'): ReturnType<typeof sharp> =>
  sharp({ create: { width, height, channels: 3, background: color } });

const httpsGet = (hostname: string, path: string): Promise<HttpsAnswer> =>
  httpsGetFrom(sandbox.httpsPort, hostname, path);

const cdnPath = (uri: string): string => `/${uri}~tplv-aphluv4xwc-origin-jpeg.jpeg`;

beforeAll(() => {
  cipher = sandbox.shops[0]!.cipher;
});

describe('seed state', () => {
  it('has one Indonesian shop with 3 products of 3–5 distinct 800×800 JPEG photos', async () => {
    expect(sandbox.shops).toHaveLength(1);
    const shop = sandbox.shops[0]!;
    expect(shop).toMatchObject({ id: SHOP_ID, name: 'Toko Kopi Sandbox', region: 'ID' });
    expect(shop.cipher).toMatch(/^ROW_[A-Za-z0-9]{28}$/);
    expect(shop.products).toHaveLength(3);
    const uris = shop.products.flatMap((p) => sandbox.getProduct(p.id)!.mainImageUris);
    expect(new Set(uris).size).toBe(uris.length);
    for (const p of shop.products) {
      expect(p.id).toMatch(/^\d{19}$/);
      const count = sandbox.getProduct(p.id)!.mainImageUris.length;
      expect(count).toBeGreaterThanOrEqual(3);
      expect(count).toBeLessThanOrEqual(5);
    }
    expect(shop.products.map((p) => sandbox.getProduct(p.id)!.listingPlatforms)).toEqual([
      ['TIKTOK_SHOP', 'TOKOPEDIA'],
      ['TIKTOK_SHOP', 'TOKOPEDIA'],
      ['TIKTOK_SHOP'],
    ]);
    expect(uris[0]).toMatch(/^tos-alisg-i-aphluv4xwc-sg\/[0-9a-f]{32}$/);
    const photo = await httpsGet('p16-oec-sg.ibyteimg.com', cdnPath(uris[0]!));
    expect(await sharp(photo.body).metadata()).toMatchObject({ format: 'jpeg', width: 800, height: 800 });
    const port = sandbox.httpsPort;
    expect(sandbox.hostResolverRules).toBe(
      [
        'seller-id.tokopedia.com',
        'seller-id.tiktok.com',
        'seller.tiktokglobalshop.com',
        'p16-oec-sg.ibyteimg.com',
        'p19-oec-sg.ibyteimg.com',
      ]
        .map((h) => `MAP ${h} 127.0.0.1:${port}`)
        .join(', '),
    );
  });
});

describe('authorization page', () => {
  it('shows the seller and shop in English and Bahasa Indonesia with the authorize button', async () => {
    const res = await fetch(authorizeUrl('a"b<c'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain(
      '<button id="authorize" class="core-btn core-btn-primary" type="submit">Authorize / Otorisasi</button>',
    );
    expect(html).toContain('Toko Kopi Sandbox');
    expect(html).toContain('Authorize app');
    expect(html).toContain('Otorisasi aplikasi');
    // The state is echoed escaped, never as markup.
    expect(html).toContain('value="a&#34;b&#60;c"');
  });

  it('redirects to the fixed redirect URL with code and state, keeping its existing query', async () => {
    sandbox.setRedirectUrl('https://lumiku.example/v1/connections/tiktok/callback?keep=1');
    const callback = await approveAuthorization(authorizeUrl('s t/ate'));
    expect(callback.origin + callback.pathname).toBe('https://lumiku.example/v1/connections/tiktok/callback');
    expect(callback.searchParams.get('keep')).toBe('1');
    expect(callback.searchParams.get('state')).toBe('s t/ate');
    expect(callback.searchParams.get('code')).toMatch(/^TTP_[\w-]+$/);
  });

  it('refuses another service_id', async () => {
    const res = await call(`${sandbox.baseUrl}/open/authorize?service_id=999&state=x`);
    expect(res.body.code).toBe(36009004);
  });
});

describe('tokens', () => {
  it('issues absolute expiry timestamps, and codes are single-use and expire after 30 minutes', async () => {
    const callback = await approveAuthorization(authorizeUrl());
    const code = callback.searchParams.get('code')!;
    const first = await call(
      tokenUrl('/api/v2/token/get', { auth_code: code, grant_type: 'authorized_code' }),
    );
    expect(first.body).toMatchObject({ code: 0, message: 'Success' });
    expect(first.body.request_id).toMatch(/^\d{14}[0-9A-F]{20}$/);
    const data = first.body.data as TokenData;
    const nowS = Math.floor(Date.now() / 1000);
    expect(data.access_token_expire_in - nowS).toBeGreaterThan(7 * 86400 - 60);
    expect(data.access_token_expire_in - nowS).toBeLessThanOrEqual(7 * 86400);
    expect(data.refresh_token_expire_in - nowS).toBeGreaterThan(364 * 86400);
    expect(data).toMatchObject({
      open_id: '7494016799990000001',
      seller_name: 'Toko Kopi Sandbox',
      seller_base_region: 'ID',
    });
    expect(data.granted_scopes).toContain('seller.product.write');

    const again = await call(
      tokenUrl('/api/v2/token/get', { auth_code: code, grant_type: 'authorized_code' }),
    );
    expect(again.body).toMatchObject({ code: 36004004, message: 'Invalid auth code.' });

    const late = (await approveAuthorization(authorizeUrl())).searchParams.get('code')!;
    offsetMs = 31 * 60_000;
    const tooLate = await call(
      tokenUrl('/api/v2/token/get', { auth_code: late, grant_type: 'authorized_code' }),
    );
    expect(tooLate.body.code).toBe(36004004);
  });

  it('checks app_key, app_secret and the literal grant_type', async () => {
    const code = (await approveAuthorization(authorizeUrl())).searchParams.get('code')!;
    const wrongSecret = new URL(
      tokenUrl('/api/v2/token/get', { auth_code: code, grant_type: 'authorized_code' }),
    );
    wrongSecret.searchParams.set('app_secret', 'nope');
    expect((await call(wrongSecret.toString())).body.code).toBe(36009004);
    const oauthGrant = await call(
      tokenUrl('/api/v2/token/get', { auth_code: code, grant_type: 'authorization_code' }),
    );
    expect(oauthGrant.body.code).toBe(36009004);
    // Refused calls did not spend the code.
    const ok = await call(tokenUrl('/api/v2/token/get', { auth_code: code, grant_type: 'authorized_code' }));
    expect(ok.body.code).toBe(0);
  });

  it('rotates refresh tokens: the used one is refused, the new pair works', async () => {
    const first = await authorize();
    const renewed = await refresh(first.refresh_token);
    expect(renewed.body.code).toBe(0);
    const next = renewed.body.data as TokenData;
    expect(next.refresh_token).not.toBe(first.refresh_token);
    expect(next.access_token).not.toBe(first.access_token);
    const reused = await refresh(first.refresh_token);
    expect(reused.body).toMatchObject({ code: 36004005, message: 'can not find related auth record' });
    expect((await getProduct(next.access_token, product(0).id)).body.code).toBe(0);
  });

  it('refresh tokens expire after their TTL (36004001)', async () => {
    const { refresh_token } = await authorize();
    offsetMs = 366 * 24 * 3600_000;
    expect((await refresh(refresh_token)).body).toMatchObject({ code: 36004001, message: 'rt has expired' });
  });

  it('expireAccessTokens → 105002, and refresh still works', async () => {
    const tokens = await authorize();
    sandbox.expireAccessTokens();
    const expired = await getProduct(tokens.access_token, product(0).id);
    expect(expired).toMatchObject({ status: 401, body: { code: 105002 } });
    const renewed = await refresh(tokens.refresh_token);
    expect(renewed.body.code).toBe(0);
    expect((await getProduct((renewed.body.data as TokenData).access_token, product(0).id)).body.code).toBe(
      0,
    );
  });

  it('revokeShop invalidates every token of the seller; the seller can authorize again', async () => {
    const tokens = await authorize();
    sandbox.revokeShop(SHOP_ID);
    const refused = await getProduct(tokens.access_token, product(0).id);
    expect(refused.body.code).toBe(36009004);
    expect(refused.body.message).toContain('x-tts-access-token');
    expect((await refresh(tokens.refresh_token)).body.code).toBe(36004005);
    await authorize();
  });
});

describe('signing and the common checks', () => {
  it('rejects a wrong secret, a missing sign, a wrong app_key and a stale timestamp', async () => {
    const { access_token } = await authorize();
    const wrongSecret = await call(
      signedUrl('/authorization/202309/shops', { secret: 'not-the-secret' }),
      withToken(access_token),
    );
    expect(wrongSecret).toMatchObject({ status: 401, body: { code: 106001 } });
    expect(
      (await call(signedUrl('/authorization/202309/shops', { noSign: true }), withToken(access_token))).body
        .code,
    ).toBe(36009004);
    expect(
      (await call(signedUrl('/authorization/202309/shops', { appKey: 'other' }), withToken(access_token)))
        .body.code,
    ).toBe(36009004);
    const stale = await call(
      signedUrl('/authorization/202309/shops', { timestamp: Math.floor(now() / 1000) - 6 * 60 }),
      withToken(access_token),
    );
    expect(stale.body.code).toBe(36009004);
    expect(stale.body.message).toContain('5 minutes before');
    const future = await call(
      signedUrl('/authorization/202309/shops', { timestamp: Math.floor(now() / 1000) + 6 * 60 }),
      withToken(access_token),
    );
    expect(future.body.code).toBe(36009004);
    // Within the window is fine.
    const skewed = await call(
      signedUrl('/authorization/202309/shops', { timestamp: Math.floor(now() / 1000) - 4 * 60 }),
      withToken(access_token),
    );
    expect(skewed.body.code).toBe(0);
  });

  it('the sign covers the path, the query and the JSON body, not the access token', async () => {
    const { access_token } = await authorize();
    const moved = new URL(signedUrl('/authorization/202309/shops'));
    moved.pathname = '/product/202309/images/upload';
    expect(
      (await call(moved.toString(), withToken(access_token, { method: 'POST', body: new FormData() }))).body
        .code,
    ).toBe(106001);

    const id = product(2).id;
    const uris = sandbox.getProduct(id)!.mainImageUris;
    const signedBody = JSON.stringify({
      main_images: uris.map((uri) => ({ uri })),
      listing_platforms: ['TIKTOK_SHOP'],
    });
    const sentBody = JSON.stringify({
      main_images: [...uris].reverse().map((uri) => ({ uri })),
      listing_platforms: ['TIKTOK_SHOP'],
    });
    const tampered = await call(
      signedUrl(`/product/202309/products/${id}/partial_edit`, {
        query: { shop_cipher: cipher },
        body: signedBody,
      }),
      withToken(access_token, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: sentBody,
      }),
    );
    expect(tampered.body.code).toBe(106001);
    expect(sandbox.getProduct(id)!.mainImageUris).toEqual(uris);
    // An access_token query parameter is not part of the sign.
    const withTokenParam = await call(
      `${signedUrl('/authorization/202309/shops')}&access_token=anything`,
      withToken(access_token),
    );
    expect(withTokenParam.body.code).toBe(0);
  });

  it('needs x-tts-access-token, shop_cipher on shop calls, and no shop_cipher elsewhere', async () => {
    const { access_token } = await authorize();
    const noToken = await call(signedUrl('/authorization/202309/shops'));
    expect(noToken).toMatchObject({ status: 401, body: { code: 36009004 } });
    const noCipher = await call(
      signedUrl(`/product/202309/products/${product(0).id}`),
      withToken(access_token),
    );
    expect(noCipher.body.code).toBe(106013);
    const badCipher = await getProduct(access_token, product(0).id, { shop_cipher: 'ROW_nope' });
    expect(badCipher.body.code).toBe(36009004);
    const cipherOnShops = await call(
      signedUrl('/authorization/202309/shops', { query: { shop_cipher: cipher } }),
      withToken(access_token),
    );
    expect(cipherOnShops.body).toMatchObject({ code: 36009004 });
    expect(cipherOnShops.body.message).toContain('not required');
    const jpeg = await solid(400, 400).jpeg().toBuffer();
    const cipherOnUpload = await upload(access_token, uploadForm(jpeg, 'image/jpeg', 'a.jpg'), {
      query: { shop_cipher: cipher },
    });
    expect(cipherOnUpload.body.code).toBe(36009004);
    expect(cipherOnUpload.body.message).toContain('`shop_cipher` query parameter is not required');
  });

  it('a grant without the write scope can read but not edit (105005)', async () => {
    const readOnly = await startTikTokSandbox({
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      serviceId: SERVICE_ID,
      redirectUrl: REDIRECT,
      scopes: ['seller.authorization.info', 'seller.product.basic'],
    });
    try {
      const callback = await approveAuthorization(
        `${readOnly.baseUrl}/open/authorize?service_id=${SERVICE_ID}&state=x`,
      );
      const tokenAnswer = await call(
        `${readOnly.baseUrl}/api/v2/token/get?app_key=${APP_KEY}&app_secret=${APP_SECRET}&grant_type=authorized_code&auth_code=${callback.searchParams.get('code')}`,
      );
      const token = (tokenAnswer.body.data as TokenData).access_token;
      const sign = (path: string, query: Record<string, string>, body = ''): string => {
        const q: Record<string, string> = {
          app_key: APP_KEY,
          timestamp: String(Math.floor(Date.now() / 1000)),
          ...query,
        };
        const base = `${path}${Object.keys(q)
          .sort()
          .map((k) => `${k}${q[k]}`)
          .join('')}${body}`;
        const url = new URL(path, readOnly.baseUrl);
        for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
        url.searchParams.set(
          'sign',
          createHmac('sha256', APP_SECRET).update(`${APP_SECRET}${base}${APP_SECRET}`).digest('hex'),
        );
        return url.toString();
      };
      const shopCipher = readOnly.shops[0]!.cipher;
      const id = readOnly.shops[0]!.products[0]!.id;
      const read = await call(
        sign(`/product/202309/products/${id}`, { shop_cipher: shopCipher }),
        withToken(token),
      );
      expect(read.body.code).toBe(0);
      const body = JSON.stringify({
        main_images: readOnly.getProduct(id)!.mainImageUris.map((uri) => ({ uri })),
      });
      const edit = await call(
        sign(`/product/202309/products/${id}/partial_edit`, { shop_cipher: shopCipher }, body),
        withToken(token, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      );
      expect(edit).toMatchObject({ status: 403, body: { code: 105005 } });
    } finally {
      await readOnly.close();
    }
  });
});

describe('products and images', () => {
  it('lists the authorized shop with its cipher and reads a product', async () => {
    const { access_token } = await authorize();
    const shops = await call(signedUrl('/authorization/202309/shops'), withToken(access_token));
    expect(shops.body.data).toEqual({
      shops: [
        {
          id: SHOP_ID,
          name: 'Toko Kopi Sandbox',
          region: 'ID',
          seller_type: 'LOCAL',
          cipher,
          code: expect.any(String),
        },
      ],
    });
    const answer = await getProduct(access_token, product(0).id);
    const data = answer.body.data as {
      id: string;
      title: string;
      status: string;
      main_images: Array<{
        uri: string;
        urls: string[];
        thumb_urls: string[];
        width: number;
        height: number;
      }>;
      listing_platforms: string[];
      integrated_platform_statuses: Array<{ platform: string; status: string }>;
    };
    expect(data).toMatchObject({ id: product(0).id, title: product(0).title, status: 'ACTIVATE' });
    expect(data.main_images.map((i) => i.uri)).toEqual(sandbox.getProduct(product(0).id)!.mainImageUris);
    expect(data.main_images[0]).toMatchObject({ width: 800, height: 800 });
    expect(data.main_images[0]!.urls).toEqual([
      `https://p16-oec-sg.ibyteimg.com/${data.main_images[0]!.uri}~tplv-aphluv4xwc-origin-jpeg.jpeg`,
    ]);
    const thumb = await httpsGet(
      'p16-oec-sg.ibyteimg.com',
      new URL(data.main_images[0]!.thumb_urls[0]!).pathname,
    );
    expect(await sharp(thumb.body).metadata()).toMatchObject({ format: 'jpeg', width: 300, height: 300 });
    expect(data.listing_platforms).toEqual(['TIKTOK_SHOP', 'TOKOPEDIA']);
    expect(data.integrated_platform_statuses).toEqual([{ platform: 'TOKOPEDIA', status: 'ACTIVATE' }]);

    expect((await getProduct(access_token, '1731562890123456799')).body.code).toBe(12019150);
  });

  it('upload checks format by bytes, size and dimensions; the CDN serves the stored bytes', async () => {
    const { access_token } = await authorize();
    const jpeg = await solid(640, 480).jpeg().toBuffer();
    const ok = await upload(
      access_token,
      uploadForm(jpeg, 'application/octet-stream', 'photo.bin', 'MAIN_IMAGE'),
    );
    expect(ok.body.code).toBe(0);
    const info = ok.body.data as {
      uri: string;
      url: string;
      width: number;
      height: number;
      use_case: string;
    };
    expect(info).toMatchObject({ width: 640, height: 480, use_case: 'MAIN_IMAGE' });
    expect(info.uri).toMatch(/^tos-alisg-i-aphluv4xwc-sg\/[0-9a-f]{32}$/);
    expect(info.url).toBe(`https://p16-oec-sg.ibyteimg.com/${info.uri}~tplv-aphluv4xwc-origin-jpeg.jpeg`);
    for (const host of ['p16-oec-sg.ibyteimg.com', 'p19-oec-sg.ibyteimg.com']) {
      const served = await httpsGet(host, cdnPath(info.uri));
      expect(served.status).toBe(200);
      expect(served.headers['content-type']).toBe('image/jpeg');
      expect(served.headers['access-control-allow-origin']).toBe('*');
      expect(served.body.equals(jpeg)).toBe(true);
    }

    // A wide PNG is forced to 1:1 and stays a PNG (content type from the bytes, whatever the URL suffix).
    const wide = await upload(
      access_token,
      uploadForm(await solid(900, 400, '#3c3').png().toBuffer(), 'image/png', 'w.png'),
    );
    const wideInfo = wide.body.data as { uri: string; width: number; height: number };
    expect(wideInfo).toMatchObject({ width: 900, height: 900 });
    const widePng = await httpsGet('p16-oec-sg.ibyteimg.com', cdnPath(wideInfo.uri));
    expect(widePng.headers['content-type']).toBe('image/png');
    expect(await sharp(widePng.body).metadata()).toMatchObject({ format: 'png', width: 900, height: 900 });

    const webp = await upload(
      access_token,
      uploadForm(await solid(500, 500).webp().toBuffer(), 'image/webp', 'a.webp'),
    );
    expect(webp.body.code).toBe(0);

    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600"/>');
    expect((await upload(access_token, uploadForm(svg, 'image/jpeg', 'fake.jpg'))).body.code).toBe(12038004);
    const small = await solid(299, 400).jpeg().toBuffer();
    expect((await upload(access_token, uploadForm(small, 'image/jpeg', 's.jpg'))).body.code).toBe(12038014);
    const huge = await solid(4001, 3200).png({ compressionLevel: 9 }).toBuffer();
    expect((await upload(access_token, uploadForm(huge, 'image/png', 'h.png'))).body.code).toBe(12038014);
    const tooBig = Buffer.alloc(5 * 1024 * 1024 + 1, 0);
    jpeg.copy(tooBig);
    expect((await upload(access_token, uploadForm(tooBig, 'image/jpeg', 'big.jpg'))).body.code).toBe(
      12038005,
    );
    expect((await upload(access_token, new FormData())).body.code).toBe(12038002);
    expect((await upload(access_token, uploadForm(jpeg, 'image/jpeg', 'a.jpg', 'BANNER'))).body.code).toBe(
      36009004,
    );
    expect(
      (await httpsGet('p16-oec-sg.ibyteimg.com', cdnPath('tos-alisg-i-aphluv4xwc-sg/0000'))).status,
    ).toBe(404);
  });

  it('partial_edit: known uris only, sends the product to review, then the sandbox approves it', async () => {
    const { access_token } = await authorize();
    const id = product(1).id;
    const before = sandbox.getProduct(id)!;
    const reversed = [...before.mainImageUris].reverse();
    const platforms = before.listingPlatforms;

    const unknown = await partialEdit(access_token, id, {
      main_images: [{ uri: 'tos-alisg-i-aphluv4xwc-sg/nope' }],
      listing_platforms: platforms,
    });
    expect(unknown.body.code).toBe(12019009);
    expect(sandbox.getProduct(id)!.mainImageUris).toEqual(before.mainImageUris);

    const extra = await partialEdit(access_token, id, {
      title: 'x',
      main_images: reversed.map((uri) => ({ uri })),
    });
    expect(extra.body.code).toBe(36009004);
    const badPlatform = await partialEdit(access_token, id, {
      main_images: reversed.map((uri) => ({ uri })),
      listing_platforms: ['SHOPEE'],
    });
    expect(badPlatform.body.code).toBe(36009004);
    const tooMany = await partialEdit(access_token, id, {
      main_images: Array.from({ length: 10 }, () => ({ uri: reversed[0] })),
    });
    expect(tooMany.body.code).toBe(12019009);

    // An image already on another product is a known uri too.
    const borrowed = sandbox.getProduct(product(0).id)!.mainImageUris[0]!;
    const next = [borrowed, ...reversed];
    const edited = await partialEdit(access_token, id, {
      main_images: next.map((uri) => ({ uri })),
      listing_platforms: platforms,
    });
    expect(edited.body).toMatchObject({ code: 0, data: { product_id: id, audit: { status: 'AUDITING' } } });
    expect(sandbox.getProduct(id)).toMatchObject({
      mainImageUris: next,
      listingPlatforms: platforms,
      auditStatus: 'AUDITING',
    });
    expect((await getProduct(access_token, id)).body.data).toMatchObject({ audit: { status: 'AUDITING' } });
    offsetMs = 2_001;
    expect(sandbox.getProduct(id)!.auditStatus).toBe('APPROVED');
    expect((await getProduct(access_token, id)).body.data).toMatchObject({ audit: { status: 'APPROVED' } });
  });

  it('an edit whose listing_platforms leaves TOKOPEDIA out deactivates the product there', async () => {
    const { access_token } = await authorize();
    const id = product(0).id;
    const uris = sandbox.getProduct(id)!.mainImageUris;
    // No listing_platforms at all: the platforms stay.
    await partialEdit(access_token, id, { main_images: uris.map((uri) => ({ uri })) });
    expect(sandbox.getProduct(id)!.listingPlatforms).toEqual(['TIKTOK_SHOP', 'TOKOPEDIA']);
    const dropped = await partialEdit(access_token, id, {
      main_images: uris.map((uri) => ({ uri })),
      listing_platforms: ['TIKTOK_SHOP'],
    });
    expect(dropped.body.code).toBe(0);
    expect(sandbox.getProduct(id)).toMatchObject({
      listingPlatforms: ['TIKTOK_SHOP'],
      deactivatedPlatforms: ['TOKOPEDIA'],
    });
    expect((await getProduct(access_token, id)).body.data).toMatchObject({
      listing_platforms: ['TIKTOK_SHOP'],
      integrated_platform_statuses: [{ platform: 'TOKOPEDIA', status: 'SELLER_DEACTIVATED' }],
    });
    // Sending it again reactivates it (and restores the seed for the other tests).
    await partialEdit(access_token, id, {
      main_images: uris.map((uri) => ({ uri })),
      listing_platforms: ['TIKTOK_SHOP', 'TOKOPEDIA'],
    });
    expect(sandbox.getProduct(id)).toMatchObject({
      listingPlatforms: ['TIKTOK_SHOP', 'TOKOPEDIA'],
      deactivatedPlatforms: [],
    });
  });
});

describe('faults and the request log', () => {
  it('injects a 429 with Retry-After once and logs every call with its code', async () => {
    const { access_token } = await authorize();
    const path = '/authorization/202309/shops';
    sandbox.injectFault({ path, code: 36009002, retryAfterSeconds: 3 });
    const limited = await call(signedUrl(path), withToken(access_token));
    expect(limited).toMatchObject({ status: 429, body: { code: 36009002 } });
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await call(signedUrl(path), withToken(access_token))).body.code).toBe(0);
    expect(sandbox.requestLog.filter((e) => e.path === path).slice(-2)).toEqual([
      { method: 'GET', path, code: 36009002, status: 429 },
      { method: 'GET', path, code: 0, status: 200 },
    ]);

    sandbox.injectFault({ path: /^\/product\/202309\/products\/\d+$/, httpStatus: 502 });
    const gateway = await fetch(
      signedUrl(`/product/202309/products/${product(0).id}`, { query: { shop_cipher: cipher } }),
      withToken(access_token),
    );
    expect(gateway.status).toBe(502);
    expect(await gateway.text()).toContain('Bad Gateway');

    const notFound = await call(signedUrl('/product/202309/nope'));
    expect(notFound).toMatchObject({ status: 404, body: { code: 36009009 } });
  });
});

describe('https seller centers and CDN, by Host', () => {
  it('serves the product edit SPA and its data on all three seller-center hosts', async () => {
    const p = product(0);
    for (const host of ['seller-id.tokopedia.com', 'seller-id.tiktok.com', 'seller.tiktokglobalshop.com']) {
      const page = await httpsGet(host, `/product/edit/${p.id}`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      const html = page.body.toString();
      expect(html).toContain("'/api/v1/product/get?product_id='");
      expect(html).toContain("el('div', 'core-upload core-upload-type-picture-card')");
      expect(html).toContain("upload.setAttribute('data-tid', 'product-main-images')");
      expect(html).toContain("el('div', 'core-upload-list core-upload-list-type-picture-card')");
      expect(html).toContain("el('div', 'core-upload-list-item core-upload-list-item-done')");
      expect(html).toContain("el('div', 'core-upload-list-item-picture')");
      expect(html).toContain("next.setAttribute('data-tid', 'next-product')");
      expect(html).toContain('history.pushState');
      expect(html).not.toContain('innerHTML');
      expect(page.altNames).toContain(`DNS:${host}`);
    }
    const data = await httpsGet('seller-id.tokopedia.com', `/api/v1/product/get?product_id=${p.id}`);
    const body = JSON.parse(data.body.toString()) as {
      code: number;
      data: {
        title: string;
        main_images: Array<{ url: string }>;
        listing_platforms: string[];
        next_product_id: string;
      };
    };
    expect(body.code).toBe(0);
    expect(body.data.title).toBe(p.title);
    expect(body.data.main_images.map((i) => i.url)).toEqual(
      sandbox
        .getProduct(p.id)!
        .mainImageUris.map(
          (uri) => `https://p16-oec-sg.ibyteimg.com/${uri}~tplv-aphluv4xwc-origin-jpeg.jpeg`,
        ),
    );
    expect(body.data.next_product_id).toBe(product(1).id);
    const last = JSON.parse(
      (
        await httpsGet('seller-id.tiktok.com', `/api/v1/product/get?product_id=${product(2).id}`)
      ).body.toString(),
    ) as {
      data: { next_product_id: string };
    };
    expect(last.data.next_product_id).toBe(product(0).id);
    expect((await httpsGet('seller-id.tokopedia.com', '/api/v1/product/get?product_id=1')).status).toBe(404);

    const list = (await httpsGet('seller-id.tokopedia.com', '/product/manage')).body.toString();
    for (const q of sandbox.shops[0]!.products) expect(list).toContain(`href="/product/edit/${q.id}"`);
    expect((await httpsGet('seller-id.tokopedia.com', '/product/edit/abc')).status).toBe(404);
  });

  it('serves images on the CDN hosts only, and nothing on other hosts', async () => {
    const uri = sandbox.getProduct(product(0).id)!.mainImageUris[0]!;
    expect((await httpsGet('p19-oec-sg.ibyteimg.com', cdnPath(uri))).status).toBe(200);
    expect((await httpsGet('seller-id.tokopedia.com', cdnPath(uri))).status).toBe(404);
    expect((await httpsGet('p16-oec-sg.ibyteimg.com', '/product/manage')).status).toBe(404);
    expect((await httpsGet('example.com', '/')).status).toBe(421);
  });
});
