/**
 * The Enhance panel with its look picker, rendered for real (React DOM on a linkedom document) and wired to
 * the real background router through fakeBrowser's runtime messaging; only the API is faked (fetch).
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { parseHTML } from 'linkedom';
import { act, createElement } from 'react';
import type { Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { JobView, Tier } from '../../shared/api';
import { priceOfPreset } from '../../shared/pricing';
import type { FetchFn } from '../lib/api-client';
import { readLook, saveLook } from '../lib/look-store';
import { createMessageRouter } from '../lib/message-router';
import { saveSession } from '../lib/session-store';
import { authResponse, jobView, jsonResponse, pickerTemplate } from '../lib/test-fixtures';
import { createQueryClient } from '../ui/query-client';
import { EnhanceWidget } from './EnhanceWidget';
import { isLocked } from './LookPicker';

const RUNTIME_ID = 'test-extension-id';
const API = 'http://api.test';
const IMAGE_URL = 'https://down-id.img.susercontent.com/file/id-11134207-7r98o-abc123';
const SHOPEE_TAB = {
  id: RUNTIME_ID,
  origin: 'https://seller.shopee.co.id',
  url: 'https://seller.shopee.co.id/portal/product/1234567890',
};
const DEFAULT_PRICE = priceOfPreset('shopee-white-studio');
const BLACK = pickerTemplate({ id: 'studio-black' });
const SPOTLIGHT = pickerTemplate({ id: 'studio-spotlight' }); // premium
const INSTAGRAM_ONLY = pickerTemplate({ id: 'studio-pastel-pink' }); // another platform: not offered

// ---- a DOM for React: linkedom, plus the few browser APIs the widget touches
const { window, document } = parseHTML('<!doctype html><html><body></body></html>');
Object.defineProperty(window, 'location', {
  value: new URL('https://seller.shopee.co.id/'),
  configurable: true,
});
Object.assign(globalThis, {
  window,
  document,
  IS_REACT_ACT_ENVIRONMENT: true,
  ResizeObserver: class {
    observe() {}
    disconnect() {}
  },
});
Object.defineProperty(globalThis, 'navigator', {
  value: { languages: ['en-US'], userAgent: 'node' },
  configurable: true,
});
const elementProto = Object.getPrototypeOf(Object.getPrototypeOf(document.createElement('button')));
elementProto.focus ??= function focus() {};
elementProto.getBoundingClientRect ??= () => ({ top: 0, left: 0, width: 120, height: 120 });

// ---- the API behind the background's router
interface Api {
  tier: Tier;
  /** Overrides per template id of what GET /v1/quote answers (e.g. the 403 premium enforcement sends). */
  quoteError?: { status: number; code: string; message: string };
  templates: ReturnType<typeof pickerTemplate>[];
  jobs: FormData[];
  /** What GET /v1/jobs/:id answers; the default is a queued job. */
  job?: JobView;
}
let api: Api;
let fetch: ReturnType<typeof vi.fn<FetchFn>>;

