/**
 * HTML fixtures of the TikTok Shop seller center's product edit form, which Tokopedia shares since the
 * merger (never imported by product code).
 */
import { parseHTML } from 'linkedom';

export const BUCKET = 'tos-alisg-i-aphluv4xwc-sg';

/** A full-size CDN URL of an image id, as the edit form shows it. */
export const origin = (id: string, host = 'p16-oec-sg.ibyteimg.com'): string =>
  `https://${host}/${BUCKET}/${id}~tplv-aphluv4xwc-origin-jpeg.jpeg`;

export function dom(body: string): Document {
  // linkedom's Document implements the parts of the DOM the adapters use.
  return parseHTML(`<!doctype html><html><body>${body}</body></html>`).document as unknown as Document;
}

const item = (src: string) =>
  `<div class="core-upload-list-item core-upload-list-item-done"><div class="core-upload-list-item-picture"><img src="${src}"></div></div>`;

/** The seller center's product edit form (Arco, hashed module classes), with page furniture around it. */
export function editPage(ids: string[]): string {
  return `
  <header class="core-layout-header"><img class="header__avatar--x1Y2z" src="${origin('shop-avatar')}"></header>
  <main class="core-layout-content"><div class="core-card productEdit__card--1aB2c"><div class="core-card-body">
    <div class="core-form-item"><div class="core-upload core-upload-type-picture-card" data-tid="product-main-images">
      <div class="core-upload-list core-upload-list-type-picture-card">
        ${ids.map((id) => item(origin(id))).join('\n')}
        <div class="core-upload-trigger core-upload-trigger-picture"><span>+</span></div>
      </div>
    </div></div>
    <div class="core-form-item"><div class="core-upload core-upload-type-picture-card" data-tid="product-description-images">
      <div class="core-upload-list core-upload-list-type-picture-card">${item(origin('description-1'))}</div>
    </div></div>
  </div></div></main>`;
}
