/**
 * The HTTPS side of the TikTok Shop sandbox: one server answering for the three seller-center hosts and the
 * two image CDN hosts, chosen by the Host header (see ../common/hosts.ts).
 */
import { Router } from '@koa/router';
import Koa from 'koa';
import sharp from 'sharp';
import { hostPattern } from '../common/hosts.js';
import { sniffImage } from '../common/images.js';
import { UPLOAD_TYPES } from './api.js';
import { sellerNotFoundPage, sellerProductListPage, sellerProductPage } from './pages.js';
import { CDN_HOSTS, IMAGE_URI_PREFIX, imageUrl, type TikTokSandboxState } from './state.js';

/** Tokopedia and TikTok Shop Indonesia share one seller center; plus the global one (shared/marketplaces.ts). */
export const SELLER_CENTER_HOSTS = {
  tokopedia: 'seller-id.tokopedia.com',
  tiktok: 'seller-id.tiktok.com',
  tiktokGlobal: 'seller.tiktokglobalshop.com',
} as const;
const SELLER_HOSTS: readonly string[] = Object.values(SELLER_CENTER_HOSTS);
/** Every hostname the https server answers for; the first (Tokopedia's seller center) names its certificate. */
export const WEB_HOSTS: readonly string[] = [...SELLER_HOSTS, ...CDN_HOSTS];

function sellerCenterRouter(state: TikTokSandboxState): Router {
  const router = new Router({ host: hostPattern(...SELLER_HOSTS) });
  router.get('/', (ctx) => ctx.redirect('/product/manage'));
  router.get('/favicon.ico', (ctx) => {
    ctx.status = 204; // keeps browser consoles free of 404 noise in e2e runs
  });
  router.get('/product/manage', (ctx) => {
    ctx.type = 'html';
    const products = [...state.products.keys()].flatMap((id) => state.product(id) ?? []);
    ctx.body = sellerProductListPage(products, imageUrl);
  });
  router.get('/product/edit/:productId', (ctx, next) => {
    if (!/^\d{1,20}$/.test(ctx.params.productId ?? '')) return next();
    ctx.type = 'html';
    ctx.body = sellerProductPage();
  });
  // The page's own data endpoint (same origin, like the real seller center's XHRs).
  router.get('/api/v1/product/get', (ctx) => {
    const raw = typeof ctx.query.product_id === 'string' ? ctx.query.product_id : '';
    const product = /^\d{1,20}$/.test(raw) ? state.product(raw) : undefined;
    ctx.set('cache-control', 'no-store');
    if (!product) {
      ctx.status = 404;
      ctx.body = { code: 12019150, message: 'The product ID does not exist.', data: null };
      return;
    }
    // "Next product" cycles through the shop's products in seed order.
    const ids = [...state.products.values()].filter((p) => p.shopId === product.shopId).map((p) => p.id);
    const next = ids[(ids.indexOf(product.id) + 1) % ids.length];
    ctx.body = {
      code: 0,
      message: 'success',
      data: {
        product_id: product.id,
        title: product.title,
        main_images: product.mainImageUris.map((uri) => ({ uri, url: imageUrl(uri) })),
        listing_platforms: [...product.listingPlatforms],
        deactivated_platforms: [...product.deactivatedPlatforms],
        audit_status: product.audit?.status ?? null,
        next_product_id: next !== product.id ? next : null,
      },
    };
  });
  return router;
}

/** `/<uri>~tplv-aphluv4xwc-origin-jpeg.jpeg` (full size) or `…~tplv-aphluv4xwc-resize-jpeg:W:H.jpeg`. */
const CDN_PATH = new RegExp(
  `^/(${IMAGE_URI_PREFIX}/[0-9a-z]+)~tplv-aphluv4xwc-(?:origin-jpeg|resize-jpeg:(\\d{1,4}):(\\d{1,4}))\\.jpeg$`,
);

function cdn(state: TikTokSandboxState): Koa.Middleware {
  return async (ctx, next) => {
    if (!(CDN_HOSTS as readonly string[]).includes(ctx.hostname)) return next();
    ctx.set('access-control-allow-origin', '*');
    const match = ctx.method === 'GET' || ctx.method === 'HEAD' ? CDN_PATH.exec(ctx.path) : null;
    const image = match ? state.images.get(match[1] ?? '') : undefined;
    if (!match || !image) {
      ctx.status = 404;
      ctx.body = 'Not Found';
      return;
    }
    // An image uri is never reused for other bytes: its URLs never change.
    ctx.set('cache-control', 'public, max-age=31536000, immutable');
    if (match[2] && match[3]) {
      const width = Math.min(Math.max(Number(match[2]), 1), 2000);
      const height = Math.min(Math.max(Number(match[3]), 1), 2000);
      ctx.type = 'image/jpeg';
      ctx.body = await sharp(image.bytes).resize(width, height, { fit: 'inside' }).jpeg().toBuffer();
      return;
    }
    // Served as stored, typed by its bytes (a PNG upload stays a PNG despite the `.jpeg` suffix).
    ctx.type = sniffImage(image.bytes, UPLOAD_TYPES) ?? image.contentType;
    ctx.body = image.bytes;
  };
}

export function createTikTokWebApp(state: TikTokSandboxState): Koa {
  const app = new Koa();
  app.use(cdn(state));
  app.use(sellerCenterRouter(state).routes());
  app.use((ctx) => {
    // Nothing matched. ctx.hostname is the Host header without its port.
    if (SELLER_HOSTS.includes(ctx.hostname)) {
      ctx.status = 404;
      ctx.type = 'html';
      ctx.body = sellerNotFoundPage();
    } else {
      ctx.status = 421; // Misdirected Request: this server only answers for the sandbox hostnames
      ctx.body = 'Unknown host';
    }
  });
  return app;
}
