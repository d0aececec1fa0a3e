/**
 * Parts of the product the colour models call backdrop but its outline says are product: a dark shoe's
 * light grey sole on a light backdrop. The sole's colour is the backdrop's in shade, so both the cut's
 * colour models and the shadow allowance call it backdrop, and the cut stops at the upper's edge. Unlike a
 * shadow, the sole ends in a sharp edge on the side away from the product.
 *
 * Edge pixels are those the colour changes sharply across (over 2 px, as soft edges span two). A candidate
 * is a region of "backdrop" next to the product, flooded through non-edge pixels: bounded by edges, the
 * product, or the frame. It is taken as product when it does not reach the frame, is small beside the
 * product, lies against the product along part of its outline — not all of it: an enclosed hole is
 * cleanUp's to judge — and its colour differs from the backdrop beyond its edges (a shadow fades out
 * softly, and a flood into it runs on to the frame). A region joined on along a short stretch only (a leaf
 * at the tip of its stem) is taken only in a colour the product has elsewhere.
 */

import { departure } from './outline.js';

/** How far from the product (px) a region may start. */
const START_REACH = 4;
/** How far out (px) the backdrop beyond a region is sampled. */
const BEYOND_DEPTH = 4;

/** Fewer pixels beyond a region than this share of its outline away from the product: not judged. */
const MIN_BEYOND_SHARE = 0.5;

export interface AttachedOptions {
  /** Colour change (levels) across 2 px that makes a pixel an edge. */
  edge: number;
  /**
   * Shares of a region's outline against the product: below the second; below the first only in a colour
   * at least half as many product pixels have (within `minGap`).
   */
  contact: [number, number];
  /** Largest region, as a share of the product's area. */
  maxShare: number;
  /** Smallest colour distance (levels) between the region's mean and the backdrop's beyond it. */
  minGap: number;
  /** Smallest region, in pixels. */
  minSize: number;
}

/**
 * Sets to 1 in `mask` (w × h, 1 = product) the attached parts found in the RGB `data`, with the edge
 * pixels round them, and returns them marked 1 in a new array. `backdrop` is the backdrop's mean colour.
 */
export function attachParts(
  mask: Uint8Array,
  data: ArrayLike<number>,
  w: number,
  h: number,
  backdrop: readonly number[],
  options: AttachedOptions,
): Uint8Array {
  const n = w * h;
  const added = new Uint8Array(n);
  let area = 0;
  for (let p = 0; p < n; p++) area += mask[p]!;
  const maxSize = Math.floor(options.maxShare * area);
  const edge = edgePixels(data, w, h, options.edge);
  // Distance (4-connected) from the product up to START_REACH, 0 beyond: regions start within it, as
  // the first pixels out are on the product's own edge.
  const near = new Uint8Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let p = 0; p < n; p++) {
    if (mask[p] === 0 && touchesProduct(mask, p, w, n)) {
      near[p] = 1;
      queue[tail++] = p;
    }
  }
  for (let head = 0; head < tail; head++) {
    const p = queue[head]!;
    if (near[p]! >= START_REACH) continue;
    const x = p % w;
    for (let k = 0; k < 4; k++) {
      const q = neighbour(p, x, k, w, n);
      if (q < 0 || mask[q] !== 0 || near[q] !== 0) continue;
      near[q] = near[p]! + 1;
      queue[tail++] = q;
    }
  }

  const region = new Int32Array(n).fill(-1);
  // Per pixel, the last region it was an edge pixel or a "beyond" pixel of (a stamp, not cleared).
  const rimOf = new Int32Array(n).fill(-1);
  const beyondOf = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const members = new Int32Array(n);
  const rim = new Int32Array(n);
  const frontier = new Int32Array(n);
  for (let start = 0, id = 0; start < n; start++) {
    if (near[start] === 0 || edge[start] === 1 || region[start]! >= 0) continue;
    const thisId = id++;
    let size = 0;
    let rimSize = 0;
    let top = 0;
    stack[top++] = start;
    region[start] = thisId;
    let frame = false;
    while (top > 0) {
      const p = stack[--top]!;
      members[size++] = p;
      const x = p % w;
      if (x === 0 || x === w - 1 || p < w || p >= n - w) frame = true;
      for (let k = 0; k < 4; k++) {
        const q = neighbour(p, x, k, w, n);
        if (q < 0 || mask[q] !== 0 || region[q]! >= 0) continue;
        if (edge[q] === 1) {
          if (rimOf[q] !== thisId) {
            rimOf[q] = thisId;
            rim[rimSize++] = q;
          }
          continue;
        }
        region[q] = thisId;
        stack[top++] = q;
      }
    }
    if (frame || size > maxSize || size < options.minSize) continue;
    // The outline: edge pixels round the region, and region pixels touching the product directly.
    let contact = 0;
    for (let i = 0; i < size; i++) if (touchesProduct(mask, members[i]!, w, n)) contact++;
    const outline = contact + rimSize;
    for (let i = 0; i < rimSize; i++) if (touchesProduct(mask, rim[i]!, w, n)) contact++;
    if (contact >= options.contact[1] * outline) continue;
    const mean = [0, 0, 0];
    for (let i = 0; i < size; i++)
      for (let c = 0; c < 3; c++) mean[c] = mean[c]! + data[members[i]! * 3 + c]!;
    for (let c = 0; c < 3; c++) mean[c] = mean[c]! / size;
    // The backdrop beyond its edges: background pixels 3–4 px out from the region, walked out from its
    // edge pixels.
    const beyond = [0, 0, 0];
    let beyondCount = 0;
    frontier.set(rim.subarray(0, rimSize));
    let from = 0;
    let to = rimSize;
    for (let d = 2; d <= BEYOND_DEPTH; d++) {
      let next = to;
      for (let i = from; i < to; i++) {
        const p = frontier[i]!;
        const x = p % w;
        for (let k = 0; k < 4; k++) {
          const q = neighbour(p, x, k, w, n);
          if (q < 0 || mask[q] !== 0 || region[q] === thisId || rimOf[q] === thisId || beyondOf[q] === thisId)
            continue;
          beyondOf[q] = thisId;
          frontier[next++] = q;
          if (d >= BEYOND_DEPTH - 1) {
            for (let c = 0; c < 3; c++) beyond[c] = beyond[c]! + data[q * 3 + c]!;
            beyondCount++;
          }
        }
      }
      from = to;
      to = next;
    }
    // Too little backdrop beyond it to judge by (walled in by edges and the product).
    if (beyondCount === 0 || beyondCount < MIN_BEYOND_SHARE * (outline - contact)) continue;
    for (let c = 0; c < 3; c++) beyond[c] = beyond[c]! / beyondCount;
    if (distance(mean, beyond) < options.minGap) continue;
    // Backdrop-coloured (a handle's opening the cut has not closed): not a part.
    if (distance(mean, backdrop) < options.minGap) continue;
    // The backdrop's colour in shade: a cast shadow, hard-edged where the light is hard. (A part of
    // that colour — a grey sole on a grey sweep — stays lost: shadows are far more common.)
    if (departure(mean, 0, beyond, 0, options.minGap) === 2) continue;
    // Joined on along a short stretch only (a leaf at a stem's end): only in a colour the product has
    // elsewhere, not something else on the table that the product touches.
    if (
      contact < options.contact[0] * outline &&
      2 * productPixelsLike(mask, data, n, mean, options.minGap) < size
    )
      continue;
    for (let i = 0; i < size; i++) added[members[i]!] = 1;
    // With its edge pixels: that band is where its outline lies, for the full-size refinement to place.
    for (let i = 0; i < rimSize; i++) added[rim[i]!] = 1;
  }
  for (let p = 0; p < n; p++) if (added[p] === 1) mask[p] = 1;
  return added;
}

