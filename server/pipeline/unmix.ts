/**
 * Where exactly a product's edge runs at full size. An edge pixel is a mix of the product's colour F and
 * the backdrop's colour B behind it (lens blur, anti-aliasing, JPEG): C ≈ αF + (1 − α)B. Deciding it by
 * the global colour models puts the edge too far out: the backdrop's model is tight and the product's
 * broad, so a pixel a quarter product is already "unlike the backdrop" (a halo of backdrop ~1 px wide all
 * round, which on a thin cable is a tenth of its area). Here F and B are the mean colours of the sure
 * product and sure backdrop nearby (cells of the small cut's grid inside it and outside it, neighbours
 * included), and the pixel is product when its α along B → F is at least ½. The edge moves by at most a
 * pixel a pass, and never so as to part the product or leave it under 3 px thick: where a part's colour
 * really is the backdrop's (a glossy cable's highlight in a lamp's hotspot) it is thinned, not cut off.
 */

export interface UnmixOptions {
  /** Grid cells either side whose sure colours are pooled for a pixel's F and B. */
  reach: number;
  /** Least distance between F and B (8-bit levels) for α to mean anything; closer, the pixel is left. */
  minContrast: number;
  /** Most pixels the edge moves (one per pass). */
  passes: number;
}

/** The small cut: its RGB grid and its mask (1 = product), `width` × `height` cells. */
export interface SmallGrid {
  data: Uint8Array;
  mask: Uint8Array;
  width: number;
  height: number;
}

/**
 * Re-decides `hard` (0/255 per full-size pixel) along its edge within two cells of the small cut's edge,
 * apart from `firm` pixels (> 0). Returns the number of pixels changed. That includes pixels of cells the
 * small cut had wholly on one side: it is often a cell out (a ring of wood grain round a leaf, a white
 * mug's top edge cut off), and its upsampled ramp is then 255 or 0 where the edge really runs.
 */
export function unmixEdges(
  data: Uint8Array,
  width: number,
  height: number,
  hard: Uint8Array,
  firm: Uint8Array | undefined,
  small: SmallGrid,
  options: UnmixOptions,
): number {
  const { reach, minContrast, passes } = options;
  const { width: sw, height: sh, mask } = small;
  // Per cell: sure product r, g, b, count, then sure backdrop r, g, b, count. A cell is sure when it and
  // its four neighbours are on the same side of the cut: its colour (an average over the cell) is then
  // not a mix.
  const sums = new Uint32Array(sw * sh * 8);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const c = y * sw + x;
      const m = mask[c]!;
      if (
        (x > 0 && mask[c - 1] !== m) ||
        (x + 1 < sw && mask[c + 1] !== m) ||
        (y > 0 && mask[c - sw] !== m) ||
        (y + 1 < sh && mask[c + sw] !== m)
      ) {
        continue;
      }
      const k = c * 8 + (m === 1 ? 0 : 4);
      sums[k] = small.data[c * 3]!;
      sums[k + 1] = small.data[c * 3 + 1]!;
      sums[k + 2] = small.data[c * 3 + 2]!;
      sums[k + 3] = 1;
    }
  }
  const area = integral(sums, sw, sh);
  // Only cells with the cut's edge within two cells are visited: those hold the upsampled ramp's pixels
  // between 0 and 255 (its bilinear support is the 2 × 2 cells around a pixel) and the cells beside them.
  const near = new Uint8Array(sw * sh);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const c = y * sw + x;
      if ((x + 1 < sw && mask[c + 1] !== mask[c]) || (y + 1 < sh && mask[c + sw] !== mask[c])) {
        for (let dy = Math.max(0, y - 2); dy <= Math.min(sh - 1, y + 3); dy++)
          near.fill(1, dy * sw + Math.max(0, x - 2), dy * sw + Math.min(sw - 1, x + 3) + 1);
      }
    }
  }
  // Per near cell, once for all passes: the backdrop's colour B, the step F − B and its squared length
  // (0 where there is nothing to unmix against: no sure colours of both kinds, or too little contrast).
  const unmix = new Float64Array(sw * sh * 7);
  const pool = new Float64Array(8);
  const floor = minContrast * minContrast;
  for (let c = 0; c < sw * sh; c++) {
    if (near[c] !== 1) continue;
    const cx = c % sw;
    const cy = (c - cx) / sw;
    boxSum(area, sw, sh, cx - reach, cy - reach, cx + reach, cy + reach, pool);
    const nf = pool[3]!;
    const nb = pool[7]!;
    if (nf === 0 || nb === 0) continue;
    const o = c * 7;
    for (let k = 0; k < 3; k++) {
      unmix[o + k] = pool[4 + k]! / nb;
      unmix[o + 3 + k] = pool[k]! / nf - unmix[o + k]!;
    }
    const d2 = unmix[o + 3]! * unmix[o + 3]! + unmix[o + 4]! * unmix[o + 4]! + unmix[o + 5]! * unmix[o + 5]!;
    if (d2 >= floor) unmix[o + 6] = d2;
  }
  // The full-size pixels of cell c along one axis: those whose position × cells / pixels rounds down to c.
  const first = (c: number, cells: number, pixels: number) => Math.ceil((c * pixels) / cells);
  let changed = 0;
  // Each pass moves the edge by at most a pixel (only pixels with a 4-neighbour on the other side may
  // change): enough for the ~1 px the colour models are out, and where a part's colour really is the
  // backdrop's (a glossy cable's highlight in a lamp's hotspot) it is thinned, not cut through.
  for (let pass = 0; pass < passes; pass++) {
    const before = hard.slice();
    for (let cy = 0; cy < sh; cy++) {
      for (let cx = 0; cx < sw; cx++) {
        const o = (cy * sw + cx) * 7;
        const d2 = unmix[o + 6]!;
        if (d2 === 0) continue;
        const br = unmix[o]!;
        const bg = unmix[o + 1]!;
        const bb = unmix[o + 2]!;
        const dr = unmix[o + 3]!;
        const dg = unmix[o + 4]!;
        const db = unmix[o + 5]!;
        const x1 = Math.min(width, first(cx + 1, sw, width));
        const y1 = Math.min(height, first(cy + 1, sh, height));
        for (let y = first(cy, sh, height); y < y1; y++) {
          for (let x = first(cx, sw, width), p = y * width + x; x < x1; x++, p++) {
            if (firm !== undefined && firm[p]! > 0) continue;
            const v = before[p]!;
            const onEdge =
              (x > 0 && before[p - 1] !== v) ||
              (x + 1 < width && before[p + 1] !== v) ||
              (y > 0 && before[p - width] !== v) ||
              (y + 1 < height && before[p + width] !== v);
            if (!onEdge) continue;
            const alpha =
              ((data[p * 3]! - br) * dr + (data[p * 3 + 1]! - bg) * dg + (data[p * 3 + 2]! - bb) * db) / d2;
            const decided = alpha >= 0.5 ? 255 : 0;
            // Taking a pixel off the product must leave it whole and at least 3 px thick along rows and
            // columns there (~2 px across a diagonal part; thinner, the soft edge's blur drops it below ½):
            // a glossy cable whose highlight has the backdrop's colour would otherwise be cut in two.
            if (decided === 0 && hard[p] === 255 && !removable(hard, x, y, width, height)) continue;
            if (decided !== hard[p]) {
              hard[p] = decided;
              changed++;
            }
          }
        }
      }
    }
  }
  return changed;
}

