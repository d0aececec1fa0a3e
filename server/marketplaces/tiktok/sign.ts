/**
 * TikTok Shop Partner API request signing (marketplaces.md, "TikTok Shop Partner API", "Signing"; the official
 * Node SDK's `src/utils/generate-sign.ts`): take the query parameters except `sign` and `access_token`, sort
 * them by key, concatenate `{key}{value}`, prefix the path, append the raw body unless the request is
 * multipart, wrap the result in the app secret and HMAC-SHA256 it with the app secret (lowercase hex).
 */
import { createHmac } from 'node:crypto';

/** Never part of the signed string: the sign itself, and the token (which travels in a header anyway). */
const EXCLUDED = new Set(['sign', 'access_token']);

export interface TikTokSignInput {
  appSecret: string;
  /** The request path without host or query, e.g. `/product/202309/images/upload`. */
  path: string;
  /** The query parameters exactly as sent (decoded values). */
  query: Readonly<Record<string, string>>;
  /** The exact body bytes sent. Ignored for multipart requests. */
  body?: string | Uint8Array;
  /** multipart/form-data bodies (image uploads) are not signed. */
  multipart?: boolean;
}

/** The string between the two copies of the secret: path + sorted `{key}{value}` pairs (+ body). */
export function tiktokSignBase(input: Omit<TikTokSignInput, 'appSecret'>): Buffer {
  const params = Object.keys(input.query)
    .filter((key) => !EXCLUDED.has(key))
    // Plain code-unit order, as the SDKs' `sort()`; keys are ASCII so this is also byte order.
    .sort()
    .map((key) => `${key}${input.query[key]}`)
    .join('');
  const head = Buffer.from(`${input.path}${params}`, 'utf8');
  if (input.multipart || input.body === undefined) return head;
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : Buffer.from(input.body);
  return Buffer.concat([head, body]);
}

export function tiktokSign(input: TikTokSignInput): string {
  const secret = Buffer.from(input.appSecret, 'utf8');
  return createHmac('sha256', secret)
    .update(secret)
    .update(tiktokSignBase(input))
    .update(secret)
    .digest('hex');
}
