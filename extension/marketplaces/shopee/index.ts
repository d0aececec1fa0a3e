import type { MarketplaceAdapter } from '../../content/types';
import { detectShopeeProductPage } from './detect';
import { findShopeeListingImages } from './images';

export { SHOPEE_CONTENT_MATCHES } from './detect';

export const shopeeAdapter: MarketplaceAdapter = {
  marketplace: 'shopee',
  detectProductPage: detectShopeeProductPage,
  findListingImages: findShopeeListingImages,
};
