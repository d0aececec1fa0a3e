/**
 * In-memory state of the TikTok Shop sandbox: the seller, shops, products, stored images, authorization codes
 * and tokens. Wire-protocol concerns (signing, envelopes, HTTP) live in api.ts; this file holds the rules
 * TikTok applies to the data. Protocol facts cite ../../../shared/reference/marketplaces.md
 * ("TikTok Shop Partner API (202309+)").
 */
import { randomBytes } from 'node:crypto';

/**
 * An error the API answers with, in TikTok's envelope. HTTP statuses are the sandbox's choice: TikTok sets the
 * status independently of `code` (rymndcs/tiktok_shop_rb_api `response.rb`), so clients branch on `code`.
 */
export class SandboxApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = 'SandboxApiError';
  }
}

// TikTok's messages, verbatim from the common-errors page (via tiktok_shop_rb_api `error_list.json`).
export const MESSAGES = {
  expiredToken: 'Expired credentials. The `access_token` or `x-tts-access-token` header has expired.',
  invalidToken: 'Invalid credentials. The `x-tts-access-token` header is invalid.',
  invalidAppKey: 'Invalid credentials. Invalid `app_key` query parameter.',
  missingSign: 'Missing credentials. The request does not include a required signature in the query.',
  invalidSign: 'Invalid credentials. The `sign` query parameter is invalid.',
  timestampTooOld:
    'Invalid timestamp. The value of the `timestamp` query parameter must not be earlier than 5 minutes before the current time.',
  // TikTok's own page says "more than 30 seconds"; the sandbox keeps marketplaces.md's ±5 minutes.
  timestampInFuture:
    'Invalid timestamp. The value of the `timestamp` query parameter must not exceed the current time by more than 5 minutes.',
  missingShopCipher:
    'Missing identifier. The `shop_cipher` query parameter is required to identify the target shop.',
  unexpectedShopCipher:
    'Unexpected identifier. The `shop_cipher` query parameter is not required for this request.',
  missingScope:
    'Access denied. The app is not authorized to access the endpoint because the access scopes granted for the app or the access token do not contain the required access scope for the endpoint.',
  rateLimited: "Too many requests. You've made too many requests in a short period of time.",
  internal:
    'Internal error. Please try again. If the issue persists after multiple attempts, please contact platform support.',
  invalidPath: 'Invalid path. The specified path does not match any available endpoint.',
  invalidAuthCode: 'Invalid auth code.',
  noAuthRecord: 'can not find related auth record',
  refreshExpired: 'rt has expired',
} as const;

export const LISTING_PLATFORMS = ['TIKTOK_SHOP', 'TOKOPEDIA'] as const;
export type ListingPlatform = (typeof LISTING_PLATFORMS)[number];

/**
 * Scope names are the sandbox's guess at TikTok's (the token fixture only shows affiliate scopes); what is
 * faithful is that each endpoint needs one and a grant without it gets 105005.
 */
export const SCOPES = {
  shops: 'seller.authorization.info',
  productRead: 'seller.product.basic',
  productWrite: 'seller.product.write',
} as const;
export const ALL_SCOPES: readonly string[] = Object.values(SCOPES);

export type ImageContentType = 'image/jpeg' | 'image/png' | 'image/webp';

export interface StoredImage {
  uri: string;
  bytes: Buffer;
  contentType: ImageContentType;
  width: number;
  height: number;
}

export type AuditStatus = 'AUDITING' | 'APPROVED';

export interface SandboxProduct {
  id: string;
  shopId: string;
  title: string;
  mainImageUris: string[];
  listingPlatforms: ListingPlatform[];
  /** Platforms an edit dropped: the product was deactivated there. */
  deactivatedPlatforms: ListingPlatform[];
  audit: { status: AuditStatus; approveAt: number } | null;
  createTime: number;
  updateTime: number;
}

export interface SandboxShop {
  id: string;
  name: string;
  region: string;
  cipher: string;
  code: string;
}

export interface SandboxSeller {
  openId: string;
  name: string;
  region: string;
  shopIds: string[];
}

interface CodeRecord {
  openId: string;
  expiresAt: number;
  used: boolean;
}
interface AccessTokenRecord {
  openId: string;
  expiresAt: number;
  scopes: string[];
}
interface RefreshTokenRecord {
  openId: string;
  expiresAt: number;
  used: boolean;
  scopes: string[];
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Absolute unix seconds, as TikTok sends them (marketplaces.md, "Token"). */
  accessTokenExpireIn: number;
  refreshTokenExpireIn: number;
  seller: SandboxSeller;
  scopes: string[];
}

