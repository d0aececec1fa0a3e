/**
 * The HTTPS side of the sandbox: one server answering for the seller center and the image CDN, chosen by
 * the Host header (see ../common/hosts.ts).
 */
import { Router } from '@koa/router';
import Koa from 'koa';
import { hostPattern } from '../common/hosts.js';
import { sellerNotFoundPage, sellerProductListPage, sellerProductPage } from './pages.js';
import { imageUrl, type ShopeeSandboxState } from './state.js';

export const SELLER_CENTER_HOST = 'seller.shopee.co.id';
export const CDN_HOST = 'down-id.img.susercontent.com';
/** Every hostname the https server answers for; the first names its certificate. */
export const WEB_HOSTS: readonly string[] = [SELLER_CENTER_HOST, CDN_HOST];

function sellerCenterRouter(state: ShopeeSandboxState): Router {
  const router = new Router({ host: hostPattern(SELLER_CENTER_HOST) });
  router.get('/', (ctx) => ctx.redirect('/portal/product/list/all'));
  router.get('/favicon.ico', (ctx) => {
    ctx.status = 204; // keeps browser consoles free of 404 noise in e2e runs
  });
  router.get('/portal/product/list/all', (ctx) => {
    ctx.type = 'html';
    ctx.body = sellerProductListPage([...state.items.values()], imageUrl);
  });
  router.get('/portal/product/:itemId', (ctx, next) => {
    if (!/^\d{1,19}$/.test(ctx.params.itemId ?? '')) return next();
    ctx.type = 'html';
    ctx.body = sellerProductPage();
  });
  // The page's own data endpoint (same origin, like the real seller center's XHRs).
  router.get('/api/v3/product/get_product_info', (ctx) => {
    const raw = typeof ctx.query.product_id === 'string' ? ctx.query.product_id : '';
    const item = /^\d{1,19}$/.test(raw) ? state.items.get(Number(raw)) : undefined;
    ctx.set('cache-control', 'no-store');
    if (!item) {
      ctx.status = 404;
      ctx.body = { code: 404, message: 'product not found', data: null };
      return;
    }
    ctx.body = {
      code: 0,
      message: 'success',
      data: {
        product_id: item.itemId,
        name: item.name,
        status: item.promotionLocked ? 'promotion' : 'normal',
        images: item.imageIds.map((id) => ({ image_id: id, url: imageUrl(id) })),
      },
    };
  });
  return router;
}

function cdnRouter(state: ShopeeSandboxState): Router {
  const router = new Router({ host: hostPattern(CDN_HOST) });
  router.get('/file/:imageId', (ctx, next) => {
    const image = state.images.get(ctx.params.imageId ?? '');
    if (!image) return next();
    ctx.set('access-control-allow-origin', '*');
    // Image ids are content-addressed at Shopee: a given URL never changes.
    ctx.set('cache-control', 'public, max-age=31536000, immutable');
    ctx.type = image.contentType;
    ctx.body = image.bytes;
  });
  return router;
}

export function createShopeeWebApp(state: ShopeeSandboxState): Koa {
  const app = new Koa();
  app.use(sellerCenterRouter(state).routes());
  app.use(cdnRouter(state).routes());
  app.use((ctx) => {
    // Nothing matched. ctx.hostname is the Host header without its port.
    if (ctx.hostname === SELLER_CENTER_HOST) {
      ctx.status = 404;
      ctx.type = 'html';
      ctx.body = sellerNotFoundPage();
    } else if (ctx.hostname === CDN_HOST) {
      ctx.status = 404;
      ctx.set('access-control-allow-origin', '*');
      ctx.body = 'Not Found';
    } else {
      ctx.status = 421; // Misdirected Request: this server only answers for the two sandbox hostnames
      ctx.body = 'Unknown host';
    }
  });
  return app;
}
