/**
 * Tokopedia seller center page detection. Since the merger Tokopedia and TikTok Shop Indonesia share one
 * seller center, served on seller-id.tokopedia.com (marketplaces.md, "Seller center").
 */
import { SELLER_CENTER_ORIGINS } from '../../../shared/marketplaces';
import type { ProductPage } from '../../content/types';

/**
 * Where the content script runs: the product section (manage, add, edit). The pages switch products
 * client-side, so detection runs again on every location change.
 */
export const TOKOPEDIA_CONTENT_MATCHES = SELLER_CENTER_ORIGINS.tokopedia.map(
  (origin) => `${origin}/product/*`,
);

/** Product edit paths; the capture group is the product id (a TikTok Shop product id). */
export const TOKOPEDIA_PRODUCT_EDIT_PATHS: readonly RegExp[] = [
  // /product/edit/<product_id>. /product/manage and /product/add do not match.
  /^\/product\/edit\/(\d{1,20})\/?$/,
];

export function detectTokopediaProductPage(url: URL): ProductPage | undefined {
  if (!SELLER_CENTER_ORIGINS.tokopedia.includes(url.origin)) return undefined;
  for (const pattern of TOKOPEDIA_PRODUCT_EDIT_PATHS) {
    const productId = pattern.exec(url.pathname)?.[1];
    if (productId) return { productId };
  }
  return undefined;
}
