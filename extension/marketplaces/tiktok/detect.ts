/** TikTok Shop seller center page detection (marketplaces.md, "Seller center"). */
import { SELLER_CENTER_ORIGINS } from '../../../shared/marketplaces';
import type { ProductPage } from '../../content/types';

/**
 * Where the content script runs: the product section (list, new, edit) of the Indonesian and the global
 * seller centers. The pages switch products client-side, so detection runs again on every location change.
 */
export const TIKTOK_CONTENT_MATCHES = SELLER_CENTER_ORIGINS.tiktok.map((origin) => `${origin}/product/*`);

/** Product edit paths; the capture group is the product id. */
export const TIKTOK_PRODUCT_EDIT_PATHS: readonly RegExp[] = [
  // /product/edit/<product_id>. /product/manage and /product/add do not match.
  /^\/product\/edit\/(\d{1,20})\/?$/,
];

export function detectTikTokProductPage(url: URL): ProductPage | undefined {
  if (!SELLER_CENTER_ORIGINS.tiktok.includes(url.origin)) return undefined;
  for (const pattern of TIKTOK_PRODUCT_EDIT_PATHS) {
    const productId = pattern.exec(url.pathname)?.[1];
    if (productId) return { productId };
  }
  return undefined;
}
