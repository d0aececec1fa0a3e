/** Image bytes → data: URL, so previews cross the message channel (JSON only) and need no extra permission. */
const PREVIEW_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

export function imageDataUrl(bytes: Uint8Array, contentType: string): string {
  const declared = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  // Only raster types we render; anything else (e.g. SVG) is labelled JPEG and simply will not display.
  const type = PREVIEW_TYPES.has(declared) ? declared : 'image/jpeg';
  return `data:${type};base64,${toBase64(bytes)}`;
}

function toBase64(bytes: Uint8Array): string {
  // Chunked: String.fromCharCode(...bytes) overflows the call stack on large images.
  const chunkSize = 0x8000;
  let binary = '';
  for (let i = 0; i < bytes.length; i += chunkSize) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunkSize));
  }
  return btoa(binary);
}
