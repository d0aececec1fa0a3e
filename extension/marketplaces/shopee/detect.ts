/** Shopee Seller Centre page detection (marketplaces.md, "Seller Centre"). */
import { SELLER_CENTER_ORIGINS } from '../../../shared/marketplaces';
import type { ProductPage } from '../../content/types';

/** Where the content script runs: product pages only (list, new, edit); detection narrows it down. */
export const SHOPEE_CONTENT_MATCHES = SELLER_CENTER_ORIGINS.shopee.map(
  (origin) => `${origin}/portal/product/*`,
);

/** Product edit paths; the capture group is the item id. */
export const SHOPEE_PRODUCT_EDIT_PATHS: readonly RegExp[] = [
  // /portal/product/<item_id>: the edit form. /portal/product/list/… and /portal/product/new do not match.
  /^\/portal\/product\/(\d{1,20})\/?$/,
  // /portal/product/edit/<item_id>: reported by one source only (marketplaces.md marks it uncertain).
  /^\/portal\/product\/edit\/(\d{1,20})\/?$/,
];

export function detectShopeeProductPage(url: URL): ProductPage | undefined {
  if (!SELLER_CENTER_ORIGINS.shopee.includes(url.origin)) return undefined;
  for (const pattern of SHOPEE_PRODUCT_EDIT_PATHS) {
    const productId = pattern.exec(url.pathname)?.[1];
    if (productId) return { productId };
  }
  return undefined;
}
