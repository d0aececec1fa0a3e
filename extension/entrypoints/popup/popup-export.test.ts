/**
 * "Download as ZIP" in the popup, rendered for real (React DOM on a linkedom document) and wired to the real
 * background router through fakeBrowser's runtime messaging as our own popup page; only the API (fetch) and
 * the browser's download manager are faked.
 */
import '../../ui/test-dom';
import { QueryClientProvider } from '@tanstack/react-query';
import { act, createElement } from 'react';
import type { Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ExportView, JobView, Tier } from '../../../shared/api';
import { OUTPUT_PRESET_IDS } from '../../../shared/presets';
import type { FetchFn } from '../../lib/api-client';
import { readLastExport } from '../../lib/export-store';
import type { DownloadRequest } from '../../lib/handlers';
import { createMessageRouter } from '../../lib/message-router';
import { saveSession } from '../../lib/session-store';
import { authResponse, EXPORT_ID, exportView, jobView, jsonResponse } from '../../lib/test-fixtures';
import { createQueryClient } from '../../ui/query-client';
import { document, window } from '../../ui/test-dom';
import { PopupApp } from './PopupApp';

const RUNTIME_ID = 'test-extension-id';
const API = 'http://api.test';
const TOKEN = 'secret-session-token';
const POPUP = { id: RUNTIME_ID, url: `chrome-extension://${RUNTIME_ID}/popup.html` };
const JOB_A = '11111111-1111-4111-8111-111111111111';
const JOB_B = '22222222-2222-4222-8222-222222222222';
const JOB_BUSY = '33333333-3333-4333-8333-333333333333';

// ---- the API behind the background's router
interface Api {
  tier: Tier;
  locale: 'en' | 'id';
  recentJobs: JobView[];
  /** What POST /v1/exports answers (default: 202 with a queued export of the right shape). */
  createError?: { status: number; code: string; message: string };
  /** What GET /v1/exports/:id answers, one per call; the last one repeats. */
  states: ExportView[];
  creates: { body: Record<string, unknown>; key: string | undefined }[];
  exportReads: number;
}
let api: Api;
let fetch: ReturnType<typeof vi.fn<FetchFn>>;
let download: ReturnType<typeof vi.fn<(options: DownloadRequest) => Promise<number>>>;
/** Every answer the background sent the popup, to check none carries the token. */
let answers: unknown[];

function fakeApi(url: string, init?: RequestInit): Response {
  const { pathname } = new URL(url);
  if (pathname === '/v1/me') {
    const seller = { ...authResponse().seller, locale: api.locale, tier: api.tier };
    return jsonResponse(200, { seller, balance: 50, monthUsage: 0, recentJobs: api.recentJobs });
  }
  if (pathname === '/v1/connections') return jsonResponse(200, { connections: [] });
  if (pathname === '/v1/exports' && init?.method === 'POST') {
    const headers = init.headers as Record<string, string>;
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    api.creates.push({ body, key: headers['Idempotency-Key'] });
    if (api.createError) {
      const { status, code, message } = api.createError;
      return jsonResponse(status, { error: { code, message } });
    }
    return jsonResponse(202, exportView());
  }
  if (pathname === `/v1/exports/${EXPORT_ID}`) {
    api.exportReads++;
    const view = api.states.length > 1 ? api.states.shift() : api.states[0];
    return jsonResponse(200, view);
  }
  return jsonResponse(404, { error: { code: 'NOT_FOUND', message: `no fake for ${pathname}` } });
}

const succeeded = (id: string, slot: number) => jobView({ id, slot, status: 'succeeded', progress: 100 });
const built = exportView({
  status: 'succeeded',
  progress: 100,
  itemCount: 2,
  fileCount: 2,
  bytes: 1_250_000,
  finishedAt: '2025-01-02T03:05:00.000Z',
  expiresAt: '2025-01-09T03:05:00.000Z',
  downloadUrl: `/v1/exports/${EXPORT_ID}/download`,
});

