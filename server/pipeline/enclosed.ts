/**
 * Silhouettes: what a white product on a white sweep still shows when its colour says nothing.
 * outline.ts finds objects whose colour departs from the backdrop's lighting trend, and the geodesic
 * (geodesic.ts) walks into a product wherever its shading meets the backdrop's smoothly (the shaded hem of
 * a shirt sitting in its own contact shadow). Here the backdrop is flooded from the frame by a disc that
 * cannot squeeze through openings narrower than its diameter, so a contour with a short faint stretch (a
 * shirt's lit shoulder against a lit sweep) still closes. What the flood cannot reach is enclosed.
 *
 * A mug handle's opening is enclosed too, and so is the backdrop in a narrow armpit or between a plant's
 * stems; they have the colour of the backdrop around them. A cast shadow's patches are enclosed by its
 * banding and differ from their surroundings only by being darker. Neither counts.
 */

import { components } from './components.js';
import { departure } from './outline.js';

/** Frame stretches shorter than this share of the perimeter may be a product cut off by the frame. */
const SHORT_STRETCH = 0.15;
/**
 * More frame stretches than this is a busy scene (things on the table running off the frame all round),
 * not a product cut off by the frame: then every stretch is backdrop.
 */
const MAX_STRETCHES = 3;
/** Least share of a region departing from its surroundings other than as shade (lit or coloured parts). */
const UNLIKE_SHARE = 0.15;
/** Smallest region considered, as a share of the grid. */
const MIN_SHARE = 0.001;
/** Steps beyond the disc's radius over which a region's surroundings are sampled. */
const SURROUND = 4;
/** Least share of a region the geodesic calls backdrop for its grain to make it backdrop. */
const GRAIN_CONNECTED = 0.5;

export interface EnclosedOptions {
  /**
   * Colour-gradient magnitude (central differences, one-sided on the frame; colour levels) at or above which
   * a pixel is an edge.
   */
  edge: number;
  /** Radius (grid pixels) of the flooding disc: openings narrower than twice this close. */
  radius: number;
  /**
   * Regions must reach the frame's middle (this share inset from each side) to be the product: other
   * things on the table are enclosed too, and bands between them and the product would join them to it.
   */
  centreInset: number;
}

export interface SilhouetteOptions extends EnclosedOptions {
  /** Colour distance (levels) from the surroundings above which a pixel departs from the backdrop. */
  threshold: number;
  /**
   * On a grained backdrop (paper, wood grain): per pixel, a texture measure and whether the geodesic calls
   * it backdrop (smoothly connected to the frame). A region mostly so connected whose median texture is
   * within `ratio` × `level` (the backdrop's own) shows the backdrop's grain: it is backdrop.
   */
  grain?: { texture: Float32Array; level: number; ratio: readonly [number, number]; connected: Uint8Array };
}

export interface EnclosedRegions {
  /** Region id per pixel, −1 = swept by the backdrop flood or an edge pixel. */
  labels: Int32Array;
  /** Pixels per region. */
  sizes: number[];
  /** Per region: it reaches the frame (a product cut off by it, or other things on the table). */
  touchesBorder: boolean[];
  /** Per region: it reaches the middle of the frame (`centreInset`). */
  touchesCentre: boolean[];
  /** 1 = an edge pixel. */
  edge: Uint8Array;
  /** 1 = swept by the flooding disc: backdrop. */
  swept: Uint8Array;
}

export interface Silhouettes {
  /**
   * 1 = silhouette: in enclosed regions that depart from the backdrop around them, their pixels that do,
   * and the edge bands inside them (a sleeve's steep shading is all edge).
   */
  marked: Uint8Array;
  /**
   * 1 = within such a region or its edge bands, marked or not: one product's pixels, even where the
   * backdrop-coloured ones between its marked parts split them apart.
   */
  extent: Uint8Array;
}

