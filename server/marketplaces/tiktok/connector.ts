/**
 * The TikTok Shop Partner API behind the MarketplaceConnector interface. It serves TikTok Shop and, since
 * the merger, Tokopedia listings (marketplaces.md, "Tokopedia").
 */
import type { FailureKind, MarketplaceConnector, TokenSet } from '../connector.js';
import { isTikTokError, type TikTokClient, type TikTokTokens } from './client.js';

const tokenSet = (tokens: TikTokTokens): TokenSet => ({
  accessToken: tokens.accessToken,
  refreshToken: tokens.refreshToken,
  accessExpiresAt: tokens.accessExpiresAt,
  refreshExpiresAt: tokens.refreshExpiresAt,
});

export function tiktokConnector(client: TikTokClient): MarketplaceConnector {
  return {
    provider: 'tiktok',
    // The redirect URL is fixed in Partner Center (no redirect_uri parameter); it must be our callback URL.
    authorizationUrl: (state) => client.authorizationUrl(state),
    parseCallback(query) {
      const { state, code } = query;
      if (typeof state !== 'string' || typeof code !== 'string') return undefined;
      if (code.length === 0 || code.length > 1000 || state.length > 200) return undefined;
      return { state, code, shopId: null };
    },
    async exchangeCode(code) {
      const tokens = tokenSet(await client.getAccessToken(code));
      // One authorization covers the seller's shops; shop calls need each shop's cipher.
      const shops = await client.getAuthorizedShops(tokens.accessToken);
      return shops.map((shop) => ({ shopId: shop.id, shopName: shop.name, shopCipher: shop.cipher, tokens }));
    },
    async refresh(refreshToken) {
      return tokenSet(await client.refreshAccessToken(refreshToken));
    },
    classify(error): FailureKind {
      if (!isTikTokError(error)) return 'unavailable';
      switch (error.kind) {
        case 'auth':
          return 'auth';
        case 'refresh_expired':
          return 'dead_grant';
        case 'rate_limit':
        case 'server':
        case 'network':
          return 'unavailable';
        default:
          return 'rejected';
      }
    },
    async getListing(auth, productId) {
      try {
        const product = await client.getProduct({
          accessToken: auth.accessToken,
          shopCipher: auth.shopCipher ?? '',
          productId,
        });
        return {
          images: product.mainImages.map((image) => ({ id: image.uri, url: image.url })),
          listingPlatforms: product.listingPlatforms,
        };
      } catch (error) {
        if (isTikTokError(error) && error.kind === 'not_found') return undefined;
        throw error;
      }
    },
    async uploadImage(auth, data, filename) {
      // Image upload takes no shop_cipher (sending one is 36009004, marketplaces.md).
      const uploaded = await client.uploadImage({
        accessToken: auth.accessToken,
        data,
        filename,
        useCase: 'MAIN_IMAGE',
      });
      return { id: uploaded.uri, url: uploaded.url };
    },
    async setImages(auth, productId, imageIds, current) {
      // The full ordered main_images list, and every listing platform the product is on (dropping one
      // would deactivate the product there).
      return client.updateMainImages({
        accessToken: auth.accessToken,
        shopCipher: auth.shopCipher ?? '',
        productId,
        uris: imageIds,
        listingPlatforms: current.listingPlatforms,
      });
    },
  };
}
