import type { MarketplaceAdapter } from '../../content/types';
import { detectTikTokProductPage } from './detect';
import { findTikTokListingImages } from './images';

export { TIKTOK_CONTENT_MATCHES } from './detect';

export const tiktokAdapter: MarketplaceAdapter = {
  marketplace: 'tiktok',
  detectProductPage: detectTikTokProductPage,
  findListingImages: findTikTokListingImages,
};