/** The silhouettes on a w × h RGB grid. */
export function silhouettes(data: Uint8Array, w: number, h: number, options: SilhouetteOptions): Silhouettes {
  const n = w * h;
  const { threshold, radius } = options;
  const regions = enclosedRegions(data, w, h, options);
  const { labels, sizes } = regions;
  const big = sizes.map((size) => size >= Math.max(24, n * MIN_SHARE));
  const around = surroundingColours(regions, big, data, w, h, radius + SURROUND);
  const unlike = new Float64Array(sizes.length);
  for (let p = 0; p < n; p++) {
    const id = labels[p]!;
    if (id < 0 || !big[id] || Number.isNaN(around[id * 3]!)) continue;
    // Lit or coloured, not merely darker: shade is what a cast shadow's patches are made of.
    if (departure(data, p * 3, around, id * 3, threshold) === 1) unlike[id] = unlike[id]! + 1;
  }
  // Small regions and those with no backdrop around them count nothing above.
  const candidates = sizes.map((size, id) => unlike[id]! > 0 && unlike[id]! >= size * UNLIKE_SHARE);
  const grained = options.grain ? showGrain(regions, candidates, options.grain) : [];
  const departs = candidates.map((ok, id) => ok && !grained[id]);
  // Central, or cut off by the frame (off-centre by nature) when nothing central is a candidate: other
  // things on the table run off the frame too.
  const { touchesCentre: central, touchesBorder: framed } = regions;
  const anyCentral = departs.some((ok, id) => ok && central[id]);
  const accepted = departs.map((ok, id) => ok && (anyCentral ? central[id] : framed[id]) === true);
  const inAccepted = new Uint8Array(n);
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const id = labels[p]!;
    if (id < 0 || !accepted[id]) continue;
    inAccepted[p] = 1;
    // Inside an accepted region, only what departs from the backdrop: the region may hold a stretch of
    // backdrop that came in through a faint part of the contour.
    const i = p * 3;
    const j = id * 3;
    const d = Math.hypot(data[i]! - around[j]!, data[i + 1]! - around[j + 1]!, data[i + 2]! - around[j + 2]!);
    if (d > threshold * 0.5) out[p] = 1;
  }
  // Edge bands between accepted regions: a closing (by the disc's radius) that stays off the swept backdrop
  // and so cannot spread along a shadow's edge beyond the product.
  const toAccepted = chamferDistance(inAccepted, w, h);
  const grown = new Uint8Array(n);
  for (let p = 0; p < n; p++) grown[p] = toAccepted[p]! > radius || regions.swept[p] === 1 ? 1 : 0;
  const toOutside = chamferDistance(grown, w, h);
  for (let p = 0; p < n; p++) {
    if (toOutside[p]! > radius && regions.edge[p] === 1) {
      out[p] = 1;
      inAccepted[p] = 1;
    }
  }
  return { marked: out, extent: inAccepted };
}

/**
 * Per candidate region: it shows the backdrop's grain (see {@link SilhouetteOptions.grain}). A grained
 * backdrop's speckle encloses stretches of it from the frame, and a hotspot or a band of lighter grain
 * departs from what surrounds it: no silhouette (a sheet of paper was kept whole beside a shoe, a band
 * of wood beside a bag). A white product's smooth body has far less texture than such a backdrop, and
 * where it is small and all shading edges, far more.
 */
function showGrain(
  regions: EnclosedRegions,
  candidates: boolean[],
  grain: NonNullable<SilhouetteOptions['grain']>,
): boolean[] {
  const { labels, sizes } = regions;
  const values = sizes.map((size, id) => (candidates[id] ? new Float32Array(size) : undefined));
  const filled = new Int32Array(sizes.length);
  const connected = new Int32Array(sizes.length);
  for (let p = 0; p < labels.length; p++) {
    const id = labels[p]!;
    const own = id >= 0 ? values[id] : undefined;
    if (!own) continue;
    own[filled[id]!] = grain.texture[p]!;
    filled[id] = filled[id]! + 1;
    connected[id] = connected[id]! + grain.connected[p]!;
  }
  return values.map((own, id) => {
    if (!own || connected[id]! < sizes[id]! * GRAIN_CONNECTED) return false;
    // A typed array sorts numerically without a comparator.
    own.sort();
    const median = own[own.length >> 1]! / grain.level;
    return median >= grain.ratio[0] && median <= grain.ratio[1];
  });
}

