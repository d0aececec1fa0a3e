/**
 * The Shopee Open Platform v2 API of the sandbox: the real paths, signing, envelopes and error codes
 * (../../../shared/reference/marketplaces.md, "Shopee Open Platform v2"), plus the seller authorization page.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type multer from '@koa/multer';
import { Router } from '@koa/router';
import type Koa from 'koa';
import sharp from 'sharp';
import type { LoggedRequest, Refusal, SandboxApiWiring, SandboxFault } from '../common/api.js';
import { createSandboxApiApp, safeEqual, uploadParser } from '../common/api.js';
import { sniffImage } from '../common/images.js';
import { authorizationPage } from './pages.js';
import { type ImageContentType, imageUrl, SandboxApiError, type ShopeeSandboxState } from './state.js';

export interface RequestLogEntry extends LoggedRequest {
  /** Shopee's error code of the answer; '' = success; `http_<status>` for an injected bare HTTP error. */
  error: string;
}

/** A failure to inject into the next matching API calls (timeouts, 429, 5xx, lost responses). */
export interface ShopeeSandboxFault extends SandboxFault {
  /** The API path to affect, e.g. `/api/v2/product/update_item`. */
  path: string;
  /** Envelope error code to answer with, e.g. `error_rate_limit`; omit for a bare HTTP error without envelope. */
  error?: string;
  message?: string;
  /** @defaultValue 429 for `error_rate_limit`, otherwise 500 */
  httpStatus?: number;
}

export interface ShopeeApiAppOptions extends SandboxApiWiring<RequestLogEntry, ShopeeSandboxFault> {
  state: ShopeeSandboxState;
  partnerId: number;
  partnerKey: string;
}

/** `timestamp` must be within 5 minutes (marketplaces.md, "Signing"); the auth link also expires after 5 min. */
const TIMESTAMP_WINDOW_S = 5 * 60;
/** upload_image takes files ≤ 10 MB (marketplaces.md, "Upload an image"). */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** get_item_base_info takes ≤ 50 ids (marketplaces.md, "Read and update a listing's images"). */
const MAX_ITEM_IDS = 50;

export const AUTH_PARTNER_PATH = '/api/v2/shop/auth_partner';

const requestId = (): string => randomBytes(16).toString('hex');

/** upload_image takes JPG and PNG only (marketplaces.md, "Upload an image"). */
const UPLOAD_TYPES: readonly ImageContentType[] = ['image/jpeg', 'image/png'];

/** Shopee's envelope error codes for requests refused before any route ran. */
const REFUSALS: Record<Refusal, () => SandboxApiError> = {
  file_too_large: () => new SandboxApiError('error_param', 'Image size should be less than 10MB.', 413),
  bad_multipart: () => new SandboxApiError('error_param', 'Invalid multipart body.'),
  bad_body: () => new SandboxApiError('error_param', 'Invalid request body.'),
};

function newImageId(): string {
  // Same shape as real ids (e.g. `id-11134207-7r98o-…`): region prefix, lowercase base36.
  const tail = BigInt(`0x${randomBytes(9).toString('hex')}`)
    .toString(36)
    .padStart(14, '0')
    .slice(0, 14);
  return `id-11134207-7r98o-${tail}`;
}

function single(ctx: Koa.Context, name: string): string | undefined {
  const value = ctx.query[name];
  if (Array.isArray(value)) throw new SandboxApiError('error_param', `Duplicate parameter ${name}.`);
  return value === undefined || value === '' ? undefined : value;
}

function integerParam(ctx: Koa.Context, name: string): number {
  const raw = single(ctx, name);
  if (raw === undefined) throw new SandboxApiError('error_param', `Missing ${name}.`);
  if (!/^\d{1,19}$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new SandboxApiError('error_param', `Invalid ${name}.`);
  }
  return Number(raw);
}

function bodyObject(ctx: Koa.Context): Record<string, unknown> {
  const body = ctx.request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SandboxApiError('error_param', 'Request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function bodyInteger(body: Record<string, unknown>, name: string): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new SandboxApiError('error_param', `Invalid ${name}.`);
  }
  return value;
}

function bodyString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new SandboxApiError('error_param', `Invalid ${name}.`);
  return value;
}

