/**
 * Where Shopee's product edit form keeps the listing images. Shopee's class names change without notice
 * (marketplaces.md), so images are recognised by their CDN URL and these selectors only narrow the search;
 * when none matches, images.ts falls back to the first group of CDN images on the page.
 */

/** The listing-image container, most specific first. */
export const IMAGE_CONTAINER_SELECTORS: readonly string[] = [
  // Test id on the image manager (the sandbox seller center uses it; the real form has had it too).
  '[data-testid="image-manager"]',
  // Shopee design-system image manager component.
  '.shopee-image-manager',
  // The product edit form's image section wrapper.
  '.product-edit-images',
];

/** One slot inside the container. */
export const IMAGE_ITEM_SELECTORS: readonly string[] = [
  // Image manager item ("itemer" is Shopee's spelling).
  '.shopee-image-manager__itemer',
];

/** Where the fallback looks first, so the header's shop avatar (also on the CDN) is not taken for slot 0. */
export const FALLBACK_SCOPE_SELECTORS: readonly string[] = [
  // The product edit form.
  'form',
  // The page's main content area.
  'main',
  '[role="main"]',
];

/** How far up from an image the fallback looks for the element listing all slots. */
export const FALLBACK_MAX_DEPTH = 8;
