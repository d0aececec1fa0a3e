/** Image types by their magic bytes, as the marketplaces decide them (never by file name or declared type). */

export type ImageContentType = 'image/jpeg' | 'image/png' | 'image/webp';

const SIGNATURES: Record<ImageContentType, (bytes: Buffer) => boolean> = {
  'image/jpeg': (bytes) => bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
  'image/png': (bytes) =>
    bytes.length > 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b),
  'image/webp': (bytes) =>
    bytes.length > 12 &&
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** The type of `bytes` among `accepted`, the types the endpoint takes; undefined for anything else. */
export function sniffImage<T extends ImageContentType>(bytes: Buffer, accepted: readonly T[]): T | undefined {
  return accepted.find((type) => SIGNATURES[type](bytes));
}
