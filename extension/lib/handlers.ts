/**
 * The background's privileged calls: one handler per message type (Refined GitHub's handler map). Each
 * receives an already-validated request from an already-checked sender; this is the only code that reads
 * the session token and calls the API.
 */
import {
  AccountView,
  ApplyResponse,
  AuthResponse,
  ConnectionList,
  ExportView,
  JobView,
  Ledger,
  PresetList,
  Quote,
} from '../../shared/api';
import type { Locale } from '../../shared/errors';
import type { Marketplace } from '../../shared/marketplaces';
import { MESSAGES, type MessageData, type MessageRequest, type MessageType } from '../../shared/messages';
import type { ApiClient, FetchFn } from './api-client';
import { imageDataUrl } from './data-url';
import { apiError, CodedError } from './errors';
import { saveLastExport } from './export-store';
import { downloadListingImage, uploadFileName } from './image-download';
import type { TrustedSender } from './sender';
import { clearSession, readSession, saveSession, toSessionView, updateSessionSeller } from './session-store';

export interface HandlerContext {
  sender: TrustedSender;
  api: ApiClient;
  /** Used for marketplace CDN downloads (the API client has its own). */
  fetch: FetchFn;
  locale: Locale;
  /** `runtime.openOptionsPage`, injected so tests need no browser. */
  openOptionsPage: () => Promise<void>;
  /** The API base URL (no trailing slash), for the one URL the browser fetches itself: a ZIP download. */
  apiUrl: string;
  /** `downloads.download`, injected so tests need no browser; resolves with the download id. */
  download: (options: DownloadRequest) => Promise<number>;
}

/** The subset of `downloads.download` options we use (developer.chrome.com/docs/extensions/reference/api/downloads). */
export interface DownloadRequest {
  url: string;
  filename: string;
  headers: { name: string; value: string }[];
  conflictAction: 'uniquify';
}

export type Handler<K extends MessageType> = (
  request: MessageRequest<K>,
  ctx: HandlerContext,
) => Promise<MessageData<K>>;
export type HandlerMap = { [K in MessageType]: Handler<K> };

/** Result previews are shown inside the seller center; a bigger file is not a preview we want to ship. */
const MAX_PREVIEW_BYTES = 15 * 1024 * 1024;
/** Template thumbnails are 240 px WebPs of a few KB; anything near this is not one. */
const MAX_THUMBNAIL_BYTES = 512 * 1024;

/** Run an API call with the stored token; a 401 means the token is dead, so forget it. */
async function withToken<T>(ctx: HandlerContext, call: (token: string) => Promise<T>): Promise<T> {
  const session = await readSession();
  if (!session) throw apiError('UNAUTHENTICATED', ctx.locale);
  try {
    return await call(session.token);
  } catch (error) {
    if (error instanceof CodedError && error.code === 'UNAUTHENTICATED') await clearSession();
    throw error;
  }
}

const jobPath = (jobId: string): string => `/v1/jobs/${encodeURIComponent(jobId)}`;
const exportPath = (exportId: string): string => `/v1/exports/${encodeURIComponent(exportId)}`;

/**
 * Waits before the 2nd and 3rd attempt of POST /v1/exports. Only failures after which the server may or may
 * not have acted are retried, always with the same Idempotency-Key, so a retry can never charge twice.
 */
export const EXPORT_RETRY_DELAYS_MS = [300, 1000] as const;
const RETRY_EXPORT_ON = new Set(['NETWORK', 'INTERNAL', 'RATE_LIMITED', 'IDEMPOTENCY_IN_FLIGHT']);

async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = EXPORT_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !(error instanceof CodedError) || !RETRY_EXPORT_ON.has(error.code))
        throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Only a built, unexpired export can be downloaded: say why not in the seller's words, before the browser tries. */
function assertDownloadable(view: ExportView, locale: Locale): void {
  if (view.status === 'expired') throw apiError('EXPORT_EXPIRED', locale);
  if (view.status === 'failed') throw apiError('EXPORT_FAILED', locale);
  if (view.status !== 'succeeded') throw apiError('EXPORT_NOT_READY', locale);
}

/**
 * A seller-center page acts only on its own marketplace: a Tokopedia tab cannot start, read, apply or
 * revert a Shopee (or TikTok Shop) job, even one of the same seller.
 */
function assertSenderMayUse(ctx: HandlerContext, marketplace: Marketplace): void {
  if (ctx.sender.kind === 'content-script' && ctx.sender.marketplace !== marketplace) {
    throw apiError('FORBIDDEN', ctx.locale);
  }
}

