import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { planMounts } from '../../content/reconcile';
import type { ListingImage } from '../../content/types';
import { detectShopeeProductPage } from './detect';
import { findShopeeListingImages, parseShopeeImageUrl } from './images';

const PAGE = 'https://seller.shopee.co.id/portal/product/1234567890';
const CDN = 'https://down-id.img.susercontent.com/file';

function dom(body: string): Document {
  // linkedom's Document implements the parts of the DOM the adapter uses.
  return parseHTML(`<!doctype html><html><body>${body}</body></html>`).document as unknown as Document;
}

function itemer(src: string): string {
  return `<div class="shopee-image-manager__itemer"><div class="shopee-image-manager__content"><img class="shopee-image-manager__image" src="${src}"></div></div>`;
}

/** The sandbox seller center's markup, plus the page furniture around it. */
const SANDBOX_EDIT_PAGE = `
  <header><img class="avatar" src="https://cf.shopee.co.id/file/shop-avatar-1"></header>
  <form>
    <div class="product-edit-images shopee-image-manager" data-testid="image-manager">
      ${itemer(`${CDN}/id-11134207-aaa111`)}
      ${itemer(`${CDN}/id-11134207-bbb222_tn`)}
      <div class="shopee-image-manager__itemer shopee-image-manager__upload">+ Add image</div>
      ${itemer(`${CDN}/id-11134207-ccc333`)}
    </div>
    <div class="description"><img src="${CDN}/description-image-1"></div>
  </form>`;

describe('Shopee page detection', () => {
  it.each([
    ['https://seller.shopee.co.id/portal/product/1234567890', '1234567890'],
    ['https://seller.shopee.co.id/portal/product/1234567890/', '1234567890'],
    ['https://seller.shopee.co.id/portal/product/42?tab=media#images', '42'],
    ['https://seller.shopee.co.id/portal/product/edit/987', '987'],
  ])('recognises the edit page %s', (url, productId) => {
    expect(detectShopeeProductPage(new URL(url))).toEqual({ productId });
  });

  it.each([
    'https://seller.shopee.co.id/portal/product/list/all',
    'https://seller.shopee.co.id/portal/product/list/live/123',
    'https://seller.shopee.co.id/portal/product/new',
    'https://seller.shopee.co.id/portal/product/123/variations',
    'https://seller.shopee.co.id/portal/home',
    'https://seller.shopee.co.id.evil.example/portal/product/123',
    'http://seller.shopee.co.id/portal/product/123',
    'https://shopee.co.id/portal/product/123',
  ])('ignores %s', (url) => {
    expect(detectShopeeProductPage(new URL(url))).toBeUndefined();
  });
});

describe('Shopee image URLs', () => {
  it('reads the image id and canonicalises thumbnails and resized variants', () => {
    expect(parseShopeeImageUrl(`${CDN}/abc-123_tn`, PAGE)).toEqual({
      imageUrl: `${CDN}/abc-123`,
      imageId: 'abc-123',
    });
    expect(parseShopeeImageUrl(`${CDN}/abc-123@resize_w450_nl.webp`, PAGE)?.imageId).toBe('abc-123');
    expect(parseShopeeImageUrl('https://cf.shopee.co.id/file/sg-1_ab', PAGE)?.imageUrl).toBe(
      'https://cf.shopee.co.id/file/sg-1_ab',
    );
  });

  it.each([
    'https://evil.example/file/abc',
    'http://down-id.img.susercontent.com/file/abc',
    'https://down-id.img.susercontent.com:444/file/abc',
    'https://down-id.img.susercontent.com/other/abc',
    'https://down-id.img.susercontent.com/file/',
    '/file/abc',
    'data:image/png;base64,AAAA',
  ])('rejects %s', (src) => {
    expect(parseShopeeImageUrl(src, PAGE)).toBeUndefined();
  });
});

