import { describe, expect, it } from 'vitest';
import { BUCKET, dom, editPage } from '../tiktok/test-fixtures';
import { detectTokopediaProductPage, TOKOPEDIA_CONTENT_MATCHES } from './detect';
import { findTokopediaListingImages } from './images';

const PAGE = 'https://seller-id.tokopedia.com/product/edit/1729384756123456789';

describe('Tokopedia page detection', () => {
  it('runs on the product section of the Tokopedia seller center', () => {
    expect(TOKOPEDIA_CONTENT_MATCHES).toEqual(['https://seller-id.tokopedia.com/product/*']);
  });

  it.each([
    ['https://seller-id.tokopedia.com/product/edit/1729384756123456789', '1729384756123456789'],
    ['https://seller-id.tokopedia.com/product/edit/7/', '7'],
  ])('recognises the edit page %s', (url, productId) => {
    expect(detectTokopediaProductPage(new URL(url))).toEqual({ productId });
  });

  it.each([
    'https://seller-id.tokopedia.com/product/manage',
    'https://seller-id.tokopedia.com/product/add',
    'https://seller-id.tokopedia.com/product/edit/',
    'https://seller-id.tokopedia.com/product/edit/12a',
    'https://seller-id.tiktok.com/product/edit/7',
    'https://tokopedia.com/product/edit/7',
    'http://seller-id.tokopedia.com/product/edit/7',
  ])('ignores %s', (url) => {
    expect(detectTokopediaProductPage(new URL(url))).toBeUndefined();
  });
});

describe('Tokopedia listing images', () => {
  it('maps the main images (TikTok Shop CDN, image uri as id) to slots in order', () => {
    const images = findTokopediaListingImages(dom(editPage(['aaa', 'bbb', 'ccc', 'ddd'])), PAGE);
    expect(images.map((image) => [image.slot, image.sourceImageId])).toEqual([
      [0, `${BUCKET}/aaa`],
      [1, `${BUCKET}/bbb`],
      [2, `${BUCKET}/ccc`],
      [3, `${BUCKET}/ddd`],
    ]);
    expect(images.every((image) => image.anchor.classList.contains('core-upload-list-item'))).toBe(true);
  });

  it('ignores images that are not on the TikTok Shop CDN', () => {
    const document = dom(`<div data-tid="product-main-images"><div class="core-upload-list">
      <div class="core-upload-list-item"><img src="https://images.tokopedia.net/img/cache/700/abc.jpg"></div>
    </div></div>`);
    expect(findTokopediaListingImages(document, PAGE)).toEqual([]);
  });
});