/** For a content script, the job's marketplace must be the page's (one extra GET; pages only). */
async function assertSenderOwnsJob(ctx: HandlerContext, token: string, jobId: string): Promise<void> {
  if (ctx.sender.kind !== 'content-script') return;
  const job = await ctx.api.request({ method: 'GET', path: jobPath(jobId), token, schema: JobView });
  assertSenderMayUse(ctx, job.marketplace);
}

export const handlers: HandlerMap = {
  'session.get': async () => toSessionView(await readSession()),

  'auth.signup': async (body, { api }) => {
    const auth = await api.request({
      method: 'POST',
      path: '/v1/auth/signup',
      json: body,
      schema: AuthResponse,
    });
    await saveSession(auth);
    await saveLastExport(null);
    return toSessionView(await readSession());
  },

  'auth.login': async (body, { api }) => {
    const auth = await api.request({
      method: 'POST',
      path: '/v1/auth/login',
      json: body,
      schema: AuthResponse,
    });
    await saveSession(auth);
    // Another seller may log in on this browser: the last export is the previous session's.
    await saveLastExport(null);
    return toSessionView(await readSession());
  },

  'auth.logout': async (_body, { api }) => {
    const session = await readSession();
    if (session) {
      // Logging out locally must work even when the server cannot be reached.
      await api
        .request({ method: 'POST', path: '/v1/auth/logout', token: session.token })
        .catch(() => undefined);
    }
    await clearSession();
    await saveLastExport(null);
    return toSessionView(null);
  },

  'account.get': async (_body, ctx) => {
    const account = await withToken(ctx, (token) =>
      ctx.api.request({ method: 'GET', path: '/v1/me', token, schema: AccountView }),
    );
    // Keeps the stored locale in step with a change made on another device.
    await updateSessionSeller(account.seller);
    return account;
  },

  'settings.update': async (body, ctx) => {
    const account = await withToken(ctx, (token) =>
      ctx.api.request({ method: 'PATCH', path: '/v1/me/settings', token, json: body, schema: AccountView }),
    );
    await updateSessionSeller(account.seller);
    return account;
  },

  'quote.get': async ({ presetId, templateId }, ctx) =>
    withToken(ctx, (token) =>
      ctx.api.request({
        method: 'GET',
        path: `/v1/quote?${new URLSearchParams(presetId ? { presetId } : { templateId: templateId ?? '' })}`,
        token,
        schema: Quote,
      }),
    ),

  // The catalogue is public: no token is sent, so a logged-out seller can browse the looks too.
  'presets.list': async (_body, ctx) =>
    ctx.api.request({ method: 'GET', path: '/v1/presets', schema: PresetList }),

  // With the token when there is one: the server may then mark what this seller's tier cannot use.
  'templates.list': async (_body, ctx) => {
    const session = await readSession();
    return ctx.api.request({
      method: 'GET',
      path: '/v1/templates',
      token: session?.token,
      schema: MESSAGES['templates.list'].response,
    });
  },

  // Public as well. Fetched here rather than by an <img> in the page: the seller center's CSP and
  // mixed-content rules decide what the page may load, and the API origin is not one of its hosts.
  'template.preview': async ({ templateId }, ctx) => {
    const preview = await ctx.api.requestBytes(
      `/v1/templates/${encodeURIComponent(templateId)}/preview`,
      undefined,
      MAX_THUMBNAIL_BYTES,
    );
    return { dataUrl: imageDataUrl(preview.bytes, preview.contentType) };
  },

  'job.create': async (request, ctx) => {
    assertSenderMayUse(ctx, request.marketplace);
    return withToken(ctx, async (token) => {
      const image = await downloadListingImage(ctx.fetch, request.marketplace, request.imageUrl, ctx.locale);
      // CreateJobBody fields as text, then the file; imageUrl is omitted because we upload the bytes.
      const form = new FormData();
      form.append('kind', 'enhance');
      form.append('marketplace', request.marketplace);
      form.append('productId', request.productId);
      form.append('slot', String(request.slot));
      // Exactly one of the two (the request schema checked it), as POST /v1/jobs wants.
      if (request.presetId) form.append('presetId', request.presetId);
      if (request.templateId) form.append('templateId', request.templateId);
      if (request.sourceImageId) form.append('sourceImageId', request.sourceImageId);
      form.append('image', image, uploadFileName(image, request.sourceImageId));
      return ctx.api.request({
        method: 'POST',
        path: '/v1/jobs',
        token,
        form,
        idempotencyKey: request.clickId,
        schema: JobView,
      });
    });
  },

  'job.get': async ({ jobId }, ctx) =>
    withToken(ctx, async (token) => {
      const job = await ctx.api.request({ method: 'GET', path: jobPath(jobId), token, schema: JobView });
      assertSenderMayUse(ctx, job.marketplace);
      if (job.status !== 'succeeded') return { job, beforeDataUrl: null, afterDataUrl: null };
      const [before, after] = await Promise.all([
        ctx.api.requestBytes(`${jobPath(jobId)}/original`, token, MAX_PREVIEW_BYTES),
        ctx.api.requestBytes(`${jobPath(jobId)}/result`, token, MAX_PREVIEW_BYTES),
      ]);
      return {
        job,
        beforeDataUrl: imageDataUrl(before.bytes, before.contentType),
        afterDataUrl: imageDataUrl(after.bytes, after.contentType),
      };
    }),

  'job.apply': async ({ jobId, clickId }, ctx) => {
    const response = await withToken(ctx, async (token) => {
      await assertSenderOwnsJob(ctx, token, jobId);
      return ctx.api.request({
        method: 'POST',
        path: `${jobPath(jobId)}/apply`,
        token,
        idempotencyKey: clickId,
        schema: ApplyResponse,
      });
    });
    return response.job;
  },

  'job.revert': async ({ jobId }, ctx) => {
    const response = await withToken(ctx, async (token) => {
      await assertSenderOwnsJob(ctx, token, jobId);
      // No Idempotency-Key: revert charges nothing and the server records at most one revert per job.
      return ctx.api.request({
        method: 'POST',
        path: `${jobPath(jobId)}/revert`,
        token,
        schema: ApplyResponse,
      });
    });
    return response.job;
  },

  'options.open': async (_body, ctx) => {
    await ctx.openOptionsPage();
    return { opened: true } as const;
  },

  'export.create': async ({ clickId, ...body }, ctx) => {
    const view = await withToken(ctx, (token) =>
      withRetries(() =>
        ctx.api.request({
          method: 'POST',
          path: '/v1/exports',
          token,
          json: body,
          idempotencyKey: clickId,
          schema: ExportView,
        }),
      ),
    );
    // Remembered here, not by the popup: the popup may have closed while this ran (retries included), and
    // the next one must show this paid-for export rather than offer to make another.
    await saveLastExport(view.id);
    return view;
  },

  'export.get': async ({ exportId }, ctx) =>
    withToken(ctx, (token) =>
      ctx.api.request({ method: 'GET', path: exportPath(exportId), token, schema: ExportView }),
    ),

  /*
   * The browser's download manager fetches the ZIP itself, with the bearer token as a request header
   * (downloads.download `headers`): the token stays in the background and never appears in a URL, and a
   * 500 MB ZIP streams to disk instead of through this worker's memory (an MV3 service worker has no
   * URL.createObjectURL to hand it a Blob anyway). The status is checked first, so "expired" or "not ready"
   * reach the seller as our localised message rather than as a failed download in the browser's list.
   */
  'export.download': async ({ exportId }, ctx) =>
    withToken(ctx, async (token) => {
      const view = await ctx.api.request({
        method: 'GET',
        path: exportPath(exportId),
        token,
        schema: ExportView,
      });
      assertDownloadable(view, ctx.locale);
      // The server's own name for it (GET …/download: lumiku-export-<date>.zip).
      const filename = `lumiku-export-${view.createdAt.slice(0, 10)}.zip`;
      const downloadId = await ctx.download({
        url: `${ctx.apiUrl}${exportPath(exportId)}/download`,
        filename,
        headers: [{ name: 'Authorization', value: `Bearer ${token}` }],
        conflictAction: 'uniquify',
      });
      return { downloadId, filename };
    }),

  'ledger.get': async (_body, ctx) =>
    withToken(ctx, (token) =>
      ctx.api.request({ method: 'GET', path: '/v1/credits/ledger', token, schema: Ledger }),
    ),

  'connections.list': async (_body, ctx) =>
    withToken(ctx, (token) =>
      ctx.api.request({ method: 'GET', path: '/v1/connections', token, schema: ConnectionList }),
    ),

  'connections.start': async ({ provider }, ctx) =>
    withToken(ctx, (token) =>
      ctx.api.request({
        method: 'POST',
        path: `/v1/connections/${encodeURIComponent(provider)}/start`,
        token,
        // Stricter than the API schema: only an http(s) page may be opened in a tab.
        schema: MESSAGES['connections.start'].response,
      }),
    ),

  'connections.delete': async ({ connectionId }, ctx) => {
    await withToken(ctx, (token) =>
      ctx.api.request({
        method: 'DELETE',
        path: `/v1/connections/${encodeURIComponent(connectionId)}`,
        token,
      }),
    );
    return { deleted: true } as const;
  },
};
