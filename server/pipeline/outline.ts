/**
 * Outlined objects on a smooth backdrop: regions that depart from the backdrop's lighting trend and are
 * bounded by a sharp edge over most of their outline.
 *
 * The geodesic prior (geodesic.ts) leaks wherever the product's own shading crosses the backdrop's colour
 * — a white shirt on a white sweep meets the backdrop somewhere along its side, and from there the shirt's
 * smooth shading is a free path inside. A region's colour departing from the trend fitted on the border
 * (light falloff, vignette, a gradient sweep) is a second cue; lighting alone (a flash hotspot) departs
 * too, but with a soft rim, while an object has a sharp one. Darker-than-backdrop pixels of the backdrop's
 * own chroma (shade) never start a region — a cast or contact shadow is off-trend too — but join one they
 * meet without a sharp step: that is the shaded side of the product.
 */

export interface OutlineOptions {
  /** Residual (colour levels) from the trend above which a pixel departs from the backdrop. */
  threshold: number;
  /** A neighbour step (colour levels) at or above which the rim counts as sharp. */
  edge: number;
  /** Share of a region's rim that must be sharp for it to count as an object. @defaultValue 0.5 */
  sharpShare?: number;
  /** Smallest region kept, in pixels. @defaultValue 24 */
  minSize?: number;
}

/**
 * How the colour at `data[i..i+2]` departs from the colour `ref[j..j+2]`: 0 not beyond `threshold`, 2 as
 * shade (that colour scaled down, the chroma within half the threshold: a shadow or a product's shaded
 * side), 1 otherwise (lit or coloured).
 */
export function departure(
  data: ArrayLike<number>,
  i: number,
  ref: ArrayLike<number>,
  j: number,
  threshold: number,
): 0 | 1 | 2 {
  const r = data[i]!;
  const g = data[i + 1]!;
  const b = data[i + 2]!;
  const er = ref[j]!;
  const eg = ref[j + 1]!;
  const eb = ref[j + 2]!;
  if (Math.hypot(r - er, g - eg, b - eb) <= threshold) return 0;
  const ee = er * er + eg * eg + eb * eb;
  const s = ee > 0 ? (r * er + g * eg + b * eb) / ee : 1;
  return s < 1 && Math.hypot(r - s * er, g - s * eg, b - s * eb) <= threshold * 0.5 ? 2 : 1;
}

/**
 * Marks (1) the pixels of outlined objects on a w × h RGB grid. `expected` is the backdrop colour the trend
 * predicts at each pixel (same layout as `data`). Regions are 4-connected, and a sharp step also separates
 * them, so a product sitting in a hotspot is judged apart from the hotspot.
 */
export function outlinedObjects(
  data: Uint8Array,
  expected: Float32Array,
  w: number,
  h: number,
  options: OutlineOptions,
): Uint8Array {
  const n = w * h;
  const { threshold, edge } = options;
  const sharpShare = options.sharpShare ?? 0.25;
  const minSize = options.minSize ?? 24;
  // 0 = on the trend, 1 = off it, 2 = off it but shade.
  const candidate = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    candidate[p] = departure(data, p * 3, expected, p * 3, threshold);
  }

  const step = (p: number, q: number): number => {
    const i = p * 3;
    const j = q * 3;
    return Math.hypot(data[i]! - data[j]!, data[i + 1]! - data[j + 1]!, data[i + 2]! - data[j + 2]!);
  };
  const labels = new Int32Array(n).fill(-1);
  const out = new Uint8Array(n);
  const stack = new Int32Array(n);
  const members: number[] = [];
  for (let start = 0; start < n; start++) {
    // Regions start from pixels off the trend and grow through shade too: the shaded side of a white
    // product is backdrop-coloured in shadow, joined to its lit side without a sharp step.
    if (candidate[start] !== 1 || labels[start]! >= 0) continue;
    members.length = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = start;
    while (top > 0) {
      const p = stack[--top]!;
      members.push(p);
      const x = p % w;
      const neighbours = [x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, p - w, p + w];
      for (const q of neighbours) {
        if (q < 0 || q >= n || candidate[q] === 0 || labels[q]! >= 0) continue;
        if (step(p, q) >= edge) continue;
        labels[q] = start;
        stack[top++] = q;
      }
    }
    if (members.length < minSize) continue;
    // Rim: member pixels with a 4-neighbour on the backdrop; sharp when that step is large.
    let rim = 0;
    let sharp = 0;
    for (const p of members) {
      const x = p % w;
      const y = (p - x) / w;
      let outside = false;
      let strong = false;
      const neighbours = [
        x > 0 ? p - 1 : -1,
        x + 1 < w ? p + 1 : -1,
        y > 0 ? p - w : -1,
        y + 1 < h ? p + w : -1,
      ];
      for (const q of neighbours) {
        // Only the rim against the backdrop counts: a region's edges with other off-trend regions (a
        // product inside a hotspot) say nothing about whether the region itself is lighting.
        if (q < 0 || candidate[q] !== 0) continue;
        outside = true;
        if (step(p, q) >= edge) strong = true;
      }
      if (outside) {
        rim++;
        if (strong) sharp++;
      }
    }
    if (rim === 0 || sharp < rim * sharpShare) continue;
    if (thinAndLight(members, labels, start, data, expected, w, h)) continue;
    for (const p of members) out[p] = 1;
  }
  return out;
}

/**
 * A region under 3 px thick (no member has all four neighbours in it), lighter than the backdrop there and
 * running along something much darker for at least half its length: the overshoot the small copy's resize
 * (lanczos) leaves beside a dark product's edge, not an object. Favoured as product, it kept a lighter line
 * beside a white bottle's shaded side, and beside a plant's dark stems on a gradient it bridged the backdrop
 * between two stems.
 */
function thinAndLight(
  members: readonly number[],
  labels: Int32Array,
  label: number,
  data: Uint8Array,
  expected: Float32Array,
  w: number,
  h: number,
): boolean {
  const sum = (p: number) => data[p * 3]! + data[p * 3 + 1]! + data[p * 3 + 2]!;
  let lighter = 0;
  let besideDark = 0;
  for (const p of members) {
    const x = p % w;
    const y = (p - x) / w;
    const neighbours = [
      x > 0 ? p - 1 : -1,
      x + 1 < w ? p + 1 : -1,
      y > 0 ? p - w : -1,
      y + 1 < h ? p + w : -1,
    ];
    if (neighbours.every((q) => q >= 0 && labels[q] === label)) return false;
    // 20 levels a channel darker than this pixel.
    if (neighbours.some((q) => q >= 0 && labels[q] !== label && sum(q) < sum(p) - 60)) besideDark++;
    const i = p * 3;
    lighter += sum(p) - expected[i]! - expected[i + 1]! - expected[i + 2]!;
  }
  return lighter > 0 && besideDark * 2 >= members.length;
}