function fakeApi(url: string, init?: RequestInit): Response {
  const { pathname, searchParams } = new URL(url);
  if (url.startsWith('https://down-id.img.susercontent.com/'))
    return new Response(new Uint8Array([0xff, 0xd8, 0xff]), { headers: { 'content-type': 'image/jpeg' } });
  if (pathname === '/v1/me') {
    const seller = { ...authResponse().seller, locale: 'en' as const, tier: api.tier };
    return jsonResponse(200, { seller, balance: 50, monthUsage: 0, recentJobs: [] });
  }
  if (pathname === '/v1/presets') {
    const output = { width: 1200, height: 1200, format: 'jpeg' };
    return jsonResponse(200, {
      presets: [
        {
          id: 'shopee-white-studio',
          name: { en: 'Shopee white studio', id: 'Shopee putih studio' },
          marketplace: 'shopee',
          price: DEFAULT_PRICE,
          output,
        },
        {
          id: 'tiktok-spotlight',
          name: { en: 'TikTok Shop spotlight', id: 'TikTok Shop sorotan' },
          marketplace: 'tiktok',
          price: 30,
          output,
        },
      ],
    });
  }
  if (pathname === '/v1/templates') return jsonResponse(200, { templates: api.templates });
  if (pathname.endsWith('/preview'))
    return new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'image/webp' } });
  if (pathname === '/v1/quote') {
    const templateId = searchParams.get('templateId');
    if (templateId && api.quoteError) {
      const { status, code, message } = api.quoteError;
      return jsonResponse(status, { error: { code, message } });
    }
    const template = api.templates.find((t) => t.id === templateId);
    return jsonResponse(200, {
      presetId: template ? null : searchParams.get('presetId'),
      templateId: template?.id ?? null,
      name: template?.name ?? { en: 'Shopee white studio', id: 'Shopee putih studio' },
      price: template?.price ?? DEFAULT_PRICE,
      balance: 50,
    });
  }
  if (pathname === '/v1/jobs' && init?.method === 'POST' && init.body instanceof FormData) {
    api.jobs.push(init.body);
    const templateId = init.body.get('templateId');
    return jsonResponse(
      202,
      jobView({
        presetId: templateId ? null : 'shopee-white-studio',
        templateId: typeof templateId === 'string' ? templateId : null,
      }),
    );
  }
  if (/^\/v1\/jobs\/[^/]+\/(original|result)$/.test(pathname))
    return new Response(new Uint8Array([0xff, 0xd8, 0xff]), { headers: { 'content-type': 'image/jpeg' } });
  if (pathname.startsWith('/v1/jobs/')) return jsonResponse(200, api.job ?? jobView());
  return jsonResponse(404, { error: { code: 'NOT_FOUND', message: `no fake for ${pathname}` } });
}

// ---- rendering and interaction helpers
let root: Root | undefined;
let panelContainer: HTMLElement;

async function renderWidget() {
  const { createRoot } = await import('react-dom/client');
  document.body.innerHTML = '';
  const host = document.createElement('div');
  panelContainer = document.createElement('div');
  const img = document.createElement('img');
  document.body.append(host, panelContainer, img);
  const env = {
    marketplace: 'shopee' as const,
    productId: '1234567890',
    showImageOnPage: () => undefined,
    panels: new EventTarget(),
    panelContainer: panelContainer as unknown as HTMLElement,
  };
  const image = {
    slot: 1,
    img: img as unknown as HTMLImageElement,
    anchor: img as unknown as Element,
    placement: 'first' as const,
    imageUrl: IMAGE_URL,
    sourceImageId: 'id-11134207-7r98o-abc123',
  };
  root = createRoot(host as unknown as HTMLElement);
  const client = createQueryClient();
  await act(async () =>
    root?.render(
      createElement(
        QueryClientProvider,
        { client },
        createElement(EnhanceWidget, { image, host: host as unknown as HTMLElement, env }),
      ),
    ),
  );
}

const $ = (selector: string) => document.querySelector(selector) as HTMLElement | null;
const byTestId = (id: string, extra = '') => $(`[data-testid="${id}"]${extra}`);

async function waitFor<T>(probe: () => T | null | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = probe();
    if (value) return value;
    await act(async () => new Promise((r) => setTimeout(r, 5)));
  }
  throw new Error(`timed out waiting for ${what}; panel: ${panelContainer.textContent}`);
}

/** A click as the seller's own (trusted) gesture, or as a page script's. */
async function click(element: HTMLElement, trusted = true) {
  const event = new window.Event('click', { bubbles: true });
  Object.defineProperty(event, 'isTrusted', { value: trusted });
  await act(async () => {
    element.dispatchEvent(event as unknown as Event);
  });
}

async function key(element: HTMLElement, name: string) {
  const event = new window.Event('keydown', { bubbles: true });
  Object.defineProperty(event, 'key', { value: name });
  await act(async () => {
    element.dispatchEvent(event as unknown as Event);
  });
}

