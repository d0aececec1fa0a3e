import { describe, expect, it } from 'vitest';
import { findTikTokListingImages } from '../marketplaces/tiktok/images';
import { dom, editPage, origin } from '../marketplaces/tiktok/test-fixtures';
import { ProductSwitchGuard } from './product-switch';

const PAGE = 'https://seller-id.tiktok.com/product/edit/2';
const SETTLE = 4000;

/** The page of product 1, and what the guard saw there before the seller clicked "Next product". */
function afterSwitch() {
  const document = dom(editPage(['p1-a', 'p1-b']));
  const guard = new ProductSwitchGuard({ settleMs: SETTLE });
  const shownBefore = findTikTokListingImages(document, PAGE);
  guard.productChanged(shownBefore, 1000);
  const list = document.querySelector('.core-upload-list') as Element;
  return { document, guard, list };
}

describe('switching products without a page load', () => {
  it('admits everything when no product was shown before (first load)', () => {
    const guard = new ProductSwitchGuard();
    const found = findTikTokListingImages(dom(editPage(['a', 'b'])), PAGE);
    expect(guard.admit(found, 0)).toEqual({ hold: false, images: found });
  });

  it('holds while the page still shows only the previous product’s images', () => {
    const { document, guard } = afterSwitch();
    expect(guard.admit(findTikTokListingImages(document, PAGE), 1100)).toEqual({
      hold: true,
      retryInMs: 3900,
    });
  });

  it('admits the new product’s images once the page rendered them in new nodes', () => {
    const { document, guard } = afterSwitch();
    document
      .querySelector('main')
      ?.replaceWith(dom(editPage(['p2-a', 'p2-b', 'p2-c'])).querySelector('main') as Node);
    const found = findTikTokListingImages(document, PAGE);
    const admission = guard.admit(found, 1200);
    expect(admission.hold).toBe(false);
    expect(!admission.hold && admission.images.map((image) => image.imageUrl)).toEqual([
      origin('p2-a'),
      origin('p2-b'),
      origin('p2-c'),
    ]);
  });

  it('admits nodes the page reused with new images (React keeps the <img>, changes src)', () => {
    const { document, guard } = afterSwitch();
    document.querySelectorAll('img').forEach((img) => {
      img.setAttribute('src', img.getAttribute('src')?.replace('p1-', 'p2-') ?? '');
    });
    const found = findTikTokListingImages(document, PAGE);
    expect(guard.admit(found, 1200)).toEqual({ hold: false, images: found });
  });

  it('admits a list in which only some slots changed (the products share a photo)', () => {
    const { document, guard } = afterSwitch();
    document.querySelectorAll('img')[2]?.setAttribute('src', origin('p2-b'));
    expect(guard.admit(findTikTokListingImages(document, PAGE), 1200).hold).toBe(false);
  });

  it('forgets the old images once the list was emptied (a loading state), whatever comes next', () => {
    const { document, guard, list } = afterSwitch();
    const items = [...list.children];
    list.replaceChildren();
    expect(guard.admit(findTikTokListingImages(document, PAGE), 1100)).toEqual({ hold: false, images: [] });
    list.replaceChildren(...items);
    expect(guard.admit(findTikTokListingImages(document, PAGE), 1200).hold).toBe(false);
  });

  it('takes unchanged images as the new product’s after the settle time', () => {
    const { document, guard } = afterSwitch();
    const found = findTikTokListingImages(document, PAGE);
    expect(guard.admit(found, 1000 + SETTLE - 1).hold).toBe(true);
    expect(guard.admit(found, 1000 + SETTLE)).toEqual({ hold: false, images: found });
  });

  it('never holds when nothing was shown for the previous product', () => {
    const guard = new ProductSwitchGuard();
    guard.productChanged([], 0);
    const found = findTikTokListingImages(dom(editPage(['a'])), PAGE);
    expect(guard.admit(found, 1)).toEqual({ hold: false, images: found });
  });
});
