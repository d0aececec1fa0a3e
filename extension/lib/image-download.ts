/**
 * Downloads a listing image from the marketplace CDN in the background, so the page never hands us bytes
 * and we never fetch an address the page made up: only the CDN hosts in shared/marketplaces.ts.
 */
import type { Locale } from '../../shared/errors';
import { isImageCdnUrl, type Marketplace } from '../../shared/marketplaces';
import type { FetchFn } from './api-client';
import { apiError, CodedError } from './errors';

/** Shopee accepts uploads up to 10 MB (marketplaces.md); an original above twice that is not a listing photo. */
export const MAX_SOURCE_IMAGE_BYTES = 20 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 20_000;

export async function downloadListingImage(
  fetchFn: FetchFn,
  marketplace: Marketplace,
  url: string,
  locale: Locale,
): Promise<Blob> {
  if (!isImageCdnUrl(marketplace, url)) throw apiError('IMAGE_URL_NOT_ALLOWED', locale);
  let response: Response;
  try {
    response = await fetchFn(url, {
      credentials: 'omit',
      redirect: 'follow',
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
  } catch {
    throw apiError('IMAGE_FETCH_FAILED', locale);
  }
  // A CDN may redirect between its own hosts; anything leaving the allowlist is refused.
  if (response.url && !isImageCdnUrl(marketplace, response.url))
    throw apiError('IMAGE_URL_NOT_ALLOWED', locale);
  if (!response.ok || !response.body) throw apiError('IMAGE_FETCH_FAILED', locale);
  if (Number(response.headers.get('content-length') ?? '0') > MAX_SOURCE_IMAGE_BYTES) {
    throw apiError('PAYLOAD_TOO_LARGE', locale);
  }

  // Count bytes while streaming: content-length can be absent or wrong.
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_SOURCE_IMAGE_BYTES) {
        await reader.cancel();
        throw apiError('PAYLOAD_TOO_LARGE', locale);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof CodedError) throw error;
    throw apiError('IMAGE_FETCH_FAILED', locale);
  }
  if (total === 0) throw apiError('IMAGE_FETCH_FAILED', locale);
  // The server decides the real type from the bytes; the header is only a hint for the file name.
  const type = response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
  return new Blob(chunks as BlobPart[], {
    type: type.startsWith('image/') ? type : 'application/octet-stream',
  });
}

export function uploadFileName(blob: Blob, sourceImageId: string | undefined): string {
  const extension = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }[blob.type] ?? 'jpg';
  const base =
    (sourceImageId ?? 'listing-image').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 80) || 'listing-image';
  return `${base}.${extension}`;
}