const confirmText = () => byTestId('lumiku-confirm')?.textContent ?? '';

async function openPanel() {
  await click(await waitFor(() => byTestId('lumiku-enhance'), 'the Enhance button'));
  await waitFor(() => confirmText().includes('credits'), 'the quote');
}

async function openTab(tab: string) {
  if (!byTestId('lumiku-picker')) await click(byTestId('lumiku-change-look')!);
  await click(await waitFor(() => byTestId(`lumiku-tab-${tab}`), `the ${tab} tab`));
  await waitFor(() => byTestId('lumiku-look'), 'the looks');
}

beforeEach(async () => {
  fakeBrowser.reset();
  api = { tier: 'free', templates: [BLACK, SPOTLIGHT, INSTAGRAM_ONLY], jobs: [] };
  fetch = vi.fn<FetchFn>(async (url, init) => fakeApi(url, init));
  const route = createMessageRouter({
    runtimeId: RUNTIME_ID,
    extensionOrigin: `chrome-extension://${RUNTIME_ID}`,
    apiUrl: API,
    fetch,
    languages: ['en-US'],
    openOptionsPage: async () => undefined,
    download: async () => 1,
  });
  // The content script's messages reach the real router as if sent from the Shopee seller center.
  fakeBrowser.runtime.onMessage.addListener((message: unknown) => route(message, SHOPEE_TAB));
  await saveSession(authResponse({ seller: { ...authResponse().seller, locale: 'en' } }));
});

afterEach(async () => {
  await act(async () => root?.unmount());
  root = undefined;
});

