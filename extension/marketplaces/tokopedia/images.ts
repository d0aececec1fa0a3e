/**
 * Tokopedia listing images. Tokopedia products are TikTok Shop products since the merger: their images sit
 * on the TikTok Shop CDN and are named by the same `uri` (marketplaces.md, "Tokopedia"), so the URL parser
 * is TikTok Shop's; the form layout is this folder's (selectors.ts).
 */
import { IMAGE_CDN_HOSTS } from '../../../shared/marketplaces';
import { findListingImages, type ListingImageLayout } from '../../content/listing-images';
import type { ListingImage } from '../../content/types';
import { parseTikTokImageUrl } from '../tiktok/images';
import {
  FALLBACK_MAX_DEPTH,
  FALLBACK_SCOPE_SELECTORS,
  IMAGE_CONTAINER_SELECTORS,
  IMAGE_ITEM_SELECTORS,
} from './selectors';

export const TOKOPEDIA_IMAGE_LAYOUT: ListingImageLayout = {
  cdnHosts: IMAGE_CDN_HOSTS.tokopedia,
  parseImageUrl: (raw, baseUrl) => parseTikTokImageUrl(raw, baseUrl, 'tokopedia'),
  containerSelectors: IMAGE_CONTAINER_SELECTORS,
  itemSelectors: IMAGE_ITEM_SELECTORS,
  fallbackScopeSelectors: FALLBACK_SCOPE_SELECTORS,
  fallbackMaxDepth: FALLBACK_MAX_DEPTH,
};

export function findTokopediaListingImages(root: ParentNode, baseUrl: string): ListingImage[] {
  return findListingImages(root, baseUrl, TOKOPEDIA_IMAGE_LAYOUT);
}
