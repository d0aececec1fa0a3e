/**
 * A smooth product on a textured backdrop (a white shirt on checked cloth, a box on wood) shows no texture
 * where the backdrop shows it everywhere. The colour models cannot see that: the grey, shaded sleeve of a
 * white shirt looks like the cloth's light checks in shade. Texture is measured relative to brightness,
 * so a cast shadow, which darkens the checks and their edges alike, keeps the backdrop's texture.
 */
import { components } from './components.js';

export interface UntexturedOptions {
  /** Half-width of the window texture is averaged over, in pixels (the window is 2r + 1 wide). */
  radius: number;
  /**
   * Low quantile of the trusted backdrop's texture: its least textured places. A backdrop with smooth
   * stretches (large tiles, a plain sheet) has this near zero, and then nothing is called untextured.
   */
  quantile: number;
  /** Texture below this share of that quantile is untextured. */
  ratio: number;
  /** The threshold (ratio × quantile) must exceed this: below it the backdrop counts as smooth. */
  minLevel: number;
  /** Least size of a region, as a share of the image. */
  minShare: number;
  /**
   * Brightness offset of the texture the regions are found on (see {@link relativeTexture}). Sensor and
   * JPEG noise is about as many levels at every brightness, so with the default offset the smooth body of
   * a dark box reads as textured as wood grain; a larger one tells them apart. The median stays on the
   * default, as the rest of segmentation was tuned on it.
   */
  regionOffset: number;
}

/** Added to a pixel's brightness (its summed channels) by default: keeps near-black noise from reading as texture. */
const BRIGHTNESS_OFFSET = 30;

/**
 * Mean relative neighbour step (summed channel steps to the right and lower neighbours over the pixel's
 * brightness plus `offset`) in a (2r + 1)² window, per pixel of an RGB image.
 */
export function relativeTexture(
  data: Uint8Array,
  w: number,
  h: number,
  radius: number,
  offset = BRIGHTNESS_OFFSET,
): Float32Array {
  const n = w * h;
  const step = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      // At the last column or row, the step to the other side's neighbour.
      const right = x + 1 < w ? i + 3 : i - 3;
      const below = y + 1 < h ? i + 3 * w : i - 3 * w;
      let sum = 0;
      for (let c = 0; c < 3; c++) {
        sum += Math.abs(data[i + c]! - data[right + c]!) + Math.abs(data[i + c]! - data[below + c]!);
      }
      step[y * w + x] = sum / (data[i]! + data[i + 1]! + data[i + 2]! + offset);
    }
  }
  return boxMean(step, w, h, radius);
}

export interface BackdropTexture {
  /**
   * Regions (1) that lack the backdrop's texture where the backdrop is textured everywhere, reach the
   * central area and do not touch the frame: a smooth product's interior. All 0 on a smooth backdrop.
   */
  untextured: Uint8Array;
  /** Median texture of the trusted backdrop: ~0.005 plain, 0.02–0.07 cloth or wood, 0.25 a mosaic. */
  median: number;
  /** {@link relativeTexture} per pixel (default offset), the measure `median` is taken of. */
  perPixel: Float32Array;
}

/** The texture of the backdrop, learnt from its `trusted` (1) pixels, and the regions lacking it. */
export function backdropTexture(
  data: Uint8Array,
  w: number,
  h: number,
  trusted: Uint8Array,
  options: UntexturedOptions,
): BackdropTexture {
  const n = w * h;
  const regions = new Uint8Array(n);
  const texture = relativeTexture(data, w, h, options.radius);
  // A window clipped by the frame is smaller than a check of the cloth and can miss its edges: each
  // trusted pixel is judged by the nearest window that fits in the image.
  const { radius: r } = options;
  const windows: number[] = [];
  for (let p = 0; p < n; p++) {
    if (trusted[p] !== 1) continue;
    const x = Math.min(Math.max(p % w, r), w - 1 - r);
    const y = Math.min(Math.max(Math.floor(p / w), r), h - 1 - r);
    windows.push(y * w + x);
  }
  if (windows.length === 0) return { untextured: regions, median: 0, perPixel: texture };
  const sortedAt = (values: Float32Array) => windows.map((i) => values[i]!).sort((a, b) => a - b);
  const lowQuantile = (sorted: number[]) => sorted[Math.floor(options.quantile * (sorted.length - 1))]!;
  const samples = sortedAt(texture);
  const median = samples[samples.length >> 1]!;
  if (options.ratio * lowQuantile(samples) <= options.minLevel)
    return { untextured: regions, median, perPixel: texture };
  // Only on a textured backdrop: the regions' own measure, with dark pixels' noise damped.
  const regionTexture = relativeTexture(data, w, h, r, options.regionOffset);
  const threshold = options.ratio * lowQuantile(sortedAt(regionTexture));
  const low = new Uint8Array(n);
  for (let p = 0; p < n; p++) low[p] = regionTexture[p]! < threshold ? 1 : 0;
  const parts = components(low, w, h, 1);
  const keep = parts.sizes.map(
    (size, i) => parts.touchesCentre[i] === true && !parts.touchesBorder[i] && size >= options.minShare * n,
  );
  for (let p = 0; p < n; p++) {
    const id = parts.labels[p]!;
    if (id >= 0 && keep[id]) regions[p] = 1;
  }
  return { untextured: regions, median, perPixel: texture };
}

/** Mean over a (2r + 1)² window clipped to the image: running sums along rows, then along columns. */
function boxMean(values: Float32Array, w: number, h: number, r: number): Float32Array {
  const rows = new Float32Array(values.length);
  for (let y = 0; y < h; y++) runningMean(values, rows, y * w, 1, w, r);
  const out = new Float32Array(values.length);
  for (let x = 0; x < w; x++) runningMean(rows, out, x, w, h, r);
  return out;
}

function runningMean(
  src: Float32Array,
  dst: Float32Array,
  start: number,
  step: number,
  length: number,
  r: number,
) {
  let sum = 0;
  let count = 0;
  for (let i = 0; i <= Math.min(r, length - 1); i++) {
    sum += src[start + i * step]!;
    count++;
  }
  for (let i = 0; i < length; i++) {
    dst[start + i * step] = sum / count;
    const leaving = i - r;
    const entering = i + r + 1;
    if (leaving >= 0) {
      sum -= src[start + leaving * step]!;
      count--;
    }
    if (entering < length) {
      sum += src[start + entering * step]!;
      count++;
    }
  }
}
