/**
 * Finds a product edit page's listing images and maps them to slots, for any marketplace. Seller centers
 * rename their classes without notice, so images are recognised by their CDN URL; a marketplace's
 * selectors (data, in its folder) only narrow the search, and when none matches the first group of CDN
 * images in the form is taken. A wrong guess is caught by the server, which compares sourceImageId with
 * the image in the slot before replacing anything (LISTING_CHANGED).
 */
import type { ListingImage } from './types';

/** A listing image as its URL identifies it. */
export interface ImageRef {
  /** Canonical full-size URL (what the background downloads). */
  imageUrl: string;
  /** The marketplace's image id (Shopee image_id, TikTok Shop image uri). */
  imageId: string;
}

/** What a marketplace folder tells the finder about its product edit form. */
export interface ListingImageLayout {
  /** CDN hosts of listing images: a cheap pre-filter before `parseImageUrl`. */
  cdnHosts: readonly string[];
  /** `undefined` for anything that is not a listing image on the marketplace's CDN. */
  parseImageUrl(raw: string, baseUrl: string): ImageRef | undefined;
  /** The listing-image container, most specific first. */
  containerSelectors: readonly string[];
  /** One slot inside the container. */
  itemSelectors: readonly string[];
  /** Where the fallback looks first, so page furniture on the same CDN (a shop avatar) is not slot 0. */
  fallbackScopeSelectors: readonly string[];
  /** How far up from an image the fallback looks for the element listing all slots. */
  fallbackMaxDepth: number;
}

function imageRefOf(img: Element, baseUrl: string, layout: ListingImageLayout): ImageRef | undefined {
  // Lazy-loaded images may keep the real address in data-src until they scroll into view.
  for (const attribute of ['src', 'data-src']) {
    const value = img.getAttribute(attribute);
    const ref = value ? layout.parseImageUrl(value, baseUrl) : undefined;
    if (ref) return ref;
  }
  return undefined;
}

function cdnImagesIn(root: ParentNode, baseUrl: string, layout: ListingImageLayout): HTMLImageElement[] {
  const hostSelector = layout.cdnHosts
    .map((host) => `img[src*="${host}"], img[data-src*="${host}"]`)
    .join(', ');
  return [...root.querySelectorAll<HTMLImageElement>(hostSelector)].filter((img) =>
    imageRefOf(img, baseUrl, layout),
  );
}

function holdsCdnImage(element: Element, baseUrl: string, layout: ListingImageLayout): boolean {
  return (
    (element.tagName === 'IMG' && imageRefOf(element, baseUrl, layout) !== undefined) ||
    cdnImagesIn(element, baseUrl, layout).length > 0
  );
}

function findContainer(root: ParentNode, baseUrl: string, layout: ListingImageLayout): Element | undefined {
  for (const selector of layout.containerSelectors) {
    // The first match is the field (the listing images come first in every edit form), and its images are
    // the listing's, even none (still loading, or emptied while the page switches products). Looking
    // further would take another field's images (variants, description) for slots: a button there costs
    // the seller credits for a photo that can never replace a listing image.
    const container = root.querySelector(selector);
    if (container) return container;
  }
  return fallbackContainer(root, baseUrl, layout);
}

/**
 * Without a known container: the listing images are the first CDN images of the edit form, so walk up
 * from the first one to the nearest element with two or more children holding CDN images (the row of
 * slots).
 */
function fallbackContainer(
  root: ParentNode,
  baseUrl: string,
  layout: ListingImageLayout,
): Element | undefined {
  const scopes = layout.fallbackScopeSelectors.join(', ');
  const form = scopes
    ? [...root.querySelectorAll(scopes)].find((el) => holdsCdnImage(el, baseUrl, layout))
    : undefined;
  const first = cdnImagesIn(form ?? root, baseUrl, layout)[0];
  let node = first?.parentElement ?? null;
  for (let depth = 0; node && depth < layout.fallbackMaxDepth; depth++, node = node.parentElement) {
    const slots = [...node.children].filter((child) => holdsCdnImage(child, baseUrl, layout));
    if (slots.length >= 2) return node;
  }
  return first?.parentElement ?? undefined;
}

/** The slot's item node: a known item element, else the container's child on the way to the image. */
function itemOf(img: HTMLImageElement, container: Element, layout: ListingImageLayout): Element {
  for (const selector of layout.itemSelectors) {
    const item = img.closest(selector);
    if (item && item !== container && container.contains(item)) return item;
  }
  let node: Element = img;
  while (node.parentElement && node.parentElement !== container) node = node.parentElement;
  return node;
}

/** The listing images in slot order (0-based, page order), one per item node. */
export function findListingImages(
  root: ParentNode,
  baseUrl: string,
  layout: ListingImageLayout,
): ListingImage[] {
  const container = findContainer(root, baseUrl, layout);
  if (!container) return [];
  const images: ListingImage[] = [];
  const seenAnchors = new Set<Element>();
  for (const img of cdnImagesIn(container, baseUrl, layout)) {
    const anchor = itemOf(img, container, layout);
    // One slot per item node, even if the page shows a second copy (e.g. a hover preview) inside it.
    if (seenAnchors.has(anchor)) continue;
    seenAnchors.add(anchor);
    const ref = imageRefOf(img, baseUrl, layout);
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
