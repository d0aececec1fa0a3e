/**
 * TikTok Shop Partner API (202309+) client: seller authorization, tokens, authorized shops, image upload and
 * a product's main images. Since the merger it also manages Tokopedia listings (marketplaces.md,
 * "Tokopedia"). The one module of the server that talks to TikTok Shop; production and the local sandbox
 * are reached through this same class with only the base URLs changed. Protocol facts:
 * shared/reference/marketplaces.md, "TikTok Shop Partner API (202309+)".
 */
import { z } from 'zod';
import type { BaseCall, MarketplaceClientOptions, RetryRules } from '../http.js';
import { apiOrigin, parseAnswer, redact, shouldRetry, sniffImageType, Transport } from '../http.js';
import { isTikTokError, parseRetryAfter, TikTokApiError, TikTokNetworkError } from './errors.js';
import { tiktokSign } from './sign.js';

export {
  classifyTikTokError,
  isTikTokError,
  TIKTOK_CODES,
  TikTokApiError,
  type TikTokError,
  type TikTokErrorKind,
  TikTokNetworkError,
} from './errors.js';

export interface TikTokClientOptions extends MarketplaceClientOptions {
  /** `https://open-api.tiktokglobalshop.com` in production; an origin, no path (the path is signed). */
  apiBaseUrl: string;
  /** Token endpoints: `https://auth.tiktok-shops.com` in production. */
  authBaseUrl: string;
  /** Seller authorization page: `https://services.tiktokshop.com` in production. */
  servicesBaseUrl: string;
  appKey: string;
  appSecret: string;
  /** The app's service id from Partner Center (authorization link). */
  serviceId: string;
}

export interface TikTokTokens {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: Date;
  refreshExpiresAt: Date;
  /** The seller's id at TikTok: one authorization covers all of the seller's shops. */
  openId: string;
  sellerName: string;
}

export interface TikTokShop {
  id: string;
  name: string;
  region: string;
  /** The `shop_cipher` every shop call needs. */
  cipher: string;
  code?: string;
}

export interface TikTokProduct {
  id: string;
  title: string;
  mainImages: Array<{ uri: string; url: string }>;
  /**
   * `TIKTOK_SHOP`, `TOKOPEDIA`: resend them all on every edit. Empty when the answer carries none, which makes
   * `updateMainImages` refuse (see there).
   */
  listingPlatforms: string[];
  status: string;
  /** `data.audit.status`, e.g. `AUDITING` while an edit is under review; null when none. */
  auditStatus: string | null;
}

export type ImageUseCase = 'MAIN_IMAGE';

const PATHS = {
  authorize: '/open/authorize',
  tokenGet: '/api/v2/token/get',
  tokenRefresh: '/api/v2/token/refresh',
  shops: '/authorization/202309/shops',
  uploadImage: '/product/202309/images/upload',
  product: (id: string) => `/product/202309/products/${id}`,
  partialEdit: (id: string) => `/product/202309/products/${id}/partial_edit`,
} as const;

/** A product can hold at most 9 main images (marketplaces.md, "Upload an image"). */
const MAX_MAIN_IMAGES = 9;
/** Main images must be ≤ 5 MB (marketplaces.md): refused before uploading. */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** A Retry-After beyond this is not waited out in-process: the caller (a queued job) reschedules instead. */
const MAX_RETRY_AFTER_MS = 30_000;
/**
 * Absolute `*_expire_in` values (marketplaces.md: unix timestamps, seconds) are far above this; a smaller
 * number can only be a relative lifetime, which is read as such rather than as a date in 1970.
 */
const MIN_ABSOLUTE_EPOCH_S = 1_000_000_000;

const Envelope = z.looseObject({
  code: z.number().int().optional().catch(undefined),
  message: z.string().optional().catch(undefined),
  request_id: z.string().optional().catch(undefined),
  data: z.unknown().optional(),
});
type Envelope = z.infer<typeof Envelope>;

