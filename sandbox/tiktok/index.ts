/**
 * The TikTok Shop sandbox: a faithful local stand-in for the TikTok Shop Partner API, its token endpoints and
 * seller authorization page (one http server), and the Indonesian seller centers (Tokopedia, TikTok Shop)
 * plus the image CDN (one https server, by Host). The product reaches it through its production TikTokClient
 * with only the base URLs changed.
 */
import type { Logger } from 'pino';
import { makeSandboxCertificate } from '../common/hosts.js';
import { makeSandboxProductPhoto, type ProductShape, seededRandom } from '../common/photos.js';
import { type SandboxListenOptions, startSandboxServers } from '../common/servers.js';
import { createTikTokApiApp, type RequestLogEntry, type TikTokSandboxFault } from './api.js';
import {
  ALL_SCOPES,
  CDN_HOSTS,
  IMAGE_URI_PREFIX,
  type ListingPlatform,
  TikTokSandboxState,
} from './state.js';
import { createTikTokWebApp, SELLER_CENTER_HOSTS, WEB_HOSTS } from './web.js';

export type { RequestLogEntry, TikTokSandboxFault } from './api.js';

/** `apiPort`'s server also answers the token endpoints. */
export interface TikTokSandboxOptions extends SandboxListenOptions {
  appKey: string;
  appSecret: string;
  serviceId: string;
  /** Partner Center's fixed redirect URL, where the authorize page sends the seller with ?code&state. */
  redirectUrl: string;
  /** @defaultValue 7 days (the access token's default lifetime, official Node SDK `token.ts`) */
  accessTokenTtlSeconds?: number;
  /** @defaultValue 1 year */
  refreshTokenTtlSeconds?: number;
  /** Scopes the seller grants. @defaultValue every scope the sandbox checks */
  scopes?: readonly string[];
  /**
   * An edit stays `AUDITING` this long, then the sandbox approves it (evaluated on every read, so no timers).
   * @defaultValue 2000
   */
  auditApprovalMs?: number;
  /** Seeds the listing photos, image uris and the shop cipher. @defaultValue 1 */
  seed?: number;
  /** Clock in epoch ms, for tests that move time (token, timestamp and review expiry). @defaultValue Date.now */
  now?: () => number;
  logger?: Logger;
}

export interface TikTokSandbox {
  /**
   * http://127.0.0.1:<port>: serves the API paths, the token paths (/api/v2/token/*) and the authorize page
   * (/open/authorize) — use it as apiBaseUrl, authBaseUrl and servicesBaseUrl alike.
   */
  baseUrl: string;
  /** One https server serving every seller-center and CDN host, chosen by the Host header. */
  httpsPort: number;
  /** For Chromium --host-resolver-rules: the three seller-center hosts and the CDN hosts → the https port. */
  hostResolverRules: string;
  sellerCenters: {
    tokopedia: 'https://seller-id.tokopedia.com';
    tiktok: 'https://seller-id.tiktok.com';
    tiktokGlobal: 'https://seller.tiktokglobalshop.com';
  };
  cdnOrigins: readonly string[];
  shops: Array<{
    id: string;
    name: string;
    cipher: string;
    region: string;
    products: Array<{ id: string; title: string }>;
  }>;
  /** Test/inspection access to the state (not part of TikTok's wire protocol). */
  getProduct(id: string):
    | {
        id: string;
        title: string;
        mainImageUris: string[];
        listingPlatforms: string[];
        /** Platforms an edit left out, where the product was deactivated. */
        deactivatedPlatforms: string[];
        auditStatus: string | null;
      }
    | undefined;
  setRedirectUrl(url: string): void;
  /** Access tokens expire now (refresh still works). */
  expireAccessTokens(): void;
  /** All codes and tokens of the seller owning the shop become invalid (refresh refused). */
  revokeShop(shopId: string): void;
  /** Make the next matching API calls fail (429 with Retry-After, 5xx, delays, lost responses). */
  injectFault(fault: TikTokSandboxFault): void;
  /** Every API call and its outcome. */
  requestLog: RequestLogEntry[];
  close(): Promise<void>;
}

/**
 * Sandbox-only credentials no real TikTok Shop app accepts, for the local demo and callers that don't care.
 * The redirect URL is the local server's callback (what Partner Center would have registered).
 */
export const TIKTOK_SANDBOX_DEFAULTS = {
  appKey: 'sandboxappkey',
  appSecret: 'sandbox-only-app-secret-not-a-real-tiktok-secret',
  serviceId: '7000000000000000001',
  redirectUrl: 'http://127.0.0.1:8787/v1/connections/tiktok/callback',
} as const;

export const SANDBOX_SELLER = {
  openId: '7494016799990000001',
  name: 'Toko Kopi Sandbox',
  region: 'ID',
} as const;
export const SANDBOX_SHOP_ID = '7494016700000000001';

