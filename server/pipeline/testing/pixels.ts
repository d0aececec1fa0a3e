/** Small pixel helpers for the pipeline tests (and for anyone checking outputs by eye in a sandbox). */
import { type RawImage, sharp } from '../sharp.js';

/** Decodes any encoded image to raw sRGB (3 channels), EXIF orientation applied. */
export async function decodeRgb(image: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(image)
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

export function pixelAt(image: RawImage, x: number, y: number): [number, number, number] {
  const i = (Math.round(y) * image.width + Math.round(x)) * image.channels;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
}

/** Mean colour of a rectangle. */
export function meanColour(
  image: RawImage,
  left: number,
  top: number,
  width: number,
  height: number,
): [number, number, number] {
  const sum = [0, 0, 0];
  for (let y = top; y < top + height; y++) {
    for (let x = left; x < left + width; x++) {
      const [r, g, b] = pixelAt(image, x, y);
      sum[0]! += r;
      sum[1]! += g;
      sum[2]! += b;
    }
  }
  const n = width * height;
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

/** Intersection over union of two 1-channel masks, each thresholded at 128. */
export function maskIou(a: Uint8Array, b: Uint8Array): number {
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const inA = a[i]! >= 128;
    const inB = b[i]! >= 128;
    if (inA && inB) intersection++;
    if (inA || inB) union++;
  }
  return union === 0 ? 1 : intersection / union;
}

/** Bounding box of the pixels that are not (near-)white, i.e. product and shadow on a white canvas. */
export function nonWhiteBox(
  image: RawImage,
  threshold = 235,
): { left: number; top: number; width: number; height: number } {
  let left = image.width;
  let top = image.height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const [r, g, b] = pixelAt(image, x, y);
      if (Math.min(r, g, b) >= threshold) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      bottom = y;
    }
  }
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}
