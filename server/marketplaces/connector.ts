/**
 * What the services need from a marketplace seller API, whichever it is. Each provider (Shopee; TikTok
 * Shop, which also serves Tokopedia) implements this once on top of its client, so connections, token
 * refresh, "Replace on listing" and revert are written once.
 */
import type { ApiProvider } from '../../shared/marketplaces.js';

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: Date;
  refreshExpiresAt: Date;
}

export interface AuthorizedShop {
  shopId: string;
  shopName: string | null;
  /** TikTok Shop's per-shop cipher for shop calls; null for Shopee. */
  shopCipher: string | null;
  tokens: TokenSet;
}

/** Everything a shop call needs. */
export interface ShopAuth {
  accessToken: string;
  shopId: string;
  shopCipher: string | null;
}

export interface ListingImage {
  /** Shopee image_id / TikTok image uri. */
  id: string;
  url: string;
}

export interface Listing {
  images: ListingImage[];
  /** TikTok Shop listing_platforms, resent unchanged on every edit (dropping one deactivates the product there). */
  listingPlatforms: string[];
}

/** How the services react to a failure, whatever the provider's own codes are. */
export type FailureKind =
  | 'auth' // the access token was refused: refresh once and retry
  | 'dead_grant' // the refresh token is dead: the seller must reconnect
  | 'promotion_locked'
  | 'unavailable' // rate limit, 5xx, network: try again later
  | 'rejected'; // anything else the marketplace refused

export interface MarketplaceConnector {
  readonly provider: ApiProvider;
  /** The seller-authorization URL; `callbackUrl` is ours, with no state (the connector places `state`). */
  authorizationUrl(state: string, callbackUrl: string): string;
  /** Reads the callback's query: our `state` and the provider's code (and shop). */
  parseCallback(
    query: Record<string, unknown>,
  ): { state: string; code: string; shopId: string | null } | undefined;
  /** Exchanges the code; one authorization may cover several shops. */
  exchangeCode(code: string, shopId: string | null): Promise<AuthorizedShop[]>;
  refresh(refreshToken: string, shopId: string): Promise<TokenSet>;
  classify(error: unknown): FailureKind;
  getListing(auth: ShopAuth, productId: string): Promise<Listing | undefined>;
  uploadImage(auth: ShopAuth, data: Buffer, filename: string): Promise<ListingImage>;
  /** Writes the full ordered image list. Returns the marketplace's review state, if the edit triggers one. */
  setImages(
    auth: ShopAuth,
    productId: string,
    imageIds: string[],
    current: Listing,
  ): Promise<{ auditStatus: string | null }>;
}

export type Connectors = Partial<Record<ApiProvider, MarketplaceConnector>>;
