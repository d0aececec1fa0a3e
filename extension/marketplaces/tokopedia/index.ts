import type { MarketplaceAdapter } from '../../content/types';
import { detectTokopediaProductPage } from './detect';
import { findTokopediaListingImages } from './images';

export { TOKOPEDIA_CONTENT_MATCHES } from './detect';

export const tokopediaAdapter: MarketplaceAdapter = {
  marketplace: 'tokopedia',
  detectProductPage: detectTokopediaProductPage,
  findListingImages: findTokopediaListingImages,
};