/**
 * Enclosed regions of a w × h RGB grid (4-connected, edge pixels belong to none). The frame's pixels are
 * edges too where the image steps there: otherwise a region reaches along the frame column past a contour
 * that runs off it (a product cut off by the frame took the row of its contact shadow below it that way).
 */
export function enclosedRegions(
  data: Uint8Array,
  w: number,
  h: number,
  options: EnclosedOptions,
): EnclosedRegions {
  const n = w * h;
  const edge = new Uint8Array(n);
  for (let y = 0; y < h; y++) {
    // On the frame, the difference to the pixel inside (one-sided).
    const up = y > 0 ? -w : 0;
    const down = y + 1 < h ? w : 0;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const left = x > 0 ? -1 : 0;
      const right = x + 1 < w ? 1 : 0;
      let m = 0;
      for (let c = 0; c < 3; c++) {
        const gx = data[(p + right) * 3 + c]! - data[(p + left) * 3 + c]!;
        const gy = data[(p + down) * 3 + c]! - data[(p + up) * 3 + c]!;
        m += gx * gx + gy * gy;
      }
      if (m >= options.edge * options.edge) edge[p] = 1;
    }
  }
  const toEdge = chamferDistance(edge, w, h);
  const swept = sweep(toEdge, w, h, options.radius);
  const free = new Uint8Array(n);
  for (let p = 0; p < n; p++) free[p] = edge[p] === 0 && swept[p] === 0 ? 1 : 0;
  return { ...components(free, w, h, 1, options.centreInset), edge, swept };
}

/** The pixels a disc of `radius` covers, flooding in from the frame between edges (1 = covered). */
function sweep(toEdge: Float32Array, w: number, h: number, radius: number): Uint8Array {
  const n = w * h;
  // The disc's centre may stand where the nearest edge is farther than its radius; it starts on the frame.
  const reached = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  const push = (p: number) => {
    if (reached[p] === 1 || toEdge[p]! <= radius) return;
    reached[p] = 1;
    stack[top++] = p;
  };
  for (const p of floodStarts(toEdge, w, h, radius)) push(p);
  while (top > 0) {
    const p = stack[--top]!;
    const x = p % w;
    if (x > 0) push(p - 1);
    if (x + 1 < w) push(p + 1);
    if (p >= w) push(p - w);
    if (p + w < n) push(p + w);
  }
  const toReached = chamferDistance(reached, w, h);
  const covered = new Uint8Array(n);
  for (let p = 0; p < n; p++) covered[p] = toReached[p]! <= radius ? 1 : 0;
  return covered;
}

/**
 * Where the disc enters: the stretches of the frame it can stand on, leaving out short ones when long ones
 * exist. A product cut off by the frame (a white mug running off the left edge) meets the frame along a
 * short stretch between its contour's two ends, and flooding from there would call it backdrop.
 */
function floodStarts(toEdge: Float32Array, w: number, h: number, radius: number): number[] {
  const perimeter: number[] = [];
  for (let x = 0; x < w; x++) perimeter.push(x);
  for (let y = 1; y < h; y++) perimeter.push(y * w + w - 1);
  for (let x = w - 2; x >= 0; x--) perimeter.push((h - 1) * w + x);
  for (let y = h - 2; y > 0; y--) perimeter.push(y * w);
  const open = perimeter.map((p) => toEdge[p]! > radius);
  const firstBlocked = open.indexOf(false);
  if (firstBlocked < 0) return perimeter;
  const stretches: number[][] = [];
  let current: number[] = [];
  // Walk once round from just after a blocked pixel, so a stretch wrapping past index 0 stays whole.
  for (let k = 1; k <= perimeter.length; k++) {
    const i = (firstBlocked + k) % perimeter.length;
    if (open[i]) {
      current.push(perimeter[i]!);
    } else if (current.length > 0) {
      stretches.push(current);
      current = [];
    }
  }
  const long = stretches.filter((s) => s.length >= perimeter.length * SHORT_STRETCH);
  return (long.length > 0 && stretches.length <= MAX_STRETCHES ? long : stretches).flat();
}