/**
 * Whether product pixel (x, y) can be taken off: at least three product pixels behind it, away from each
 * backdrop pixel beside it, and its 4-connectivity Yokoi number 1 (removing it neither parts the
 * product's 4-connected pixels nor makes a hole; a corner-to-corner join would not survive the blur).
 */
function removable(hard: Uint8Array, x: number, y: number, width: number, height: number): boolean {
  // Beyond the frame counts as product: the frame is no backdrop beside a pixel.
  const on = (dx: number, dy: number): number => {
    const xx = x + dx;
    const yy = y + dy;
    return xx < 0 || yy < 0 || xx >= width || yy >= height || hard[yy * width + xx] === 255 ? 1 : 0;
  };
  for (const [dx, dy] of STEPS) {
    if (on(dx, dy) === 0 && (on(-dx, -dy) === 0 || on(-2 * dx, -2 * dy) === 0 || on(-3 * dx, -3 * dy) === 0))
      return false;
  }
  // Neighbours counter-clockwise from east: E, NE, N, NW, W, SW, S, SE.
  const n = [on(1, 0), on(1, -1), on(0, -1), on(-1, -1), on(-1, 0), on(-1, 1), on(0, 1), on(1, 1)];
  let connectivity = 0;
  for (let k = 0; k < 8; k += 2) connectivity += n[k]! - n[k]! * n[(k + 1) % 8]! * n[(k + 2) % 8]!;
  return connectivity === 1;
}

const STEPS = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
] as const;

/** Summed-area table of 8 values per cell, (bw + 1) × (bh + 1) entries with a zero first row and column. */
function integral(sums: Uint32Array, bw: number, bh: number): Float64Array {
  const stride = (bw + 1) * 8;
  const out = new Float64Array((bh + 1) * stride);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const o = (y + 1) * stride + (x + 1) * 8;
      const k = (y * bw + x) * 8;
      for (let c = 0; c < 8; c++)
        out[o + c] = sums[k + c]! + out[o - 8 + c]! + out[o - stride + c]! - out[o - stride - 8 + c]!;
    }
  }
  return out;
}

/** Sums of the cells x0..x1 × y0..y1 (clipped to the grid) into `out` (8 values). */
function boxSum(
  area: Float64Array,
  bw: number,
  bh: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  out: Float64Array,
): void {
  const stride = (bw + 1) * 8;
  const left = Math.max(0, x0) * 8;
  const right = (Math.min(bw - 1, x1) + 1) * 8;
  const top = Math.max(0, y0) * stride;
  const bottom = (Math.min(bh - 1, y1) + 1) * stride;
  for (let c = 0; c < 8; c++) {
    out[c] =
      area[bottom + right + c]! - area[top + right + c]! - area[bottom + left + c]! + area[top + left + c]!;
  }
}
