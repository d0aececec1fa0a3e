/**
 * Marketplace facts used by both the extension and the server: which seller-center origins we run on and
 * which image CDNs hold listing images. Sources: ../shared/reference/marketplaces.md.
 */
export const MARKETPLACES = ['shopee'] as const;
export type Marketplace = (typeof MARKETPLACES)[number];

export const MARKETPLACE_NAMES: Record<Marketplace, string> = { shopee: 'Shopee' };

/** Seller-center origins the content scripts run on (and the background accepts messages from). */
export const SELLER_CENTER_ORIGINS: Record<Marketplace, readonly string[]> = {
  shopee: ['https://seller.shopee.co.id'],
};

/**
 * Hosts serving listing images. Shopee image URLs look like https://down-id.img.susercontent.com/file/<image_id>
 * (marketplaces.md, "Read and update a listing's images").
 */
export const IMAGE_CDN_HOSTS: Record<Marketplace, readonly string[]> = {
  shopee: ['down-id.img.susercontent.com', 'cf.shopee.co.id'],
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
