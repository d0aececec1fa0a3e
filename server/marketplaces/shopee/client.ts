/**
 * Shopee Open Platform v2 client: seller authorization, tokens, image upload and listing images.
 * The one module of the server that talks to Shopee. Production and the local sandbox are reached through
 * this same class; only `baseUrl` differs (SPEC.md §5). Protocol facts: shared/reference/marketplaces.md,
 * "Shopee Open Platform v2".
 */
import { z } from 'zod';
import type { BaseCall, MarketplaceClientOptions, RetryRules } from '../http.js';
import { apiOrigin, parseAnswer, redact, shouldRetry, sniffImageType, Transport } from '../http.js';
import { isShopeeError, ShopeeApiError, ShopeeNetworkError } from './errors.js';
import { publicBaseString, shopBaseString, shopeeSign } from './sign.js';

export {
  classifyShopeeError,
  isShopeeError,
  ShopeeApiError,
  type ShopeeError,
  type ShopeeErrorKind,
  ShopeeNetworkError,
} from './errors.js';

export interface ShopeeClientOptions extends MarketplaceClientOptions {
  /** `https://partner.shopeemobile.com` in production; an origin, no path (the path is signed). */
  baseUrl: string;
  partnerId: number;
  partnerKey: string;
}

export interface ShopeeTokens {
  accessToken: string;
  refreshToken: string;
  /** Access-token lifetime in seconds (`expire_in`, 14400 = 4 h). */
  expiresInSeconds: number;
  requestId: string;
}

export interface ShopeeItemImages {
  itemId: string;
  imageIds: string[];
  imageUrls: string[];
}

type ShopId = number | string;

const PATHS = {
  authPartner: '/api/v2/shop/auth_partner',
  tokenGet: '/api/v2/auth/token/get',
  refresh: '/api/v2/auth/access_token/get',
  uploadImage: '/api/v2/media_space/upload_image',
  itemBaseInfo: '/api/v2/product/get_item_base_info',
  updateItem: '/api/v2/product/update_item',
} as const;

/** get_item_base_info takes at most 50 ids per call (marketplaces.md). */
const ITEM_IDS_PER_CALL = 50;

const Envelope = z.looseObject({
  request_id: z.string().optional().catch(undefined),
  error: z.string().optional().catch(undefined),
  message: z.string().optional().catch(undefined),
  warning: z.unknown().optional(),
  response: z.unknown().optional(),
});
type Envelope = z.infer<typeof Envelope>;

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expire_in: z.number().int().positive(),
});

const UploadAnswer = z.object({
  image_info: z.object({
    image_id: z.string().min(1),
    image_url_list: z.array(
      z.object({ image_url_region: z.string().optional(), image_url: z.string().min(1) }),
    ),
  }),
});

const ItemBaseInfoAnswer = z.object({
  item_list: z
    .array(
      z.object({
        item_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
        image: z
          .object({
            image_id_list: z.array(z.string()).default([]),
            image_url_list: z.array(z.string()).default([]),
          })
          .optional(),
      }),
    )
    .default([]),
});

type Signing = { kind: 'public' } | { kind: 'shop'; accessToken: string; shopId: number };

interface Call extends BaseCall {
  signing: Signing;
  form?: FormData;
}

/**
 * Authorization codes and refresh tokens are single-use (marketplaces.md, "Seller authorization" and
 * "Refresh"), so token calls are retried only on `error_rate_limit`, which Shopee answers before handling
 * the call (see `shouldRetry` in ../http.ts).
 */
const RETRY_RULES: RetryRules<ShopeeApiError> = {
  isOwnError: isShopeeError,
  rejectedUnhandled: (error) => error.error === 'error_rate_limit',
};

function digits(value: ShopId, name: string): number {
  const text = String(value);
  const n = Number(text);
  if (!/^\d{1,19}$/.test(text) || !Number.isSafeInteger(n) || n <= 0) {
    throw new TypeError(`${name} must be a positive integer id`);
  }
  return n;
}

export class ShopeeClient {
  readonly baseUrl: string;
  readonly partnerId: number;
  // A #private field stays out of JSON.stringify, util.inspect and pino's serialisation of the client.
  readonly #partnerKey: string;
  readonly #now: () => number;
  readonly #http: Transport;

  constructor(options: ShopeeClientOptions) {
    // Tokens travel in the query string: the origin check keeps them on https.
    const baseUrl = apiOrigin(options.baseUrl, 'Shopee baseUrl');
    if (!Number.isSafeInteger(options.partnerId) || options.partnerId <= 0) {
      throw new TypeError('Shopee partnerId must be a positive integer');
    }
    if (!options.partnerKey) throw new TypeError('Shopee partnerKey is empty');
    this.baseUrl = baseUrl;
    this.partnerId = options.partnerId;
    this.#partnerKey = options.partnerKey;
    this.#now = options.now ?? Date.now;
    this.#http = new Transport(options);
  }

