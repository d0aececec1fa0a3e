/**
 * Where the Lumiku API lives. Used by wxt.config.ts (to derive the manifest's host permission) and by the
 * background (to build request URLs), so both always agree on one origin.
 */
export const DEFAULT_API_URL = 'http://127.0.0.1:8787';

/** The API base URL without a trailing slash; throws on anything but an absolute http(s) URL. */
export function normalizeApiUrl(raw: string | undefined): string {
  const value = raw?.trim() || DEFAULT_API_URL;
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`WXT_API_URL must be an http(s) URL, got ${value}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The match pattern granting the background access to the API (ports are allowed in Chrome patterns). */
export function apiHostPermission(apiUrl: string): string {
  return `${new URL(apiUrl).origin}/*`;
}