/** 1 where the colour changes by at least `threshold` levels across the pixel (over 2 px, either axis). */
function edgePixels(data: ArrayLike<number>, w: number, h: number, threshold: number): Uint8Array {
  const edge = new Uint8Array(w * h);
  const limit = threshold * threshold;
  const across = (a: number, b: number) => {
    const dr = data[a * 3]! - data[b * 3]!;
    const dg = data[a * 3 + 1]! - data[b * 3 + 1]!;
    const db = data[a * 3 + 2]! - data[b * 3 + 2]!;
    return dr * dr + dg * dg + db * db;
  };
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const p = y * w + x;
      if (across(p - 1, p + 1) >= limit || across(p - w, p + w) >= limit) edge[p] = 1;
    }
  }
  return edge;
}

/** The k-th (0..3: left, right, up, down) 4-neighbour of p (at column x), or −1 off the grid. */
function neighbour(p: number, x: number, k: number, w: number, n: number): number {
  switch (k) {
    case 0:
      return x > 0 ? p - 1 : -1;
    case 1:
      return x + 1 < w ? p + 1 : -1;
    case 2:
      return p >= w ? p - w : -1;
    default:
      return p + w < n ? p + w : -1;
  }
}

/** How many product pixels (1 in `mask`) lie within `gap` colour levels of `colour`. */
function productPixelsLike(
  mask: Uint8Array,
  data: ArrayLike<number>,
  n: number,
  colour: readonly number[],
  gap: number,
): number {
  const limit = gap * gap;
  let count = 0;
  for (let p = 0; p < n; p++) {
    if (mask[p] !== 1) continue;
    const dr = data[p * 3]! - colour[0]!;
    const dg = data[p * 3 + 1]! - colour[1]!;
    const db = data[p * 3 + 2]! - colour[2]!;
    if (dr * dr + dg * dg + db * db < limit) count++;
  }
  return count;
}

/** Whether a 4-neighbour of p is product (1) in `mask`. */
function touchesProduct(mask: Uint8Array, p: number, w: number, n: number): boolean {
  const x = p % w;
  return (
    (x > 0 && mask[p - 1] === 1) ||
    (x + 1 < w && mask[p + 1] === 1) ||
    (p >= w && mask[p - w] === 1) ||
    (p + w < n && mask[p + w] === 1)
  );
}

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}