export interface TikTokSandboxStateOptions {
  now: () => number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Scopes a seller grants on the authorization page. */
  scopes: readonly string[];
  /** How long an edit stays `AUDITING` before the sandbox approves it. */
  auditApprovalMs: number;
}

/** Authorization codes are single-use and live 30 minutes (rymndcs/tiktok_shop_rb_api `auth.rb`). */
export const CODE_TTL_MS = 30 * 60_000;
/** At most 9 main images (marketplaces.md, "Upload an image"). */
export const MAX_MAIN_IMAGES = 9;

export const IMAGE_URI_PREFIX = 'tos-alisg-i-aphluv4xwc-sg';
export const CDN_HOSTS = ['p16-oec-sg.ibyteimg.com', 'p19-oec-sg.ibyteimg.com'] as const;
/** The full-size URL of an image uri: the uri is the path before `~` (shared/marketplaces.ts). */
export const imageUrl = (uri: string): string =>
  `https://${CDN_HOSTS[0]}/${uri}~tplv-aphluv4xwc-origin-jpeg.jpeg`;
export const thumbUrl = (uri: string): string =>
  `https://${CDN_HOSTS[0]}/${uri}~tplv-aphluv4xwc-resize-jpeg:300:300.jpeg`;
/** `TTP_…` like the real tokens (token fixture in tiktok_shop_rb_api). */
const token = (): string => `TTP_${randomBytes(27).toString('base64url')}`;

export class TikTokSandboxState {
  readonly sellers = new Map<string, SandboxSeller>();
  readonly shops = new Map<string, SandboxShop>();
  readonly products = new Map<string, SandboxProduct>();
  readonly images = new Map<string, StoredImage>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();

  constructor(private readonly options: TikTokSandboxStateOptions) {}

  now(): number {
    return this.options.now();
  }

  addSeller(seller: SandboxSeller): void {
    this.sellers.set(seller.openId, seller);
  }

  addShop(shop: SandboxShop): void {
    this.shops.set(shop.id, shop);
  }

  addProduct(product: SandboxProduct): void {
    this.products.set(product.id, product);
  }

  addImage(image: StoredImage): void {
    this.images.set(image.uri, image);
  }

  shopByCipher(cipher: string): SandboxShop | undefined {
    return [...this.shops.values()].find((shop) => shop.cipher === cipher);
  }

  sellerOfShop(shopId: string): SandboxSeller | undefined {
    return [...this.sellers.values()].find((seller) => seller.shopIds.includes(shopId));
  }

  // ---- authorization

  issueCode(openId: string): string {
    if (!this.sellers.has(openId)) throw new SandboxApiError(36009004, 'invalid param error');
    const code = token();
    this.codes.set(code, { openId, expiresAt: this.now() + CODE_TTL_MS, used: false });
    return code;
  }

  exchangeCode(code: string): IssuedTokens {
    const record = this.codes.get(code);
    if (!record || record.used || record.expiresAt <= this.now()) {
      throw new SandboxApiError(36004004, MESSAGES.invalidAuthCode, 200);
    }
    record.used = true;
    return this.issueTokens(record.openId, [...this.options.scopes]);
  }

