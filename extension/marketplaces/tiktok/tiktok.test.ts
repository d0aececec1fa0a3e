import { describe, expect, it } from 'vitest';
import { detectTikTokProductPage, TIKTOK_CONTENT_MATCHES } from './detect';
import { findTikTokListingImages, parseTikTokImageUrl } from './images';
import { BUCKET, dom, editPage, origin } from './test-fixtures';

const PAGE = 'https://seller-id.tiktok.com/product/edit/1729384756123456789';

describe('TikTok Shop page detection', () => {
  it('runs on the product section of both TikTok Shop seller centers', () => {
    expect(TIKTOK_CONTENT_MATCHES).toEqual([
      'https://seller-id.tiktok.com/product/*',
      'https://seller.tiktokglobalshop.com/product/*',
    ]);
  });

  it.each([
    ['https://seller-id.tiktok.com/product/edit/1729384756123456789', '1729384756123456789'],
    ['https://seller.tiktokglobalshop.com/product/edit/42', '42'],
    ['https://seller-id.tiktok.com/product/edit/42/?lang=id#images', '42'],
  ])('recognises the edit page %s', (url, productId) => {
    expect(detectTikTokProductPage(new URL(url))).toEqual({ productId });
  });

  it.each([
    'https://seller-id.tiktok.com/product/manage',
    'https://seller-id.tiktok.com/product/add',
    'https://seller-id.tiktok.com/product/edit/abc',
    'https://seller-id.tiktok.com/product/edit/42/sku',
    'https://seller-id.tiktok.com/homepage',
    // Tokopedia's host belongs to the Tokopedia script.
    'https://seller-id.tokopedia.com/product/edit/42',
    'https://seller-id.tiktok.com.evil.example/product/edit/42',
    'http://seller-id.tiktok.com/product/edit/42',
  ])('ignores %s', (url) => {
    expect(detectTikTokProductPage(new URL(url))).toBeUndefined();
  });
});

describe('TikTok Shop image URLs', () => {
  it('reads the uri: the path without the leading slash and the ~tplv suffix', () => {
    expect(parseTikTokImageUrl(origin('abc123'), PAGE)).toEqual({
      imageUrl: origin('abc123'),
      imageId: `${BUCKET}/abc123`,
    });
    expect(parseTikTokImageUrl(origin('abc123', 'p19-oec-sg.ibyteimg.com'), PAGE)?.imageId).toBe(
      `${BUCKET}/abc123`,
    );
  });

  it('downloads the full-size variant of a thumbnail', () => {
    const thumb = `https://p16-oec-sg.ibyteimg.com/${BUCKET}/abc123~tplv-aphluv4xwc-resize-jpeg:300:300.jpeg`;
    expect(parseTikTokImageUrl(thumb, PAGE)).toEqual({
      imageUrl: origin('abc123'),
      imageId: `${BUCKET}/abc123`,
    });
  });

  it('keeps a URL with a query string as it is (a signature covers the exact variant)', () => {
    const signed = `https://p16-oec-sg.ibyteimg.com/${BUCKET}/abc123~tplv-aphluv4xwc-resize-jpeg:300:300.jpeg?x-expires=1&x-signature=abc`;
    expect(parseTikTokImageUrl(signed, PAGE)).toEqual({ imageUrl: signed, imageId: `${BUCKET}/abc123` });
  });

  it.each([
    'https://evil.example/tos-alisg-i-aphluv4xwc-sg/abc~tplv-aphluv4xwc-origin-jpeg.jpeg',
    'http://p16-oec-sg.ibyteimg.com/tos-alisg-i-aphluv4xwc-sg/abc~tplv-aphluv4xwc-origin-jpeg.jpeg',
    'https://p16-oec-sg.ibyteimg.com:8443/tos-alisg-i-aphluv4xwc-sg/abc~tplv-aphluv4xwc-origin-jpeg.jpeg',
    'https://p16-oec-sg.ibyteimg.com/abc~tplv-aphluv4xwc-origin-jpeg.jpeg',
    'https://p16-oec-sg.ibyteimg.com/',
    'https://down-id.img.susercontent.com/file/abc',
    '/tos-alisg-i-aphluv4xwc-sg/abc~tplv-aphluv4xwc-origin-jpeg.jpeg',
    'data:image/png;base64,AAAA',
  ])('rejects %s', (src) => {
    expect(parseTikTokImageUrl(src, PAGE)).toBeUndefined();
  });
});

describe('TikTok Shop listing images', () => {
  it('maps the main images to slots in order, skipping the avatar, the upload tile and description images', () => {
    const images = findTikTokListingImages(dom(editPage(['aaa111', 'bbb222', 'ccc333'])), PAGE);
    expect(
      images.map(({ slot, sourceImageId, imageUrl, placement }) => ({
        slot,
        sourceImageId,
        imageUrl,
        placement,
      })),
    ).toEqual([
      { slot: 0, sourceImageId: `${BUCKET}/aaa111`, imageUrl: origin('aaa111'), placement: 'first' },
      { slot: 1, sourceImageId: `${BUCKET}/bbb222`, imageUrl: origin('bbb222'), placement: 'first' },
      { slot: 2, sourceImageId: `${BUCKET}/ccc333`, imageUrl: origin('ccc333'), placement: 'first' },
    ]);
    for (const image of images) {
      expect(image.anchor.classList.contains('core-upload-list-item')).toBe(true);
      expect(image.anchor.contains(image.img)).toBe(true);
    }
  });

  it('takes the first picture-card upload when the main-images test id is gone', () => {
    const html = editPage(['one', 'two']).replace(' data-tid="product-main-images"', '');
    expect(findTikTokListingImages(dom(html), PAGE).map((image) => image.sourceImageId)).toEqual([
      `${BUCKET}/one`,
      `${BUCKET}/two`,
    ]);
  });

  it('falls back to the first group of CDN images in the content area when no Arco class is left', () => {
    const document = dom(`
      <header><img src="${origin('shop-avatar')}"></header>
      <main><section class="x9Kq"><ul class="y2Lp">
        <li><img src="${origin('first')}"></li><li><img src="${origin('second')}"></li>
      </ul></section></main>`);
    expect(
      findTikTokListingImages(document, PAGE).map((image) => [
        image.slot,
        image.sourceImageId,
        image.anchor.tagName,
      ]),
    ).toEqual([
      [0, `${BUCKET}/first`, 'LI'],
      [1, `${BUCKET}/second`, 'LI'],
    ]);
  });

  it('never takes the description images for slots while the main-images field is empty', () => {
    expect(findTikTokListingImages(dom(editPage([])), PAGE)).toEqual([]);
    const withoutTestId = editPage([]).replace(' data-tid="product-main-images"', '');
    expect(findTikTokListingImages(dom(withoutTestId), PAGE)).toEqual([]);
  });

  it('finds nothing on the product list or a loading page', () => {
    expect(findTikTokListingImages(dom('<main><p>Memuat… / Loading…</p></main>'), PAGE)).toEqual([]);
  });
});