/** `item_id_list=1,2`, repeated `item_id_list=1&item_id_list=2`, or `[1,2]` (marketplaces.md). */
export function parseItemIdList(raw: string | string[] | undefined): number[] {
  if (raw === undefined) throw new SandboxApiError('error_param', 'Missing item_id_list.');
  const parts = (Array.isArray(raw) ? raw : [raw])
    .flatMap((v) => v.replace(/^\s*\[|\]\s*$/g, '').split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (parts.length === 0) throw new SandboxApiError('error_param', 'Missing item_id_list.');
  if (parts.length > MAX_ITEM_IDS)
    throw new SandboxApiError('error_param', `item_id_list exceeds ${MAX_ITEM_IDS}.`);
  return parts.map((p) => {
    if (!/^\d{1,19}$/.test(p) || !Number.isSafeInteger(Number(p))) {
      throw new SandboxApiError(
        'error_invalid_item_list',
        'Invalid item_id_list, please verify the ID and try again',
      );
    }
    return Number(p);
  });
}

export function createShopeeApiApp(options: ShopeeApiAppOptions): Koa {
  const { state, partnerId, partnerKey, requestLog, faults, logger } = options;
  const sign = (base: string): string => createHmac('sha256', partnerKey).update(base, 'utf8').digest('hex');

  /**
   * The checks every call gets: partner_id, sign over the documented base string, then the 5-minute
   * timestamp window (marketplaces.md, "Signing"). Returns the shop for shop APIs after checking the token.
   */
  function verify(ctx: Koa.Context, kind: 'public' | 'shop'): { shopId: number } {
    const partner = integerParam(ctx, 'partner_id');
    const timestamp = integerParam(ctx, 'timestamp');
    const given = single(ctx, 'sign');
    if (given === undefined) throw new SandboxApiError('error_param', 'Missing sign.');
    if (partner !== partnerId) throw new SandboxApiError('error_auth', 'Invalid partner_id.', 403);
    let base = `${partner}${ctx.path}${timestamp}`;
    let shopId = 0;
    let accessToken = '';
    if (kind === 'shop') {
      accessToken = single(ctx, 'access_token') ?? '';
      if (accessToken === '') throw new SandboxApiError('error_param', 'Missing access_token.');
      shopId = integerParam(ctx, 'shop_id');
      base += `${accessToken}${shopId}`;
    }
    if (!safeEqual(given, sign(base))) throw new SandboxApiError('error_sign', 'Wrong sign.', 403);
    const nowS = Math.floor(state.now() / 1000);
    if (timestamp < nowS - TIMESTAMP_WINDOW_S)
      throw new SandboxApiError('error_param', 'Timestamp is expired.');
    if (timestamp > nowS + TIMESTAMP_WINDOW_S) throw new SandboxApiError('error_param', 'Invalid timestamp.');
    if (kind === 'shop') {
      if (!state.shops.has(shopId))
        throw new SandboxApiError('error_auth', 'Invalid partner_id or shopid.', 403);
      state.checkAccessToken(accessToken, shopId);
    }
    return { shopId };
  }

  /** The redirect of the authorization link: an absolute http(s) URL (never javascript: or data:). */
  function redirectParam(ctx: Koa.Context): URL {
    const raw = single(ctx, 'redirect');
    if (raw === undefined) throw new SandboxApiError('error_param', 'Missing redirect.');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new SandboxApiError('error_param', 'Invalid redirect.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new SandboxApiError('error_param', 'Invalid redirect.');
    }
    return url;
  }

  const ok = (ctx: Koa.Context, fields: Record<string, unknown>): void => {
    ctx.status = 200;
    ctx.body = { request_id: requestId(), error: '', message: '', ...fields };
  };

  const upload = uploadParser(MAX_UPLOAD_BYTES);

  const router = new Router();

  router.get(AUTH_PARTNER_PATH, (ctx) => {
    verify(ctx, 'public');
    const redirect = redirectParam(ctx);
    ctx.type = 'html';
    ctx.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    ctx.body = authorizationPage({
      partnerId,
      shops: [...state.shops.values()],
      formAction: ctx.url,
      redirect: redirect.toString(),
    });
  });

  // The page's form posts back here; the link's sign and 5-minute expiry are checked again on submit.
  router.post(AUTH_PARTNER_PATH, (ctx) => {
    verify(ctx, 'public');
    const redirect = redirectParam(ctx);
    const form = bodyObject(ctx);
    const shopId = Number(form.shop_id);
    if (!Number.isSafeInteger(shopId) || !state.shops.has(shopId)) {
      throw new SandboxApiError('error_param', 'Invalid shop_id.');
    }
    // Appending keeps whatever query the redirect already carried (e.g. the caller's OAuth `state`).
    redirect.searchParams.set('code', state.issueCode(shopId));
    redirect.searchParams.set('shop_id', String(shopId));
    ctx.redirect(redirect.toString());
  });

  router.post('/api/v2/auth/token/get', (ctx) => {
    verify(ctx, 'public');
    const body = bodyObject(ctx);
    if (bodyInteger(body, 'partner_id') !== partnerId)
      throw new SandboxApiError('error_param', 'Invalid partner_id.');
    const tokens = state.exchangeCode(bodyString(body, 'code'), bodyInteger(body, 'shop_id'));
    // Token endpoints answer at the top level, not under `response` (marketplaces.md, "Token").
    ok(ctx, {
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      expire_in: tokens.expireIn,
    });
  });

  router.post('/api/v2/auth/access_token/get', (ctx) => {
    verify(ctx, 'public');
    const body = bodyObject(ctx);
    if (bodyInteger(body, 'partner_id') !== partnerId)
      throw new SandboxApiError('error_param', 'Invalid partner_id.');
    const shopId = bodyInteger(body, 'shop_id');
    const tokens = state.refresh(bodyString(body, 'refresh_token'), shopId);
    ok(ctx, {
      partner_id: partnerId,
      shop_id: shopId,
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      expire_in: tokens.expireIn,
    });
  });

  router.post(
    '/api/v2/media_space/upload_image',
    async (ctx, next) => {
      // Public API: checked before the body is read so a bad sign costs no upload.
      verify(ctx, 'public');
      await next();
    },
    upload.single('image'),
    async (ctx) => {
      const file: multer.File | undefined = ctx.request.file;
      if (!file) throw new SandboxApiError('error_param', 'Missing image.');
      const fields = bodyObject(ctx);
      const scene = fields.scene === undefined || fields.scene === '' ? 'normal' : fields.scene;
      if (scene !== 'normal' && scene !== 'desc') throw new SandboxApiError('error_param', 'Invalid scene.');
      const contentType = sniffImage(file.buffer, UPLOAD_TYPES);
      if (!contentType)
        throw new SandboxApiError('error_param', 'Only JPG, JPEG and PNG images are supported.');
      let bytes = file.buffer;
      try {
        const meta = await sharp(bytes).metadata();
        // scene=normal images are made square (marketplaces.md, "Upload an image"): pad onto white.
        if (scene === 'normal' && meta.width !== meta.height) {
          const edge = Math.max(meta.width, meta.height);
          const pipeline = sharp(bytes).resize(edge, edge, { fit: 'contain', background: '#ffffff' });
          bytes = await (contentType === 'image/png'
            ? pipeline.png()
            : pipeline.jpeg({ quality: 92 })
          ).toBuffer();
        }
      } catch {
        throw new SandboxApiError('error_param', 'Invalid image.');
      }
      const imageId = newImageId();
      state.addImage({ imageId, bytes, contentType });
      ok(ctx, {
        response: {
          image_info: {
            image_id: imageId,
            image_url_list: [{ image_url_region: 'ID', image_url: imageUrl(imageId) }],
          },
        },
      });
    },
  );

  router.get('/api/v2/product/get_item_base_info', (ctx) => {
    const { shopId } = verify(ctx, 'shop');
    const ids = parseItemIdList(ctx.query.item_id_list);
    const { found, missing } = state.itemsOfShop(shopId, ids);
    ok(ctx, {
      ...(missing.length > 0 ? { warning: `Item not found: ${missing.join(',')}` } : {}),
      response: {
        item_list: found.map((item) => ({
          item_id: item.itemId,
          item_name: item.name,
          item_status: 'NORMAL',
          image: {
            image_id_list: [...item.imageIds],
            image_url_list: item.imageIds.map(imageUrl),
            image_ratio: '1:1',
          },
        })),
      },
    });
  });

  router.post('/api/v2/product/update_item', (ctx) => {
    const { shopId } = verify(ctx, 'shop');
    const body = bodyObject(ctx);
    const itemId = bodyInteger(body, 'item_id');
    const change: { imageIds?: string[]; name?: string } = {};
    if (body.image !== undefined) {
      const image = body.image as { image_id_list?: unknown } | null;
      const list = image?.image_id_list;
      if (!Array.isArray(list) || !list.every((id): id is string => typeof id === 'string' && id !== '')) {
        throw new SandboxApiError('error_param', 'Invalid image.image_id_list.');
      }
      change.imageIds = list;
    }
    if (body.item_name !== undefined) {
      if (typeof body.item_name !== 'string' || body.item_name.trim() === '') {
        throw new SandboxApiError('error_item_name_empty', 'Item name could not be empty.');
      }
      change.name = body.item_name;
    }
    const item = state.updateItem(shopId, itemId, change);
    ok(ctx, {
      response: {
        item_id: item.itemId,
        item_name: item.name,
        ...(change.imageIds ? { images: { image_id_list: [...item.imageIds] } } : {}),
      },
    });
  });

  return createSandboxApiApp({
    name: 'shopee sandbox',
    router,
    requestLog,
    faults,
    logger,
    isApiError: (err) => err instanceof SandboxApiError,
    notFound: () => new SandboxApiError('error_not_found', 'Invalid API path.', 404),
    refused: (refusal) => REFUSALS[refusal](),
    internal: () => new SandboxApiError('error_inner', 'Inner error, please try later.', 500),
    errorBody: (e) => ({ request_id: requestId(), error: e.error, message: e.message }),
    outcome: (ctx) => ({
      error:
        ctx.body && typeof ctx.body === 'object' && 'error' in ctx.body && typeof ctx.body.error === 'string'
          ? ctx.body.error
          : ctx.status >= 400
            ? `http_${ctx.status}`
            : '',
    }),
    faultAnswer: (fault) => {
      const status = fault.httpStatus ?? (fault.error === 'error_rate_limit' ? 429 : 500);
      return fault.error === undefined
        ? { status }
        : {
            status,
            envelope: {
              request_id: requestId(),
              error: fault.error,
              message: fault.message ?? 'Injected fault.',
            },
          };
    },
  });
}
