/**
 * Shopee Open Platform v2 client: seller authorization, tokens, image upload and listing images.
 * The one module of the server that talks to Shopee. Production and the local sandbox are reached through
 * this same class; only `baseUrl` differs (SPEC.md §5). Protocol facts: shared/reference/marketplaces.md,
 * "Shopee Open Platform v2".
 */
import pRetry from 'p-retry';
import { z } from 'zod';
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

export interface ShopeeClientOptions {
  /** `https://partner.shopeemobile.com` in production; an origin, no path (the path is signed). */
  baseUrl: string;
  partnerId: number;
  partnerKey: string;
  fetch?: typeof fetch;
  /** Clock in epoch milliseconds. @defaultValue Date.now */
  now?: () => number;
  /** Per attempt, including reading the answer. @defaultValue 30000 */
  timeoutMs?: number;
  /** Retries after the first attempt, for failures that are safe and worth retrying. @defaultValue 3 */
  retries?: number;
  /** First backoff delay; doubles per retry, randomised ×1–2, capped at 10 s. @defaultValue 500 */
  retryMinTimeoutMs?: number;
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

/** Connection errors that prove the request never left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

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

interface Call {
  method: 'GET' | 'POST';
  path: string;
  signing: Signing;
  query?: Record<string, string>;
  json?: unknown;
  form?: FormData;
  /**
   * `safe`: retry on any transient failure. `single-use`: the call spends a code or refresh token, so it is
   * retried only when the server provably did not process it (see `shouldRetry`).
   */
  retry: 'safe' | 'single-use';
  /** Strings to scrub from Shopee's messages before they reach an error. */
  secrets: string[];
}

function digits(value: ShopId, name: string): number {
  const text = String(value);
  const n = Number(text);
  if (!/^\d{1,19}$/.test(text) || !Number.isSafeInteger(n) || n <= 0) {
    throw new TypeError(`${name} must be a positive integer id`);
  }
  return n;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function sniffImageType(data: Buffer): { type: string; ext: string } {
  if (data[0] === 0xff && data[1] === 0xd8) return { type: 'image/jpeg', ext: 'jpg' };
  if (data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47)
    return { type: 'image/png', ext: 'png' };
  return { type: 'application/octet-stream', ext: 'bin' };
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  if ('code' in err && typeof err.code === 'string') return err.code;
  // Happy-eyeballs connects fail with an AggregateError of per-address errors.
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const code = errorCode(inner);
      if (code) return code;
    }
  }
  return undefined;
}

export class ShopeeClient {
  readonly baseUrl: string;
  readonly partnerId: number;
  // A #private field stays out of JSON.stringify, util.inspect and pino's serialisation of the client.
  readonly #partnerKey: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryMinTimeoutMs: number;

  constructor(options: ShopeeClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.pathname !== '/' || url.search || url.hash) {
      throw new TypeError(
        'Shopee baseUrl must be an origin without path: the signed path must be the one sent',
      );
    }
    // Tokens travel in the query string: plain http only to a sandbox on this machine.
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new TypeError('Shopee baseUrl must use https (http only for a loopback sandbox)');
    }
    if (!Number.isSafeInteger(options.partnerId) || options.partnerId <= 0) {
      throw new TypeError('Shopee partnerId must be a positive integer');
    }
    if (!options.partnerKey) throw new TypeError('Shopee partnerKey is empty');
    this.baseUrl = url.origin;
    this.partnerId = options.partnerId;
    this.#partnerKey = options.partnerKey;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = options.retries ?? 3;
    this.#retryMinTimeoutMs = options.retryMinTimeoutMs ?? 500;
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
    const { type, ext } = sniffImageType(input.data);
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
    return pRetry(() => this.#attempt(call), {
      retries: this.#retries,
      factor: 2,
      minTimeout: this.#retryMinTimeoutMs,
      maxTimeout: 10_000,
      randomize: true,
      shouldRetry: ({ error }) => shouldRetry(error, call.retry),
    });
  }

  /** One signed request. Timestamp and sign are made per attempt so a backoff never sends a stale one. */
  async #attempt(call: Call): Promise<Envelope> {
    const url = this.#signedUrl(call.path, call.signing, call.query);
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        method: call.method,
        headers:
          call.json === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        body: call.json !== undefined ? JSON.stringify(call.json) : call.form,
        redirect: 'error',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      // Build our own error: never chain the fetch error, whose text could carry the URL (and its token).
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      const code = timedOut
        ? 'TimeoutError'
        : (errorCode(err instanceof Error ? err.cause : err) ?? 'UNKNOWN');
      throw new ShopeeNetworkError({
        path: call.path,
        code,
        timedOut,
        mayHaveReachedServer: timedOut || !NOT_SENT_CODES.has(code),
      });
    }

    let parsed: Envelope | undefined;
    try {
      const result = Envelope.safeParse(JSON.parse(text));
      parsed = result.success ? result.data : undefined;
    } catch {
      parsed = undefined;
    }
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
    const result = schema.safeParse(value);
    if (!result.success) throw this.#malformed(envelope, path, result.error.issues[0]?.message ?? 'invalid');
    return result.data;
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

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.replaceAll(secret, '[redacted]');
  return out.slice(0, 500);
}

/**
 * Which failures get another attempt.
 *
 * Authorization codes and refresh tokens are single-use (marketplaces.md, "Seller authorization" and
 * "Refresh"). If a token call reached Shopee and only its answer was lost (timeout, reset, 5xx from a
 * gateway after processing), Shopee has already spent the credential and issued a new pair that exists
 * only in the lost answer. Sending the old credential again cannot recover that pair; it gets rejected,
 * which hides the real cause, and under refresh-token reuse detection (RFC 9700 §4.14.2) it may revoke the
 * newly issued tokens too. So token calls are retried only when Shopee provably did not process them:
 * the connection was refused / the name did not resolve, or Shopee answered `error_rate_limit` (rejected
 * before handling). Everything else goes back to the caller, who holds the connection's refresh lock and
 * knows what it has saved.
 */
function shouldRetry(error: Error, mode: Call['retry']): boolean {
  if (!isShopeeError(error)) return false;
  if (mode === 'safe') return error.transient;
  if (error instanceof ShopeeNetworkError) return !error.mayHaveReachedServer;
  return error.error === 'error_rate_limit';
}
