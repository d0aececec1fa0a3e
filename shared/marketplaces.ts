/**
 * Marketplace facts used by both the extension and the server: which seller-center origins we run on and
 * which image CDNs hold listing images. Sources: ../shared/reference/marketplaces.md.
 */
export const MARKETPLACES = ['shopee', 'tokopedia', 'tiktok'] as const;
export type Marketplace = (typeof MARKETPLACES)[number];

export const MARKETPLACE_NAMES: Record<Marketplace, string> = {
  shopee: 'Shopee',
  tokopedia: 'Tokopedia',
  tiktok: 'TikTok Shop',
};

/**
 * Which seller API a marketplace's listings go through. Since the merger, Tokopedia listings are managed
 * through the TikTok Shop Partner API (marketplaces.md, "Tokopedia"); one TikTok Shop authorization
 * covers both.
 */
export const API_PROVIDERS = ['shopee', 'tiktok'] as const;
export type ApiProvider = (typeof API_PROVIDERS)[number];
export const API_PROVIDER_OF: Record<Marketplace, ApiProvider> = {
  shopee: 'shopee',
  tokopedia: 'tiktok',
  tiktok: 'tiktok',
};
export const API_PROVIDER_NAMES: Record<ApiProvider, string> = {
  shopee: 'Shopee',
  tiktok: 'TikTok Shop / Tokopedia',
};

/** Seller-center origins the content scripts run on (and the background accepts messages from). */
export const SELLER_CENTER_ORIGINS: Record<Marketplace, readonly string[]> = {
  shopee: ['https://seller.shopee.co.id'],
  // Tokopedia and TikTok Shop Indonesia share one seller center since the merger (marketplaces.md).
  tokopedia: ['https://seller-id.tokopedia.com'],
  // Indonesian (older) and global TikTok Shop seller centers.
  tiktok: ['https://seller-id.tiktok.com', 'https://seller.tiktokglobalshop.com'],
};

/**
 * Hosts serving listing images. Shopee image URLs look like https://down-id.img.susercontent.com/file/<image_id>
 * (marketplaces.md, "Read and update a listing's images").
 */
export const IMAGE_CDN_HOSTS: Record<Marketplace, readonly string[]> = {
  shopee: ['down-id.img.susercontent.com', 'cf.shopee.co.id'],
  // TikTok Shop product images (also Tokopedia listings managed through it), e.g.
  // https://p16-oec-sg.ibyteimg.com/tos-alisg-i-aphluv4xwc-sg/<id>~tplv-aphluv4xwc-origin-jpeg.jpeg,
  // where the image `uri` is the path before `~`.
  tokopedia: ['p16-oec-sg.ibyteimg.com', 'p19-oec-sg.ibyteimg.com'],
  tiktok: ['p16-oec-sg.ibyteimg.com', 'p19-oec-sg.ibyteimg.com'],
};

export function marketplaceOfSellerCenter(origin: string): Marketplace | undefined {
  return MARKETPLACES.find((m) => SELLER_CENTER_ORIGINS[m].includes(origin));
}

export function isImageCdnUrl(marketplace: Marketplace, url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'https:' &&
      parsed.port === '' &&
      IMAGE_CDN_HOSTS[marketplace].includes(parsed.hostname)
    );
  } catch {
    return false;
  }
}
