/**
 * Bridges across breaks in a thin product. A cable's lit stretch (or its specular highlight) can match the
 * backdrop's colour, or its shade, for a few pixels, and the cut breaks the cable there into pieces the
 * clean-up keeps apart. Where a piece lies within a short gap of the rest, and the straight line across the
 * gap differs in colour from the backdrop on both sides of it, the gap is the product's own surface.
 * Things beside the product are a gap of plain backdrop away and stay apart.
 *
 * The full-size refinement can open such a break again in a piece the small cut kept whole; `breaks`
 * finds the pixels that close it.
 */

import { components } from './components.js';
import { chamferDistance } from './enclosed.js';

/** Pieces smaller than this share of the cut-out are specks, not the ends of a break. */
const MIN_PIECE_SHARE = 0.002;
/** Most pieces joined per photo (each join is a bounded search over the grid). */
const MAX_JOINS = 8;
/** Pixels beyond the bridge's half-width at which its sides are sampled (and the half-width is sought). */
const SIDE_OFFSET = 3;

export interface BridgeOptions {
  /** Longest gap bridged (grid pixels). */
  maxGap: number;
  /** Least mean colour step (levels) between the bridge and the backdrop on either side of it. */
  minStep: number;
}

/**
 * Joins pieces of `mask` (1 = product, w × h) to its largest piece across short gaps that are not
 * backdrop, painting the bridges into `mask`. `colours` is the grid's RGB (3 per pixel).
 */
export function bridgeFragments(
  mask: Uint8Array,
  w: number,
  h: number,
  colours: ArrayLike<number>,
  options: BridgeOptions,
): void {
  const parts = components(mask, w, h, 1);
  const count = parts.sizes.length;
  if (count < 2) return;
  let main = 0;
  for (let i = 1; i < count; i++) if (parts.sizes[i]! > parts.sizes[main]!) main = i;
  // 0 = apart, 1 = joined to the main piece, 2 = tried and refused.
  const state = new Uint8Array(count);
  state[main] = 1;
  const inside = chamferDistance(
    mask.map((m) => 1 - m),
    w,
    h,
  );
  for (let join = 0; join < MAX_JOINS; join++) {
    const nearest = nearestPiece(mask, parts.labels, state, w, h, options.maxGap);
    if (!nearest) return;
    const { from, to, piece } = nearest;
    // As thick as the thinner end (a cable's ends are as thick as the cable).
    const radius = Math.max(
      0,
      Math.round(Math.min(halfWidth(inside, from, w, h), halfWidth(inside, to, w, h)) - 0.5),
    );
    const line = lineBetween(from, to, w);
    const gap = line.filter((p) => mask[p] === 0);
    if (sideStep(gap, from, to, w, h, colours, radius) > options.minStep) {
      for (const p of line) paintDisc(mask, p, w, h, radius);
      state[piece] = 1;
    } else {
      state[piece] = 2;
    }
  }
}

/**
 * The closest pixel of a piece still apart (state 0) to the joined pieces, within `maxGap` steps through
 * non-product pixels, and the joined pixel the search came from.
 */
function nearestPiece(
  mask: Uint8Array,
  labels: Int32Array,
  state: Uint8Array,
  w: number,
  h: number,
  maxGap: number,
): { from: number; to: number; piece: number } | undefined {
  const n = w * h;
  const origin = new Int32Array(n).fill(-1);
  let frontier: number[] = [];
  for (let p = 0; p < n; p++) {
    if (mask[p] === 1 && state[labels[p]!] === 1) {
      origin[p] = p;
      frontier.push(p);
    }
  }
  for (let step = 1; step <= maxGap + 1 && frontier.length > 0; step++) {
    const next: number[] = [];
    for (const p of frontier) {
      const x = p % w;
      // 8-connected, so the steps count about as the straight line does.
      const left = x > 0;
      const right = x + 1 < w;
      const neighbours = [
        left ? p - 1 : -1,
        right ? p + 1 : -1,
        p - w,
        p + w,
        left ? p - w - 1 : -1,
        right ? p - w + 1 : -1,
        left ? p + w - 1 : -1,
        right ? p + w + 1 : -1,
      ];
      for (const q of neighbours) {
        if (q < 0 || q >= n || origin[q]! >= 0) continue;
        origin[q] = origin[p]!;
        if (mask[q] === 1) {
          const piece = labels[q]!;
          if (state[piece] === 0) return { from: origin[q]!, to: q, piece };
          continue; // a refused piece: the search does not pass through it
        }
        next.push(q);
      }
    }
    frontier = next;
  }
  return undefined;
}

/** The pixels of the straight line from `a` to `b` (Bresenham), both ends included. */
function lineBetween(a: number, b: number, w: number): number[] {
  let x0 = a % w;
  let y0 = (a - x0) / w;
  const x1 = b % w;
  const y1 = (b - x1) / w;
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let error = dx + dy;
  const out: number[] = [];
  for (;;) {
    out.push(y0 * w + x0);
    if (x0 === x1 && y0 === y1) return out;
    const e2 = 2 * error;
    if (e2 >= dy) {
      error += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      error += dx;
      y0 += sy;
    }
  }
}

