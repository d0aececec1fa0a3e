/**
 * Final composition on the canvas, in plain JS over raw pixels (one pass, no intermediate encodes):
 * backdrop, shadow or reflection, then the product "over" it with its matte.
 */

import type { ReflectionLayer, ShadowLayer } from './shadow.js';
import type { RawImage } from './sharp.js';

/**
 * Replaces the colour of the product's edge pixels (alpha < 255) by the average of the solid product
 * pixels around them. Edge pixels of a photo are a mix of product and old backdrop; composited as they are,
 * a brown table leaves a brown halo on white ("colour decontamination"). Only edge pixels are visited,
 * so the cost follows the outline length, not the area.
 */
export function decontaminateEdges(product: RawImage, alpha: Uint8Array, radius: number): void {
  const { width: w, height: h, data, channels } = product;
  const source = Buffer.from(data);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const a = alpha[p]!;
      if (a === 0 || a === 255) continue;
      let r = 0;
      let g = 0;
      let b = 0;
      let count = 0;
      for (let yy = Math.max(0, y - radius); yy <= Math.min(h - 1, y + radius); yy++) {
        for (let xx = Math.max(0, x - radius); xx <= Math.min(w - 1, x + radius); xx++) {
          const q = yy * w + xx;
          if (alpha[q] !== 255) continue;
          r += source[q * channels]!;
          g += source[q * channels + 1]!;
          b += source[q * channels + 2]!;
          count++;
        }
      }
      if (count === 0) continue;
      data[p * channels] = Math.round(r / count);
      data[p * channels + 1] = Math.round(g / count);
      data[p * channels + 2] = Math.round(b / count);
    }
  }
}

export interface Composition {
  /** Canvas-sized RGB; composited in place (the caller hands it over). */
  backdrop: RawImage;
  shadow?: ShadowLayer;
  reflection?: ReflectionLayer;
  product: RawImage;
  alpha: Uint8Array;
  place: { left: number; top: number };
}

/** Returns the canvas as raw RGB. */
export function composite(job: Composition): RawImage {
  const { backdrop, shadow, reflection, product, alpha, place } = job;
  const canvas = { width: backdrop.width, height: backdrop.height };
  const data = backdrop.data;
  if (shadow) {
    const [sr, sg, sb] = shadow.color ?? [0, 0, 0];
    for (let r = 0; r < shadow.rows; r++) {
      const y = shadow.top + r;
      if (y < 0 || y >= canvas.height) continue;
      for (let sx = 0; sx < shadow.width; sx++) {
        const x = shadow.left + sx;
        if (x < 0 || x >= canvas.width) continue;
        const cover = shadow.opacity[r * shadow.width + sx]!;
        if (cover === 0) continue;
        const keep = 1 - cover;
        const i = (y * canvas.width + x) * 3;
        data[i] = Math.round(data[i]! * keep + sr * cover);
        data[i + 1] = Math.round(data[i + 1]! * keep + sg * cover);
        data[i + 2] = Math.round(data[i + 2]! * keep + sb * cover);
      }
    }
  }
  if (reflection) {
    const { image, coverage } = reflection;
    for (let ry = 0; ry < image.height; ry++) {
      const y = reflection.place.top + ry;
      if (y < 0 || y >= canvas.height) continue;
      for (let rx = 0; rx < image.width; rx++) {
        const x = reflection.place.left + rx;
        if (x < 0 || x >= canvas.width) continue;
        const t = coverage[ry * image.width + rx]!;
        if (t === 0) continue;
        const i = (y * canvas.width + x) * 3;
        const j = (ry * image.width + rx) * 3;
        for (let c = 0; c < 3; c++) data[i + c] = Math.round(image.data[j + c]! * t + data[i + c]! * (1 - t));
      }
    }
  }
  const { width: pw, height: ph, channels } = product;
  for (let y = 0; y < ph; y++) {
    const cy = place.top + y;
    if (cy < 0 || cy >= canvas.height) continue;
    for (let x = 0; x < pw; x++) {
      const cx = place.left + x;
      if (cx < 0 || cx >= canvas.width) continue;
      const a = alpha[y * pw + x]!;
      if (a === 0) continue;
      const i = (cy * canvas.width + cx) * 3;
      const j = (y * pw + x) * channels;
      if (a === 255) {
        data[i] = product.data[j]!;
        data[i + 1] = product.data[j + 1]!;
        data[i + 2] = product.data[j + 2]!;
      } else {
        const t = a / 255;
        data[i] = Math.round(product.data[j]! * t + data[i]! * (1 - t));
        data[i + 1] = Math.round(product.data[j + 1]! * t + data[i + 1]! * (1 - t));
        data[i + 2] = Math.round(product.data[j + 2]! * t + data[i + 2]! * (1 - t));
      }
    }
  }
  return { data, width: canvas.width, height: canvas.height, channels: 3 };
}
