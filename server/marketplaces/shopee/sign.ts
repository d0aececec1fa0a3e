/**
 * Shopee Open Platform v2 request signing (marketplaces.md, "Signing"): `sign` is the lowercase hex
 * HMAC-SHA256 of a base string, keyed with the partner_key string. The path excludes the host, the body is
 * never signed, and every common parameter travels in the query string.
 */
import { createHmac } from 'node:crypto';

export function shopeeSign(partnerKey: string, baseString: string): string {
  return createHmac('sha256', partnerKey).update(baseString, 'utf8').digest('hex');
}

/** Public APIs (auth_partner, auth/token/get, auth/access_token/get, media_space/upload_image). */
export function publicBaseString(partnerId: number, path: string, timestamp: number): string {
  return `${partnerId}${path}${timestamp}`;
}

/** Shop APIs: the access token and shop id are part of the signed string. */
export function shopBaseString(
  partnerId: number,
  path: string,
  timestamp: number,
  accessToken: string,
  shopId: number,
): string {
  return `${partnerId}${path}${timestamp}${accessToken}${shopId}`;
}

/** Merchant APIs (cross-border main accounts); not used by Lumiku yet, kept for completeness. */
export function merchantBaseString(
  partnerId: number,
  path: string,
  timestamp: number,
  accessToken: string,
  merchantId: number,
): string {
  return `${partnerId}${path}${timestamp}${accessToken}${merchantId}`;
}
