/**
 * The HTTPS side of the TikTok Shop sandbox: one server answering for the three seller-center hosts and the
 * two image CDN hosts, chosen by the Host header, so Chromium reaches the real hostnames through
 * --host-resolver-rules and content scripts run with their real `matches`.
 */
import { Router } from '@koa/router';
import Koa from 'koa';
import { generate } from 'selfsigned';
import sharp from 'sharp';
import { sniffImage } from './api.js';
import { sellerNotFoundPage, sellerProductListPage, sellerProductPage } from './pages.js';
import { CDN_HOSTS, IMAGE_URI_PREFIX, imageUrl, type TikTokSandboxState } from './state.js';

/** Tokopedia and TikTok Shop Indonesia share one seller center; plus the global one (shared/marketplaces.ts). */
export const SELLER_CENTER_HOSTS = {
  tokopedia: 'seller-id.tokopedia.com',
  tiktok: 'seller-id.tiktok.com',
  tiktokGlobal: 'seller.tiktokglobalshop.com',
} as const;
const SELLER_HOSTS: readonly string[] = Object.values(SELLER_CENTER_HOSTS);
export const WEB_HOSTS: readonly string[] = [...SELLER_HOSTS, ...CDN_HOSTS];

/** A certificate for every hostname (plus 127.0.0.1), made at start: nothing secret is committed. */
export async function makeSandboxCertificate(): Promise<{ key: string; cert: string }> {
  const notBeforeDate = new Date(Date.now() - 24 * 3600_000); // tolerate a slightly wrong clock
  const notAfterDate = new Date(Date.now() + 30 * 24 * 3600_000);
  const pems = await generate([{ name: 'commonName', value: SELLER_CENTER_HOSTS.tokopedia }], {
    keyType: 'ec', // P-256: generated in milliseconds, unlike a 2048-bit RSA key
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...WEB_HOSTS.map((value) => ({ type: 2 as const, value })),
          { type: 7 as const, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Host header match for any of the hostnames, with or without a port. */
const hostPattern = (hostnames: readonly string[]): RegExp =>
  new RegExp(`^(${hostnames.map((h) => h.replaceAll('.', '\\.')).join('|')})(:\\d+)?$`, 'i');

function sellerCenterRouter(state: TikTokSandboxState): Router {
  const router = new Router({ host: hostPattern(SELLER_HOSTS) });
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
    ctx.type = sniffImage(image.bytes) ?? image.contentType;
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
