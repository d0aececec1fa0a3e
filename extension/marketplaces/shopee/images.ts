/** Shopee listing images: the image id from a CDN URL, and the edit form's layout (selectors.ts). */
import { IMAGE_CDN_HOSTS, isImageCdnUrl } from '../../../shared/marketplaces';
import { findListingImages, type ImageRef, type ListingImageLayout } from '../../content/listing-images';
import type { ListingImage } from '../../content/types';
import {
  FALLBACK_MAX_DEPTH,
  FALLBACK_SCOPE_SELECTORS,
  IMAGE_CONTAINER_SELECTORS,
  IMAGE_ITEM_SELECTORS,
} from './selectors';

/**
 * `/file/<image_id>`, optionally with the thumbnail suffix `_tn`, a resize suffix (`@resize_w450_nl`) and a
 * format extension, all of which point at the same stored image.
 */
const FILE_PATH = /^\/file\/([A-Za-z0-9_-]{1,200}?)(?:_tn)?(?:@[A-Za-z0-9_]+)?(?:\.(?:jpe?g|png|webp))?$/;

/** `imageUrl` is the canonical full-size URL https://<cdn host>/file/<image_id>. */
export type ShopeeImageRef = ImageRef;

export function parseShopeeImageUrl(raw: string, baseUrl: string): ShopeeImageRef | undefined {
  let url: URL;
  try {
    url = new URL(raw, baseUrl);
  } catch {
    return undefined;
  }
  if (!isImageCdnUrl('shopee', url.href)) return undefined;
  const imageId = FILE_PATH.exec(url.pathname)?.[1];
  if (!imageId) return undefined;
  return { imageUrl: `https://${url.hostname}/file/${imageId}`, imageId };
}

export const SHOPEE_IMAGE_LAYOUT: ListingImageLayout = {
  cdnHosts: IMAGE_CDN_HOSTS.shopee,
  parseImageUrl: parseShopeeImageUrl,
  containerSelectors: IMAGE_CONTAINER_SELECTORS,
  itemSelectors: IMAGE_ITEM_SELECTORS,
  fallbackScopeSelectors: FALLBACK_SCOPE_SELECTORS,
  fallbackMaxDepth: FALLBACK_MAX_DEPTH,
};

export function findShopeeListingImages(root: ParentNode, baseUrl: string): ListingImage[] {
  return findListingImages(root, baseUrl, SHOPEE_IMAGE_LAYOUT);
}
