/** The look picker's messages (quote by template, catalogue, thumbnails, jobs by template) behind the guard. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { MessageResult } from '../../shared/messages';
import type { FetchFn } from './api-client';
import { defaultLook, readLook, saveLook } from './look-store';
import { createMessageRouter } from './message-router';
import type { MessageSenderInfo } from './sender';
import { clearSession, saveSession } from './session-store';
import { authResponse, jobView, jsonResponse, pickerTemplate, QUOTE } from './test-fixtures';

const RUNTIME_ID = 'test-extension-id';
const API = 'http://api.test';
const CLICK_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c61';
const IMAGE_URL = 'https://down-id.img.susercontent.com/file/id-11134207-7r98o-abc123';
const shopeeTab: MessageSenderInfo = {
  id: RUNTIME_ID,
  origin: 'https://seller.shopee.co.id',
  url: 'https://seller.shopee.co.id/portal/product/1234567890',
};
const jobCreate = {
  marketplace: 'shopee',
  productId: '1234567890',
  slot: 1,
  imageUrl: IMAGE_URL,
  clickId: CLICK_ID,
};

let fetch: ReturnType<typeof vi.fn<FetchFn>>;
let route: ReturnType<typeof createMessageRouter>;

beforeEach(async () => {
  fakeBrowser.reset();
  fetch = vi.fn<FetchFn>(async () =>
    jsonResponse(500, { error: { code: 'INTERNAL', message: 'unexpected call' } }),
  );
  route = createMessageRouter({
    runtimeId: RUNTIME_ID,
    extensionOrigin: `chrome-extension://${RUNTIME_ID}`,
    apiUrl: API,
    fetch,
    languages: ['en-US'],
    openOptionsPage: async () => undefined,
    download: async () => 1,
  });
  await saveSession(authResponse());
});

const errorCode = (result: MessageResult<unknown>) => (result.ok ? undefined : result.error.code);
const headersOf = (call: number) => (fetch.mock.calls[call]?.[1]?.headers ?? {}) as Record<string, string>;

describe('quote.get', () => {
  it('quotes a template by id with the token', async () => {
    const quote = { ...QUOTE, presetId: null, templateId: 'studio-black', price: 32 };
    fetch.mockResolvedValueOnce(jsonResponse(200, quote));
    const result = await route({ type: 'quote.get', payload: { templateId: 'studio-black' } }, shopeeTab);
    expect(result).toEqual({ ok: true, data: quote });
    expect(fetch.mock.calls[0]?.[0]).toBe(`${API}/v1/quote?templateId=studio-black`);
    expect(headersOf(0)).toMatchObject({ Authorization: 'Bearer secret-session-token' });
  });

  it.each([
    ['both ids', { presetId: 'shopee-white-studio', templateId: 'studio-black' }],
    ['neither id', {}],
    ['a template id with a path in it', { templateId: '../admin' }],
  ])('refuses %s without calling the API', async (_name, payload) => {
    expect(errorCode(await route({ type: 'quote.get', payload }, shopeeTab))).toBe('VALIDATION_FAILED');
    expect(fetch).not.toHaveBeenCalled();
  });

  it("passes the server's 403 for a premium template through, message included", async () => {
    const message = 'Template premium tersedia di paket Profesional dan Premium.';
    fetch.mockResolvedValueOnce(jsonResponse(403, { error: { code: 'TEMPLATE_LOCKED', message } }));
    const result = await route({ type: 'quote.get', payload: { templateId: 'studio-spotlight' } }, shopeeTab);
    expect(result).toEqual({ ok: false, error: { code: 'TEMPLATE_LOCKED', message } });
  });
});

describe('the catalogue', () => {
  it('lists the presets from the public endpoint, without the token', async () => {
    const presets = [
      {
        id: 'shopee-white-studio',
        name: { en: 'Shopee white studio', id: 'Shopee putih studio' },
        marketplace: 'shopee',
        price: 28,
        output: { width: 1200, height: 1200, format: 'jpeg' },
      },
    ];
    fetch.mockResolvedValueOnce(jsonResponse(200, { presets }));
    const result = await route({ type: 'presets.list', payload: {} }, shopeeTab);
    expect(result).toEqual({ ok: true, data: { presets } });
    expect(fetch.mock.calls[0]?.[0]).toBe(`${API}/v1/presets`);
    expect(headersOf(0).Authorization).toBeUndefined();
  });

  it("lists the templates with the token when logged in and keeps the server's locked flag", async () => {
    const locked = pickerTemplate({ id: 'studio-spotlight', premium: true, locked: true });
    const plain = pickerTemplate({ id: 'studio-black' });
    fetch.mockResolvedValueOnce(jsonResponse(200, { templates: [locked, plain] }));
    const result = await route({ type: 'templates.list', payload: {} }, shopeeTab);
    expect(result).toEqual({ ok: true, data: { templates: [locked, plain] } });
    expect(fetch.mock.calls[0]?.[0]).toBe(`${API}/v1/templates`);
    expect(headersOf(0)).toMatchObject({ Authorization: 'Bearer secret-session-token' });
  });

  it('lists the templates logged out too (no Authorization header)', async () => {
    await clearSession();
    fetch.mockResolvedValueOnce(jsonResponse(200, { templates: [pickerTemplate()] }));
    const result = await route({ type: 'templates.list', payload: {} }, shopeeTab);
    expect(result.ok).toBe(true);
    expect(headersOf(0).Authorization).toBeUndefined();
  });

  it('returns a thumbnail as a data: URL, fetched without the token', async () => {
    fetch.mockResolvedValueOnce(
      new Response(new Uint8Array([0x52, 0x49, 0x46, 0x46]), { headers: { 'content-type': 'image/webp' } }),
    );
    const result = await route(
      { type: 'template.preview', payload: { templateId: 'studio-black' } },
      shopeeTab,
    );
    expect(result).toEqual({ ok: true, data: { dataUrl: 'data:image/webp;base64,UklGRg==' } });
    expect(fetch.mock.calls[0]?.[0]).toBe(`${API}/v1/templates/studio-black/preview`);
    expect(headersOf(0).Authorization).toBeUndefined();
  });

  it('refuses a thumbnail that is far too big to be one', async () => {
    fetch.mockResolvedValueOnce(
      new Response(new Uint8Array(600 * 1024), { headers: { 'content-type': 'image/webp' } }),
    );
    const result = await route(
      { type: 'template.preview', payload: { templateId: 'studio-black' } },
      shopeeTab,
    );
    expect(errorCode(result)).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('job.create with a template', () => {
  const jpeg = () =>
    new Response(new Uint8Array([0xff, 0xd8, 0xff]), { headers: { 'content-type': 'image/jpeg' } });

  it('sends templateId (and no presetId) in the multipart body', async () => {
    fetch
      .mockResolvedValueOnce(jpeg())
      .mockResolvedValueOnce(jsonResponse(202, jobView({ presetId: null, templateId: 'studio-black' })));
    const result = await route(
      { type: 'job.create', payload: { ...jobCreate, templateId: 'studio-black' } },
      shopeeTab,
    );
    expect(result.ok).toBe(true);
    const form = fetch.mock.calls[1]?.[1]?.body;
    if (!(form instanceof FormData)) throw new Error('expected a multipart body');
    expect(form.get('templateId')).toBe('studio-black');
    expect(form.has('presetId')).toBe(false);
  });

  it.each([
    ['both', { presetId: 'shopee-white-studio', templateId: 'studio-black' }],
    ['neither', {}],
  ])('refuses %s of presetId and templateId without downloading anything', async (_name, look) => {
    const result = await route({ type: 'job.create', payload: { ...jobCreate, ...look } }, shopeeTab);
    expect(errorCode(result)).toBe('VALIDATION_FAILED');
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('the remembered look', () => {
  it('is the default preset until chosen, then per marketplace', async () => {
    expect(await readLook('shopee')).toEqual(defaultLook('shopee'));
    await saveLook('shopee', { kind: 'template', templateId: 'studio-black' });
    expect(await readLook('shopee')).toEqual({ kind: 'template', templateId: 'studio-black' });
    expect(await readLook('tiktok')).toEqual({ kind: 'preset', presetId: 'tiktok-white-studio' });
  });

  it('falls back to the default for a value it does not understand', async () => {
    await fakeBrowser.storage.local.set({ look: { shopee: { kind: 'preset', presetId: 'gone-preset' } } });
    expect(await readLook('shopee')).toEqual(defaultLook('shopee'));
  });
});
