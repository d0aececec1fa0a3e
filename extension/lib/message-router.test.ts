import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { MessageResult } from '../../shared/messages';
import type { FetchFn } from './api-client';
import { createMessageRouter } from './message-router';
import { classifySender, type MessageSenderInfo } from './sender';
import { readSession, saveSession } from './session-store';
import { authResponse, JOB_ID, jobView, jsonResponse, QUOTE } from './test-fixtures';

const RUNTIME_ID = 'test-extension-id';
const EXTENSION_ORIGIN = `chrome-extension://${RUNTIME_ID}`;
const API = 'http://api.test';
const CLICK_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const IMAGE_URL = 'https://down-id.img.susercontent.com/file/id-11134207-7r98o-abc123';

const optionsPage: MessageSenderInfo = { id: RUNTIME_ID, url: `${EXTENSION_ORIGIN}/options.html` };
const shopeeTab: MessageSenderInfo = {
  id: RUNTIME_ID,
  origin: 'https://seller.shopee.co.id',
  url: 'https://seller.shopee.co.id/portal/product/1234567890',
};

const validJobCreate = {
  marketplace: 'shopee',
  productId: '1234567890',
  slot: 1,
  imageUrl: IMAGE_URL,
  sourceImageId: 'id-11134207-7r98o-abc123',
  presetId: 'shopee-white-studio',
  clickId: CLICK_ID,
};

let fetch: ReturnType<typeof vi.fn<FetchFn>>;
let openOptionsPage: ReturnType<typeof vi.fn<() => Promise<void>>>;
let route: ReturnType<typeof createMessageRouter>;

beforeEach(async () => {
  fakeBrowser.reset();
  fetch = vi.fn<FetchFn>(async () =>
    jsonResponse(500, { error: { code: 'INTERNAL', message: 'unexpected call' } }),
  );
  openOptionsPage = vi.fn(async () => undefined);
  route = createMessageRouter({
    runtimeId: RUNTIME_ID,
    extensionOrigin: EXTENSION_ORIGIN,
    apiUrl: API,
    fetch,
    languages: ['en-US'],
    openOptionsPage,
    download: async () => 1,
  });
  await saveSession(authResponse({ seller: { ...authResponse().seller, locale: 'en' } }));
});

function errorCode(result: MessageResult<unknown>): string | undefined {
  return result.ok ? undefined : result.error.code;
}

