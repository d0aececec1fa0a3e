/**
 * The production client against the TikTok Shop sandbox over real HTTP (random ports), plus a few cases that
 * need a hand-made answer (fake fetch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTikTokSandbox, type TikTokSandbox } from '../../../sandbox/tiktok/index.js';
import { approveAuthorization } from '../../../sandbox/tiktok/testing.js';
import { answering, rejectionOf, solidJpeg, unusedPort } from '../testing.js';
import {
  type TikTokApiError,
  TikTokClient,
  type TikTokClientOptions,
  type TikTokError,
  TikTokNetworkError,
  type TikTokTokens,
} from './client.js';
import { classifyTikTokError, isTikTokError, parseRetryAfter } from './errors.js';
import { tiktokSign } from './sign.js';

const APP_KEY = 'clienttestkey';
const APP_SECRET = 'client-test-app-secret-fedcba9876543210';
const SERVICE_ID = '7300000000000000042';
const CALLBACK = 'https://lumiku.example/v1/connections/tiktok/callback';
const SHOP_ID = '7494016700000000001';
const DAY_MS = 86_400_000;

let sandbox: TikTokSandbox;
let client: TikTokClient;

const makeClient = (overrides: Partial<TikTokClientOptions> = {}): TikTokClient =>
  new TikTokClient({
    apiBaseUrl: sandbox.baseUrl,
    authBaseUrl: sandbox.baseUrl,
    servicesBaseUrl: sandbox.baseUrl,
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    serviceId: SERVICE_ID,
    retryMinTimeoutMs: 1,
    ...overrides,
  });

beforeAll(async () => {
  sandbox = await startTikTokSandbox({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    serviceId: SERVICE_ID,
    redirectUrl: CALLBACK,
    seed: 3,
  });
  client = makeClient();
});
afterAll(async () => {
  await sandbox?.close();
});

async function connect(c: TikTokClient = client): Promise<TikTokTokens> {
  const callback = await approveAuthorization(c.authorizationUrl('xyz'));
  expect(callback.searchParams.get('state')).toBe('xyz');
  return c.getAccessToken(callback.searchParams.get('code')!);
}

const rejection = (promise: Promise<unknown>): Promise<TikTokError> => rejectionOf(promise, isTikTokError);

const callsTo = (path: string): number => sandbox.requestLog.filter((e) => e.path === path).length;
const productId = (index: number): string => sandbox.shops[0]!.products[index]!.id;
const cipher = (): string => sandbox.shops[0]!.cipher;

const photo = (color: string, size = 600): Promise<Buffer> => solidJpeg(color, size);

describe('authorization and tokens', () => {
  it('builds the authorization link without redirect_uri', () => {
    const url = new URL(client.authorizationUrl('s t'));
    expect(url.origin + url.pathname).toBe(`${sandbox.baseUrl}/open/authorize`);
    expect([...url.searchParams.keys()]).toEqual(['service_id', 'state']);
    expect(url.searchParams.get('state')).toBe('s t');
    expect(() => client.authorizationUrl('')).toThrow(/state/);
  });

  it('gets tokens (absolute expiries), refreshes them, and the used refresh token is then refused', async () => {
    const before = Date.now();
    const first = await connect();
    expect(first.openId).toBe('7494016799990000001');
    expect(first.sellerName).toBe('Toko Kopi Sandbox');
    // `*_expire_in` are absolute unix seconds: 7 days and 1 year from now, not 1970.
    expect(first.accessExpiresAt.getTime()).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000 + 7 * DAY_MS,
    );
    expect(first.accessExpiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS);
    expect(first.refreshExpiresAt.getTime()).toBeGreaterThan(before + 364 * DAY_MS);

    const second = await client.refreshAccessToken(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);

    const reused = await rejection(client.refreshAccessToken(first.refreshToken));
    expect(reused).toMatchObject({ kind: 'refresh_expired', code: 36004005 });
    expect(reused.message).not.toContain(first.refreshToken);
    // The new pair works.
    const shops = await client.getAuthorizedShops(second.accessToken);
    expect(shops).toHaveLength(1);
  });

  it('a reused authorization code is refresh_expired and not retried', async () => {
    const callback = await approveAuthorization(client.authorizationUrl('abc'));
    const code = callback.searchParams.get('code')!;
    await client.getAccessToken(code);
    const before = callsTo('/api/v2/token/get');
    const again = await rejection(client.getAccessToken(code));
    expect(again).toMatchObject({ kind: 'refresh_expired', code: 36004004 });
    expect(callsTo('/api/v2/token/get')).toBe(before + 1);
    expect(again.message).not.toContain(code);
    expect(again.message).not.toContain(APP_SECRET);
  });

  it('lists the authorized shops with their cipher', async () => {
    const { accessToken } = await connect();
    expect(await client.getAuthorizedShops(accessToken)).toEqual([
      { id: SHOP_ID, name: 'Toko Kopi Sandbox', region: 'ID', cipher: cipher(), code: expect.any(String) },
    ]);
  });
});

describe('listing images', () => {
  it('uploads, reads and replaces one slot; platforms are kept and the edit goes to review', async () => {
    const { accessToken } = await connect();
    const id = productId(0);
    const before = await client.getProduct({ accessToken, shopCipher: cipher(), productId: id });
    expect(before).toMatchObject({ id, status: 'ACTIVATE', listingPlatforms: ['TIKTOK_SHOP', 'TOKOPEDIA'] });
    expect(before.mainImages.map((i) => i.uri)).toEqual(sandbox.getProduct(id)!.mainImageUris);
    expect(before.mainImages[0]!.url).toBe(
      `https://p16-oec-sg.ibyteimg.com/${before.mainImages[0]!.uri}~tplv-aphluv4xwc-origin-jpeg.jpeg`,
    );
    const otherBefore = sandbox.getProduct(productId(1))!;

    const uploaded = await client.uploadImage({
      accessToken,
      data: await photo('#2a6'),
      filename: 'enhanced.jpg',
    });
    expect(uploaded).toMatchObject({ width: 600, height: 600 });
    expect(uploaded.url).toBe(
      `https://p16-oec-sg.ibyteimg.com/${uploaded.uri}~tplv-aphluv4xwc-origin-jpeg.jpeg`,
    );

    const next = before.mainImages.map((i) => i.uri);
    next[1] = uploaded.uri;
    const result = await client.updateMainImages({
      accessToken,
      shopCipher: cipher(),
      productId: id,
      uris: next,
      listingPlatforms: before.listingPlatforms,
    });
    expect(result).toEqual({ auditStatus: 'AUDITING' });

    const after = await client.getProduct({ accessToken, shopCipher: cipher(), productId: id });
    expect(after.mainImages.map((i) => i.uri)).toEqual(next);
    expect(
      after.mainImages.filter((img, i) => img.uri !== before.mainImages[i]!.uri).map((i) => i.uri),
    ).toEqual([uploaded.uri]);
    expect(after).toMatchObject({ listingPlatforms: ['TIKTOK_SHOP', 'TOKOPEDIA'], auditStatus: 'AUDITING' });
    expect(sandbox.getProduct(id)).toMatchObject({ deactivatedPlatforms: [], auditStatus: 'AUDITING' });
    // The neighbouring product is untouched.
    expect(sandbox.getProduct(productId(1))).toEqual(otherBefore);
  });

  it('refuses an edit without listing platforms before any request; a dropped platform would deactivate', async () => {
    const { accessToken } = await connect();
    const id = productId(1);
    const path = `/product/202309/products/${id}/partial_edit`;
    const uris = sandbox.getProduct(id)!.mainImageUris;
    const before = callsTo(path);
    await expect(
      client.updateMainImages({
        accessToken,
        shopCipher: cipher(),
        productId: id,
        uris,
        listingPlatforms: [],
      }),
    ).rejects.toThrow(/listingPlatforms/);
    await expect(
      client.updateMainImages({
        accessToken,
        shopCipher: cipher(),
        productId: id,
        uris: [],
        listingPlatforms: ['TIKTOK_SHOP'],
      }),
    ).rejects.toThrow(/uris/);
    expect(callsTo(path)).toBe(before);

    // The trap is real: a caller that passes fewer platforms than the product has deactivates it there,
    // which is why callers must pass getProduct's list through unchanged.
    await client.updateMainImages({
      accessToken,
      shopCipher: cipher(),
      productId: id,
      uris,
      listingPlatforms: ['TIKTOK_SHOP'],
    });
    expect(sandbox.getProduct(id)).toMatchObject({
      listingPlatforms: ['TIKTOK_SHOP'],
      deactivatedPlatforms: ['TOKOPEDIA'],
    });
    await client.updateMainImages({
      accessToken,
      shopCipher: cipher(),
      productId: id,
      uris,
      listingPlatforms: ['TIKTOK_SHOP', 'TOKOPEDIA', 'TOKOPEDIA'],
    });
    expect(sandbox.getProduct(id)).toMatchObject({
      listingPlatforms: ['TIKTOK_SHOP', 'TOKOPEDIA'],
      deactivatedPlatforms: [],
    });
  });

  it('an untouched product has no audit status; an unknown product is not_found', async () => {
    const { accessToken } = await connect();
    const untouched = await client.getProduct({ accessToken, shopCipher: cipher(), productId: productId(2) });
    expect(untouched).toMatchObject({ auditStatus: null, listingPlatforms: ['TIKTOK_SHOP'] });
    const missing = await rejection(
      client.getProduct({ accessToken, shopCipher: cipher(), productId: '1731562890123456799' }),
    );
    expect(missing).toMatchObject({ kind: 'not_found', code: 12019150 });
    await expect(client.getProduct({ accessToken, shopCipher: cipher(), productId: '12a' })).rejects.toThrow(
      TypeError,
    );
  });

  it('sends no shop_cipher on upload (the sandbox refuses one with 36009004) and the token in the header', async () => {
    const { accessToken } = await connect();
    const seen: URL[] = [];
    const capturing = makeClient({
      fetch: (input, init) => {
        seen.push(new URL(String(input)));
        return fetch(input, init);
      },
    });
    await capturing.uploadImage({ accessToken, data: await photo('#357') });
    const sent = seen[0]!;
    expect(sent.searchParams.has('shop_cipher')).toBe(false);
    expect(sent.searchParams.has('access_token')).toBe(false);
    expect([...sent.searchParams.keys()].sort()).toEqual(['app_key', 'sign', 'timestamp']);

    // A client that did add one (re-signed, so only the cipher is wrong) is refused.
    const withCipher = makeClient({
      retries: 0,
      fetch: (input, init) => {
        const url = new URL(String(input));
        url.searchParams.set('shop_cipher', cipher());
        url.searchParams.delete('sign');
        const query = Object.fromEntries(url.searchParams);
        url.searchParams.set(
          'sign',
          tiktokSign({ appSecret: APP_SECRET, path: url.pathname, query, multipart: true }),
        );
        return fetch(url, init);
      },
    });
    const err = await rejection(withCipher.uploadImage({ accessToken, data: await photo('#357') }));
    expect(err).toMatchObject({ kind: 'param', code: 36009004 });
    expect((err as TikTokApiError).tiktokMessage).toContain('`shop_cipher` query parameter is not required');
  });

  it('image rule violations are kind image; oversize bytes are refused before upload', async () => {
    const { accessToken } = await connect();
    const small = await rejection(client.uploadImage({ accessToken, data: await photo('#999', 200) }));
    expect(small).toMatchObject({ kind: 'image', code: 12038014, transient: false });
    const before = callsTo('/product/202309/images/upload');
    const big = Buffer.alloc(5 * 1024 * 1024 + 1);
    (await photo('#999')).copy(big);
    const tooBig = await rejection(client.uploadImage({ accessToken, data: big }));
    expect(tooBig).toMatchObject({ kind: 'image', code: 12038005 });
    expect(callsTo('/product/202309/images/upload')).toBe(before);
  });
});

describe('error classification', () => {
  it('a wrong app secret is 106001 → sign, not retried, secret never echoed', async () => {
    const { accessToken } = await connect();
    const wrong = makeClient({ appSecret: 'not-the-app-secret' });
    const before = callsTo('/authorization/202309/shops');
    const err = await rejection(wrong.getAuthorizedShops(accessToken));
    expect(err).toMatchObject({ kind: 'sign', code: 106001, httpStatus: 401 });
    expect((err as TikTokApiError).requestId).toMatch(/^\d{14}[0-9A-F]{20}$/);
    expect(callsTo('/authorization/202309/shops')).toBe(before + 1);
    expect(err.message).not.toContain('not-the-app-secret');
    expect(JSON.stringify(wrong)).not.toContain('not-the-app-secret');
  });

  it('a clock 10 minutes behind is 36009004 → param', async () => {
    const { accessToken } = await connect();
    const slow = makeClient({ now: () => Date.now() - 10 * 60_000 });
    const err = await rejection(slow.getAuthorizedShops(accessToken));
    expect(err).toMatchObject({ kind: 'param', code: 36009004 });
    expect((err as TikTokApiError).tiktokMessage).toContain('Invalid timestamp');
  });

  it('an expired token (105002) is auth; after revoke the token is auth and the refresh refresh_expired', async () => {
    const tokens = await connect();
    sandbox.expireAccessTokens();
    const expired = await rejection(client.getAuthorizedShops(tokens.accessToken));
    expect(expired).toMatchObject({ kind: 'auth', code: 105002 });
    const renewed = await client.refreshAccessToken(tokens.refreshToken);
    expect(await client.getAuthorizedShops(renewed.accessToken)).toHaveLength(1);

    sandbox.revokeShop(SHOP_ID);
    const revoked = await rejection(client.getAuthorizedShops(renewed.accessToken));
    expect(revoked).toMatchObject({ kind: 'auth', code: 36009004 });
    const noRefresh = await rejection(client.refreshAccessToken(renewed.refreshToken));
    expect(noRefresh).toMatchObject({ kind: 'refresh_expired', code: 36004005 });
    expect(JSON.stringify(noRefresh) + noRefresh.message).not.toContain(renewed.refreshToken);
    expect(JSON.stringify(revoked) + revoked.message).not.toContain(renewed.accessToken);
  });

  it('classifies the remaining codes', () => {
    const p = '/product/202309/products/1/partial_edit';
    expect(classifyTikTokError(36009002, '', 429, p)).toBe('rate_limit');
    expect(classifyTikTokError(0, '', 429, p)).toBe('rate_limit');
    expect(classifyTikTokError(105005, '', 403, p)).toBe('scope');
    expect(classifyTikTokError(106013, '', 400, p)).toBe('param');
    expect(
      classifyTikTokError(36009004, 'Invalid credentials. Invalid `app_key` query parameter.', 401, p),
    ).toBe('param');
    expect(
      classifyTikTokError(
        36009004,
        'Invalid credentials. The `x-tts-access-token` header is invalid.',
        401,
        p,
      ),
    ).toBe('auth');
    expect(classifyTikTokError(101000, '', 401, p)).toBe('auth');
    // At the token endpoints a token-type refusal is about the grant, not an access token.
    expect(classifyTikTokError(105002, '', 401, '/api/v2/token/refresh')).toBe('refresh_expired');
    expect(classifyTikTokError(36004001, 'rt has expired', 200, '/api/v2/token/refresh')).toBe(
      'refresh_expired',
    );
    for (const code of [12038005, 12038014, 12019116, 12038004, 12038015]) {
      expect(classifyTikTokError(code, '', 200, '/product/202309/images/upload')).toBe('image');
    }
    expect(classifyTikTokError(12052034, '', 200, p)).toBe('not_found');
    expect(classifyTikTokError(36009003, '', 500, p)).toBe('server');
    expect(classifyTikTokError(0, '', 502, p)).toBe('server');
    expect(classifyTikTokError(99999999, 'new', 200, p)).toBe('server');
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:05 GMT', 1000)).toBe(4000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('retries', () => {
  it('retries 36009002 after the Retry-After it was given', async () => {
    const { accessToken } = await connect();
    const path = '/authorization/202309/shops';
    sandbox.injectFault({ path, code: 36009002, retryAfterSeconds: 1 });
    const before = callsTo(path);
    const started = performance.now();
    expect(await client.getAuthorizedShops(accessToken)).toHaveLength(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(
      sandbox.requestLog
        .filter((e) => e.path === path)
        .slice(before)
        .map((e) => [e.code, e.status]),
    ).toEqual([
      [36009002, 429],
      [0, 200],
    ]);
  });

  it('does not wait out a Retry-After longer than 30 s: the caller reschedules', async () => {
    const { accessToken } = await connect();
    const path = '/authorization/202309/shops';
    sandbox.injectFault({ path, code: 36009002, retryAfterSeconds: 120 });
    const before = callsTo(path);
    const err = await rejection(client.getAuthorizedShops(accessToken));
    expect(err).toMatchObject({ kind: 'rate_limit', transient: true, retryAfterMs: 120_000 });
    expect(callsTo(path)).toBe(before + 1);
  });

  it('retries gateway 5xx and 36009003 on safe calls, including the image upload', async () => {
    const { accessToken } = await connect();
    const path = '/product/202309/images/upload';
    sandbox.injectFault({ path, httpStatus: 502 });
    sandbox.injectFault({ path, code: 36009003 });
    const before = callsTo(path);
    const uploaded = await client.uploadImage({ accessToken, data: await photo('#a52') });
    expect(uploaded.uri).not.toBe('');
    expect(
      sandbox.requestLog
        .filter((e) => e.path === path)
        .slice(before)
        .map((e) => [e.code, e.status]),
    ).toEqual([
      [0, 502],
      [36009003, 500],
      [0, 200],
    ]);
  });

  it('gives up after the retry budget with the last error', async () => {
    const { accessToken } = await connect();
    const id = productId(2);
    const path = `/product/202309/products/${id}/partial_edit`;
    sandbox.injectFault({ path, code: 36009003, times: 3 });
    const limited = makeClient({ retries: 2 });
    const before = callsTo(path);
    const { mainImageUris, listingPlatforms } = sandbox.getProduct(id)!;
    const err = await rejection(
      limited.updateMainImages({
        accessToken,
        shopCipher: cipher(),
        productId: id,
        uris: mainImageUris,
        listingPlatforms,
      }),
    );
    expect(err).toMatchObject({ kind: 'server', code: 36009003, transient: true });
    expect(callsTo(path)).toBe(before + 3);
  });

  it('never re-sends a refresh token whose answer was lost', async () => {
    const tokens = await connect();
    const path = '/api/v2/token/refresh';
    // TikTok processes the refresh (spending the token), then the answer is lost behind a 500.
    sandbox.injectFault({ path, httpStatus: 500, afterHandling: true });
    const before = callsTo(path);
    const err = await rejection(client.refreshAccessToken(tokens.refreshToken));
    expect(err).toMatchObject({ kind: 'server', httpStatus: 500 });
    expect(callsTo(path)).toBe(before + 1);
    // It was spent: the caller must now treat the connection as needing re-authorization.
    const spent = await rejection(client.refreshAccessToken(tokens.refreshToken));
    expect(spent.kind).toBe('refresh_expired');
  });

  it('does not retry a token call that timed out, but retries one that was rate limited', async () => {
    const tokens = await connect();
    const path = '/api/v2/token/refresh';
    sandbox.injectFault({ path, code: 36009003, delayMs: 400 });
    const impatient = makeClient({ timeoutMs: 100 });
    const before = callsTo(path);
    const logStart = sandbox.requestLog.length;
    const err = await rejection(impatient.refreshAccessToken(tokens.refreshToken));
    expect(err).toBeInstanceOf(TikTokNetworkError);
    expect(err).toMatchObject({ kind: 'network', timedOut: true, mayHaveReachedServer: true });
    // The sandbox logs the delayed call once it answers; a retry would have added a second entry.
    await expect
      .poll(() => sandbox.requestLog.slice(logStart).some((e) => e.path === path && e.code === 36009003))
      .toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(callsTo(path)).toBe(before + 1);

    sandbox.injectFault({ path, code: 36009002 });
    const renewed = await client.refreshAccessToken(tokens.refreshToken);
    expect(renewed.accessToken).not.toBe(tokens.accessToken);
    expect(callsTo(path)).toBe(before + 3);
  });

  it('retries a token call whose connection was refused (it never left)', async () => {
    const port = await unusedPort();
    let attempts = 0;
    const refused = makeClient({
      authBaseUrl: `http://127.0.0.1:${port}`,
      retries: 2,
      fetch: (input, init) => {
        attempts += 1;
        return fetch(input, init);
      },
    });
    const err = await rejection(refused.refreshAccessToken('r'.repeat(32)));
    expect(err).toMatchObject({ kind: 'network', errorCode: 'ECONNREFUSED', mayHaveReachedServer: false });
    expect(attempts).toBe(3);
    expect(err.message).not.toContain('r'.repeat(32));
    expect(err.message).not.toContain(APP_SECRET);
  });
});

describe('answers made by hand', () => {
  const fakeClient = (answer: unknown, status = 200): TikTokClient =>
    new TikTokClient({
      apiBaseUrl: 'https://open-api.tiktokglobalshop.com',
      authBaseUrl: 'https://auth.tiktok-shops.com',
      servicesBaseUrl: 'https://services.tiktokshop.com',
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      serviceId: SERVICE_ID,
      retries: 0,
      fetch: answering(answer, status),
    });
  const shopCall = { accessToken: 'tok-0123456789', shopCipher: 'ROW_x', productId: '1729592969712207008' };

  it('branches on `code` even with HTTP 200, and redacts tokens TikTok echoes back', async () => {
    const token = 'TTP_a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const c = fakeClient({
      code: 105002,
      message: `access token ${token} is expired, please refresh it`,
      request_id: 'r1',
    });
    const err = await rejection(c.getProduct({ ...shopCall, accessToken: token }));
    expect(err).toMatchObject({
      kind: 'auth',
      httpStatus: 200,
      tiktokMessage: 'access token [redacted] is expired, please refresh it',
    });
    expect(err.message).not.toContain(token);
    const scope = await rejection(
      fakeClient({ code: 105005, message: 'Access denied.', request_id: 'r2' }).getProduct(shopCall),
    );
    expect(scope.kind).toBe('scope');
  });

  it('reads TikTok’s documented product sample; a product without listing_platforms cannot be edited', async () => {
    // Trimmed from the get-product 202309 response sample (tiktok_shop_rb_api fixture): no listing_platforms.
    const c = fakeClient({
      code: 0,
      message: 'Success',
      request_id: '202203070749000101890810281E8C70B7',
      data: {
        id: '1729592969712207008',
        title: 'Short Boat Invisible Socks',
        status: 'SELLER_DEACTIVATED',
        audit: { status: 'AUDITING' },
        main_images: [
          {
            height: 600,
            width: 600,
            uri: 'tos-maliva-i-o3syd03w52-us/6c8519a3663a4d728c4e3c131dc914b4',
            urls: [
              'https://p16-oec-va.ibyteimg.com/tos-maliva-i-o3syd03w52-us/6c85~tplv-o3syd03w52-resize-jpeg:300:300.jpeg',
            ],
            thumb_urls: [],
          },
        ],
        integrated_platform_statuses: [{ platform: 'TOKOPEDIA', status: 'PLATFORM_DEACTIVATED' }],
      },
    });
    const product = await c.getProduct(shopCall);
    expect(product).toMatchObject({
      id: '1729592969712207008',
      status: 'SELLER_DEACTIVATED',
      auditStatus: 'AUDITING',
      listingPlatforms: [],
    });
    expect(product.mainImages[0]!.uri).toBe('tos-maliva-i-o3syd03w52-us/6c8519a3663a4d728c4e3c131dc914b4');
    await expect(
      c.updateMainImages({ ...shopCall, uris: ['a/b'], listingPlatforms: product.listingPlatforms }),
    ).rejects.toThrow(/listingPlatforms/);
  });

  it('reads the token sample’s absolute expiries, and a relative lifetime defensively', async () => {
    const sample = {
      code: 0,
      message: 'success',
      request_id: '2024080809462301024509910319695C45',
      data: {
        access_token: 'TTP_Fw8rBwAAAAAkW03FYd09DG',
        access_token_expire_in: 1660556783,
        refresh_token: 'TTP_NTUxZTNhYTQ2ZDk2YmRm',
        refresh_token_expire_in: 1691487031,
        open_id: '7010736057180325637',
        seller_name: 'Test Seller',
        seller_base_region: 'US',
        user_type: 0,
      },
    };
    const tokens = await fakeClient(sample).getAccessToken('code-1');
    expect(tokens.accessExpiresAt.toISOString()).toBe('2022-08-15T09:46:23.000Z');
    expect(tokens.refreshExpiresAt.toISOString()).toBe('2023-08-08T09:30:31.000Z');
    expect(tokens).toMatchObject({ openId: '7010736057180325637', sellerName: 'Test Seller' });
    const relative = await fakeClient({
      ...sample,
      data: { ...sample.data, access_token_expire_in: 604800 },
    }).getAccessToken('code-2');
    expect(relative.accessExpiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * DAY_MS);
  });

  it('treats an unexpected answer as a server error without echoing it', async () => {
    const c = fakeClient({ code: 0, message: '', request_id: 'r3', data: { access_token: 'only-half' } });
    const err = await rejection(c.refreshAccessToken('x'.repeat(32)));
    expect(err).toMatchObject({ kind: 'server', code: 0 });
    expect(err.message).not.toContain('only-half');
    const html = await rejection(fakeClient('<html>502</html>', 502).getProduct(shopCall));
    expect(html).toMatchObject({ kind: 'server', code: 0, httpStatus: 502, transient: true });
  });

  it('refuses unsafe configuration and keeps the secret out of serialisation', () => {
    const base = {
      authBaseUrl: 'https://auth.tiktok-shops.com',
      servicesBaseUrl: 'https://services.tiktokshop.com',
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      serviceId: SERVICE_ID,
    };
    expect(() => new TikTokClient({ ...base, apiBaseUrl: 'http://open-api.tiktokglobalshop.com' })).toThrow(
      /https/,
    );
    expect(
      () => new TikTokClient({ ...base, apiBaseUrl: 'https://open-api.tiktokglobalshop.com/api' }),
    ).toThrow(/path/);
    expect(
      () => new TikTokClient({ ...base, apiBaseUrl: 'https://open-api.tiktokglobalshop.com', appSecret: '' }),
    ).toThrow(/appSecret/);
    expect(JSON.stringify(client)).not.toContain(APP_SECRET);
  });
});