describe('the look picker in the Enhance panel', () => {
  it('starts with the default preset: one click on Start runs it, as before', async () => {
    await renderWidget();
    await openPanel();
    expect(byTestId('lumiku-preset')?.textContent).toBe('Shopee white studio');
    expect(confirmText()).toBe(`Start (${DEFAULT_PRICE} credits)`);
    expect(byTestId('lumiku-picker')).toBeNull();
    await click(byTestId('lumiku-confirm')!);
    await waitFor(() => api.jobs.length === 1, 'the job');
    expect(api.jobs[0]?.get('presetId')).toBe('shopee-white-studio');
    expect(api.jobs[0]?.has('templateId')).toBe(false);
  });

  it('choosing a template re-quotes at its price, submits its templateId and is remembered', async () => {
    await renderWidget();
    await openPanel();
    await openTab('studio');
    const tile = byTestId('lumiku-look', '[data-look="studio-black"]')!;
    expect(tile.textContent).toContain('Black studio');
    expect(tile.textContent).toContain(`${BLACK.price} credits`);
    // Only looks that fit Shopee: its own and "any" platform templates.
    expect(byTestId('lumiku-look', '[data-look="studio-pastel-pink"]')).toBeNull();
    // The thumbnail came through the background as a data: URL.
    await waitFor(
      () => tile.querySelector('img')?.getAttribute('src')?.startsWith('data:image/webp'),
      'thumb',
    );

    await click(tile);
    await waitFor(() => confirmText() === `Start (${BLACK.price} credits)`, 'the template quote');
    expect(BLACK.price).not.toBe(DEFAULT_PRICE);
    expect(byTestId('lumiku-preset')?.textContent).toBe('Black studio');
    expect(byTestId('lumiku-picker')).toBeNull();
    expect(await readLook('shopee')).toEqual({ kind: 'template', templateId: 'studio-black' });

    await click(byTestId('lumiku-confirm')!);
    await waitFor(() => api.jobs.length === 1, 'the job');
    expect(api.jobs[0]?.get('templateId')).toBe('studio-black');
    expect(api.jobs[0]?.has('presetId')).toBe(false);
  });

  it('a page script cannot start the job for the seller (untrusted click)', async () => {
    await renderWidget();
    await openPanel();
    await click(byTestId('lumiku-confirm')!, false);
    await act(async () => new Promise((r) => setTimeout(r, 30)));
    expect(api.jobs).toHaveLength(0);
  });

  it('opens with the remembered template on the next page, selected in its tab', async () => {
    await saveLook('shopee', { kind: 'template', templateId: 'studio-black' });
    await renderWidget();
    await openPanel();
    expect(confirmText()).toBe(`Start (${BLACK.price} credits)`);
    await click(byTestId('lumiku-change-look')!);
    const selected = await waitFor(() => $('[role="option"][aria-selected="true"]'), 'the selected look');
    expect(selected.dataset.look).toBe('studio-black');
    expect(byTestId('lumiku-tab-studio')?.getAttribute('aria-selected')).toBe('true');
  });

  it('locks premium templates on the free tier: badge, lock, no selection, a note', async () => {
    await renderWidget();
    await openPanel();
    await openTab('studio');
    const premium = byTestId('lumiku-look', '[data-look="studio-spotlight"]')!;
    await waitFor(() => premium.dataset.locked === 'true', 'the lock');
    expect(premium.getAttribute('aria-disabled')).toBe('true');
    expect(premium.querySelector('[data-testid="lumiku-premium"]')?.textContent).toContain('🔒');
    await click(premium);
    expect(byTestId('lumiku-locked-note')?.textContent).toMatch(/Professional and Premium plans/);
    expect(await readLook('shopee')).toEqual({ kind: 'preset', presetId: 'shopee-white-studio' });
    expect(confirmText()).toBe(`Start (${DEFAULT_PRICE} credits)`);
  });

  it('on a paid tier the premium template is selectable and keeps its badge', async () => {
    api.tier = 'professional';
    await renderWidget();
    await openPanel();
    await openTab('studio');
    // The account (and so the tier) may arrive after the list.
    const premium = await waitFor(
      () => $('[data-look="studio-spotlight"][data-locked="false"]'),
      'the unlocked premium look',
    );
    expect(premium.querySelector('[data-testid="lumiku-premium"]')?.textContent).toBe('Premium');
    await click(premium);
    await waitFor(() => confirmText() === `Start (${SPOTLIGHT.price} credits)`, 'the premium quote');
  });

  it("renders the server's 403 message and keeps Change look there to pick another", async () => {
    api.tier = 'professional';
    const message = 'Template premium hanya untuk paket berbayar (server).';
    api.quoteError = { status: 403, code: 'TEMPLATE_PREMIUM_REQUIRED', message };
    await saveLook('shopee', { kind: 'template', templateId: 'studio-spotlight' });
    await renderWidget();
    await click(await waitFor(() => byTestId('lumiku-enhance'), 'the Enhance button'));
    const error = await waitFor(() => byTestId('lumiku-error'), 'the error');
    expect(error.dataset.code).toBe('TEMPLATE_PREMIUM_REQUIRED');
    expect(error.textContent).toContain(message);
    await openTab('presets');
    await click(byTestId('lumiku-look', '[data-look="shopee-white-studio"]')!);
    await waitFor(() => confirmText() === `Start (${DEFAULT_PRICE} credits)`, 'the preset quote');
  });

  it("shows the server's message when it refuses the job itself (403), and Change look stays", async () => {
    api.tier = 'professional';
    const message = 'Premium templates need a paid plan (from the server).';
    fetch.mockImplementation(async (url, init) =>
      url.endsWith('/v1/jobs')
        ? jsonResponse(403, { error: { code: 'TEMPLATE_PREMIUM_REQUIRED', message } })
        : fakeApi(url, init),
    );
    await saveLook('shopee', { kind: 'template', templateId: 'studio-spotlight' });
    await renderWidget();
    await openPanel();
    await click(byTestId('lumiku-confirm')!);
    const error = await waitFor(() => byTestId('lumiku-error'), 'the error');
    expect(error.textContent).toContain(message);
    expect(byTestId('lumiku-change-look')).not.toBeNull();
  });

  it('moves between tabs with the arrow keys and marks the active one', async () => {
    await renderWidget();
    await openPanel();
    await click(byTestId('lumiku-change-look')!);
    const presets = await waitFor(() => byTestId('lumiku-tab-presets'), 'the tabs');
    expect(presets.getAttribute('aria-selected')).toBe('true');
    expect(byTestId('lumiku-change-look')?.getAttribute('aria-expanded')).toBe('true');
    // Only this marketplace's presets.
    await waitFor(() => byTestId('lumiku-look'), 'the presets');
    expect(byTestId('lumiku-look', '[data-look="tiktok-spotlight"]')).toBeNull();
    await key(presets, 'ArrowRight');
    expect(byTestId('lumiku-tab-studio')?.getAttribute('aria-selected')).toBe('true');
    await key(byTestId('lumiku-tab-studio')!, 'End');
    expect(byTestId('lumiku-tab-seasonal')?.getAttribute('aria-selected')).toBe('true');
    await key(byTestId('lumiku-tab-seasonal')!, 'ArrowRight');
    expect(byTestId('lumiku-tab-presets')?.getAttribute('aria-selected')).toBe('true');
  });

  it('speaks Indonesian to an Indonesian seller', async () => {
    await saveSession(authResponse());
    fetch.mockImplementation(async (url, init) => {
      const response = fakeApi(url, init);
      if (!url.endsWith('/v1/me')) return response;
      const body = await response.json();
      return jsonResponse(200, { ...body, seller: { ...body.seller, locale: 'id' } });
    });
    await renderWidget();
    await click(await waitFor(() => byTestId('lumiku-enhance'), 'the Enhance button'));
    await waitFor(() => confirmText().includes('kredit'), 'the quote');
    expect(byTestId('lumiku-change-look')?.textContent).toBe('Ganti gaya');
    await click(byTestId('lumiku-change-look')!);
    await click(await waitFor(() => byTestId('lumiku-tab-lifestyle'), 'the tabs'));
    expect(byTestId('lumiku-tab-lifestyle')?.textContent).toBe('Gaya hidup');
    // None of the fake catalogue's templates is a lifestyle one.
    expect(await waitFor(() => $('[role="tabpanel"] .hint')?.textContent, 'the hint')).toBe(
      'Belum ada gaya untuk marketplace ini.',
    );
  });
});