  /**
   * Rotation: every refresh issues a new refresh token and the old one is refused from then on. Earlier
   * access tokens keep working until their own expiry (TikTok documents nothing shorter).
   */
  refresh(refreshToken: string): IssuedTokens {
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.used) throw new SandboxApiError(36004005, MESSAGES.noAuthRecord, 200);
    if (record.expiresAt <= this.now()) throw new SandboxApiError(36004001, MESSAGES.refreshExpired, 200);
    record.used = true;
    return this.issueTokens(record.openId, record.scopes);
  }

  /** The seller behind a valid access token, or the error TikTok gives (marketplaces.md, "Envelope and errors"). */
  checkAccessToken(accessToken: string | undefined): { seller: SandboxSeller; scopes: string[] } {
    const record = accessToken ? this.accessTokens.get(accessToken) : undefined;
    const seller = record && this.sellers.get(record.openId);
    if (!record || !seller) throw new SandboxApiError(36009004, MESSAGES.invalidToken, 401);
    if (record.expiresAt <= this.now()) throw new SandboxApiError(105002, MESSAGES.expiredToken, 401);
    return { seller, scopes: record.scopes };
  }

  /** The seller cancels the authorization: every code and token of the seller owning the shop is dropped. */
  revokeShop(shopId: string): void {
    const seller = this.sellerOfShop(shopId);
    if (!seller) throw new Error(`No sandbox shop ${shopId}`);
    for (const map of [this.codes, this.accessTokens, this.refreshTokens]) {
      for (const [key, record] of map) if (record.openId === seller.openId) map.delete(key);
    }
  }

  expireAccessTokens(): void {
    const now = this.now();
    for (const record of this.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
  }

  private issueTokens(openId: string, scopes: string[]): IssuedTokens {
    const seller = this.sellers.get(openId);
    if (!seller) throw new SandboxApiError(36004005, MESSAGES.noAuthRecord, 200);
    const now = this.now();
    const accessToken = token();
    const refreshToken = token();
    const accessExpiresAt = now + this.options.accessTokenTtlSeconds * 1000;
    const refreshExpiresAt = now + this.options.refreshTokenTtlSeconds * 1000;
    this.accessTokens.set(accessToken, { openId, expiresAt: accessExpiresAt, scopes });
    this.refreshTokens.set(refreshToken, { openId, expiresAt: refreshExpiresAt, used: false, scopes });
    return {
      accessToken,
      refreshToken,
      accessTokenExpireIn: Math.floor(accessExpiresAt / 1000),
      refreshTokenExpireIn: Math.floor(refreshExpiresAt / 1000),
      seller,
      scopes,
    };
  }

  // ---- products

  /**
   * The product, with a pending review settled: the sandbox approves every edit `auditApprovalMs` after it
   * was made, evaluated lazily on every read so tests that move the clock see it without timers.
   */
  product(id: string): SandboxProduct | undefined {
    const product = this.products.get(id);
    if (product?.audit?.status === 'AUDITING' && product.audit.approveAt <= this.now()) {
      product.audit = { ...product.audit, status: 'APPROVED' };
    }
    return product;
  }

  productOfShop(shopId: string, id: string): SandboxProduct {
    const product = this.product(id);
    if (!product) throw new SandboxApiError(12019150, 'The product ID does not exist.', 200);
    if (product.shopId !== shopId) {
      throw new SandboxApiError(12052034, "This product doesn't belong to this shop", 200);
    }
    return product;
  }

  /**
   * partial_edit: only the fields sent change. A non-price change sends the product to review
   * (`AUDITING`), and a platform the product had but `listingPlatforms` leaves out is deactivated there —
   * the trap of marketplaces.md ("Read and update images").
   */
  partialEdit(
    shopId: string,
    id: string,
    change: { mainImageUris?: string[]; listingPlatforms?: ListingPlatform[] },
  ): SandboxProduct {
    const product = this.productOfShop(shopId, id);
    if (change.mainImageUris) {
      if (change.mainImageUris.length === 0 || change.mainImageUris.length > MAX_MAIN_IMAGES) {
        throw new SandboxApiError(12019009, 'product image list is invalid', 200);
      }
      const unknown = change.mainImageUris.find((uri) => !this.images.has(uri));
      if (unknown !== undefined) {
        throw new SandboxApiError(12019009, `product image list is invalid: unknown uri ${unknown}`, 200);
      }
    }
    if (change.listingPlatforms?.length === 0) {
      throw new SandboxApiError(36009004, 'invalid param error: listing_platforms is empty');
    }
    const now = this.now();
    if (change.mainImageUris) product.mainImageUris = [...change.mainImageUris];
    if (change.listingPlatforms) {
      const kept = new Set(change.listingPlatforms);
      const dropped = product.listingPlatforms.filter((p) => !kept.has(p));
      product.deactivatedPlatforms = [
        ...product.deactivatedPlatforms.filter((p) => !kept.has(p)),
        ...dropped.filter((p) => !product.deactivatedPlatforms.includes(p)),
      ];
      // A platform the product lacked is simply added: the sandbox doesn't model Tokopedia eligibility.
      product.listingPlatforms = [...kept];
    }
    product.audit = { status: 'AUDITING', approveAt: now + this.options.auditApprovalMs };
    product.updateTime = now;
    return product;
  }
}