const SEED_PRODUCTS: Array<{
  id: string;
  title: string;
  shape: ProductShape;
  images: number;
  platforms: ListingPlatform[];
}> = [
  {
    id: '1731562890123456701',
    title: 'Kopi Arabika Gayo 250 gr Biji Sangrai Medium Roast',
    shape: 'box',
    images: 4,
    platforms: ['TIKTOK_SHOP', 'TOKOPEDIA'],
  },
  {
    id: '1731562890123456702',
    title: 'Mug Keramik Motif Batik Kawung 350 ml',
    shape: 'mug',
    images: 3,
    platforms: ['TIKTOK_SHOP', 'TOKOPEDIA'],
  },
  {
    id: '1731562890123456703',
    title: 'Botol Cold Brew Kopi Susu Gula Aren 1 Liter',
    shape: 'bottle',
    images: 5,
    platforms: ['TIKTOK_SHOP'],
  },
];

export async function startTikTokSandbox(options: TikTokSandboxOptions): Promise<TikTokSandbox> {
  for (const key of ['appKey', 'appSecret', 'serviceId', 'redirectUrl'] as const) {
    if (!options[key]) throw new TypeError(`TikTok sandbox: ${key} is empty`);
  }
  let redirectUrl = new URL(options.redirectUrl).toString();
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now;
  const state = new TikTokSandboxState({
    now,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 7 * 24 * 3600,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 365 * 24 * 3600,
    scopes: options.scopes ?? ALL_SCOPES,
    auditApprovalMs: options.auditApprovalMs ?? 2000,
  });

  const rnd = seededRandom(seed ^ 0x7151);
  const chars = (alphabet: string, length: number): string =>
    Array.from({ length }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  const base64ish = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  state.addSeller({ ...SANDBOX_SELLER, shopIds: [SANDBOX_SHOP_ID] });
  state.addShop({
    id: SANDBOX_SHOP_ID,
    name: SANDBOX_SELLER.name,
    region: 'ID',
    // Shaped like the documented `ROW_xkMbgAAAeVAQra0eZWebFQq5aIKt` (tiktok_shop_rb_api signer test).
    cipher: `ROW_${chars(base64ish, 28)}`,
    code: `IDLC${chars('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 8)}`,
  });
  const plan = SEED_PRODUCTS.map((product) => ({
    ...product,
    uris: Array.from(
      { length: product.images },
      () => `${IMAGE_URI_PREFIX}/${chars('0123456789abcdef', 32)}`,
    ),
  }));

  const [tls, photos] = await Promise.all([
    makeSandboxCertificate(WEB_HOSTS),
    Promise.all(
      plan.flatMap((product, i) =>
        product.uris.map((uri, j) =>
          // Offset from the Shopee sandbox's seeds so the two shops don't show the same photos.
          makeSandboxProductPhoto({ seed: seed * 1000 + 500 + i * 10 + j, shape: product.shape }).then(
            (bytes) => ({ uri, bytes }),
          ),
        ),
      ),
    ),
  ]);
  for (const photo of photos) {
    state.addImage({
      uri: photo.uri,
      bytes: photo.bytes,
      contentType: 'image/jpeg',
      width: 800,
      height: 800,
    });
  }
  const created = now();
  for (const product of plan) {
    state.addProduct({
      id: product.id,
      shopId: SANDBOX_SHOP_ID,
      title: product.title,
      mainImageUris: product.uris,
      listingPlatforms: product.platforms,
      deactivatedPlatforms: [],
      audit: null,
      createTime: created,
      updateTime: created,
    });
  }

  const requestLog: RequestLogEntry[] = [];
  const faults: TikTokSandboxFault[] = [];
  const apiApp = createTikTokApiApp({
    state,
    appKey: options.appKey,
    appSecret: options.appSecret,
    serviceId: options.serviceId,
    redirectUrl: () => redirectUrl,
    requestLog,
    faults,
    logger: options.logger,
  });
  const webApp = createTikTokWebApp(state);
  const servers = await startSandboxServers({ api: apiApp, web: webApp, tls }, options);

  return {
    baseUrl: servers.apiBaseUrl,
    httpsPort: servers.httpsPort,
    hostResolverRules: servers.hostResolverRules(WEB_HOSTS),
    sellerCenters: {
      tokopedia: `https://${SELLER_CENTER_HOSTS.tokopedia}`,
      tiktok: `https://${SELLER_CENTER_HOSTS.tiktok}`,
      tiktokGlobal: `https://${SELLER_CENTER_HOSTS.tiktokGlobal}`,
    },
    cdnOrigins: CDN_HOSTS.map((name) => `https://${name}`),
    get shops() {
      return [...state.shops.values()].map((shop) => ({
        id: shop.id,
        name: shop.name,
        cipher: shop.cipher,
        region: shop.region,
        products: [...state.products.values()]
          .filter((product) => product.shopId === shop.id)
          .map((product) => ({ id: product.id, title: product.title })),
      }));
    },
    getProduct(id) {
      const product = state.product(id);
      return (
        product && {
          id: product.id,
          title: product.title,
          mainImageUris: [...product.mainImageUris],
          listingPlatforms: [...product.listingPlatforms],
          deactivatedPlatforms: [...product.deactivatedPlatforms],
          auditStatus: product.audit?.status ?? null,
        }
      );
    },
    setRedirectUrl(url) {
      redirectUrl = new URL(url).toString();
    },
    expireAccessTokens: () => state.expireAccessTokens(),
    revokeShop: (shopId) => state.revokeShop(shopId),
    injectFault(fault) {
      faults.push({ ...fault });
    },
    requestLog,
    close: servers.close,
  };
}
