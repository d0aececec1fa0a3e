/** The popup's ZIP export messages behind the real guard: create (idempotent retries), poll, download. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { MessageResult } from '../../shared/messages';
import type { FetchFn } from './api-client';
import { readLastExport } from './export-store';
import type { DownloadRequest } from './handlers';
import { createMessageRouter } from './message-router';
import type { MessageSenderInfo } from './sender';
import { readSession, saveSession } from './session-store';
import { authResponse, EXPORT_ID, exportView, JOB_ID, jsonResponse } from './test-fixtures';

const RUNTIME_ID = 'test-extension-id';
const API = 'http://api.test';
const TOKEN = 'secret-session-token';
const CLICK_ID = '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e';
const popup: MessageSenderInfo = { id: RUNTIME_ID, url: `chrome-extension://${RUNTIME_ID}/popup.html` };
const shopeeTab: MessageSenderInfo = {
  id: RUNTIME_ID,
  origin: 'https://seller.shopee.co.id',
  url: 'https://seller.shopee.co.id/portal/product/1234567890',
};
const create = { jobIds: [JOB_ID], formats: ['jpeg', 'png'], clickId: CLICK_ID };

let fetch: ReturnType<typeof vi.fn<FetchFn>>;
let download: ReturnType<typeof vi.fn<(options: DownloadRequest) => Promise<number>>>;
let route: ReturnType<typeof createMessageRouter>;

beforeEach(async () => {
  fakeBrowser.reset();
  fetch = vi.fn<FetchFn>(async () =>
    jsonResponse(500, { error: { code: 'INTERNAL', message: 'unexpected call' } }),
  );
  download = vi.fn(async () => 42);
  route = createMessageRouter({
    runtimeId: RUNTIME_ID,
    extensionOrigin: `chrome-extension://${RUNTIME_ID}`,
    apiUrl: API,
    fetch,
    languages: ['en-US'],
    openOptionsPage: async () => undefined,
    download,
  });
  await saveSession(
    authResponse({ seller: { ...authResponse().seller, locale: 'en', tier: 'professional' } }),
  );
});

const errorOf = (result: MessageResult<unknown>) => (result.ok ? undefined : result.error);
const headersOf = (call: number) => (fetch.mock.calls[call]?.[1]?.headers ?? {}) as Record<string, string>;

describe('export.create', () => {
  it('posts the body without the click id, which goes in the Idempotency-Key header', async () => {
    const view = exportView({ kind: 'multi_format', formats: ['jpeg', 'png'], price: 10 });
    fetch.mockResolvedValueOnce(jsonResponse(202, view));
    const result = await route({ type: 'export.create', payload: create }, popup);
    expect(result).toEqual({ ok: true, data: view });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe(`${API}/v1/exports`);
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ jobIds: [JOB_ID], formats: ['jpeg', 'png'] });
    expect(headersOf(0)).toMatchObject({ Authorization: `Bearer ${TOKEN}`, 'Idempotency-Key': CLICK_ID });
  });

  it('retries a lost answer and a 500 with the same Idempotency-Key, so one click is charged once', async () => {
    fetch
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(jsonResponse(500, { error: { code: 'INTERNAL', message: 'boom' } }))
      .mockResolvedValueOnce(jsonResponse(202, exportView()));
    const result = await route({ type: 'export.create', payload: create }, popup);
    expect(result.ok).toBe(true);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect([0, 1, 2].map((i) => headersOf(i)['Idempotency-Key'])).toEqual([CLICK_ID, CLICK_ID, CLICK_ID]);
  });

  it('remembers the created export for the next popup, and forgets it at logout', async () => {
    fetch.mockResolvedValueOnce(jsonResponse(202, exportView()));
    await route({ type: 'export.create', payload: create }, popup);
    expect(await readLastExport()).toBe(EXPORT_ID);
    fetch.mockResolvedValueOnce(new Response(null, { status: 204 }));
    await route({ type: 'auth.logout', payload: {} }, popup);
    expect(await readLastExport()).toBeNull();
  });

  it('gives up after three attempts with a network error', async () => {
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    const result = await route({ type: 'export.create', payload: create }, popup);
    expect(errorOf(result)?.code).toBe('NETWORK');
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(await readLastExport()).toBeNull();
  });

  it.each([
    [403, 'EXPORT_NOT_IN_PLAN', 'Ekspor ZIP tidak termasuk paket Gratis.'],
    [402, 'INSUFFICIENT_CREDITS', 'Kredit tidak cukup.'],
    [409, 'EXPORT_ITEMS_NOT_READY', 'Beberapa foto yang dipilih masih diproses atau gagal.'],
  ])("passes the server's %i %s through once, localised message included", async (status, code, message) => {
    fetch.mockResolvedValueOnce(jsonResponse(status, { error: { code, message } }));
    const result = await route({ type: 'export.create', payload: create }, popup);
    expect(result).toEqual({ ok: false, error: { code, message } });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['no click id', { jobIds: [JOB_ID] }],
    ['no photos', { jobIds: [], clickId: CLICK_ID }],
    ['a repeated photo', { jobIds: [JOB_ID, JOB_ID], clickId: CLICK_ID }],
    ['an unknown format', { jobIds: [JOB_ID], formats: ['gif'], clickId: CLICK_ID }],
    ['an extra field', { jobIds: [JOB_ID], clickId: CLICK_ID, sellerId: JOB_ID }],
  ])('refuses %s without calling the API', async (_name, payload) => {
    const result = await route({ type: 'export.create', payload }, popup);
    expect(errorOf(result)?.code).toBe('VALIDATION_FAILED');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('is not open to seller-center pages', async () => {
    for (const type of ['export.create', 'export.get', 'export.download']) {
      const payload = type === 'export.create' ? create : { exportId: EXPORT_ID };
      expect(errorOf(await route({ type, payload }, shopeeTab))?.code).toBe('FORBIDDEN');
    }
    expect(fetch).not.toHaveBeenCalled();
    expect(download).not.toHaveBeenCalled();
  });
});

describe('export.get', () => {
  it('reads the export with the token', async () => {
    const view = exportView({ status: 'processing', progress: 40 });
    fetch.mockResolvedValueOnce(jsonResponse(200, view));
    const result = await route({ type: 'export.get', payload: { exportId: EXPORT_ID } }, popup);
    expect(result).toEqual({ ok: true, data: view });
    expect(fetch.mock.calls[0]?.[0]).toBe(`${API}/v1/exports/${EXPORT_ID}`);
    expect(headersOf(0)).toMatchObject({ Authorization: `Bearer ${TOKEN}` });
  });

  it('forgets a dead token', async () => {
    fetch.mockResolvedValueOnce(jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: 'x' } }));
    const result = await route({ type: 'export.get', payload: { exportId: EXPORT_ID } }, popup);
    expect(errorOf(result)?.code).toBe('UNAUTHENTICATED');
    expect(await readSession()).toBeNull();
  });
});

describe('export.download', () => {
  const built = exportView({
    status: 'succeeded',
    progress: 100,
    fileCount: 2,
    bytes: 123_456,
    finishedAt: '2025-01-02T03:05:00.000Z',
    expiresAt: '2025-01-09T03:05:00.000Z',
    downloadUrl: `/v1/exports/${EXPORT_ID}/download`,
  });

  it('hands the ZIP URL to the download manager with the token in a header, and answers without it', async () => {
    fetch.mockResolvedValueOnce(jsonResponse(200, built));
    const result = await route({ type: 'export.download', payload: { exportId: EXPORT_ID } }, popup);
    expect(result).toEqual({ ok: true, data: { downloadId: 42, filename: 'lumiku-export-2025-01-02.zip' } });
    expect(download).toHaveBeenCalledWith({
      url: `${API}/v1/exports/${EXPORT_ID}/download`,
      filename: 'lumiku-export-2025-01-02.zip',
      headers: [{ name: 'Authorization', value: `Bearer ${TOKEN}` }],
      conflictAction: 'uniquify',
    });
    const request = download.mock.calls[0]?.[0];
    expect(request?.url).not.toContain(TOKEN);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it.each([
    [
      'expired',
      'EXPORT_EXPIRED',
      'This export has expired and its ZIP file was deleted. Start a new export.',
    ],
    ['failed', 'EXPORT_FAILED', 'This export failed and your credits were returned. Start a new export.'],
    ['processing', 'EXPORT_NOT_READY', 'The ZIP file is still being prepared.'],
  ] as const)('refuses a %s export in words before the browser tries', async (status, code, message) => {
    fetch.mockResolvedValueOnce(jsonResponse(200, exportView({ status })));
    const result = await route({ type: 'export.download', payload: { exportId: EXPORT_ID } }, popup);
    expect(result).toEqual({ ok: false, error: { code, message } });
    expect(download).not.toHaveBeenCalled();
  });

  it("passes the server's 404 for someone else's export through, and downloads nothing", async () => {
    fetch.mockResolvedValueOnce(
      jsonResponse(404, { error: { code: 'NOT_FOUND', message: 'Tidak ditemukan.' } }),
    );
    const result = await route({ type: 'export.download', payload: { exportId: EXPORT_ID } }, popup);
    expect(errorOf(result)).toEqual({ code: 'NOT_FOUND', message: 'Tidak ditemukan.' });
    expect(download).not.toHaveBeenCalled();
  });

  it('needs a login', async () => {
    fakeBrowser.reset();
    const result = await route({ type: 'export.download', payload: { exportId: EXPORT_ID } }, popup);
    expect(errorOf(result)?.code).toBe('UNAUTHENTICATED');
    expect(fetch).not.toHaveBeenCalled();
    expect(download).not.toHaveBeenCalled();
  });
});