const idString = z.union([z.string().min(1), z.number().int().nonnegative().transform(String)]);

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  access_token_expire_in: z.number().int().positive(),
  refresh_token: z.string().min(1),
  refresh_token_expire_in: z.number().int().positive(),
  open_id: z.string().default(''),
  seller_name: z.string().default(''),
});

const ShopsAnswer = z.object({
  shops: z
    .array(
      z.object({
        id: idString,
        name: z.string().default(''),
        region: z.string().default(''),
        cipher: z.string().min(1),
        code: z.string().optional(),
      }),
    )
    .default([]),
});

const UploadAnswer = z.object({
  uri: z.string().min(1),
  // TikTok's own sample ends the url with a newline (rymndcs/tiktok_shop_rb_api images_upload fixture).
  url: z.string().trim().min(1),
  width: z.number().int().nonnegative().default(0),
  height: z.number().int().nonnegative().default(0),
});

const ProductAnswer = z.object({
  id: idString,
  title: z.string().default(''),
  status: z.string().optional(),
  product_status: z.string().optional(),
  main_images: z
    .array(
      z.object({
        uri: z.string().min(1),
        urls: z.array(z.string()).default([]),
        thumb_urls: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  listing_platforms: z.array(z.string()).optional(),
  audit: z.object({ status: z.string().optional() }).nullish(),
});

const PartialEditAnswer = z
  .object({ audit: z.object({ status: z.string().optional() }).nullish() })
  .nullish();

interface Call extends BaseCall {
  base: 'api' | 'auth';
  /** Token endpoints are not signed (marketplaces.md, "Seller authorization"). */
  signed: boolean;
  accessToken?: string;
  /** Builds the multipart body; called per attempt because a sent FormData stream cannot be sent again. */
  form?: () => FormData;
}

/**
 * Authorization codes are single-use, and a refresh returns a new refresh token while the old one may stop
 * working (marketplaces.md, "Token"/"Refresh"; reuse of the old one is undocumented, so it is assumed
 * single-use, as Shopee's are). Token calls are retried only on 36009002 (rate limited), which TikTok
 * answers before handling the call (see `shouldRetry` in ../http.ts).
 */
const RETRY_RULES: RetryRules<TikTokApiError> = {
  isOwnError: isTikTokError,
  rejectedUnhandled: (error) => error.kind === 'rate_limit',
};

/**
 * TikTok ids are 19-digit numbers, above Number.MAX_SAFE_INTEGER: they stay strings end to end.
 */
function productIdOf(value: string): string {
  if (!/^\d{1,20}$/.test(value)) throw new TypeError('productId must be a numeric string id');
  return value;
}

function nonEmpty(value: string, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} is empty`);
  return value;
}

function expiry(seconds: number, now: number): Date {
  return new Date(seconds >= MIN_ABSOLUTE_EPOCH_S ? seconds * 1000 : now + seconds * 1000);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class TikTokClient {
  readonly apiBaseUrl: string;
  readonly authBaseUrl: string;
  readonly servicesBaseUrl: string;
  readonly appKey: string;
  readonly serviceId: string;
  // A #private field stays out of JSON.stringify, util.inspect and pino's serialisation of the client.
  readonly #appSecret: string;
  readonly #now: () => number;
  readonly #http: Transport;

  constructor(options: TikTokClientOptions) {
    this.apiBaseUrl = apiOrigin(options.apiBaseUrl, 'TikTok apiBaseUrl');
    this.authBaseUrl = apiOrigin(options.authBaseUrl, 'TikTok authBaseUrl');
    this.servicesBaseUrl = apiOrigin(options.servicesBaseUrl, 'TikTok servicesBaseUrl');
    if (!options.appKey) throw new TypeError('TikTok appKey is empty');
    if (!options.appSecret) throw new TypeError('TikTok appSecret is empty');
    if (!options.serviceId) throw new TypeError('TikTok serviceId is empty');
    this.appKey = options.appKey;
    this.serviceId = options.serviceId;
    this.#appSecret = options.appSecret;
    this.#now = options.now ?? Date.now;
    this.#http = new Transport(options);
  }

  /**
   * The seller authorization link. The redirect URL is fixed in Partner Center, so there is no redirect_uri
   * parameter; TikTok calls it back with `?code&state` (marketplaces.md, "Seller authorization").
   */
  authorizationUrl(state: string): string {
    const url = new URL(PATHS.authorize, this.servicesBaseUrl);
    url.searchParams.set('service_id', this.serviceId);
    url.searchParams.set('state', nonEmpty(state, 'state'));
    return url.toString();
  }

  /** Exchanges the single-use authorization code (marketplaces.md, "Token"). */
  async getAccessToken(authCode: string): Promise<TikTokTokens> {
    nonEmpty(authCode, 'authCode');
    const envelope = await this.#call({
      base: 'auth',
      method: 'GET',
      path: PATHS.tokenGet,
      // The literal `authorized_code`, not OAuth's `authorization_code` (marketplaces.md).
      query: { auth_code: authCode, grant_type: 'authorized_code' },
      signed: false,
      retry: 'single-use',
      secrets: [authCode],
    });
    return this.#tokens(envelope, PATHS.tokenGet);
  }

  /**
   * Trades a refresh token for a new access **and** refresh token. Whether the old refresh token keeps working
   * is undocumented, so it is treated as single-use: the caller stores the new pair before using it
   * (security.md, "OAuth connections").
   */
  async refreshAccessToken(refreshToken: string): Promise<TikTokTokens> {
    nonEmpty(refreshToken, 'refreshToken');
    const envelope = await this.#call({
      base: 'auth',
      method: 'GET',
      path: PATHS.tokenRefresh,
      query: { refresh_token: refreshToken, grant_type: 'refresh_token' },
      signed: false,
      retry: 'single-use',
      secrets: [refreshToken],
    });
    return this.#tokens(envelope, PATHS.tokenRefresh);
  }

  /** The shops the grant covers, with the `shop_cipher` each shop call needs (marketplaces.md). */
  async getAuthorizedShops(accessToken: string): Promise<TikTokShop[]> {
    const envelope = await this.#call({
      base: 'api',
      method: 'GET',
      path: PATHS.shops,
      signed: true,
      accessToken: nonEmpty(accessToken, 'accessToken'),
      retry: 'safe',
      secrets: [accessToken],
    });
    const answer = this.#parse(ShopsAnswer, envelope.data ?? {}, envelope, PATHS.shops);
    return answer.shops.map((shop) => ({
      id: shop.id,
      name: shop.name,
      region: shop.region,
      cipher: shop.cipher,
      ...(shop.code ? { code: shop.code } : {}),
    }));
  }

  /**
   * Uploads image bytes (JPG/PNG/WEBP, ≤ 5 MB, 300–4000 px). Not a shop call: sending a shop_cipher is refused
   * with 36009004, and the multipart body is not signed (marketplaces.md, "Upload an image"). Retrying may
   * leave an unused duplicate image at TikTok, which costs nothing.
   */
  async uploadImage(input: {
    accessToken: string;
    data: Buffer;
    filename?: string;
    useCase?: ImageUseCase;
  }): Promise<{ uri: string; url: string; width: number; height: number }> {
    nonEmpty(input.accessToken, 'accessToken');
    if (input.data.length === 0) throw new TypeError('data is empty');
    if (input.data.length > MAX_IMAGE_BYTES) {
      // What TikTok would answer, without spending the bandwidth: callers branch on kind 'image'.
      throw new TikTokApiError({
        code: 12038005,
        message: 'The file size exceeds the maximum allowed size (checked before upload).',
        requestId: '',
        httpStatus: 0,
        path: PATHS.uploadImage,
      });
    }
    const { type, ext } = sniffImageType(input.data, ['jpeg', 'png', 'webp']);
    const envelope = await this.#call({
      base: 'api',
      method: 'POST',
      path: PATHS.uploadImage,
      signed: true,
      accessToken: input.accessToken,
      form: () => {
        const form = new FormData();
        form.append(
          'data',
          new Blob([new Uint8Array(input.data)], { type }),
          input.filename ?? `image.${ext}`,
        );
        form.append('use_case', input.useCase ?? 'MAIN_IMAGE');
        return form;
      },
      retry: 'safe',
      secrets: [input.accessToken],
    });
    const answer = this.#parse(UploadAnswer, envelope.data, envelope, PATHS.uploadImage);
    return { uri: answer.uri, url: answer.url, width: answer.width, height: answer.height };
  }

  /** A product's main images, listing platforms and review state (marketplaces.md, "Read and update images"). */
  async getProduct(input: {
    accessToken: string;
    shopCipher: string;
    productId: string;
  }): Promise<TikTokProduct> {
    const id = productIdOf(input.productId);
    const path = PATHS.product(id);
    const envelope = await this.#call({
      base: 'api',
      method: 'GET',
      path,
      query: { shop_cipher: nonEmpty(input.shopCipher, 'shopCipher') },
      signed: true,
      accessToken: nonEmpty(input.accessToken, 'accessToken'),
      retry: 'safe',
      secrets: [input.accessToken],
    });
    const answer = this.#parse(ProductAnswer, envelope.data, envelope, path);
    return {
      id: answer.id,
      title: answer.title,
      mainImages: answer.main_images.map((image) => ({
        uri: image.uri,
        url: image.urls[0] ?? image.thumb_urls[0] ?? '',
      })),
      listingPlatforms: answer.listing_platforms ?? [],
      status: answer.status ?? answer.product_status ?? '',
      auditStatus: answer.audit?.status ?? null,
    };
  }

  /**
   * Replaces the product's main images with `uris` (the full ordered list) through partial_edit. TikTok
   * deactivates a product on every listing platform left out of an edit (marketplaces.md, "Read and update
   * images"), so `listingPlatforms` must be the product's current platforms, all of them: an empty list is
   * refused before any request. Idempotent (same full list), hence retried. Returns the review state the
   * edit started (`AUDITING`), if TikTok reports one.
   */
  async updateMainImages(input: {
    accessToken: string;
    shopCipher: string;
    productId: string;
    uris: string[];
    listingPlatforms: string[];
  }): Promise<{ auditStatus: string | null }> {
    const id = productIdOf(input.productId);
    if (
      input.listingPlatforms.length === 0 ||
      input.listingPlatforms.some((p) => typeof p !== 'string' || !p)
    ) {
      throw new TypeError(
        'listingPlatforms must be the product’s current listing platforms: an edit without one deactivates the product there',
      );
    }
    if (
      input.uris.length === 0 ||
      input.uris.length > MAX_MAIN_IMAGES ||
      input.uris.some((uri) => typeof uri !== 'string' || !uri)
    ) {
      throw new TypeError(`uris must hold 1 to ${MAX_MAIN_IMAGES} image uris`);
    }
    const path = PATHS.partialEdit(id);
    const envelope = await this.#call({
      base: 'api',
      method: 'POST',
      path,
      query: { shop_cipher: nonEmpty(input.shopCipher, 'shopCipher') },
      signed: true,
      accessToken: nonEmpty(input.accessToken, 'accessToken'),
      json: {
        main_images: input.uris.map((uri) => ({ uri })),
        listing_platforms: [...new Set(input.listingPlatforms)],
      },
      retry: 'safe',
      secrets: [input.accessToken],
    });
    const answer = this.#parse(PartialEditAnswer, envelope.data, envelope, path);
    return { auditStatus: answer?.audit?.status ?? null };
  }

  // ---- internals

  async #call(call: Call): Promise<Envelope> {
    return this.#http.retrying(
      () => this.#attempt(call),
      async (error) => {
        if (!shouldRetry(error, call.retry, RETRY_RULES)) return false;
        // Honour Retry-After on top of the backoff; a long one goes back to the caller to reschedule.
        const wait = error instanceof TikTokApiError ? error.retryAfterMs : undefined;
        if (wait === undefined) return true;
        if (wait > MAX_RETRY_AFTER_MS) return false;
        await sleep(wait);
        return true;
      },
    );
  }

  #url(call: Call, body: string | undefined, multipart: boolean): URL {
    const url = new URL(call.path, call.base === 'api' ? this.apiBaseUrl : this.authBaseUrl);
    const query: Record<string, string> = { app_key: this.appKey };
    if (call.signed) {
      // Made per attempt so a backoff never sends a stale timestamp (±5 min, marketplaces.md "Signing").
      query.timestamp = String(Math.floor(this.#now() / 1000));
      Object.assign(query, call.query);
      query.sign = tiktokSign({ appSecret: this.#appSecret, path: call.path, query, body, multipart });
    } else {
      // Token endpoints take the secret itself in the query (marketplaces.md, "Token"): never log this URL.
      query.app_secret = this.#appSecret;
      Object.assign(query, call.query);
    }
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  }

  /** One request. The JSON body is serialised once: the bytes signed are the bytes sent. */
  async #attempt(call: Call): Promise<Envelope> {
    const body = call.json === undefined ? undefined : JSON.stringify(call.json);
    const form = call.form?.();
    const url = this.#url(call, body, form !== undefined);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (call.accessToken) headers['x-tts-access-token'] = call.accessToken;
    const { response, envelope: parsed } = await this.#http.send(
      url,
      { method: call.method, headers, body: body ?? form },
      Envelope,
      ({ code, ...failure }) => new TikTokNetworkError({ path: call.path, errorCode: code, ...failure }),
    );
    const secrets = [this.#appSecret, ...call.secrets];
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.#now());
    const fields = {
      requestId: parsed?.request_id ?? '',
      httpStatus: response.status,
      path: call.path,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
    if (parsed?.code !== undefined && parsed.code !== 0) {
      throw new TikTokApiError({
        code: parsed.code,
        message: redact(parsed.message ?? '', secrets),
        ...fields,
      });
    }
    if (!response.ok || parsed?.code === undefined) {
      throw new TikTokApiError({
        code: 0,
        message: parsed ? redact(parsed.message ?? '', secrets) : 'answer is not a TikTok Shop envelope',
        ...fields,
      });
    }
    return parsed;
  }

  #tokens(envelope: Envelope, path: string): TikTokTokens {
    const answer = TokenAnswer.safeParse(envelope.data);
    if (!answer.success) throw this.#malformed(envelope, path, 'no tokens');
    const now = this.#now();
    return {
      accessToken: answer.data.access_token,
      refreshToken: answer.data.refresh_token,
      // Absolute unix timestamps despite their names (marketplaces.md, "Token").
      accessExpiresAt: expiry(answer.data.access_token_expire_in, now),
      refreshExpiresAt: expiry(answer.data.refresh_token_expire_in, now),
      openId: answer.data.open_id,
      sellerName: answer.data.seller_name,
    };
  }

  #parse<T>(schema: z.ZodType<T>, value: unknown, envelope: Envelope, path: string): T {
    return parseAnswer(schema, value, (what) => this.#malformed(envelope, path, what));
  }

  #malformed(envelope: Envelope, path: string, what: string): TikTokApiError {
    // Only our own description goes in: the unexpected answer itself might contain tokens.
    return new TikTokApiError({
      code: 0,
      message: `unexpected answer (${what})`,
      requestId: envelope.request_id ?? '',
      httpStatus: 200,
      path,
    });
  }
}
