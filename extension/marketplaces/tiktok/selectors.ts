/**
 * Where the TikTok Shop product edit form keeps the main images. The seller center is built on Arco Design
 * with `core-`-prefixed component classes; every other class name is a hashed CSS module that changes
 * with each release (marketplaces.md), so only test ids and `core-` classes appear here. Images are
 * recognised by their CDN URL; these selectors only narrow the search.
 */

/** The main-images container, most specific first. */
export const IMAGE_CONTAINER_SELECTORS: readonly string[] = [
  // The test id on the main-images upload field.
  '[data-tid="product-main-images"]',
  // Arco picture-card upload: the main images are the form's first one (the variant and description
  // images come later in the form).
  '.core-upload.core-upload-type-picture-card',
  // The picture-card list itself, should the wrapper lose its classes.
  '.core-upload-list-type-picture-card',
];

/** One slot inside the container. */
export const IMAGE_ITEM_SELECTORS: readonly string[] = [
  // Arco upload list item (the "+" trigger tile holds no image and is never a slot).
  '.core-upload-list-item',
];

/** Where the fallback looks first, so the header's shop avatar is not taken for slot 0. */
export const FALLBACK_SCOPE_SELECTORS: readonly string[] = [
  // Arco form, then the layout's content area.
  '.core-form',
  'form',
  '.core-layout-content',
  'main',
];

/** How far up from an image the fallback looks for the element listing all slots. */
export const FALLBACK_MAX_DEPTH = 8;
