/**
 * The one decode every pipeline entry point shares (enhance, matte export): pixels at a working size,
 * and an uploaded cut-out's own alpha when it has one.
 */
import { AppError } from '../errors.js';
import type { InspectResult } from './inspect.js';
import { MAX_INPUT_PIXELS, PIPELINE_TIMEOUT_SECONDS, type RawImage, sharp } from './sharp.js';

/**
 * Longest side the photo is decoded to. Outputs are ≤ 1200 px on their shorter side (1920 on a 9:16
 * canvas, where the product is limited by the width) and the product fills at most 84 % of that, so more
 * pixels only cost time; a little headroom keeps products that fill part of the frame sharp.
 */
export const WORKING_MAX_SIDE = 1600;

/**
 * The one decode: EXIF orientation applied, at most WORKING_MAX_SIDE (JPEG shrink-on-load makes big
 * photos cheap), sRGB 8-bit whatever came in (CMYK, 16-bit, grey, palette). Any decoder complaint —
 * truncated data, corrupt entropy coding (failOn 'warning') — is the seller's file, not our bug.
 */
export async function decodeForWork(
  input: Buffer,
  inspected: InspectResult,
): Promise<{ rgb: RawImage; cutout?: Uint8Array }> {
  let raw: RawImage;
  try {
    const scale = Math.min(1, WORKING_MAX_SIDE / Math.max(inspected.width, inspected.height));
    let pipeline = sharp(input, {
      limitInputPixels: MAX_INPUT_PIXELS,
      failOn: 'warning',
      sequentialRead: true,
    })
      .timeout({ seconds: PIPELINE_TIMEOUT_SECONDS })
      .rotate();
    if (scale < 1) {
      pipeline = pipeline.resize(
        Math.max(1, Math.round(inspected.width * scale)),
        Math.max(1, Math.round(inspected.height * scale)),
        { fit: 'fill' },
      );
    }
    const { data, info } = await pipeline
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 && info.channels !== 4) throw new Error(`unexpected ${info.channels} channels`);
    raw = { data, width: info.width, height: info.height, channels: info.channels };
  } catch (error) {
    throw new AppError('IMAGE_INVALID', undefined, { cause: error });
  }
  if (raw.channels === 3) return { rgb: raw };
  return splitAlpha(raw);
}

/**
 * An alpha channel is a cut-out when a real share of the image, and most of its border, is transparent.
 * Otherwise (an opaque PNG saved with alpha, a faint vignette) it is flattened onto white and ignored.
 */
function splitAlpha(rgba: RawImage): { rgb: RawImage; cutout?: Uint8Array } {
  const { width: w, height: h, data } = rgba;
  const n = w * h;
  const rgb = Buffer.alloc(n * 3);
  const alpha = new Uint8Array(n);
  let transparent = 0;
  for (let p = 0; p < n; p++) {
    alpha[p] = data[p * 4 + 3]!;
    if (alpha[p]! < 128) transparent++;
  }
  let border = 0;
  let borderTransparent = 0;
  for (let x = 0; x < w; x++) {
    for (const y of [0, h - 1]) {
      border++;
      if (alpha[y * w + x]! < 128) borderTransparent++;
    }
  }
  for (let y = 1; y < h - 1; y++) {
    for (const x of [0, w - 1]) {
      border++;
      if (alpha[y * w + x]! < 128) borderTransparent++;
    }
  }
  const isCutout = transparent >= n * 0.01 && transparent < n * 0.99 && borderTransparent >= border * 0.5;
  for (let p = 0; p < n; p++) {
    const a = alpha[p]! / 255;
    for (let c = 0; c < 3; c++) {
      const v = data[p * 4 + c]!;
      // A cut-out keeps its colours (the matte decides); anything else is flattened onto white.
      rgb[p * 3 + c] = isCutout ? v : Math.round(v * a + 255 * (1 - a));
    }
  }
  const image: RawImage = { data: rgb, width: w, height: h, channels: 3 };
  return isCutout ? { rgb: image, cutout: alpha } : { rgb: image };
}
