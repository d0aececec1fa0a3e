/**
 * TikTok Shop listing images: the image `uri` from a CDN URL, and the edit form's layout (selectors.ts).
 * Tokopedia listings are TikTok Shop products since the merger and use the same CDN (tokopedia/images.ts).
 */
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
 * `/<uri>~tplv-<template>-<variant>.<ext>`, e.g.
 * `/tos-alisg-i-aphluv4xwc-sg/abc123~tplv-aphluv4xwc-origin-jpeg.jpeg`: the `uri` (what the Partner API
 * calls the image: `main_images[].uri`) is the path before `~`, at least `<bucket>/<id>`.
 */
const IMAGE_PATH =
  /^\/((?:[A-Za-z0-9_-]{1,100}\/){1,4}[A-Za-z0-9_-]{1,150})(?:~tplv-([A-Za-z0-9]+)-([^/]+))?$/;

export type TikTokCdnMarketplace = 'tiktok' | 'tokopedia';

/**
 * The image uri, and the full-size URL to download. A resized variant (`~tplv-<t>-resize-jpeg:300:300.jpeg`)
 * becomes the origin variant of the same template. A URL with a query string is kept as it is: CDN
 * signatures (uncertain whether the seller center uses them) cover the exact variant.
 */
export function parseTikTokImageUrl(
  raw: string,
  baseUrl: string,
  marketplace: TikTokCdnMarketplace = 'tiktok',
): ImageRef | undefined {
  let url: URL;
  try {
    url = new URL(raw, baseUrl);
  } catch {
    return undefined;
  }
  if (!isImageCdnUrl(marketplace, url.href)) return undefined;
  const match = IMAGE_PATH.exec(url.pathname);
  const imageId = match?.[1];
  if (!match || !imageId || imageId.length > 200) return undefined;
  const [, , template, variant] = match;
  const canonical =
    template && variant && !variant.startsWith('origin') && url.search === ''
      ? `https://${url.hostname}/${imageId}~tplv-${template}-origin-jpeg.jpeg`
      : url.href;
  return { imageUrl: canonical, imageId };
}

export const TIKTOK_IMAGE_LAYOUT: ListingImageLayout = {
  cdnHosts: IMAGE_CDN_HOSTS.tiktok,
  parseImageUrl: (raw, baseUrl) => parseTikTokImageUrl(raw, baseUrl, 'tiktok'),
  containerSelectors: IMAGE_CONTAINER_SELECTORS,
  itemSelectors: IMAGE_ITEM_SELECTORS,
  fallbackScopeSelectors: FALLBACK_SCOPE_SELECTORS,
  fallbackMaxDepth: FALLBACK_MAX_DEPTH,
};

export function findTikTokListingImages(root: ParentNode, baseUrl: string): ListingImage[] {
  return findListingImages(root, baseUrl, TIKTOK_IMAGE_LAYOUT);
}