  /**
   * The seller authorization link: signed with the public scheme; it expires 5 minutes after its
   * timestamp (marketplaces.md, "Seller authorization"). The callback adds `code` and `shop_id` to
   * `redirectUrl`, keeping the query it already has (e.g. our `state`).
   */
  authorizationUrl(redirectUrl: string): string {
    const redirect = new URL(redirectUrl);
    if (redirect.protocol !== 'https:' && redirect.protocol !== 'http:') {
      throw new TypeError('redirectUrl must be an http(s) URL');
    }
    const url = this.#signedUrl(PATHS.authPartner, { kind: 'public' });
    url.searchParams.set('redirect', redirect.toString());
    return url.toString();
  }

  /** Exchanges the single-use, 10-minute authorization code (marketplaces.md, "Token"). */
  async getAccessToken(input: { code: string; shopId: ShopId }): Promise<ShopeeTokens> {
    if (!input.code) throw new TypeError('code is empty');
    const shopId = digits(input.shopId, 'shopId');
    const envelope = await this.#call({
      method: 'POST',
      path: PATHS.tokenGet,
      signing: { kind: 'public' },
      json: { code: input.code, partner_id: this.partnerId, shop_id: shopId },
      retry: 'single-use',
      secrets: [input.code],
    });
    return this.#tokens(envelope, PATHS.tokenGet);
  }

  /**
   * Trades a refresh token for a new access **and** refresh token. The refresh token is single-use: the
   * caller must store the new pair before using it (security.md, "OAuth connections").
   */
  async refreshAccessToken(input: { refreshToken: string; shopId: ShopId }): Promise<ShopeeTokens> {
    if (!input.refreshToken) throw new TypeError('refreshToken is empty');
    const shopId = digits(input.shopId, 'shopId');
    const envelope = await this.#call({
      method: 'POST',
      path: PATHS.refresh,
      signing: { kind: 'public' },
      json: { refresh_token: input.refreshToken, partner_id: this.partnerId, shop_id: shopId },
      retry: 'single-use',
      secrets: [input.refreshToken],
    });
    return this.#tokens(envelope, PATHS.refresh);
  }

  /**
   * Uploads listing image bytes (JPG/PNG, ≤ 10 MB). A public API: no token in the sign
   * (marketplaces.md, "Upload an image"). Retrying may leave an unused duplicate image at Shopee, which
   * costs nothing.
   */
  async uploadImage(input: {
    data: Buffer;
    filename?: string;
    scene?: 'normal' | 'desc';
  }): Promise<{ imageId: string; imageUrl: string }> {
    const { type, ext } = sniffImageType(input.data, ['jpeg', 'png']);
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(input.data)], { type }), input.filename ?? `image.${ext}`);
    form.append('scene', input.scene ?? 'normal');
    const envelope = await this.#call({
      method: 'POST',
      path: PATHS.uploadImage,
      signing: { kind: 'public' },
      form,
      retry: 'safe',
      secrets: [],
    });
    const answer = this.#parse(UploadAnswer, envelope.response, envelope, PATHS.uploadImage);
    const urls = answer.image_info.image_url_list;
    // Listings are Indonesian: prefer the ID-region CDN URL.
    const chosen = urls.find((u) => u.image_url_region === 'ID') ?? urls[0];
    if (!chosen) throw this.#malformed(envelope, PATHS.uploadImage, 'no image_url');
    return { imageId: answer.image_info.image_id, imageUrl: chosen.image_url };
  }

  /** The images of listings, in the order Shopee returns them; unknown or foreign ids are left out. */
  async getItemBaseInfo(input: {
    accessToken: string;
    shopId: ShopId;
    itemIds: string[];
  }): Promise<ShopeeItemImages[]> {
    const shopId = digits(input.shopId, 'shopId');
    const ids = input.itemIds.map((id) => String(digits(id, 'itemId')));
    const result: ShopeeItemImages[] = [];
    for (let i = 0; i < ids.length; i += ITEM_IDS_PER_CALL) {
      const envelope = await this.#call({
        method: 'GET',
        path: PATHS.itemBaseInfo,
        signing: { kind: 'shop', accessToken: input.accessToken, shopId },
        query: { item_id_list: ids.slice(i, i + ITEM_IDS_PER_CALL).join(',') },
        retry: 'safe',
        secrets: [input.accessToken],
      });
      const answer = this.#parse(ItemBaseInfoAnswer, envelope.response ?? {}, envelope, PATHS.itemBaseInfo);
      for (const item of answer.item_list) {
        result.push({
          itemId: String(item.item_id),
          imageIds: item.image?.image_id_list ?? [],
          imageUrls: item.image?.image_url_list ?? [],
        });
      }
    }
    return result;
  }

  /**
   * Replaces the listing's image list (all slots, in order). Only `image` is sent, so nothing else on the
   * listing changes (marketplaces.md, "Read and update a listing's images"). Idempotent, hence retried.
   */
  async updateItemImages(input: {
    accessToken: string;
    shopId: ShopId;
    itemId: string;
    imageIds: string[];
  }): Promise<void> {
    const shopId = digits(input.shopId, 'shopId');
    const itemId = digits(input.itemId, 'itemId');
    if (input.imageIds.length === 0 || input.imageIds.some((id) => !id)) {
      throw new TypeError('imageIds must be a non-empty list of image ids');
    }
    await this.#call({
      method: 'POST',
      path: PATHS.updateItem,
      signing: { kind: 'shop', accessToken: input.accessToken, shopId },
      json: { item_id: itemId, image: { image_id_list: input.imageIds } },
      retry: 'safe',
      secrets: [input.accessToken],
    });
  }

  // ---- internals

  #signedUrl(path: string, signing: Signing, query?: Record<string, string>): URL {
    const timestamp = Math.floor(this.#now() / 1000);
    const url = new URL(path, this.baseUrl);
    const base =
      signing.kind === 'public'
        ? publicBaseString(this.partnerId, path, timestamp)
        : shopBaseString(this.partnerId, path, timestamp, signing.accessToken, signing.shopId);
    url.searchParams.set('partner_id', String(this.partnerId));
    url.searchParams.set('timestamp', String(timestamp));
    if (signing.kind === 'shop') {
      url.searchParams.set('access_token', signing.accessToken);
      url.searchParams.set('shop_id', String(signing.shopId));
    }
    url.searchParams.set('sign', shopeeSign(this.#partnerKey, base));
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
    return url;
  }

  async #call(call: Call): Promise<Envelope> {
    return this.#http.retrying(
      () => this.#attempt(call),
      (error) => shouldRetry(error, call.retry, RETRY_RULES),
    );
  }

  /** One signed request. Timestamp and sign are made per attempt so a backoff never sends a stale one. */
  async #attempt(call: Call): Promise<Envelope> {
    const url = this.#signedUrl(call.path, call.signing, call.query);
    const { response, envelope: parsed } = await this.#http.send(
      url,
      {
        method: call.method,
        headers:
          call.json === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        body: call.json !== undefined ? JSON.stringify(call.json) : call.form,
      },
      Envelope,
      (failure) => new ShopeeNetworkError({ path: call.path, ...failure }),
    );
    const secrets = [this.#partnerKey, ...call.secrets];
    if (parsed?.error) {
      throw new ShopeeApiError({
        error: parsed.error,
        message: redact(parsed.message ?? '', secrets),
        requestId: parsed.request_id ?? '',
        httpStatus: response.status,
        path: call.path,
      });
    }
    if (!response.ok || !parsed) {
      throw new ShopeeApiError({
        error: '',
        message: parsed ? redact(parsed.message ?? '', secrets) : 'answer is not a Shopee envelope',
        requestId: parsed?.request_id ?? '',
        httpStatus: response.status,
        path: call.path,
      });
    }
    return parsed;
  }

  #tokens(envelope: Envelope, path: string): ShopeeTokens {
    // Token endpoints answer at the top level, not under `response` (marketplaces.md, "Token").
    const answer = TokenAnswer.safeParse(envelope);
    if (!answer.success) throw this.#malformed(envelope, path, 'no tokens');
    return {
      accessToken: answer.data.access_token,
      refreshToken: answer.data.refresh_token,
      expiresInSeconds: answer.data.expire_in,
      requestId: envelope.request_id ?? '',
    };
  }

  #parse<T>(schema: z.ZodType<T>, value: unknown, envelope: Envelope, path: string): T {
    return parseAnswer(schema, value, (what) => this.#malformed(envelope, path, what));
  }

  #malformed(envelope: Envelope, path: string, what: string): ShopeeApiError {
    // Only our own description goes in: the unexpected answer itself might contain tokens.
    return new ShopeeApiError({
      error: '',
      message: `unexpected answer (${what})`,
      requestId: envelope.request_id ?? '',
      httpStatus: 200,
      path,
    });
  }
}
