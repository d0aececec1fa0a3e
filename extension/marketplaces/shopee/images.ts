/** Finds the listing images on a Shopee product edit page and maps them to slots. */
import { IMAGE_CDN_HOSTS, isImageCdnUrl } from '../../../shared/marketplaces';
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

export interface ShopeeImageRef {
  /** Canonical full-size URL: https://<cdn host>/file/<image_id>. */
  imageUrl: string;
  imageId: string;
}

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

function imageRefOf(img: Element, baseUrl: string): ShopeeImageRef | undefined {
  // Lazy-loaded images may keep the real address in data-src until they scroll into view.
  for (const attribute of ['src', 'data-src']) {
    const value = img.getAttribute(attribute);
    const ref = value ? parseShopeeImageUrl(value, baseUrl) : undefined;
    if (ref) return ref;
  }
  return undefined;
}

function cdnImagesIn(root: ParentNode, baseUrl: string): HTMLImageElement[] {
  // A cheap pre-filter on the host; imageRefOf does the real check.
  const hostSelector = IMAGE_CDN_HOSTS.shopee
    .map((host) => `img[src*="${host}"], img[data-src*="${host}"]`)
    .join(', ');
  return [...root.querySelectorAll<HTMLImageElement>(hostSelector)].filter((img) => imageRefOf(img, baseUrl));
}

function holdsCdnImage(element: Element, baseUrl: string): boolean {
  return (
    (element.tagName === 'IMG' && imageRefOf(element, baseUrl) !== undefined) ||
    cdnImagesIn(element, baseUrl).length > 0
  );
}

function findContainer(root: ParentNode, baseUrl: string): Element | undefined {
  for (const selector of IMAGE_CONTAINER_SELECTORS) {
    for (const candidate of root.querySelectorAll(selector)) {
      if (holdsCdnImage(candidate, baseUrl)) return candidate;
    }
  }
  return fallbackContainer(root, baseUrl);
}

/**
 * Without a known container: the listing images are the first CDN images of the edit form (the header's
 * shop avatar is outside it), so walk up from the first one to the nearest element with two or more
 * children holding CDN images (the row of slots). A wrong guess is caught by the server, which compares
 * sourceImageId with the image in the slot (LISTING_CHANGED).
 */
function fallbackContainer(root: ParentNode, baseUrl: string): Element | undefined {
  const form = [...root.querySelectorAll(FALLBACK_SCOPE_SELECTORS.join(', '))].find((el) =>
    holdsCdnImage(el, baseUrl),
  );
  const first = cdnImagesIn(form ?? root, baseUrl)[0];
  let node = first?.parentElement ?? null;
  for (let depth = 0; node && depth < FALLBACK_MAX_DEPTH; depth++, node = node.parentElement) {
    const slots = [...node.children].filter((child) => holdsCdnImage(child, baseUrl));
    if (slots.length >= 2) return node;
  }
  return first?.parentElement ?? undefined;
}

/** The slot's item node: a known item element, else the container's child on the way to the image. */
function itemOf(img: HTMLImageElement, container: Element): Element {
  for (const selector of IMAGE_ITEM_SELECTORS) {
    const item = img.closest(selector);
    if (item && item !== container && container.contains(item)) return item;
  }
  let node: Element = img;
  while (node.parentElement && node.parentElement !== container) node = node.parentElement;
  return node;
}

export function findShopeeListingImages(root: ParentNode, baseUrl: string): ListingImage[] {
  const container = findContainer(root, baseUrl);
  if (!container) return [];
  const images: ListingImage[] = [];
  const seenAnchors = new Set<Element>();
  for (const img of cdnImagesIn(container, baseUrl)) {
    const anchor = itemOf(img, container);
    // One slot per item node, even if the page shows a second copy (e.g. a hover preview) inside it.
    if (seenAnchors.has(anchor)) continue;
    seenAnchors.add(anchor);
    const ref = imageRefOf(img, baseUrl);
    if (!ref) continue;
    images.push({
      slot: images.length,
      img,
      anchor,
      // An <img> cannot hold children: when it is its own slot node, the UI goes right before it.
      placement: anchor === img ? 'before' : 'first',
      imageUrl: ref.imageUrl,
      sourceImageId: ref.imageId,
    });
  }
  return images;
}
