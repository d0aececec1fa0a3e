/** The Shopee Open Platform behind the MarketplaceConnector interface. */
import type { FailureKind, MarketplaceConnector, TokenSet } from '../connector.js';
import { isShopeeError, type ShopeeClient, type ShopeeTokens } from './client.js';

// Shopee refresh tokens live 30 days (marketplaces.md, "Refresh"); the response only gives expire_in.
const REFRESH_TTL_MS = 30 * 86_400_000;

function tokenSet(tokens: ShopeeTokens, now: number): TokenSet {
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accessExpiresAt: new Date(now + tokens.expiresInSeconds * 1000),
    refreshExpiresAt: new Date(now + REFRESH_TTL_MS),
  };
}

export function shopeeConnector(client: ShopeeClient): MarketplaceConnector {
  return {
    provider: 'shopee',
    authorizationUrl(state, callbackUrl) {
      // Shopee's auth_partner link has no state parameter: it travels inside our redirect URL, and Shopee
      // appends code and shop_id to it.
      const redirect = new URL(callbackUrl);
      redirect.searchParams.set('state', state);
      return client.authorizationUrl(redirect.toString());
    },
    parseCallback(query) {
      const { state, code, shop_id: shopId } = query;
      if (typeof state !== 'string' || typeof code !== 'string' || typeof shopId !== 'string')
        return undefined;
      if (!/^\d{1,20}$/.test(shopId) || code.length > 500 || state.length > 200) return undefined;
      return { state, code, shopId };
    },
    async exchangeCode(code, shopId) {
      if (!shopId) throw new Error('Shopee callbacks carry shop_id');
      const tokens = await client.getAccessToken({ code, shopId: Number(shopId) });
      return [{ shopId, shopName: null, shopCipher: null, tokens: tokenSet(tokens, Date.now()) }];
    },
    async refresh(refreshToken, shopId) {
      return tokenSet(await client.refreshAccessToken({ refreshToken, shopId: Number(shopId) }), Date.now());
    },
    classify(error): FailureKind {
      if (!isShopeeError(error)) return 'unavailable';
      switch (error.kind) {
        case 'auth':
          return 'auth';
        case 'refresh_expired':
          return 'dead_grant';
        case 'promotion_locked':
          return 'promotion_locked';
        case 'rate_limit':
        case 'server':
        case 'network':
          return 'unavailable';
        default:
          return 'rejected';
      }
    },
    async getListing(auth, productId) {
      const [item] = await client.getItemBaseInfo({
        accessToken: auth.accessToken,
        shopId: Number(auth.shopId),
        itemIds: [productId],
      });
      if (!item) return undefined;
      return {
        images: item.imageIds.map((id, i) => ({ id, url: item.imageUrls[i] ?? '' })),
        listingPlatforms: [],
      };
    },
    async uploadImage(_auth, data, filename) {
      // media_space/upload_image is a public API: no shop token in its signature (marketplaces.md).
      const uploaded = await client.uploadImage({ data, filename });
      return { id: uploaded.imageId, url: uploaded.imageUrl };
    },
    async setImages(auth, productId, imageIds) {
      await client.updateItemImages({
        accessToken: auth.accessToken,
        shopId: Number(auth.shopId),
        itemId: productId,
        imageIds,
      });
      return { auditStatus: null };
    },
  };
}