describe('isLocked', () => {
  it("follows the server's locked flag when present, else premium on free and PAYG", () => {
    expect(isLocked(SPOTLIGHT, 'free')).toBe(true);
    expect(isLocked(SPOTLIGHT, 'payg')).toBe(true);
    expect(isLocked(SPOTLIGHT, 'premium')).toBe(false);
    expect(isLocked(SPOTLIGHT, undefined)).toBe(false);
    expect(isLocked(BLACK, 'free')).toBe(false);
    expect(isLocked({ ...SPOTLIGHT, locked: false }, 'free')).toBe(false);
    expect(isLocked({ ...BLACK, locked: true }, 'premium')).toBe(true);
  });

  it('asks the seller to check a cut-out the server trusts little, and only then', async () => {
    const finished = (confidence: number) =>
      jobView({
        status: 'succeeded',
        progress: 100,
        finishedAt: '2025-01-02T03:05:00.000Z',
        result: { width: 1200, height: 1200, bytes: 1000, format: 'jpeg', confidence },
      });
    for (const [confidence, shown] of [
      [0.3, true],
      [0.9, false],
    ] as const) {
      api.job = finished(confidence);
      await renderWidget();
      await openPanel();
      await click(byTestId('lumiku-confirm')!);
      await waitFor(() => byTestId('lumiku-after'), 'the result');
      const note = byTestId('lumiku-check-result');
      if (shown) expect(note?.textContent).toContain('that nothing beside the product was kept');
      else expect(note).toBeNull();
      await act(async () => root?.unmount());
    }
  });
});
