/**
 * The TikTok Shop Partner API of the sandbox (202309 paths), the token endpoints and the seller authorization
 * page, all on one http server: the real paths, signing, envelope and error codes
 * (../../../shared/reference/marketplaces.md, "TikTok Shop Partner API (202309+)").
 *
 * Signing is implemented here on its own (node:crypto), not imported from the server's client, so a signing
 * bug in one cannot hide the same bug in the other.
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
import {
  IMAGE_URI_PREFIX,
  type ImageContentType,
  imageUrl,
  LISTING_PLATFORMS,
  type ListingPlatform,
  MESSAGES,
  SandboxApiError,
  type SandboxProduct,
  type SandboxSeller,
  type SandboxShop,
  SCOPES,
  type TikTokSandboxState,
  thumbUrl,
} from './state.js';

export interface RequestLogEntry extends LoggedRequest {
  /** TikTok's `code` of the answer: 0 = success, and also 0 for an answer without envelope (see `status`). */
  code: number;
}

/** A failure to inject into the next matching API calls (timeouts, 429, 5xx, lost responses). */
export interface TikTokSandboxFault extends SandboxFault {
  /** The path to affect: exact, e.g. `/authorization/202309/shops`, or a pattern for paths with ids. */
  path: string | RegExp;
  /** Envelope code to answer with, e.g. 36009002; omit for a bare HTTP error without envelope. */
  code?: number;
  message?: string;
  /** @defaultValue 429 for 36009002, otherwise 500 */
  httpStatus?: number;
  /** Sent as the `Retry-After` header (delta-seconds). */
  retryAfterSeconds?: number;
}

export interface TikTokApiAppOptions extends SandboxApiWiring<RequestLogEntry, TikTokSandboxFault> {
  state: TikTokSandboxState;
  appKey: string;
  appSecret: string;
  serviceId: string;
  /** Partner Center's fixed redirect URL (changeable by tests). */
  redirectUrl: () => string;
}

/** `timestamp` must be within 5 minutes (marketplaces.md, "Signing"). */
const TIMESTAMP_WINDOW_S = 5 * 60;
/** Main images ≤ 5 MB, 300–4000 px, JPG/PNG/WEBP (marketplaces.md, "Upload an image"). */
const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
const MIN_EDGE = 300;
const MAX_EDGE = 4000;
const USE_CASES = new Set([
  'MAIN_IMAGE',
  'ATTRIBUTE_IMAGE',
  'DESCRIPTION_IMAGE',
  'CERTIFICATION_IMAGE',
  'SIZE_CHART_IMAGE',
]);
/** The only partial_edit fields the sandbox implements; others are refused rather than silently ignored. */
const EDITABLE_FIELDS = new Set(['main_images', 'listing_platforms']);

export const PATHS = {
  authorize: '/open/authorize',
  tokenGet: '/api/v2/token/get',
  tokenRefresh: '/api/v2/token/refresh',
  shops: '/authorization/202309/shops',
  uploadImage: '/product/202309/images/upload',
} as const;

/** Like TikTok's: a UTC timestamp then hex, e.g. `202203070749000101890810281E8C70B7`. */
function requestId(): string {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  return `${stamp}${randomBytes(10).toString('hex').toUpperCase()}`;
}

/** Main images may be JPG, PNG or WEBP (marketplaces.md, "Upload an image"). */
export const UPLOAD_TYPES: readonly ImageContentType[] = ['image/jpeg', 'image/png', 'image/webp'];

/** TikTok's codes for requests refused before any route ran. */
const REFUSALS: Record<Refusal, () => SandboxApiError> = {
  file_too_large: () => new SandboxApiError(12038005, 'The file size exceeds the maximum allowed size.', 200),
  bad_multipart: () => new SandboxApiError(36009004, 'invalid param error: multipart body'),
  bad_body: () => new SandboxApiError(36009004, 'invalid param error: request body'),
};

