/**
 * What the shared content-script feature needs from a marketplace folder (extension/marketplaces/<name>/).
 * Adding a marketplace = a new folder implementing this (detection, selectors as data, slot mapping through
 * listing-images.ts), plus a `<name>.content.tsx` entrypoint.
 */
import type { Marketplace } from '../../shared/marketplaces';

export interface ProductPage {
  /** The marketplace's product id (Shopee item_id, TikTok Shop product id). */
  productId: string;
}

export interface ListingImage {
  /** 0-based index among the listing images, in page order. */
  slot: number;
  img: HTMLImageElement;
  /** The slot's item node: the UI is attached to it, and it identifies the slot across re-renders. */
  anchor: Element;
  /** Where the UI goes relative to the anchor: inside it, or right before it when the anchor is the img. */
  placement: 'first' | 'before';
  /** Full-size CDN URL of the image (what the background downloads). */
  imageUrl: string;
  /** The marketplace's image id, from the URL (Shopee image_id, TikTok Shop image uri). */
  sourceImageId: string;
}

export interface MarketplaceAdapter {
  marketplace: Marketplace;
  /** A product edit page (not the list, not "new product"), or undefined. */
  detectProductPage(url: URL): ProductPage | undefined;
  /** The listing images in slot order. `baseUrl` resolves relative `src`s. */
  findListingImages(root: ParentNode, baseUrl: string): ListingImage[];
}