// ---- rendering and interaction helpers
let root: Root | undefined;

async function renderPopup() {
  const { createRoot } = await import('react-dom/client');
  document.body.innerHTML = '';
  const host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host as unknown as HTMLElement);
  const client = createQueryClient();
  await act(async () =>
    root?.render(createElement(QueryClientProvider, { client }, createElement(PopupApp))),
  );
}

const $ = <T extends HTMLElement = HTMLElement>(selector: string) =>
  document.querySelector(selector) as T | null;
const $$ = (selector: string) => [...document.querySelectorAll(selector)] as unknown as HTMLInputElement[];
const byTestId = <T extends HTMLElement = HTMLElement>(id: string) => $<T>(`[data-testid="${id}"]`);

async function waitFor<T>(probe: () => T | null | undefined | false, what: string, ms = 4000): Promise<T> {
  for (let waited = 0; waited < ms; waited += 10) {
    const value = probe();
    if (value) return value;
    await act(async () => new Promise((r) => setTimeout(r, 10)));
  }
  throw new Error(`timed out waiting for ${what}; popup: ${document.body.textContent}`);
}

async function click(element: HTMLElement) {
  await act(async () => {
    element.dispatchEvent(new window.Event('click', { bubbles: true }) as unknown as Event);
  });
}

/**
 * Ticks a checkbox or radio the way a browser does before React sees the click. linkedom has no `checked`
 * property (so React keeps no value tracker on it and treats every click as a change): set it, then click.
 */
async function tick(input: HTMLInputElement, checked = true) {
  input.checked = checked;
  await click(input);
}

const createButton = () => byTestId<HTMLButtonElement>('export-create');

async function openChooser() {
  await renderPopup();
  return waitFor(() => createButton(), 'the export chooser');
}

beforeEach(async () => {
  fakeBrowser.reset();
  api = {
    tier: 'professional',
    locale: 'en',
    recentJobs: [
      succeeded(JOB_A, 0),
      jobView({ id: JOB_BUSY, slot: 1, status: 'processing', progress: 40 }),
      succeeded(JOB_B, 2),
    ],
    states: [exportView({ status: 'processing', progress: 50 }), built],
    creates: [],
    exportReads: 0,
  };
  answers = [];
  fetch = vi.fn<FetchFn>(async (url, init) => fakeApi(url, init));
  download = vi.fn(async () => 7);
  const route = createMessageRouter({
    runtimeId: RUNTIME_ID,
    extensionOrigin: `chrome-extension://${RUNTIME_ID}`,
    apiUrl: API,
    fetch,
    languages: ['en-US'],
    openOptionsPage: async () => undefined,
    download,
  });
  fakeBrowser.runtime.onMessage.addListener(async (message: unknown) => {
    const answer = await route(message, POPUP);
    answers.push(answer);
    return answer;
  });
  await saveSession(authResponse({ seller: { ...authResponse().seller, locale: 'en' } }));
});

afterEach(async () => {
  await act(async () => root?.unmount());
  root = undefined;
});