describe('message guard', () => {
  it.each<[string, MessageSenderInfo]>([
    ['another extension', { id: 'some-other-extension', url: `${EXTENSION_ORIGIN}/options.html` }],
    [
      'a sender without an id (a web page via externally_connectable)',
      { url: 'https://seller.shopee.co.id/x' },
    ],
    [
      'a content script on a page that is not a seller center',
      { id: RUNTIME_ID, origin: 'https://evil.example', url: 'https://evil.example/portal/product/1' },
    ],
    [
      'a seller-center look-alike host',
      { id: RUNTIME_ID, url: 'https://seller.shopee.co.id.evil.example/portal/product/1' },
    ],
    ['a plain-http seller center', { id: RUNTIME_ID, url: 'http://seller.shopee.co.id/portal/product/1' }],
    [
      'origin and url that disagree',
      { id: RUNTIME_ID, origin: 'https://evil.example', url: 'https://seller.shopee.co.id/portal/product/1' },
    ],
    ['a sender with neither url nor origin', { id: RUNTIME_ID }],
  ])('refuses %s with FORBIDDEN and calls nothing', async (_name, sender) => {
    const result = await route({ type: 'quote.get', payload: { presetId: 'shopee-white-studio' } }, sender);
    expect(errorCode(result)).toBe('FORBIDDEN');
    expect(fetch).not.toHaveBeenCalled();
  });

  it.each([
    ['auth.login', { email: 'a@example.com', password: 'password1' }],
    ['auth.signup', { email: 'a@example.com', password: 'password1' }],
    ['auth.logout', {}],
    ['settings.update', { locale: 'en' }],
    ['ledger.get', {}],
    ['connections.list', {}],
    ['connections.start', { provider: 'shopee' }],
    ['connections.start', { provider: 'tiktok' }],
    ['connections.delete', { connectionId: JOB_ID }],
  ])('refuses the privileged message %s from a content script', async (type, payload) => {
    const before = await readSession();
    const result = await route({ type, payload }, shopeeTab);
    expect(errorCode(result)).toBe('FORBIDDEN');
    expect(fetch).not.toHaveBeenCalled();
    // Logging out or in from a page must not touch the session either.
    expect(await readSession()).toEqual(before);
  });

  it.each<[string, unknown]>([
    ['a non-object', 'job.create'],
    ['an unknown type', { type: 'job.delete', payload: {} }],
    ['extra envelope keys', { type: 'session.get', payload: {}, tabId: 1 }],
    ['an extra payload field', { type: 'job.create', payload: { ...validJobCreate, price: 0 } }],
    [
      'a clickId that is not a UUID',
      { type: 'job.create', payload: { ...validJobCreate, clickId: 'same-every-time' } },
    ],
    ['a slot out of range', { type: 'job.create', payload: { ...validJobCreate, slot: 9 } }],
    ['a non-numeric product id', { type: 'job.create', payload: { ...validJobCreate, productId: '12a' } }],
    [
      'a javascript: image URL',
      { type: 'job.create', payload: { ...validJobCreate, imageUrl: 'javascript:alert(1)' } },
    ],
    ['an unknown preset', { type: 'quote.get', payload: { presetId: 'free-forever' } }],
    ['a job id that is not a UUID', { type: 'job.get', payload: { jobId: '../../admin' } }],
  ])('refuses %s with VALIDATION_FAILED and calls nothing', async (_name, message) => {
    const result = await route(message, shopeeTab);
    expect(errorCode(result)).toBe('VALIDATION_FAILED');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('refuses to download an image that is not on the marketplace CDN', async () => {
    for (const imageUrl of [
      'https://evil.example/file/abc',
      'https://down-id.img.susercontent.com:8443/file/abc',
      'https://169.254.169.254/file/abc',
    ]) {
      const result = await route({ type: 'job.create', payload: { ...validJobCreate, imageUrl } }, shopeeTab);
      expect(errorCode(result)).toBe('IMAGE_URL_NOT_ALLOWED');
    }
    expect(fetch).not.toHaveBeenCalled();
  });

  it('answers UNAUTHENTICATED without calling the API when nobody is logged in', async () => {
    await route({ type: 'auth.logout', payload: {} }, optionsPage);
    fetch.mockClear();
    const result = await route(
      { type: 'quote.get', payload: { presetId: 'shopee-white-studio' } },
      shopeeTab,
    );
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('handlers behind the guard', () => {
  it('lets a seller-center content script get a quote with the stored token', async () => {
    fetch.mockResolvedValueOnce(jsonResponse(200, QUOTE));
    const result = await route(
      { type: 'quote.get', payload: { presetId: 'shopee-white-studio' } },
      shopeeTab,
    );
    expect(result).toEqual({ ok: true, data: QUOTE });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe(`${API}/v1/quote?presetId=shopee-white-studio`);
    expect(init?.headers).toMatchObject({ Authorization: 'Bearer secret-session-token' });
  });

  it('creates a job: downloads the CDN image itself and uploads it as multipart with the click id', async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    fetch
      .mockResolvedValueOnce(new Response(jpeg, { headers: { 'content-type': 'image/jpeg' } }))
      .mockResolvedValueOnce(jsonResponse(202, jobView()));
    const result = await route({ type: 'job.create', payload: validJobCreate }, shopeeTab);
    expect(result).toEqual({ ok: true, data: jobView() });

    const [cdnUrl, cdnInit] = fetch.mock.calls[0] ?? [];
    expect(cdnUrl).toBe(IMAGE_URL);
    expect(cdnInit?.credentials).toBe('omit');

    const [apiUrl, apiInit] = fetch.mock.calls[1] ?? [];
    expect(apiUrl).toBe(`${API}/v1/jobs`);
    expect(apiInit?.method).toBe('POST');
    expect(apiInit?.headers).toMatchObject({
      'Idempotency-Key': CLICK_ID,
      Authorization: 'Bearer secret-session-token',
    });
    const form = apiInit?.body;
    expect(form).toBeInstanceOf(FormData);
    if (!(form instanceof FormData)) return;
    expect(Object.fromEntries([...form.entries()].filter(([key]) => key !== 'image'))).toEqual({
      kind: 'enhance',
      marketplace: 'shopee',
      productId: '1234567890',
      slot: '1',
      presetId: 'shopee-white-studio',
      sourceImageId: 'id-11134207-7r98o-abc123',
    });
    const image = form.get('image');
    expect(image).toBeInstanceOf(Blob);
    if (image instanceof Blob) expect(new Uint8Array(await image.arrayBuffer())).toEqual(jpeg);
  });

  it('passes INSUFFICIENT_CREDITS from the API through to the page', async () => {
    fetch
      .mockResolvedValueOnce(new Response(new Uint8Array([1]), { headers: { 'content-type': 'image/jpeg' } }))
      .mockResolvedValueOnce(
        jsonResponse(402, { error: { code: 'INSUFFICIENT_CREDITS', message: 'Not enough credits.' } }),
      );
    const result = await route({ type: 'job.create', payload: validJobCreate }, shopeeTab);
    expect(errorCode(result)).toBe('INSUFFICIENT_CREDITS');
  });

  it('returns before/after previews as data URLs once the job succeeded', async () => {
    const done = jobView({ status: 'succeeded', progress: 100 });
    fetch.mockImplementation(async (url) => {
      if (url.endsWith('/original'))
        return new Response(new Uint8Array([1]), { headers: { 'content-type': 'image/png' } });
      if (url.endsWith('/result'))
        return new Response(new Uint8Array([2]), { headers: { 'content-type': 'image/jpeg' } });
      return jsonResponse(200, done);
    });
    const result = await route({ type: 'job.get', payload: { jobId: JOB_ID } }, shopeeTab);
    expect(result).toEqual({
      ok: true,
      data: {
        job: done,
        beforeDataUrl: 'data:image/png;base64,AQ==',
        afterDataUrl: 'data:image/jpeg;base64,Ag==',
      },
    });
  });

  it('logs in from the options page without ever returning the token', async () => {
    fetch.mockResolvedValueOnce(jsonResponse(200, authResponse({ token: 'fresh-token' })));
    const result = await route(
      { type: 'auth.login', payload: { email: 'Toko@Example.com', password: 'pw' } },
      optionsPage,
    );
    expect(result.ok).toBe(true);
    expect(JSON.stringify(result)).not.toContain('fresh-token');
    expect(JSON.parse(String(fetch.mock.calls[0]?.[1]?.body))).toEqual({
      email: 'toko@example.com',
      password: 'pw',
    });
    expect((await readSession())?.token).toBe('fresh-token');
  });

  it('forgets the session when the API says the token is dead', async () => {
    fetch.mockResolvedValueOnce(
      jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: 'Please log in again.' } }),
    );
    const result = await route({ type: 'account.get', payload: {} }, shopeeTab);
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(await readSession()).toBeNull();
  });

  it('reports NETWORK when the API cannot be reached', async () => {
    fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const result = await route({ type: 'account.get', payload: {} }, optionsPage);
    expect(result).toEqual({
      ok: false,
      error: { code: 'NETWORK', message: expect.stringMatching(/^Cannot reach Lumiku server/) },
    });
  });
});

describe('Tokopedia and TikTok Shop seller centers', () => {
  const tokopediaTab: MessageSenderInfo = {
    id: RUNTIME_ID,
    origin: 'https://seller-id.tokopedia.com',
    url: 'https://seller-id.tokopedia.com/product/edit/1729384756123456789',
  };
  const tiktokGlobalTab: MessageSenderInfo = {
    id: RUNTIME_ID,
    origin: 'https://seller.tiktokglobalshop.com',
    url: 'https://seller.tiktokglobalshop.com/product/edit/1729384756123456789',
  };
  const TIKTOK_IMAGE =
    'https://p16-oec-sg.ibyteimg.com/tos-alisg-i-aphluv4xwc-sg/abc123~tplv-aphluv4xwc-origin-jpeg.jpeg';
  const tiktokJobCreate = {
    marketplace: 'tiktok',
    productId: '1729384756123456789',
    slot: 0,
    imageUrl: TIKTOK_IMAGE,
    sourceImageId: 'tos-alisg-i-aphluv4xwc-sg/abc123',
    presetId: 'tiktok-white-studio',
    clickId: CLICK_ID,
  };
  const applied = {
    imageId: 'tos-alisg-i-aphluv4xwc-sg/new1',
    imageUrl:
      'https://p16-oec-sg.ibyteimg.com/tos-alisg-i-aphluv4xwc-sg/new1~tplv-aphluv4xwc-origin-jpeg.jpeg',
    replacedImageId: 'tos-alisg-i-aphluv4xwc-sg/abc123',
    replacedImageUrl: TIKTOK_IMAGE,
    appliedAt: '2025-01-02T03:05:00.000Z',
    revertedAt: '2025-01-02T03:06:00.000Z',
    auditStatus: 'AUDITING',
  };

  it.each([
    ['https://seller-id.tokopedia.com', 'tokopedia'],
    ['https://seller-id.tiktok.com', 'tiktok'],
    ['https://seller.tiktokglobalshop.com', 'tiktok'],
  ])('places a content script on %s as %s', (origin, marketplace) => {
    expect(
      classifySender(
        { id: RUNTIME_ID, origin, url: `${origin}/product/edit/1` },
        RUNTIME_ID,
        EXTENSION_ORIGIN,
      ),
    ).toEqual({ kind: 'content-script', marketplace });
  });

  it.each<[string, MessageSenderInfo]>([
    [
      'a Tokopedia look-alike host',
      { id: RUNTIME_ID, url: 'https://seller-id.tokopedia.com.evil.example/product/edit/1' },
    ],
    [
      'a plain-http TikTok seller center',
      { id: RUNTIME_ID, url: 'http://seller-id.tiktok.com/product/edit/1' },
    ],
    [
      'a Tokopedia origin with a TikTok Shop url',
      {
        id: RUNTIME_ID,
        origin: 'https://seller-id.tokopedia.com',
        url: 'https://seller-id.tiktok.com/product/edit/1',
      },
    ],
  ])('refuses %s', (_name, sender) => {
    expect(classifySender(sender, RUNTIME_ID, EXTENSION_ORIGIN)).toBeUndefined();
  });

  it.each(['shopee', 'tiktok'])(
    'refuses a Tokopedia page starting a %s job, and calls nothing',
    async (marketplace) => {
      const payload = { ...tiktokJobCreate, marketplace, presetId: `${marketplace}-white-studio` };
      const result = await route({ type: 'job.create', payload }, tokopediaTab);
      expect(errorCode(result)).toBe('FORBIDDEN');
      expect(fetch).not.toHaveBeenCalled();
    },
  );

  it('refuses a Tokopedia job whose image is not on the TikTok Shop CDN', async () => {
    const payload = {
      ...tiktokJobCreate,
      marketplace: 'tokopedia',
      presetId: 'tokopedia-white-studio',
      imageUrl: IMAGE_URL,
    };
    const result = await route({ type: 'job.create', payload }, tokopediaTab);
    expect(errorCode(result)).toBe('IMAGE_URL_NOT_ALLOWED');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('lets the global TikTok Shop seller center start a TikTok Shop job from the TikTok CDN', async () => {
    const created = jobView({
      marketplace: 'tiktok',
      productId: '1729384756123456789',
      slot: 0,
      presetId: 'tiktok-white-studio',
    });
    fetch
      .mockResolvedValueOnce(
        new Response(new Uint8Array([0xff, 0xd8, 0xff]), { headers: { 'content-type': 'image/jpeg' } }),
      )
      .mockResolvedValueOnce(jsonResponse(202, created));
    const result = await route({ type: 'job.create', payload: tiktokJobCreate }, tiktokGlobalTab);
    expect(result).toEqual({ ok: true, data: created });
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([TIKTOK_IMAGE, `${API}/v1/jobs`]);
  });

  it('reverts a job of the page’s own marketplace: checks the job, then POSTs revert without a charge key', async () => {
    const job = jobView({
      marketplace: 'tokopedia',
      status: 'succeeded',
      progress: 100,
      presetId: 'tokopedia-white-studio',
    });
    const reverted = { ...job, applied };
    fetch
      .mockResolvedValueOnce(jsonResponse(200, job))
      .mockResolvedValueOnce(jsonResponse(200, { job: reverted }));
    const result = await route({ type: 'job.revert', payload: { jobId: JOB_ID } }, tokopediaTab);
    expect(result).toEqual({ ok: true, data: reverted });
    const [[getUrl, getInit], [postUrl, postInit]] = fetch.mock.calls as [
      [string, RequestInit],
      [string, RequestInit],
    ];
    expect([getInit.method, getUrl]).toEqual(['GET', `${API}/v1/jobs/${JOB_ID}`]);
    expect([postInit.method, postUrl]).toEqual(['POST', `${API}/v1/jobs/${JOB_ID}/revert`]);
    expect(postInit.headers).not.toHaveProperty('Idempotency-Key');
  });

  it.each<[string, unknown]>([
    ['job.revert', { jobId: JOB_ID }],
    ['job.apply', { jobId: JOB_ID, clickId: CLICK_ID }],
    ['job.get', { jobId: JOB_ID }],
  ])(
    'refuses %s from a Tokopedia page for a Shopee job after reading it, and changes nothing',
    async (type, payload) => {
      fetch.mockResolvedValueOnce(jsonResponse(200, jobView({ status: 'succeeded', progress: 100 })));
      const result = await route({ type, payload }, tokopediaTab);
      expect(errorCode(result)).toBe('FORBIDDEN');
      expect(fetch).toHaveBeenCalledTimes(1);
      expect(fetch.mock.calls[0]?.[1]?.method).toBe('GET');
    },
  );

  it('reverts from the options page without the marketplace check', async () => {
    const reverted = { ...jobView({ status: 'succeeded', progress: 100 }), applied };
    fetch.mockResolvedValueOnce(jsonResponse(200, { job: reverted }));
    const result = await route({ type: 'job.revert', payload: { jobId: JOB_ID } }, optionsPage);
    expect(result).toEqual({ ok: true, data: reverted });
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([`${API}/v1/jobs/${JOB_ID}/revert`]);
  });

  it('passes NOTHING_TO_REVERT through', async () => {
    fetch.mockResolvedValueOnce(
      jsonResponse(409, { error: { code: 'NOTHING_TO_REVERT', message: 'There is no replaced photo.' } }),
    );
    const result = await route({ type: 'job.revert', payload: { jobId: JOB_ID } }, optionsPage);
    expect(errorCode(result)).toBe('NOTHING_TO_REVERT');
  });

  it.each([
    ['a seller-center page', tokopediaTab],
    ['the popup', { id: RUNTIME_ID, url: `${EXTENSION_ORIGIN}/popup.html` }],
  ])('opens the options page for %s without calling the API', async (_name, sender) => {
    const result = await route({ type: 'options.open', payload: {} }, sender);
    expect(result).toEqual({ ok: true, data: { opened: true } });
    expect(openOptionsPage).toHaveBeenCalledTimes(1);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('starts a TikTok Shop connection (which also covers Tokopedia) from the options page', async () => {
    fetch.mockResolvedValueOnce(
      jsonResponse(200, {
        authorizeUrl: 'https://services.tiktokshop.com/open/authorize?service_id=1&state=s',
      }),
    );
    const result = await route({ type: 'connections.start', payload: { provider: 'tiktok' } }, optionsPage);
    expect(result.ok).toBe(true);
    expect(fetch.mock.calls[0]?.[0]).toBe(`${API}/v1/connections/tiktok/start`);
    expect(fetch.mock.calls[0]?.[1]?.method).toBe('POST');
  });

  it('refuses an authorize URL that is not a web page', async () => {
    fetch.mockResolvedValueOnce(jsonResponse(200, { authorizeUrl: 'javascript:alert(1)' }));
    const result = await route({ type: 'connections.start', payload: { provider: 'tiktok' } }, optionsPage);
    expect(errorCode(result)).toBe('BAD_RESPONSE');
  });

  it.each<[string, unknown, MessageSenderInfo]>([
    [
      'connections.start for a marketplace instead of a provider',
      { type: 'connections.start', payload: { provider: 'tokopedia' } },
      optionsPage,
    ],
    [
      'connections.start with the old field',
      { type: 'connections.start', payload: { marketplace: 'shopee' } },
      optionsPage,
    ],
    [
      'job.revert with an extra field',
      { type: 'job.revert', payload: { jobId: JOB_ID, slot: 1 } },
      tokopediaTab,
    ],
    [
      'job.revert with a job id that is not a UUID',
      { type: 'job.revert', payload: { jobId: '1' } },
      tokopediaTab,
    ],
    [
      'options.open with a URL',
      { type: 'options.open', payload: { url: 'https://evil.example' } },
      tokopediaTab,
    ],
  ])('refuses %s with VALIDATION_FAILED and does nothing', async (_name, message, sender) => {
    const result = await route(message, sender);
    expect(errorCode(result)).toBe('VALIDATION_FAILED');
    expect(fetch).not.toHaveBeenCalled();
    expect(openOptionsPage).not.toHaveBeenCalled();
  });
});