/**
 * Mean colour (3 per region, NaN when there is none) of the backdrop around each region in `wanted`: the
 * non-edge pixels no region holds within `depth` steps (4-connected) of it, reached across the edge band.
 */
function surroundingColours(
  regions: EnclosedRegions,
  wanted: boolean[],
  data: Uint8Array,
  w: number,
  h: number,
  depth: number,
): Float64Array {
  const n = w * h;
  const { labels, edge } = regions;
  const owner = new Int32Array(n).fill(-1);
  let frontier: number[] = [];
  for (let p = 0; p < n; p++) {
    const id = labels[p]!;
    if (id >= 0 && wanted[id]) {
      owner[p] = id;
      frontier.push(p);
    }
  }
  const sums = new Float64Array(wanted.length * 4);
  for (let step = 1; step <= depth && frontier.length > 0; step++) {
    const next: number[] = [];
    for (const p of frontier) {
      const x = p % w;
      const neighbours = [x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, p - w, p + w];
      for (const q of neighbours) {
        if (q < 0 || q >= n || owner[q]! >= 0 || labels[q]! >= 0) continue;
        const id = owner[p]!;
        owner[q] = id;
        next.push(q);
        if (edge[q] === 1) continue;
        sums[id * 4] = sums[id * 4]! + data[q * 3]!;
        sums[id * 4 + 1] = sums[id * 4 + 1]! + data[q * 3 + 1]!;
        sums[id * 4 + 2] = sums[id * 4 + 2]! + data[q * 3 + 2]!;
        sums[id * 4 + 3] = sums[id * 4 + 3]! + 1;
      }
    }
    frontier = next;
  }
  const colour = new Float64Array(wanted.length * 3).fill(Number.NaN);
  for (let id = 0; id < wanted.length; id++) {
    const count = sums[id * 4 + 3]!;
    if (count > 0) for (let c = 0; c < 3; c++) colour[id * 3 + c] = sums[id * 4 + c]! / count;
  }
  return colour;
}

/** Distance (grid pixels) to the nearest pixel with `from[p] === 1`: a 1 / √2 chamfer, two raster passes. */
export function chamferDistance(from: Uint8Array, w: number, h: number): Float32Array {
  const n = w * h;
  const d = new Float32Array(n).fill(Number.POSITIVE_INFINITY);
  for (let p = 0; p < n; p++) if (from[p] === 1) d[p] = 0;
  const diagonal = Math.SQRT2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      let v = d[p]!;
      if (x > 0) v = Math.min(v, d[p - 1]! + 1);
      if (y > 0) {
        v = Math.min(v, d[p - w]! + 1);
        if (x > 0) v = Math.min(v, d[p - w - 1]! + diagonal);
        if (x + 1 < w) v = Math.min(v, d[p - w + 1]! + diagonal);
      }
      d[p] = v;
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const p = y * w + x;
      let v = d[p]!;
      if (x + 1 < w) v = Math.min(v, d[p + 1]! + 1);
      if (y + 1 < h) {
        v = Math.min(v, d[p + w]! + 1);
        if (x + 1 < w) v = Math.min(v, d[p + w + 1]! + diagonal);
        if (x > 0) v = Math.min(v, d[p + w - 1]! + diagonal);
      }
      d[p] = v;
    }
  }
  return d;
}
