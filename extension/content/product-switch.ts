/**
 * Client-side navigation to another product (history.pushState, e.g. a "Next product" link) changes the
 * URL before the page has rendered the new product: for a moment the old product's images are still on
 * screen. A button mounted on them would start a job for the new product id with the old product's photo.
 * This guard remembers the images shown for the old product and holds mounting while the page still
 * shows only those (same node, same URL). Pure apart from the clock it is given, so it is unit-tested.
 */
import type { ListingImage } from './types';

export interface ProductSwitchOptions {
  /**
   * After this long the images on screen are taken as the new product's even if unchanged (two products
   * with the same photos in the same nodes). The server still refuses a replacement when the slot holds
   * another image (LISTING_CHANGED).
   * @defaultValue 4000
   */
  settleMs?: number;
}

export type Admission =
  | { hold: false; images: ListingImage[] }
  /** Mount nothing yet; look again after `retryInMs`. */
  | { hold: true; retryInMs: number };

export class ProductSwitchGuard {
  readonly #settleMs: number;
  /** img → the URL it showed for the previous product. */
  #leftovers: Map<Element, string> | undefined;
  #switchedAt = 0;

  constructor(options: ProductSwitchOptions = {}) {
    this.#settleMs = options.settleMs ?? 4000;
  }

  /** The product changed; `shownBefore` are the images last found for the previous product. */
  productChanged(shownBefore: readonly ListingImage[], now: number): void {
    this.#leftovers =
      shownBefore.length > 0 ? new Map(shownBefore.map((image) => [image.img, image.imageUrl])) : undefined;
    this.#switchedAt = now;
  }

  /** Which images may get widgets now. */
  admit(found: readonly ListingImage[], now: number): Admission {
    const leftovers = this.#leftovers;
    if (!leftovers) return { hold: false, images: [...found] };
    const onlyLeftovers =
      found.length > 0 &&
      found.every((image) => image.img.isConnected && leftovers.get(image.img) === image.imageUrl);
    const waited = now - this.#switchedAt;
    if (onlyLeftovers && waited < this.#settleMs) return { hold: true, retryInMs: this.#settleMs - waited };
    // The page rendered something else (or nothing, or we waited long enough): the old images are gone.
    this.#leftovers = undefined;
    return { hold: false, images: [...found] };
  }
}
