/**
 * In-memory state of the Shopee sandbox: shops, items, stored images, authorization codes and tokens.
 * Wire-protocol concerns (signing, envelopes, HTTP) live in api.ts; this file holds the rules Shopee
 * applies to the data. Protocol facts cite ../../../shared/reference/marketplaces.md ("Shopee Open Platform v2").
 */
import { randomBytes } from 'node:crypto';

/** An error the API answers with, in Shopee's envelope. `error` is Shopee's code, kept verbatim (typos included). */
export class SandboxApiError extends Error {
  constructor(
    readonly error: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = 'SandboxApiError';
  }
}

export type ImageContentType = 'image/jpeg' | 'image/png';

export interface StoredImage {
  imageId: string;
  bytes: Buffer;
  contentType: ImageContentType;
}

export interface SandboxItem {
  itemId: number;
  shopId: number;
  name: string;
  imageIds: string[];
  promotionLocked: boolean;
}

export interface SandboxShop {
  shopId: number;
  name: string;
}

interface CodeRecord {
  shopId: number;
  expiresAt: number;
  used: boolean;
}
interface AccessTokenRecord {
  shopId: number;
  expiresAt: number;
}
interface RefreshTokenRecord {
  shopId: number;
  expiresAt: number;
  used: boolean;
  /** The access token issued with this refresh token: it lives 5 more minutes once this one is used. */
  accessToken: string;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expireIn: number;
}

export interface ShopeeSandboxStateOptions {
  now: () => number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

/** The authorization code is single-use and valid 10 minutes (marketplaces.md, "Seller authorization"). */
export const CODE_TTL_MS = 10 * 60_000;
/** After a refresh the old access token keeps working for 5 minutes (marketplaces.md, "Refresh"). */
export const OLD_ACCESS_TOKEN_GRACE_MS = 5 * 60_000;
/** Shopee's own image limit (marketplaces.md, "Upload an image"); also its cap on listing images. */
export const MAX_IMAGES_PER_ITEM = 9;

export const CDN_ORIGIN = 'https://down-id.img.susercontent.com';
export const imageUrl = (imageId: string): string => `${CDN_ORIGIN}/file/${imageId}`;

const token = (): string => randomBytes(16).toString('hex');

export class ShopeeSandboxState {
  readonly shops = new Map<number, SandboxShop>();
  readonly items = new Map<number, SandboxItem>();
  readonly images = new Map<string, StoredImage>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();

  constructor(private readonly options: ShopeeSandboxStateOptions) {}

  now(): number {
    return this.options.now();
  }

  addShop(shop: SandboxShop): void {
    this.shops.set(shop.shopId, shop);
  }

  addItem(item: SandboxItem): void {
    this.items.set(item.itemId, item);
  }

  addImage(image: StoredImage): void {
    this.images.set(image.imageId, image);
  }

  // ---- authorization

  issueCode(shopId: number): string {
    if (!this.shops.has(shopId)) throw new SandboxApiError('error_param', 'Invalid shop_id.');
    const code = token();
    this.codes.set(code, { shopId, expiresAt: this.now() + CODE_TTL_MS, used: false });
    return code;
  }

  exchangeCode(code: string, shopId: number): IssuedTokens {
    const record = this.codes.get(code);
    if (!record || record.used || record.expiresAt <= this.now() || record.shopId !== shopId) {
      throw new SandboxApiError('invalid_code', 'Invalid code.', 403);
    }
    record.used = true;
    return this.issueTokens(shopId);
  }

  refresh(refreshToken: string, shopId: number): IssuedTokens {
    const record = this.refreshTokens.get(refreshToken);
    // Refresh tokens are single-use (marketplaces.md, "Refresh"): a used one is as good as unknown.
    if (!record || record.used) throw new SandboxApiError('error_auth', 'Invalid refresh_token.', 403);
    if (record.shopId !== shopId)
      throw new SandboxApiError('error_param', 'shop_id does not match refresh_token.');
    if (record.expiresAt <= this.now()) {
      throw new SandboxApiError('refresh_token_expired', 'Refresh token is expired.', 403);
    }
    record.used = true;
    const old = this.accessTokens.get(record.accessToken);
    if (old) old.expiresAt = Math.min(old.expiresAt, this.now() + OLD_ACCESS_TOKEN_GRACE_MS);
    return this.issueTokens(shopId);
  }

  /** Throws the errors a shop API gives for a bad access token (marketplaces.md, "Envelope and errors"). */
  checkAccessToken(accessToken: string, shopId: number): void {
    const record = this.accessTokens.get(accessToken);
    if (!record || record.expiresAt <= this.now()) {
      throw new SandboxApiError('invalid_acceess_token', 'Invalid access_token.', 403);
    }
    if (record.shopId !== shopId)
      throw new SandboxApiError('error_auth', 'Invalid access_token or shop_id.', 403);
  }

  revokeShop(shopId: number): void {
    for (const [key, record] of this.codes) if (record.shopId === shopId) this.codes.delete(key);
    for (const [key, record] of this.accessTokens)
      if (record.shopId === shopId) this.accessTokens.delete(key);
    for (const [key, record] of this.refreshTokens)
      if (record.shopId === shopId) this.refreshTokens.delete(key);
  }

  expireAccessTokens(shopId: number): void {
    const now = this.now();
    for (const record of this.accessTokens.values()) {
      if (record.shopId === shopId) record.expiresAt = Math.min(record.expiresAt, now);
    }
  }

  private issueTokens(shopId: number): IssuedTokens {
    const now = this.now();
    const accessToken = token();
    const refreshToken = token();
    this.accessTokens.set(accessToken, {
      shopId,
      expiresAt: now + this.options.accessTokenTtlSeconds * 1000,
    });
    this.refreshTokens.set(refreshToken, {
      shopId,
      expiresAt: now + this.options.refreshTokenTtlSeconds * 1000,
      used: false,
      accessToken,
    });
    return { accessToken, refreshToken, expireIn: this.options.accessTokenTtlSeconds };
  }

  // ---- products

  /** Items of the shop among `itemIds`, in request order; ids of other shops or unknown ids are left out. */
  itemsOfShop(shopId: number, itemIds: number[]): { found: SandboxItem[]; missing: number[] } {
    const found: SandboxItem[] = [];
    const missing: number[] = [];
    for (const id of itemIds) {
      const item = this.items.get(id);
      if (item && item.shopId === shopId) found.push(item);
      else missing.push(id);
    }
    return { found, missing };
  }

  /** update_item: only the fields sent change (marketplaces.md, "Read and update a listing's images"). */
  updateItem(shopId: number, itemId: number, change: { imageIds?: string[]; name?: string }): SandboxItem {
    const item = this.items.get(itemId);
    if (!item || item.shopId !== shopId)
      throw new SandboxApiError('error_item_not_found', 'Item_id is not found.');
    if (change.imageIds) {
      if (item.promotionLocked) {
        throw new SandboxApiError(
          'error_cannt_edit_image_in_promotion',
          'Image of item cannot be edited when item is under promotion.',
        );
      }
      if (change.imageIds.length === 0 || change.imageIds.length > MAX_IMAGES_PER_ITEM) {
        throw new SandboxApiError(
          'error_param',
          `image_id_list must hold 1 to ${MAX_IMAGES_PER_ITEM} images.`,
        );
      }
      const unknown = change.imageIds.find((id) => !this.images.has(id));
      if (unknown !== undefined) throw new SandboxApiError('error_param', `Invalid image_id: ${unknown}.`);
    }
    if (change.imageIds) item.imageIds = [...change.imageIds];
    if (change.name !== undefined) item.name = change.name;
    return item;
  }
}