describe('Download as ZIP in the popup', () => {
  it('ticks finished photos only; select all takes every finished one', async () => {
    await openChooser();
    const boxes = $$('[data-testid="job-select"]');
    expect(boxes.map((b) => b.disabled)).toEqual([false, true, false]);
    expect(createButton()?.disabled).toBe(true);

    await tick(byTestId<HTMLInputElement>('select-all')!);
    expect($$('[data-testid="job-select"]').map((b) => b.checked)).toEqual([true, false, true]);
    expect(createButton()?.textContent).toBe('Create ZIP: 2 photos, 5 credits');
    expect(createButton()?.disabled).toBe(false);

    await tick(byTestId<HTMLInputElement>('select-all')!, false);
    expect(createButton()?.disabled).toBe(true);
  });

  it('prices the shape before the click: 5 one format, 10 both formats (Professional)', async () => {
    await openChooser();
    await tick($$('[data-testid="job-select"]')[0]!);
    expect(createButton()?.textContent).toBe('Create ZIP: 1 photo, 5 credits');
    await tick(byTestId<HTMLInputElement>('export-format-both')!);
    expect(createButton()?.textContent).toBe('Create ZIP: 1 photo, 10 credits');
    // Premium's marketplace sizes are shown, locked, with the plan that has them.
    const platforms = byTestId<HTMLInputElement>('export-platforms')!;
    expect(platforms.disabled).toBe(true);
    expect(platforms.parentElement?.textContent).toContain('Premium plan');
  });

  it('Pay-as-you-go: one format only; both formats and sizes are locked with the plan they need', async () => {
    api.tier = 'payg';
    await openChooser();
    expect(byTestId<HTMLInputElement>('export-format-both')?.disabled).toBe(true);
    expect(byTestId<HTMLInputElement>('export-platforms')?.disabled).toBe(true);
    const reasons = $$('[data-testid="export-locked-reason"]').map((r) => r.textContent?.trim());
    expect(reasons).toEqual(['🔒 Professional plan', '🔒 Premium plan']);
  });

  it('Premium: marketplace sizes make it a 15-credit multi-platform export', async () => {
    api.tier = 'premium';
    await openChooser();
    await tick(byTestId<HTMLInputElement>('select-all')!);
    await tick(byTestId<HTMLInputElement>('export-platforms')!);
    expect(createButton()?.textContent).toBe('Create ZIP: 2 photos, 15 credits');
    await click(createButton()!);
    await waitFor(() => api.creates.length === 1, 'the export request');
    expect(api.creates[0]?.body).toEqual({
      jobIds: [JOB_A, JOB_B],
      formats: ['jpeg'],
      platforms: [...OUTPUT_PRESET_IDS],
    });
  });

  it('Free: says ZIP export needs a paid plan, with no ticks and no button', async () => {
    api.tier = 'free';
    await renderPopup();
    const note = await waitFor(() => byTestId('export-needs-plan'), 'the plan note');
    expect(note.textContent).toBe('ZIP export needs a paid plan.');
    expect(byTestId('job-select')).toBeNull();
    expect(createButton()).toBeNull();
  });

  it('Free, in Bahasa Indonesia', async () => {
    api.tier = 'free';
    api.locale = 'id';
    await renderPopup();
    const note = await waitFor(() => byTestId('export-needs-plan'), 'the plan note');
    expect(note.textContent).toBe('Ekspor ZIP membutuhkan paket berbayar.');
  });

  it('starts the export, shows its progress, then downloads it through the background', async () => {
    await openChooser();
    await tick(byTestId<HTMLInputElement>('select-all')!);
    await tick(byTestId<HTMLInputElement>('export-format-both')!);
    await click(createButton()!);

    await waitFor(() => api.creates.length === 1, 'the export request');
    expect(api.creates[0]?.body).toEqual({ jobIds: [JOB_A, JOB_B], formats: ['jpeg', 'png'] });
    expect(api.creates[0]?.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(await readLastExport()).toBe(EXPORT_ID);

    // The popup polls while it builds.
    await waitFor(() => byTestId('export-progress'), 'the progress bar');
    const status = await waitFor(
      () => $('[data-testid="export-status"][data-status="succeeded"]'),
      'the ZIP',
    );
    expect(status.textContent).toContain('ZIP ready: 2 photos, 1.3 MB');
    const readsWhenDone = api.exportReads;

    await click(byTestId('export-download')!);
    const started = await waitFor(() => byTestId('export-download-started'), 'the download');
    expect(started.textContent).toContain('lumiku-export-2025-01-02.zip');
    expect(download).toHaveBeenCalledTimes(1);
    expect(download.mock.calls[0]?.[0].url).toBe(`${API}/v1/exports/${EXPORT_ID}/download`);
    // The token went to the download manager as a header, and never to the popup.
    expect(JSON.stringify(answers)).not.toContain(TOKEN);
    expect(document.body.innerHTML).not.toContain(TOKEN);

    // Done means done: no more polling.
    await act(async () => new Promise((r) => setTimeout(r, 1300)));
    expect(api.exportReads).toBe(readsWhenDone + 1); // the download's own status check
  });

  it("shows the server's message when starting fails, and retrying that click reuses its key", async () => {
    api.createError = {
      status: 402,
      code: 'INSUFFICIENT_CREDITS_FOR_EXPORT',
      message: 'Not enough credits for this ZIP.',
    };
    await openChooser();
    await tick($$('[data-testid="job-select"]')[0]!);
    await click(createButton()!);
    const error = await waitFor(() => byTestId('export-error'), 'the error');
    expect(error.textContent).toBe('Not enough credits for this ZIP.');

    api.createError = undefined;
    await click(createButton()!);
    await waitFor(() => api.creates.length === 2, 'the retry');
    expect(api.creates[1]?.key).toBe(api.creates[0]?.key);
    await waitFor(() => byTestId('export-status'), 'the export');
  });

  it('a changed request after a failure gets a new key', async () => {
    api.createError = { status: 403, code: 'EXPORT_MULTI_FORMAT_NOT_IN_PLAN', message: 'x' };
    await openChooser();
    await tick($$('[data-testid="job-select"]')[0]!);
    await tick(byTestId<HTMLInputElement>('export-format-both')!);
    await click(createButton()!);
    const error = await waitFor(() => byTestId('export-error'), 'the error');
    // A code we know is shown in the popup's language.
    expect(error.textContent).toMatch(/needs a Professional or Premium plan/);

    api.createError = undefined;
    await tick(byTestId<HTMLInputElement>('export-format-jpeg')!);
    await click(createButton()!);
    await waitFor(() => api.creates.length === 2, 'the second request');
    expect(api.creates[1]?.key).not.toBe(api.creates[0]?.key);
  });

  it('picks up the last export when the popup opens again, and says so when it has expired', async () => {
    api.states = [exportView({ status: 'expired' })];
    await openChooser();
    await tick($$('[data-testid="job-select"]')[0]!);
    await click(createButton()!);
    await waitFor(() => byTestId('export-error'), 'the expiry note');

    await act(async () => root?.unmount());
    await renderPopup();
    const error = await waitFor(() => byTestId('export-error'), 'the expiry note again');
    expect(error.dataset.code).toBe('EXPORT_EXPIRED');
    expect(error.textContent).toBe(
      'This export has expired and its ZIP file was deleted. Start a new export.',
    );

    await click(byTestId('export-new')!);
    await waitFor(() => createButton(), 'the chooser');
    expect(await readLastExport()).toBeNull();
  });

  it('a failed export says the credits came back', async () => {
    api.states = [exportView({ status: 'failed', error: { code: 'INTERNAL', message: 'x' } })];
    await openChooser();
    await tick($$('[data-testid="job-select"]')[0]!);
    await click(createButton()!);
    const error = await waitFor(() => byTestId('export-error'), 'the failure');
    expect(error.textContent).toMatch(/failed and your credits were returned/);
    expect(byTestId('export-download')).toBeNull();
  });

  it('a download refused by the server (expired since) shows its message', async () => {
    api.states = [built, exportView({ status: 'expired' })];
    await openChooser();
    await tick($$('[data-testid="job-select"]')[0]!);
    await click(createButton()!);
    await click(await waitFor(() => byTestId('export-download'), 'the download button'));
    const error = await waitFor(() => byTestId('export-error'), 'the error');
    expect(error.dataset.code).toBe('EXPORT_EXPIRED');
    expect(download).not.toHaveBeenCalled();
  });
});
