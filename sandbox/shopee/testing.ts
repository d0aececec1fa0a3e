/**
 * Test helper: what a seller does on the sandbox authorization page, over HTTP (load the page, press
 * "Authorize / Otorisasi"). Returns the callback URL Shopee redirects to. Browser tests click the real
 * button instead.
 */
import { submitAuthorizationForm } from '../common/testing.js';

export function approveAuthorization(
  authorizationUrl: string,
  options: { shopId?: number } = {},
): Promise<URL> {
  return submitAuthorizationForm(authorizationUrl, (html) => {
    // The page lists the shops as radio buttons, the first one checked.
    const firstShop = /name="shop_id" value="(\d+)"/.exec(html)?.[1];
    if (!firstShop) throw new Error('not an authorization page');
    return new URLSearchParams({ shop_id: String(options.shopId ?? firstShop) });
  });
}
