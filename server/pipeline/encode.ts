import { AppError } from '../errors.js';
import { fromRaw, type RawImage } from './sharp.js';

/** JPEG/WebP quality is stepped down by this until the file fits the byte limit… */
const QUALITY_STEP = 5;
/** …but not below this; a file that does not fit by then is a bug, not something to ship. */
const MIN_QUALITY = 50;

/**
 * Encodes raw RGB at `quality`, stepping the quality down until the file is at most `maxBytes`.
 * No withMetadata()/keepMetadata(): sharp writes no EXIF, XMP, GPS or ICC unless asked to.
 */
export async function encodeWithin(
  canvas: RawImage,
  format: 'jpeg' | 'png' | 'webp',
  quality: number,
  maxBytes: number,
): Promise<Buffer> {
  for (let q = quality; ; q -= QUALITY_STEP) {
    const pipeline = fromRaw(canvas);
    const data = await (format === 'jpeg'
      ? pipeline.jpeg({ quality: q, mozjpeg: false, chromaSubsampling: '4:2:0' })
      : format === 'webp'
        ? pipeline.webp({ quality: q })
        : pipeline.png({ compressionLevel: 6 })
    ).toBuffer();
    if (data.length <= maxBytes) return data;
    if (format === 'png' || q - QUALITY_STEP < MIN_QUALITY) {
      throw new AppError(
        'PROCESSING_FAILED',
        `Output is ${data.length} bytes, above the ${maxBytes} byte limit`,
      );
    }
  }
}