/**
 * Mean colour step between the gap's pixels (on the line from `a` to `b`) and the pixels beside them
 * (perpendicular, past the bridge's half-width), taking the nearer-coloured side at each pixel: both sides
 * must differ.
 */
function sideStep(
  gap: number[],
  a: number,
  b: number,
  w: number,
  h: number,
  colours: ArrayLike<number>,
  radius: number,
): number {
  const ax = a % w;
  const ay = (a - ax) / w;
  const bx = b % w;
  const by = (b - bx) / w;
  const length = Math.hypot(bx - ax, by - ay) || 1;
  const offset = radius + SIDE_OFFSET;
  const nx = (-(by - ay) / length) * offset;
  const ny = ((bx - ax) / length) * offset;
  let sum = 0;
  let samples = 0;
  for (const p of gap) {
    const x = p % w;
    const y = (p - x) / w;
    let nearer = Number.POSITIVE_INFINITY;
    for (const sign of [-1, 1]) {
      const sx = Math.round(x + sign * nx);
      const sy = Math.round(y + sign * ny);
      if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
      const q = sy * w + sx;
      const d = Math.hypot(
        colours[p * 3]! - colours[q * 3]!,
        colours[p * 3 + 1]! - colours[q * 3 + 1]!,
        colours[p * 3 + 2]! - colours[q * 3 + 2]!,
      );
      nearer = Math.min(nearer, d);
    }
    if (Number.isFinite(nearer)) {
      sum += nearer;
      samples++;
    }
  }
  return samples === 0 ? 0 : sum / samples;
}

/** The piece's half-width near `p`: the largest distance to the backdrop within a few pixels of it. */
function halfWidth(inside: Float32Array, p: number, w: number, h: number): number {
  const x = p % w;
  const y = (p - x) / w;
  let best = 0;
  for (let dy = -SIDE_OFFSET; dy <= SIDE_OFFSET; dy++) {
    for (let dx = -SIDE_OFFSET; dx <= SIDE_OFFSET; dx++) {
      const px = x + dx;
      const py = y + dy;
      if (px >= 0 && py >= 0 && px < w && py < h) best = Math.max(best, inside[py * w + px]!);
    }
  }
  return best;
}

function paintDisc(mask: Uint8Array, p: number, w: number, h: number, radius: number): void {
  const x = p % w;
  const y = (p - x) / w;
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      if (dx * dx + dy * dy > radius * radius) continue;
      const px = x + dx;
      const py = y + dy;
      if (px >= 0 && py >= 0 && px < w && py < h) mask[py * w + px] = 1;
    }
  }
}

/**
 * Pixels that close breaks between pieces of `mask` (1 = product, w × h) that an earlier cut had whole
 * (`whole`: one of its pieces holds both): pixels of `near` (at or just outside the earlier cut's product)
 * with pixels of two such pieces within `radius` of them: breaks up to `radius` long. Specks don't count as pieces, and pieces the
 * earlier cut had apart (two shoes) stay apart. Undefined when there is nothing to close.
 */
export function breaks(
  mask: Uint8Array,
  whole: Uint8Array,
  near: Uint8Array,
  w: number,
  h: number,
  radius: number,
): Uint8Array | undefined {
  const pieces = components(mask, w, h, 1);
  let total = 0;
  for (const size of pieces.sizes) total += size;
  const big = pieces.sizes.map((size) => size >= total * MIN_PIECE_SHARE);
  if (big.filter(Boolean).length < 2) return undefined;
  // The earlier cut's piece each piece lies in (−1: none).
  const earlier = components(whole, w, h, 1);
  const within = pieces.sizes.map(() => -1);
  for (let p = 0; p < mask.length; p++) {
    const id = pieces.labels[p]!;
    if (id >= 0 && within[id]! < 0 && earlier.labels[p]! >= 0) within[id] = earlier.labels[p]!;
  }
  const out = new Uint8Array(w * h);
  let found = false;
  for (let p = 0; p < out.length; p++) {
    if (mask[p] === 1 || near[p] === 0) continue;
    const x = p % w;
    const y = (p - x) / w;
    let first = -1;
    scan: for (let dy = -radius; dy <= radius; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= h) continue;
      for (let dx = -radius; dx <= radius; dx++) {
        const xx = x + dx;
        if (xx < 0 || xx >= w) continue;
        const id = pieces.labels[yy * w + xx]!;
        if (id < 0 || !big[id] || within[id]! < 0) continue;
        if (first < 0) first = id;
        else if (id !== first && within[id] === within[first]) {
          out[p] = 1;
          found = true;
          break scan;
        }
      }
    }
  }
  return found ? out : undefined;
}