describe('Shopee listing images', () => {
  it('maps the image manager to slots in order, skipping the avatar, the upload tile and description images', () => {
    const document = dom(SANDBOX_EDIT_PAGE);
    const images = findShopeeListingImages(document, PAGE);
    expect(
      images.map(({ slot, sourceImageId, imageUrl, placement }) => ({
        slot,
        sourceImageId,
        imageUrl,
        placement,
      })),
    ).toEqual([
      {
        slot: 0,
        sourceImageId: 'id-11134207-aaa111',
        imageUrl: `${CDN}/id-11134207-aaa111`,
        placement: 'first',
      },
      {
        slot: 1,
        sourceImageId: 'id-11134207-bbb222',
        imageUrl: `${CDN}/id-11134207-bbb222`,
        placement: 'first',
      },
      {
        slot: 2,
        sourceImageId: 'id-11134207-ccc333',
        imageUrl: `${CDN}/id-11134207-ccc333`,
        placement: 'first',
      },
    ]);
    for (const image of images) {
      expect(image.anchor.classList.contains('shopee-image-manager__itemer')).toBe(true);
      expect(image.anchor.contains(image.img)).toBe(true);
    }
  });

  it('uses the item node even when Shopee renames the container classes', () => {
    const document = dom(`
      <div data-testid="image-manager">
        <div class="x1"><span><img src="${CDN}/one"></span></div>
        <div class="x1"><span><img src="${CDN}/two"></span></div>
      </div>`);
    const images = findShopeeListingImages(document, PAGE);
    expect(images.map((image) => image.sourceImageId)).toEqual(['one', 'two']);
    expect(images.map((image) => image.anchor.className)).toEqual(['x1', 'x1']);
  });

  it('falls back to the first group of CDN images in the form when no selector matches', () => {
    const document = dom(`
      <header><img src="https://cf.shopee.co.id/file/shop-avatar"></header>
      <form>
        <section class="hashed-a1"><ul class="hashed-b2">
          <li><img src="${CDN}/first"></li><li><img src="${CDN}/second"></li><li><img src="${CDN}/third"></li>
        </ul></section>
      </form>`);
    const images = findShopeeListingImages(document, PAGE);
    expect(images.map((image) => [image.slot, image.sourceImageId, image.anchor.tagName])).toEqual([
      [0, 'first', 'LI'],
      [1, 'second', 'LI'],
      [2, 'third', 'LI'],
    ]);
  });

  it('counts one slot per item even with a duplicate preview image inside it', () => {
    const document = dom(`<div class="shopee-image-manager">
      <div class="shopee-image-manager__itemer"><img src="${CDN}/one"><img class="preview" src="${CDN}/one"></div>
      ${itemer(`${CDN}/two`)}
    </div>`);
    expect(findShopeeListingImages(document, PAGE).map((image) => image.sourceImageId)).toEqual([
      'one',
      'two',
    ]);
  });

  it('finds nothing on a page without listing images', () => {
    expect(findShopeeListingImages(dom('<main><p>Loading…</p></main>'), PAGE)).toEqual([]);
  });
});

describe('widget reconciliation', () => {
  const mountedFrom = (images: ListingImage[]) =>
    images.map(({ slot, anchor, placement, sourceImageId }) => ({ slot, anchor, placement, sourceImageId }));

  it('keeps a widget while its slot node stays', () => {
    const document = dom(SANDBOX_EDIT_PAGE);
    const mounted = mountedFrom(findShopeeListingImages(document, PAGE));
    const plan = planMounts(mounted, findShopeeListingImages(document, PAGE));
    expect(plan).toMatchObject({ add: [], remove: [], move: [] });
    expect(plan.keep).toHaveLength(3);
  });

  it('moves a widget, with its state, when the page re-renders the slot node with the same image', () => {
    const document = dom(SANDBOX_EDIT_PAGE);
    const first = findShopeeListingImages(document, PAGE);
    const mounted = mountedFrom(first);
    // The page swaps slot 1's item node for a fresh one (same image), as React does on re-render.
    const fresh = document.createElement('div');
    fresh.className = 'shopee-image-manager__itemer';
    fresh.innerHTML = `<img src="${CDN}/id-11134207-bbb222_tn">`;
    first[1]?.anchor.replaceWith(fresh);

    const plan = planMounts(mounted, findShopeeListingImages(document, PAGE));
    expect(plan.move.map(({ mounted: m, image }) => [m.slot, image.anchor])).toEqual([[1, fresh]]);
    expect(plan.keep.map(({ mounted: m }) => m.slot)).toEqual([0, 2]);
    expect(plan).toMatchObject({ add: [], remove: [] });
  });

  it('replaces the widget when the slot now shows another image on a new node', () => {
    const document = dom(SANDBOX_EDIT_PAGE);
    const first = findShopeeListingImages(document, PAGE);
    const mounted = mountedFrom(first);
    const fresh = document.createElement('div');
    fresh.className = 'shopee-image-manager__itemer';
    fresh.innerHTML = `<img src="${CDN}/id-11134207-other9">`;
    first[1]?.anchor.replaceWith(fresh);

    const plan = planMounts(mounted, findShopeeListingImages(document, PAGE));
    expect(plan.remove.map((m) => m.slot)).toEqual([1]);
    expect(plan.add.map((image) => [image.slot, image.anchor])).toEqual([[1, fresh]]);
  });

  it('drops widgets whose slot disappeared', () => {
    const document = dom(SANDBOX_EDIT_PAGE);
    const images = findShopeeListingImages(document, PAGE);
    const mounted = mountedFrom(images);
    images[2]?.anchor.remove();
    const plan = planMounts(mounted, findShopeeListingImages(document, PAGE));
    expect(plan.remove.map((m) => m.slot)).toEqual([2]);
    expect(plan).toMatchObject({ add: [], move: [] });
  });

  it('never plans two widgets for one slot', () => {
    const document = dom(SANDBOX_EDIT_PAGE);
    const images = findShopeeListingImages(document, PAGE);
    const first = mountedFrom(images)[0];
    if (!first) throw new Error('fixture has no slot 0');
    const plan = planMounts([first, { ...first }], images);
    const slots = [
      ...plan.keep.map(({ mounted }) => mounted.slot),
      ...plan.move.map(({ mounted }) => mounted.slot),
      ...plan.add.map((image) => image.slot),
    ];
    expect(slots.sort()).toEqual([0, 1, 2]);
    expect(plan.remove).toHaveLength(1);
  });
});