/** The query as one value per key; a repeated key is refused (the signed string would be ambiguous). */
function singleQuery(ctx: Koa.Context): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.query)) {
    if (Array.isArray(value)) throw new SandboxApiError(36009004, `invalid param error: duplicate ${key}`);
    if (value !== undefined) query[key] = value;
  }
  return query;
}

function bodyObject(ctx: Koa.Context): Record<string, unknown> {
  const body = ctx.request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SandboxApiError(36009004, 'invalid param error: the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function isPlatform(value: unknown): value is ListingPlatform {
  return typeof value === 'string' && (LISTING_PLATFORMS as readonly string[]).includes(value);
}

export function createTikTokApiApp(options: TikTokApiAppOptions): Koa {
  const { state, appKey, appSecret, serviceId, requestLog, faults, logger } = options;

  /** TikTok's sign: app_secret + path + sorted {key}{value} (no sign/access_token) + body + app_secret. */
  function expectedSign(path: string, query: Record<string, string>, body: string): string {
    const params = Object.keys(query)
      .filter((key) => key !== 'sign' && key !== 'access_token')
      .sort()
      .map((key) => `${key}${query[key]}`)
      .join('');
    return createHmac('sha256', appSecret)
      .update(`${appSecret}${path}${params}${body}${appSecret}`)
      .digest('hex');
  }

  /**
   * The checks every signed call gets, in this order: app_key, sign (106001), the 5-minute timestamp window,
   * the `x-tts-access-token` header (105002 when expired), shop_cipher (106013 when a shop call lacks it,
   * 36009004 when a global call sends one) and the endpoint's scope (105005).
   */
  function verify(
    ctx: Koa.Context,
    kind: 'shop' | 'global',
    scope: string,
  ): { seller: SandboxSeller; shop: SandboxShop | undefined } {
    const query = singleQuery(ctx);
    if (!query.app_key || query.app_key !== appKey) {
      throw new SandboxApiError(36009004, MESSAGES.invalidAppKey, 401);
    }
    if (!query.sign) throw new SandboxApiError(36009004, MESSAGES.missingSign, 401);
    // multipart bodies are not signed (marketplaces.md, "Signing"); JSON bodies are, byte for byte.
    const multipart = Boolean(ctx.is('multipart/form-data'));
    const rawBody = multipart ? '' : (ctx.request.rawBody ?? '');
    if (!safeEqual(query.sign, expectedSign(ctx.path, query, rawBody))) {
      throw new SandboxApiError(106001, MESSAGES.invalidSign, 401);
    }
    const timestamp = Number(query.timestamp);
    if (!/^\d{1,12}$/.test(query.timestamp ?? '')) {
      throw new SandboxApiError(36009004, 'invalid param error: timestamp');
    }
    const nowS = Math.floor(state.now() / 1000);
    if (timestamp < nowS - TIMESTAMP_WINDOW_S) throw new SandboxApiError(36009004, MESSAGES.timestampTooOld);
    if (timestamp > nowS + TIMESTAMP_WINDOW_S)
      throw new SandboxApiError(36009004, MESSAGES.timestampInFuture);
    const { seller, scopes } = state.checkAccessToken(ctx.get('x-tts-access-token') || undefined);
    let shop: SandboxShop | undefined;
    if (kind === 'shop') {
      if (!query.shop_cipher) throw new SandboxApiError(106013, MESSAGES.missingShopCipher);
      shop = state.shopByCipher(query.shop_cipher);
      if (!shop || !seller.shopIds.includes(shop.id)) {
        throw new SandboxApiError(
          36009004,
          'Invalid identifier. The `shop_cipher` query parameter is invalid.',
        );
      }
    } else if (query.shop_cipher !== undefined) {
      throw new SandboxApiError(36009004, MESSAGES.unexpectedShopCipher);
    }
    if (!scopes.includes(scope)) throw new SandboxApiError(105005, MESSAGES.missingScope, 403);
    return { seller, shop };
  }

  /** The unsigned token endpoints authenticate the app with app_key + app_secret in the query. */
  function verifyApp(ctx: Koa.Context, grantType: string): Record<string, string> {
    const query = singleQuery(ctx);
    if (!query.app_key || query.app_key !== appKey) {
      throw new SandboxApiError(36009004, MESSAGES.invalidAppKey, 401);
    }
    if (!query.app_secret || !safeEqual(query.app_secret, appSecret)) {
      throw new SandboxApiError(36009004, 'Invalid credentials. Invalid `app_secret` query parameter.', 401);
    }
    if (query.grant_type !== grantType) {
      throw new SandboxApiError(36009004, `invalid param error: grant_type must be ${grantType}`);
    }
    return query;
  }

  function checkServiceId(value: unknown): void {
    if (typeof value !== 'string' || value !== serviceId) {
      throw new SandboxApiError(36009004, 'invalid param error: service_id');
    }
  }

  const ok = (ctx: Koa.Context, data: unknown): void => {
    ctx.status = 200;
    ctx.body = { code: 0, message: 'Success', request_id: requestId(), data };
  };

  const tokenData = (tokens: ReturnType<TikTokSandboxState['refresh']>): Record<string, unknown> => ({
    access_token: tokens.accessToken,
    // Absolute unix timestamps despite the names (marketplaces.md, "Token").
    access_token_expire_in: tokens.accessTokenExpireIn,
    refresh_token: tokens.refreshToken,
    refresh_token_expire_in: tokens.refreshTokenExpireIn,
    open_id: tokens.seller.openId,
    seller_name: tokens.seller.name,
    seller_base_region: tokens.seller.region,
    user_type: 0,
    granted_scopes: tokens.scopes,
  });

  const productData = (product: SandboxProduct): Record<string, unknown> => ({
    id: product.id,
    title: product.title,
    status: 'ACTIVATE',
    main_images: product.mainImageUris.map((uri) => {
      const image = state.images.get(uri);
      return {
        uri,
        urls: [imageUrl(uri)],
        thumb_urls: [thumbUrl(uri)],
        width: image?.width ?? 0,
        height: image?.height ?? 0,
      };
    }),
    listing_platforms: [...product.listingPlatforms],
    integrated_platform_statuses: [
      ...product.listingPlatforms
        .filter((p) => p !== 'TIKTOK_SHOP')
        .map((platform) => ({ platform, status: 'ACTIVATE' })),
      ...product.deactivatedPlatforms
        .filter((p) => p !== 'TIKTOK_SHOP')
        .map((platform) => ({ platform, status: 'SELLER_DEACTIVATED' })),
    ],
    ...(product.audit ? { audit: { status: product.audit.status } } : {}),
    create_time: Math.floor(product.createTime / 1000),
    update_time: Math.floor(product.updateTime / 1000),
  });

  const upload = uploadParser(MAX_UPLOAD_BYTES);

  const router = new Router();

  router.get(PATHS.authorize, (ctx) => {
    const query = singleQuery(ctx);
    checkServiceId(query.service_id);
    ctx.type = 'html';
    // Chromium applies form-action to the redirect that follows the submit too, so the app's registered
    // redirect origin must be allowed besides our own.
    const redirectOrigin = new URL(options.redirectUrl()).origin;
    ctx.set(
      'content-security-policy',
      `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${redirectOrigin}`,
    );
    // The sandbox has one seller; the real page shows whoever is logged in to the seller center.
    const seller = [...state.sellers.values()][0];
    if (!seller) throw new SandboxApiError(36009003, MESSAGES.internal, 500);
    ctx.body = authorizationPage({
      serviceId,
      state: query.state ?? '',
      seller,
      shops: seller.shopIds.flatMap((id) => state.shops.get(id) ?? []),
      formAction: PATHS.authorize,
    });
  });

  // The page's form posts back here; the seller is redirected to Partner Center's fixed redirect URL.
  router.post(PATHS.authorize, (ctx) => {
    const form = bodyObject(ctx);
    checkServiceId(form.service_id);
    const seller = [...state.sellers.values()][0];
    if (!seller) throw new SandboxApiError(36009003, MESSAGES.internal, 500);
    const redirect = new URL(options.redirectUrl());
    // Appending keeps whatever query the redirect URL already carries.
    redirect.searchParams.set('code', state.issueCode(seller.openId));
    if (typeof form.state === 'string' && form.state !== '') redirect.searchParams.set('state', form.state);
    ctx.redirect(redirect.toString());
  });

  router.get(PATHS.tokenGet, (ctx) => {
    const query = verifyApp(ctx, 'authorized_code');
    if (!query.auth_code) throw new SandboxApiError(36009004, 'invalid param error: auth_code');
    ok(ctx, tokenData(state.exchangeCode(query.auth_code)));
  });

  router.get(PATHS.tokenRefresh, (ctx) => {
    const query = verifyApp(ctx, 'refresh_token');
    if (!query.refresh_token) throw new SandboxApiError(36009004, 'invalid param error: refresh_token');
    ok(ctx, tokenData(state.refresh(query.refresh_token)));
  });

  router.get(PATHS.shops, (ctx) => {
    const { seller } = verify(ctx, 'global', SCOPES.shops);
    ok(ctx, {
      shops: seller.shopIds.flatMap((id) => {
        const shop = state.shops.get(id);
        return shop
          ? [
              {
                id: shop.id,
                name: shop.name,
                region: shop.region,
                seller_type: 'LOCAL',
                cipher: shop.cipher,
                code: shop.code,
              },
            ]
          : [];
      }),
    });
  });

  router.post(
    PATHS.uploadImage,
    async (ctx, next) => {
      // Checked before the body is read so a bad sign costs no upload; the multipart body is not signed.
      verify(ctx, 'global', SCOPES.productRead);
      await next();
    },
    upload.single('data'),
    async (ctx) => {
      const file: multer.File | undefined = ctx.request.file;
      if (!file) {
        throw new SandboxApiError(
          12038002,
          'Invalid upload file. Please ensure you are passing the correct file data.',
          200,
        );
      }
      const fields = bodyObject(ctx);
      const useCase =
        fields.use_case === undefined || fields.use_case === '' ? 'MAIN_IMAGE' : fields.use_case;
      if (typeof useCase !== 'string' || !USE_CASES.has(useCase)) {
        throw new SandboxApiError(36009004, 'invalid param error: use_case');
      }
      const contentType = sniffImage(file.buffer, UPLOAD_TYPES);
      if (!contentType) {
        throw new SandboxApiError(
          12038004,
          'Failed to process the image. The format or content is not supported.',
          200,
        );
      }
      let bytes = file.buffer;
      let width: number;
      let height: number;
      try {
        const meta = await sharp(bytes, { limitInputPixels: 50_000_000 }).metadata();
        width = meta.width;
        height = meta.height;
      } catch {
        throw new SandboxApiError(
          12038004,
          'Failed to process the image. The format or content is not supported.',
          200,
        );
      }
      if (Math.min(width, height) < MIN_EDGE || Math.max(width, height) > MAX_EDGE) {
        throw new SandboxApiError(
          12038014,
          `The image dimensions exceed the allowed limits. Allowed dimensions (width x height in pixels): ${MIN_EDGE} x ${MIN_EDGE} to ${MAX_EDGE} x ${MAX_EDGE}`,
          200,
        );
      }
      // A main image with an aspect outside 3:4–4:3 is forced to 1:1 (marketplaces.md): padded onto white.
      if (useCase === 'MAIN_IMAGE' && (width / height > 4 / 3 || width / height < 3 / 4)) {
        const edge = Math.max(width, height);
        const pipeline = sharp(bytes).resize(edge, edge, { fit: 'contain', background: '#ffffff' });
        bytes = await (contentType === 'image/png'
          ? pipeline.png()
          : contentType === 'image/webp'
            ? pipeline.webp()
            : pipeline.jpeg({ quality: 92 })
        ).toBuffer();
        width = edge;
        height = edge;
      }
      const uri = `${IMAGE_URI_PREFIX}/${randomBytes(16).toString('hex')}`;
      state.addImage({ uri, bytes, contentType, width, height });
      ok(ctx, { uri, url: imageUrl(uri), width, height, use_case: useCase });
    },
  );

  router.get('/product/202309/products/:productId', (ctx) => {
    const { shop } = verify(ctx, 'shop', SCOPES.productRead);
    const id = ctx.params.productId ?? '';
    if (!/^\d{1,20}$/.test(id)) throw new SandboxApiError(36009004, 'invalid param error: product_id');
    ok(ctx, productData(state.productOfShop(shop!.id, id)));
  });

  router.post('/product/202309/products/:productId/partial_edit', (ctx) => {
    const { shop } = verify(ctx, 'shop', SCOPES.productWrite);
    const id = ctx.params.productId ?? '';
    if (!/^\d{1,20}$/.test(id)) throw new SandboxApiError(36009004, 'invalid param error: product_id');
    const body = bodyObject(ctx);
    const unsupported = Object.keys(body).filter((key) => !EDITABLE_FIELDS.has(key));
    if (unsupported.length > 0) {
      throw new SandboxApiError(
        36009004,
        `invalid param error: the sandbox edits only main_images and listing_platforms (got ${unsupported.join(', ')})`,
      );
    }
    const change: { mainImageUris?: string[]; listingPlatforms?: ListingPlatform[] } = {};
    if (body.main_images !== undefined) {
      const list = body.main_images;
      if (
        !Array.isArray(list) ||
        !list.every(
          (image): image is { uri: string } =>
            typeof image === 'object' && image !== null && typeof image.uri === 'string' && image.uri !== '',
        )
      ) {
        throw new SandboxApiError(36009004, 'invalid param error: main_images');
      }
      change.mainImageUris = list.map((image) => image.uri);
    }
    if (body.listing_platforms !== undefined) {
      const list = body.listing_platforms;
      if (!Array.isArray(list) || !list.every(isPlatform)) {
        throw new SandboxApiError(36009004, 'invalid param error: listing_platforms');
      }
      change.listingPlatforms = [...new Set(list)];
    }
    const product = state.partialEdit(shop!.id, id, change);
    // A non-price change sends the product to review (marketplaces.md, "Read and update images").
    ok(ctx, { product_id: product.id, skus: [], audit: { status: product.audit?.status ?? 'AUDITING' } });
  });

  return createSandboxApiApp({
    name: 'tiktok sandbox',
    router,
    requestLog,
    faults,
    logger,
    isApiError: (err) => err instanceof SandboxApiError,
    notFound: () => new SandboxApiError(36009009, MESSAGES.invalidPath, 404),
    refused: (refusal) => REFUSALS[refusal](),
    internal: () => new SandboxApiError(36009003, MESSAGES.internal, 500),
    errorBody: (e) => ({ code: e.code, message: e.message, request_id: requestId(), data: null }),
    outcome: (ctx) => ({
      code:
        ctx.body && typeof ctx.body === 'object' && 'code' in ctx.body && typeof ctx.body.code === 'number'
          ? ctx.body.code
          : 0,
    }),
    faultAnswer: (fault) => ({
      status: fault.httpStatus ?? (fault.code === 36009002 ? 429 : 500),
      headers:
        fault.retryAfterSeconds === undefined
          ? undefined
          : { 'retry-after': String(fault.retryAfterSeconds) },
      envelope:
        fault.code === undefined
          ? undefined
          : {
              code: fault.code,
              message: fault.message ?? (fault.code === 36009002 ? MESSAGES.rateLimited : 'Injected fault.'),
              request_id: requestId(),
              data: null,
            },
    }),
  });
}
