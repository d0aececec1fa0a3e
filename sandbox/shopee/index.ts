/**
 * The Shopee sandbox: a faithful local stand-in for the Shopee Open Platform v2 API (http), the Indonesian
 * seller center and the image CDN (one https server, by Host). The product reaches it through its
 * production ShopeeClient with only the base URL changed (SPEC.md §5).
 */
import type { Logger } from 'pino';
import { makeSandboxCertificate } from '../common/hosts.js';
import { makeSandboxProductPhoto, type ProductShape, seededRandom } from '../common/photos.js';
import { type SandboxListenOptions, startSandboxServers } from '../common/servers.js';
import { createShopeeApiApp, type RequestLogEntry, type ShopeeSandboxFault } from './api.js';
import { ShopeeSandboxState } from './state.js';
import { CDN_HOST, createShopeeWebApp, SELLER_CENTER_HOST, WEB_HOSTS } from './web.js';

export type { RequestLogEntry, ShopeeSandboxFault } from './api.js';

export interface ShopeeSandboxOptions extends SandboxListenOptions {
  partnerId: number;
  partnerKey: string;
  /** @defaultValue 14400 (4 h, marketplaces.md "Refresh") */
  accessTokenTtlSeconds?: number;
  /** @defaultValue 30 days (marketplaces.md "Refresh") */
  refreshTokenTtlSeconds?: number;
  /** Seeds the listing photos and their ids. @defaultValue 1 */
  seed?: number;
  /** Clock in epoch ms, for tests that move time (token and timestamp expiry). @defaultValue Date.now */
  now?: () => number;
  logger?: Logger;
}

export interface ShopeeSandbox {
  /** http://127.0.0.1:<apiPort> — the Open Platform API and the authorization page. */
  apiBaseUrl: string;
  /** One https server serving both hosts below, chosen by the Host header. */
  httpsPort: number;
  sellerCenterOrigin: 'https://seller.shopee.co.id';
  cdnOrigin: 'https://down-id.img.susercontent.com';
  /** For Chromium's --host-resolver-rules. */
  hostResolverRules: string;
  shops: Array<{ shopId: number; name: string; items: Array<{ itemId: number; name: string }> }>;
  /** Test/inspection access to the state (not part of the Shopee wire protocol). */
  getItem(itemId: number): { itemId: number; imageIds: string[]; promotionLocked: boolean } | undefined;
  setPromotionLocked(itemId: number, locked: boolean): void;
  /** All tokens (and pending codes) of the shop become invalid, as when a seller cancels the authorization. */
  revokeShop(shopId: number): void;
  /** Access tokens expire now (refresh still works). */
  expireAccessTokens(shopId: number): void;
  /** Every API call and its error ('' = ok). */
  requestLog: RequestLogEntry[];
  /** Make the next matching API calls fail (429, 5xx, delays, lost responses). */
  injectFault(fault: ShopeeSandboxFault): void;
  close(): Promise<void>;
}

export const SANDBOX_SHOP = { shopId: 220001, name: 'Toko Batik Sandbox' } as const;

const SEED_ITEMS: Array<{ itemId: number; name: string; shape: ProductShape; images: number }> = [
  { itemId: 25118000101, name: 'Kemeja Batik Pria Lengan Panjang Motif Parang', shape: 'shirt', images: 4 },
  { itemId: 25118000102, name: 'Tas Anyaman Rotan Bali Tote Bag', shape: 'bag', images: 3 },
  { itemId: 25118000103, name: 'Botol Minum Stainless 750ml Motif Kawung', shape: 'bottle', images: 5 },
];

export async function startShopeeSandbox(options: ShopeeSandboxOptions): Promise<ShopeeSandbox> {
  const seed = options.seed ?? 1;
  const state = new ShopeeSandboxState({
    now: options.now ?? Date.now,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 14_400,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 30 * 24 * 3600,
  });
  state.addShop({ ...SANDBOX_SHOP });

  const rnd = seededRandom(seed);
  const imageId = (): string =>
    `id-11134207-7r98o-${Array.from({ length: 14 }, () => Math.floor(rnd() * 36).toString(36)).join('')}`;
  const plan = SEED_ITEMS.map((item) => ({
    ...item,
    imageIds: Array.from({ length: item.images }, imageId),
  }));

  const [tls, photos] = await Promise.all([
    makeSandboxCertificate(WEB_HOSTS),
    Promise.all(
      plan.flatMap((item, i) =>
        item.imageIds.map((id, j) =>
          makeSandboxProductPhoto({ seed: seed * 1000 + i * 10 + j, shape: item.shape }).then((bytes) => ({
            id,
            bytes,
          })),
        ),
      ),
    ),
  ]);
  for (const photo of photos)
    state.addImage({ imageId: photo.id, bytes: photo.bytes, contentType: 'image/jpeg' });
  for (const item of plan) {
    state.addItem({
      itemId: item.itemId,
      shopId: SANDBOX_SHOP.shopId,
      name: item.name,
      imageIds: item.imageIds,
      promotionLocked: false,
    });
  }

  const requestLog: RequestLogEntry[] = [];
  const faults: ShopeeSandboxFault[] = [];
  const apiApp = createShopeeApiApp({
    state,
    partnerId: options.partnerId,
    partnerKey: options.partnerKey,
    requestLog,
    faults,
    logger: options.logger,
  });
  const webApp = createShopeeWebApp(state);
  const servers = await startSandboxServers({ api: apiApp, web: webApp, tls }, options);

  return {
    apiBaseUrl: servers.apiBaseUrl,
    httpsPort: servers.httpsPort,
    sellerCenterOrigin: `https://${SELLER_CENTER_HOST}`,
    cdnOrigin: `https://${CDN_HOST}`,
    hostResolverRules: servers.hostResolverRules(WEB_HOSTS),
    // A getter so names changed through update_item show up.
    get shops() {
      return [...state.shops.values()].map((shop) => ({
        shopId: shop.shopId,
        name: shop.name,
        items: [...state.items.values()]
          .filter((item) => item.shopId === shop.shopId)
          .map((item) => ({ itemId: item.itemId, name: item.name })),
      }));
    },
    getItem(itemId) {
      const item = state.items.get(itemId);
      return (
        item && { itemId: item.itemId, imageIds: [...item.imageIds], promotionLocked: item.promotionLocked }
      );
    },
    setPromotionLocked(itemId, locked) {
      const item = state.items.get(itemId);
      if (!item) throw new Error(`No sandbox item ${itemId}`);
      item.promotionLocked = locked;
    },
    revokeShop: (shopId) => state.revokeShop(shopId),
    expireAccessTokens: (shopId) => state.expireAccessTokens(shopId),
    requestLog,
    injectFault(fault) {
      faults.push({ ...fault });
    },
    close: servers.close,
  };
}
