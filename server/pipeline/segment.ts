/**
 * Classical background removal, no model weights (SPEC §2 "local default"): GrabCut-style colour models +
 * a graph cut on a small copy of the photo, cleaned up, then brought back to full size with a colour-aware
 * edge refinement and a feather so the edge is soft, not blocky.
 *
 *  0. On a tiled floor, the grout grid is found and painted over with the tiles (grout.ts), and the cut
 *     runs on that picture, without the geodesic of step 1; grout pixels it took at the product's edge
 *     are given back to the backdrop before step 5.
 *  1. Background colour model from the image border (a listing photo is framed around the product), with
 *     border stretches that look like the centre, stretches where the frame cuts a product off (cutoff.ts),
 *     or (on a smooth backdrop) colour outliers, left out — the product may touch the frame. On a smooth
 *     backdrop the model also takes in everything geodesically close to the border (geodesic.ts), so a
 *     flash hotspot or gradient stays backdrop.
 *     Regions off the border's lighting trend with a sharp rim (outline.ts), and regions enclosed by the
 *     photo's edges that depart from the backdrop around them (enclosed.ts: a white product's silhouette;
 *     not a stretch of grained paper or wood, which shows the backdrop's texture), are kept out of that
 *     and favoured as product, shading included: the geodesic leaks into a white product where its
 *     shading meets the sweep's.
 *  2. Foreground model from interior pixels the border model explains badly (and, on a smooth backdrop,
 *     that lie behind an edge), plus, on a textured backdrop, regions lacking its texture (texture.ts),
 *     in the blobs reaching the centre of the frame — or, when none there stands out, in those running
 *     off the frame where it cuts the product off.
 *  3. Min-cut (Boykov–Kolmogorov) on the 4-connected grid with contrast-sensitive pairwise weights, outlined
 *     objects and untextured regions favoured as product; models re-fitted from the labels and cut again
 *     (GrabCut iteration), a few rounds.
 *  4. Keep the big components near the centre (or running off the frame where it cuts the product off),
 *     fill holes not connected to the border that are small, or lie deep inside the product in a colour
 *     unlike the backdrop's (a print on a shirt); reopen the wedges of backdrop the closing bridged
 *     where stems meet (wedges.ts); bridge short breaks in a thin product (bridge.ts) and fill bands of
 *     "backdrop" across it; on a calm backdrop, add regions beside the product walled off from the
 *     backdrop by sharp edges, in a colour neither the backdrop's nor its shade (attached.ts: a sole; a
 *     leaf at a stem's tip, in the product's colours); on a smooth backdrop that is not a tiled floor, add
 *     the strips of shaded edge between the cut and a sharp step into the lit backdrop (rim.ts: a white
 *     box's side, a sleeve's end).
 *  5. Upsample, re-decide the uncertain edge band with the colour models at full resolution (bridges
 *     excepted), close breaks that opened in a piece the small cut had whole (bridge.ts), feather.
 */

import { attachParts } from './attached.js';
import { breaks, bridgeFragments } from './bridge.js';
import { components } from './components.js';
import { CUT_OFF, cutOffStretches } from './cutoff.js';
import { chamferDistance, silhouettes } from './enclosed.js';
import { geodesicDistance, stepQuantile } from './geodesic.js';
import { type ColourModel, fitColourModel, negLogLikelihood, shadedNegLogLikelihood } from './gmm.js';
import { findGrout } from './grout.js';
import { GridMaxFlow } from './maxflow.js';
import { departure, outlinedObjects } from './outline.js';
import { snapToRims } from './rim.js';
import { fromRaw, type RawImage, toRaw } from './sharp.js';
import { type BackdropTexture, backdropTexture } from './texture.js';
import { unmixEdges } from './unmix.js';
import { upsampleMask } from './upsample.js';
import { reopenWedges } from './wedges.js';

export interface SegmentOptions {
  /** Longest side of the grid the graph cut runs on. @defaultValue 256 */
  gridSide?: number;
}

export interface SegmentResult {
  /** 1 channel, width × height, 255 = product. */
  alpha: Buffer;
  width: number;
  height: number;
  /** 0..1: how cleanly the border colour model separates the product; low for busy backgrounds. */
  confidence: number;
}

const DEFAULT_GRID_SIDE = 256;
/** Below this the photo is too small to have a border and a product; it is all product. */
const MIN_SIDE = 24;
const COMPONENTS = 5;
/** GrabCut's pairwise weight γ (Rother et al. use 50 with 8-neighbours). */
const GAMMA = 50;
/** Nats added to the background side for trusted border pixels. */
const BORDER_PRIOR = 3;
/** Data terms are clipped so one wild pixel can't outweigh its neighbourhood. */
const MAX_DATA_TERM = 20;
/** Fixed-point scale of the integer capacities. */
const SCALE = 32;
const SEGMENTS_PER_SIDE = 6;
/**
 * GrabCut rounds: each re-fits both colour models from the last cut. Later rounds drop cast shadows and
 * clutter that the seeds let into the first foreground model.
 */
const ITERATIONS = 4;
/** A round that changes fewer than this share of the grid's labels ends the iteration. */
const CONVERGED_SHARE = 0.0003;
/**
 * A backdrop pixel may be in shade down to 1 / MAX_SHADE_GAIN of its lit colour (a cast shadow falling
 * into the contact shadow takes about two thirds of the light)…
 */
const MAX_SHADE_GAIN = 3;
/** …at this many nats per unit of gain. */
const SHADE_COST = 2;
/**
 * Geodesic distance (colour levels above the texture level, geodesic.ts) below which a pixel is smoothly
 * connected to the trusted border: backdrop, even where its colour has drifted (hotspot, gradient).
 */
const NEAR = 3;
/** Texture level (colour steps, 90th percentile on the border) up to which the backdrop counts as smooth. */
const SMOOTH_TAU = 6;
/** More separate outlier stretches on the frame than this means a busy scene, not a smooth backdrop. */
const MAX_OUTLIER_RUNS = 4;
/** Nats towards background at geodesic distance 0, fading to 0 at {@link NEAR}. */
const NEAR_PRIOR = 6;
/**
 * On a busy backdrop the foreground model learns from seed blobs reaching the middle quarter of the frame
 * (this inset on each side): other things on the table crowd the wider centre too.
 */
const SEED_CENTRE_INSET = 0.375;
/** Least departure (colour levels) from the border's lighting trend that can make an outlined object. */
const OUTLINE_MIN_RESIDUAL = 10;
/**
 * Nats towards product for an outlined object (outline.ts): its shaded parts are explained almost as well
 * by the backdrop in shade, and its lit parts by a bright backdrop; the sharp rim is the evidence.
 */
const OUTLINED_PRIOR = 8;
/** Outlined objects must reach the frame's middle half (this inset on each side). */
const OUTLINE_CENTRE_INSET = 0.25;
/** Least neighbour step (colour levels) that counts as a sharp rim on a smooth backdrop. */
const OUTLINE_MIN_EDGE = 6;
/** Gradient magnitude (colour levels) that counts as a silhouette edge (enclosed.ts). */
const ENCLOSURE_EDGE = 10;
/** Radius of the silhouette flood's disc (enclosed.ts), as a share of the grid's long side (6 px at 256). */
const ENCLOSURE_RADIUS = 0.024;
/** Silhouettes must reach the frame's middle 40 % (this inset on each side). */
const ENCLOSURE_CENTRE_INSET = 0.3;
/**
 * Grained backdrops (enclosed.ts `grain`): on a backdrop whose median texture (texture.ts) is at least
 * `level`, an enclosed region mostly smoothly connected to the frame (the geodesic) whose median texture is
 * within `ratio` × the backdrop's shows the grain: backdrop, no silhouette. On five sets the backdrops smooth
 * enough for silhouettes measure up to 0.011 plain, graded or lamp-lit; 0.011–0.035 cloth, 0.013–0.018
 * paper, 0.034–0.075 wood. The paper and wood regions that were kept measured 0.92–0.94 × their grain;
 * white products' regions the geodesic reaches 0.01 or 1.55–4.2 (all on backdrops under 0.01).
 */
const GRAIN = { level: 0.012, ratio: [0.7, 1.5] as const };
/**
 * Untextured regions (texture.ts) seed the product model and are favoured in the cut: texture averaged
 * over 11×11 grid pixels (the checks of a cloth are ~10 at 256), below 0.6 × the backdrop's 2nd-percentile
 * texture, when that is above the JPEG noise of a plain backdrop (~0.005); regions of at least 0.5 % of
 * the grid. Found on texture over brightness + 90 (30 levels a channel), so a dark body's noise is not grain.
 */
const UNTEXTURED = {
  radius: 5,
  quantile: 0.02,
  ratio: 0.6,
  minLevel: 0.008,
  minShare: 0.005,
  regionOffset: 90,
};
/**
 * Nats towards product for an untextured region on a textured backdrop: the colour models alone drop the
 * shaded side of a dark box on wood, whose colour the grain's dark lines have too; the missing grain is
 * the evidence, as the sharp rim is for {@link OUTLINED_PRIOR}.
 */
const UNTEXTURED_PRIOR = 8;
/**
 * Other things on the table (see strangerShare): colour levels from the backdrop's mean beyond which a
 * pixel may be one, and the tolerance within which it is the backdrop's colour in shade instead.
 */
const STRANGER_LEVELS = 60;
const STRANGER_SHADE_LEVELS = 30;
/**
 * Confidence falls from this share of the backdrop being other things (a print on cloth reaches ~0.05, a
 * cast shadow 0.06; clutter 0.07–0.37 on five sets)…
 */
const CLUTTER_FROM = 0.04;
/** …to {@link CLUTTER_FLOOR} at this share. */
const CLUTTER_AT = 0.1;
const CLUTTER_FLOOR = 0.3;
/**
 * Confidence also falls from this share of the frame being other things (see frameStrangerShare; the
 * busiest cloth reaches 0.095 on five sets, clutter 0.004–0.35)…
 */
const FRAME_CLUTTER_FROM = 0.12;
/** …to {@link CLUTTER_FLOOR} at this share. */
const FRAME_CLUTTER_AT = 0.24;
/** Backdrop texture (texture.ts median) above which confidence falls: cloth and wood grain reach ~0.07… */
const BUSY_TEXTURE_FROM = 0.1;
/** …down to {@link BUSY_FLOOR} at this texture (a mosaic of 5 px tiles at 256 is 0.26). */
const BUSY_TEXTURE_AT = 0.25;
/** Confidence factor on the busiest backdrops. */
const BUSY_FLOOR = 0.3;
/**
 * A seed blob is strong when its mean background cost is at least this share of the strongest blob's:
 * weaker ones reaching the centre are the backdrop's speckle or a hotspot, not a product there.
 */
const SEED_STRENGTH = 0.5;
/** Seed blobs this near (share of the long side) a blob running off the frame are the same product's. */
const SEED_NEAR = 0.05;
/** …if their mean background cost is at least this share of the strongest blob's (not the grout beside it). */
const SEED_NEAR_STRENGTH = 0.25;
/** Hops from blob to near blob at most. */
const SEED_HOPS = 6;
/** Depth behind a cut-off stretch (share of the long side) a part must reach to run off the frame there: past the seeds' 8 % inset. */
const CUT_OFF_REACH = 0.1;
/** Longest break in a thin product (a cable) bridged, as a share of the grid's long side (bridge.ts). */
const BRIDGE_MAX_GAP = 0.07;
/** Longest break the full-size refinement may open in a piece and have closed again, in grid pixels (bridge.ts `breaks`). */
const REJOIN_GRID_GAP = 3;
/** Upsampled small-cut level (of 255) from which a pixel counts as inside the small cut's piece. */
const REJOIN_RAMP = 64;
/** Long side (about) of the copy the breaks are looked for on: the grid's own size, so the search costs a few ms. */
const REJOIN_SIDE = 256;
/**
 * Edge unmixing (unmix.ts): grid cells either side pooled for the local product and backdrop colours
 * (±2 cells, ±10 px at 1200²), least distance between them (8-bit levels). The eval hardly moves with
 * either (reach 1–3, contrast 15–50: overall IoU within 0.002).
 */
const UNMIX_REACH = 2;
const UNMIX_MIN_CONTRAST = 30;
/**
 * Most pixels unmixing moves an edge: the colour models are ~1 px out, but where they call the product's
 * shade backdrop the edge keeps the small grid's steps (~4 px at 1200², teeth along a shaded sleeve's
 * diagonal top with 2). 4 smooths them; on five sets 7 images gained 0.002–0.003, none lost as much, and
 * the time is within the noise.
 */
const UNMIX_PASSES = 4;
/** Longest run of background between two parts of the product that may be a band across it (share of the long side). */
const BAND_MAX_GAP = 0.14;
/** Mean colour step (levels) from such a band to the backdrop beside it above which it is a different surface. */
const BAND_MIN_STEP = 45;
/**
 * A product's shaded edge cut off inside its rim (rim.ts): looked for up to this share of the grid's long
 * side beyond the cut (20 px at 256); the rim is a step of at least `minStep` levels into a pixel within
 * `litLevels` of the backdrop's mean, `ratio` times every step from inside the product up to it. On five
 * sets, 45 images gained 0.002 or more and none lost as much; ratio 1.5 began to take backdrop beside a
 * cable on wood (0.956 → 0.953 on held-out seed 2), a reach of 3 px left a sleeve's end cut off.
 */
const RIM_REACH = 0.08;
const RIM = { minStep: 20, ratio: 2, litLevels: 40 };
/** Colour distance (8-bit levels, after the backdrop's lighting trend) within which product looks like backdrop. */
const CAMOUFLAGE_LEVELS = 16;
/**
 * A hole at least this many times its own width (√size) inside the product, and more than
 * `DEEP_HOLE_STEP` colour levels from the backdrop, is part of the product (a print on a shirt).
 */
const DEEP_HOLE_DEPTH = 1;
const DEEP_HOLE_STEP = 45;
/** Grid pixels from the backdrop within which a grout pixel the cut took is backdrop (see dropEdgeGrout). */
const GROUT_EDGE_REACH = 2;
/** Attached parts (attached.ts): found on calm backdrops only (a printed or woven one is all edges). */
const ATTACHED = { edge: 12, contact: [0.2, 0.8] as [number, number], maxShare: 0.3, minGap: 20, minSize: 8 };
const ATTACHED_MAX_TEXTURE = 0.025;

export async function segment(image: RawImage, options: SegmentOptions = {}): Promise<SegmentResult> {
  if (image.channels !== 3) throw new Error('segment expects 3-channel RGB');
  const { width, height } = image;
  if (Math.min(width, height) < MIN_SIDE) return everything(width, height);

  const gridSide = options.gridSide ?? DEFAULT_GRID_SIDE;
  const scale = Math.min(1, gridSide / Math.max(width, height));
  const small =
    scale < 1
      ? await toRaw(
          fromRaw(image).resize(
            Math.max(1, Math.round(width * scale)),
            Math.max(1, Math.round(height * scale)),
            {
              fit: 'fill',
            },
          ),
          3,
        )
      : image;
  // On a tiled floor the cut sees the floor with its grout painted over (grout.ts).
  const grout = findGrout(small.data, small.width, small.height);
  const floor = grout
    ? { ...small, data: Buffer.from(grout.filled.buffer, grout.filled.byteOffset, grout.filled.length) }
    : small;
  const cut = cutSmall(floor, grout !== undefined);
  if (!cut) return everything(width, height);
  if (grout) dropEdgeGrout(cut.mask, grout.mask, small.width, small.height);
  const alpha = await refineToFullSize(image, small, cut);
  return { alpha, width, height, confidence: cut.confidence };
}

/**
 * The cut ran on the floor with its grout painted over, so the product's edge can take in a grout line
 * beside it (a stem running along one, a cable's end on one); at full size the line is there again, darker
 * than the tiles, and the colour decision keeps it. Grout pixels of the cut within
 * {@link GROUT_EDGE_REACH} of the backdrop are backdrop; deeper ones are left (with no limit, a dark
 * bottle's grey label on tiles lost pixels along the lines: 0.993 → 0.987 on held-out seed 2).
 */
function dropEdgeGrout(mask: Uint8Array, grout: Uint8Array, w: number, h: number): void {
  const fromBackdrop = chamferDistance(
    mask.map((m) => 1 - m),
    w,
    h,
  );
  for (let p = 0; p < mask.length; p++) {
    if (grout[p] === 1 && fromBackdrop[p]! <= GROUT_EDGE_REACH) mask[p] = 0;
  }
}

interface SmallCut {
  /** 1 = product, at the small size. */
  mask: Uint8Array;
  /** 1 = product by its shape, not its colour (a bridge across a break): kept as is at full size. */
  firm: Uint8Array;
  fg: ColourModel;
  bg: ColourModel;
  trend: Trend;
  confidence: number;
}

/** A smooth per-channel background trend (vignette, light falloff, gradient backdrop) to subtract. */
interface Trend {
  /** Writes the trend minus its border mean at normalised position (u, v) into `out[o..o+2]`. */
  offset(u: number, v: number, out: Float32Array, o: number): void;
}

const NO_TREND: Trend = {
  offset(_u, _v, out, o) {
    out[o] = 0;
    out[o + 1] = 0;
    out[o + 2] = 0;
  },
};

/**
 * Least-squares quadratic surface per channel through the trusted border pixels. A vignetted or graded
 * backdrop is brighter in the middle than anywhere on the border, so without this its centre looks
 * "unlike the border" and gets taken for product. Only used when it explains a good share of the
 * border's colour variance (it explains little on a busy texture, where it would only add noise).
 */
function fitTrend(small: RawImage, ring: Uint8Array): Trend {
  const { width: w, height: h, data } = small;
  // One basis vector reused for every pixel (this runs over most of the grid).
  const f = new Float64Array(6);
  const basis = (u: number, v: number): void => {
    const a = u * 2 - 1;
    const b = v * 2 - 1;
    f[0] = 1;
    f[1] = a;
    f[2] = b;
    f[3] = a * a;
    f[4] = b * b;
    f[5] = a * b;
  };
  const ata = new Float64Array(36);
  const atb = new Float64Array(18);
  const mean = [0, 0, 0];
  let count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (ring[p] !== 1) continue;
      basis((x + 0.5) / w, (y + 0.5) / h);
      const r = data[p * 3]!;
      const g = data[p * 3 + 1]!;
      const b = data[p * 3 + 2]!;
      for (let i = 0; i < 6; i++) {
        const fi = f[i]!;
        // Upper triangle only; mirrored below.
        for (let j = i; j < 6; j++) ata[i * 6 + j] = ata[i * 6 + j]! + fi * f[j]!;
        atb[i] = atb[i]! + fi * r;
        atb[6 + i] = atb[6 + i]! + fi * g;
        atb[12 + i] = atb[12 + i]! + fi * b;
      }
      for (let c = 0; c < 3; c++) mean[c]! += data[p * 3 + c]!;
      count++;
    }
  }
  if (count < 12) return NO_TREND;
  for (let i = 0; i < 6; i++) for (let j = 0; j < i; j++) ata[i * 6 + j] = ata[j * 6 + i]!;
  for (let c = 0; c < 3; c++) mean[c] = mean[c]! / count;
  const coef: number[][] = [];
  for (let c = 0; c < 3; c++) {
    const solved = solve6(ata, atb.subarray(c * 6, c * 6 + 6));
    if (!solved) return NO_TREND;
    coef.push(solved);
  }
  const k = Float64Array.from(coef.flat());
  const surface = (c: number, u: number, v: number): number => {
    const a = u * 2 - 1;
    const b = v * 2 - 1;
    const o = c * 6;
    return k[o]! + k[o + 1]! * a + k[o + 2]! * b + k[o + 3]! * a * a + k[o + 4]! * b * b + k[o + 5]! * a * b;
  };
  let total = 0;
  let residual = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (ring[p] !== 1) continue;
      for (let c = 0; c < 3; c++) {
        const value = data[p * 3 + c]!;
        total += (value - mean[c]!) ** 2;
        residual += (value - surface(c, (x + 0.5) / w, (y + 0.5) / h)) ** 2;
      }
    }
  }
  if (total === 0 || residual > 0.75 * total) return NO_TREND;
  return {
    offset(u, v, out, o) {
      for (let c = 0; c < 3; c++) out[o + c] = surface(c, u, v) - mean[c]!;
    },
  };
}

/** Gaussian elimination with partial pivoting on a 6×6 system; undefined when singular. */
function solve6(matrix: Float64Array, rhs: Float64Array): number[] | undefined {
  const a = Array.from({ length: 6 }, (_, r) => [...matrix.subarray(r * 6, r * 6 + 6), rhs[r]!]);
  for (let col = 0; col < 6; col++) {
    let pivot = col;
    for (let r = col + 1; r < 6; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-9) return undefined;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const row = a[col]!;
    for (let r = 0; r < 6; r++) {
      if (r === col) continue;
      const other = a[r]!;
      const factor = other[col]! / row[col]!;
      for (let k = col; k < 7; k++) other[k] = other[k]! - factor * row[k]!;
    }
  }
  return a.map((row, r) => row[6]! / row[r]!);
}

/** `tiled`: `small` is a tiled floor with its grout painted over (grout.ts). */
function cutSmall(small: RawImage, tiled: boolean): SmallCut | undefined {
  const { width: w, height: h } = small;
  const n = w * h;
  const ring = borderRing(small);
  const sources = new Uint8Array(n);
  for (let p = 0; p < n; p++) sources[p] = ring[p] === 1 ? 1 : 0;
  trimOutliers(small.data, sources);
  const tau = Math.max(2, stepQuantile(small.data, w, h, sources, 0.9));
  // The geodesic only means something on a smooth backdrop, and the border's colour outliers are only the
  // product on an otherwise plain scene. On texture (wood grain, a printed sheet) paths pile up cost, and
  // in clutter the outliers are other things: there the whole ring stays trusted.
  const smooth = tau <= SMOOTH_TAU && outlierRuns(ring, sources, w, h) <= MAX_OUTLIER_RUNS;
  // Where the frame cuts the product off, none of it is a backdrop sample (cutoff.ts): on a textured
  // backdrop the ring's outliers are not trimmed, and a label lighter than the product's body is no outlier.
  const cutOff = cutOffStretches(small.data, w, h, {
    ...CUT_OFF,
    thickness: ringThickness(w, h),
    reachDepth: Math.round(CUT_OFF_REACH * Math.max(w, h)),
  });
  for (let p = 0; p < n; p++) {
    if (cutOff.stretch[p] !== 1) continue;
    if (ring[p] === 1) ring[p] = 2;
    sources[p] = 0;
  }
  const geo = geodesicDistance(small.data, w, h, sources, tau);
  const trusted = smooth ? sources : ring.map((r) => (r === 1 ? 1 : 0));
  // The backdrop's texture: its grain tells a stretch of it from a white product's silhouette, and a
  // smooth product lacks it (texture.ts).
  const texture = backdropTexture(small.data, w, h, trusted, UNTEXTURED);
  // On a smooth backdrop, outlined objects are put behind an edge (no backdrop prior, not backdrop
  // samples) and favoured as product in the cut.
  const { outlined, silhouette } = smooth
    ? excludeOutlined(small, trusted, geo, tau, texture)
    : { outlined: new Uint8Array(n), silhouette: new Uint8Array(n) };
  // On a tiled floor each tile keeps its own shade and veining after the grout is painted over, and a
  // white product's shading meets them somewhere: the geodesic would flow into it (a white shoe on light
  // tiles was lost whole). The colour models and the frame do the work there.
  if (!smooth || tiled) geo.fill(2 * NEAR);
  // Backdrop samples: the trusted border plus everything smoothly connected to it.
  const near = new Uint8Array(n);
  for (let p = 0; p < n; p++) near[p] = trusted[p] === 1 || geo[p]! < NEAR ? 1 : 0;
  const trend = fitTrend(small, near);
  const offsets = new Float32Array(n * 3);
  const colours = new Float32Array(n * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      trend.offset((x + 0.5) / w, (y + 0.5) / h, offsets, p * 3);
      for (let c = 0; c < 3; c++) colours[p * 3 + c] = small.data[p * 3 + c]! - offsets[p * 3 + c]!;
    }
  }

  let bg = fitColourModel(pick(colours, near, 1), COMPONENTS);
  // The border's own model, before the rounds re-fit it on everything the cut calls backdrop.
  const border = bg;
  const dBg = new Float32Array(n);
  const dFg = new Float32Array(n);
  // Seeds are chosen on the plain background cost: a shadow is unusual too, but less than the product.
  scoreAll(colours, bg, dBg);

  // Foreground seeds: interior pixels less background-like than almost every trusted border pixel, and
  // of those the more unusual 60 %: shadows and stains on the backdrop are unlike the border too, but
  // usually less so than the product.
  const ringScores = new Float32Array(n);
  let ringCount = 0;
  for (let p = 0; p < n; p++) if (trusted[p] === 1) ringScores[ringCount++] = dBg[p]!;
  const threshold = quantile(ringScores.subarray(0, ringCount), 0.98) + 1;
  const insetX = Math.round(w * 0.08);
  const insetY = Math.round(h * 0.08);
  const unusual = new Float32Array(n);
  const interior = new Float32Array(n);
  let unusualCount = 0;
  let interiorCount = 0;
  for (let y = insetY; y < h - insetY; y++) {
    for (let x = insetX; x < w - insetX; x++) {
      const d = dBg[y * w + x]!;
      interior[interiorCount++] = d;
      if (d > threshold) unusual[unusualCount++] = d;
    }
  }
  // Fallback when product colours overlap the border's: the least border-like quarter of the interior.
  const cutoff =
    unusualCount >= n * 0.005
      ? quantile(unusual.subarray(0, unusualCount), 0.4)
      : quantile(interior.subarray(0, interiorCount), 0.75);
  const seeds = new Uint8Array(n);
  for (let y = insetY; y < h - insetY; y++) {
    for (let x = insetX; x < w - insetX; x++) {
      const p = y * w + x;
      if (dBg[p]! >= cutoff && geo[p]! >= 2 * NEAR) seeds[p] = 1;
    }
  }
  if (pick(colours, seeds, 1).length < 48 * 3) {
    // Nothing both unusual and behind an edge: fall back to unusual alone.
    for (let y = insetY; y < h - insetY; y++) {
      for (let x = insetX; x < w - insetX; x++) if (dBg[y * w + x]! >= cutoff) seeds[y * w + x] = 1;
    }
  }
  // On a textured backdrop, a smooth product's interior is product whatever its colour: the shaded,
  // grey sleeve of a white shirt on checked cloth is not unusual, only untextured.
  for (let p = 0; p < n; p++) seeds[p] = seeds[p]! | texture.untextured[p]!;
  // Learn the product from the seed blobs where it is: the centre, or where the frame cuts it off.
  const offFrame = keepCentralSeeds(seeds, w, h, cutOff.reach, dBg);
  const productReach = offFrame ? cutOff.reach : undefined;
  // Silhouettes are product by their contour whatever their colour (a sleeve in shade is grey), but
  // their backdrop-coloured parts would teach the product model the backdrop (a handle's opening).
  const backdrop = meanOf(colours, trusted);
  for (let p = 0; p < n; p++) {
    if (silhouette[p] === 1 && distance3(colours, p * 3, backdrop, 0) > CAMOUFLAGE_LEVELS) seeds[p] = 1;
  }
  let fg = fitColourModel(pick(colours, seeds, 1), COMPONENTS);
  scoreBackground(small.data, offsets, bg, dBg, outlined);

  const template = pairwiseWeights(small);
  const mask = new Uint8Array(n);
  const previous = new Uint8Array(n);
  // The last round's labels before and after its closing (wedges.ts).
  const uncut = new Uint8Array(n);
  const closed = new Uint8Array(n);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    if (iteration > 0) {
      const fgSamples = pick(colours, mask, 1);
      const bgSamples = pick(colours, mask, 0);
      if (fgSamples.length < 48 || bgSamples.length < 48) break;
      fg = fitColourModel(fgSamples, COMPONENTS);
      bg = fitColourModel(bgSamples, COMPONENTS);
      scoreBackground(small.data, offsets, bg, dBg, outlined);
    }
    scoreAll(colours, fg, dFg);
    const graph = new GridMaxFlow(w, h);
    graph.edgeCap.set(template);
    for (let p = 0; p < n; p++) {
      let preference = clamp(dBg[p]! - dFg[p]!, -MAX_DATA_TERM, MAX_DATA_TERM);
      if (trusted[p] === 1) preference -= BORDER_PRIOR;
      preference -= NEAR_PRIOR * Math.max(0, 1 - geo[p]! / NEAR);
      if (outlined[p] === 1) preference += OUTLINED_PRIOR;
      if (texture.untextured[p] === 1) preference += UNTEXTURED_PRIOR;
      graph.terminalCap[p] = Math.round(preference * SCALE);
    }
    graph.maxflow();
    let count = 0;
    for (let p = 0; p < n; p++) {
      mask[p] = graph.isSource(p) ? 1 : 0;
      count += mask[p]!;
    }
    if (count < n * 0.002 || count > n * 0.97) return undefined;
    // Clean before re-fitting, so the next foreground model learns the colours of filled holes
    // (highlights) and not those of stray background blobs.
    uncut.set(mask);
    close(mask, w, h);
    closed.set(mask);
    cleanUp(mask, w, h, dBg, dFg, colours, backdrop, productReach, iteration > 0 ? previous : undefined);
    // Converged: another round would re-fit the same models (most photos settle after two rounds; the
    // later ones are for shadows and clutter, and cost ~30 ms each at 1200²).
    let changed = 0;
    for (let p = 0; p < n; p++) changed += mask[p]! ^ previous[p]!;
    previous.set(mask);
    if (iteration > 0 && changed < n * CONVERGED_SHARE) break;
  }

  // Closing-added pixels the colour models call backdrop.
  const wedges = mask.map((m, p) => m & closed[p]! & (1 - uncut[p]!) & (dBg[p]! < dFg[p]! ? 1 : 0));
  reopenWedges(mask, w, h, wedges);
  const firm = mask.slice();
  bridgeFragments(mask, w, h, colours, {
    maxGap: Math.round(BRIDGE_MAX_GAP * Math.max(w, h)),
    minStep: BAND_MIN_STEP,
  });
  // Bridges were judged by their sides, not their colour: refining at full size must not re-open them.
  for (let p = 0; p < n; p++) firm[p] = mask[p]! & (1 - firm[p]!);
  fillBands(mask, w, h, colours, Math.round(BAND_MAX_GAP * Math.max(w, h)), BAND_MIN_STEP, backdrop);
  // A grey sole under a dark upper, whose colour the backdrop model explains (attached.ts).
  if (texture.median <= ATTACHED_MAX_TEXTURE) attachParts(mask, colours, w, h, backdrop, ATTACHED);
  // A white product's shaded side, end or toe the cut left outside its sharp rim (rim.ts). Not on tiles:
  // grout lines are sharp-edged dark strips on lit tiles.
  if (smooth && !tiled)
    snapToRims(mask, colours, w, h, backdrop, { ...RIM, reach: Math.round(RIM_REACH * Math.max(w, h)) });
  let area = 0;
  for (let p = 0; p < n; p++) area += mask[p]!;
  if (area < n * 0.002) return undefined;
  const camouflage = camouflagedShare(colours, mask, backdrop, outlined);
  const strangers = strangerShare(small.data, offsets, colours, mask, trusted, border, backdrop);
  const confidence =
    confidenceOf(mask, w, h, trusted, dBg, dFg, area / n) *
    (1 - camouflage) *
    calmness(texture.median) *
    uncluttered(strangers, CLUTTER_FROM, CLUTTER_AT) *
    uncluttered(frameStrangerShare(colours, ring), FRAME_CLUTTER_FROM, FRAME_CLUTTER_AT);
  return { mask, firm, fg, bg, trend, confidence };
}

/**
 * 1 on backdrops up to the texture of cloth or wood grain, falling to {@link BUSY_FLOOR} on a busier one
 * (a mosaic, a crowded print): there the colour models may separate well and the cut still miss a part
 * whose colour the backdrop has somewhere (a bottle's dark cap), so the seller should check.
 */
function calmness(medianTexture: number): number {
  const busy = clamp((medianTexture - BUSY_TEXTURE_FROM) / (BUSY_TEXTURE_AT - BUSY_TEXTURE_FROM), 0, 1);
  return 1 - (1 - BUSY_FLOOR) * busy;
}

/**
 * 1 while little of the backdrop or the frame is other things ({@link strangerShare},
 * {@link frameStrangerShare}: a `share` up to `from`), falling to {@link CLUTTER_FLOOR} at `at`: among other
 * things on the table the cut tells the product from them by colour and place alone, and on held-out sets
 * it often takes some along or keeps the wrong one, with decisive colour models.
 */
function uncluttered(share: number, from: number, at: number): number {
  const busy = clamp((share - from) / (at - from), 0, 1);
  return 1 - (1 - CLUTTER_FLOOR) * busy;
}

/**
 * Share of the frame (`ring` 1: without the stretches where it cuts the product off) in a colour more than
 * {@link STRANGER_LEVELS} from the frame's median colour and not that colour in shade. A listing photo's
 * frame is mostly its backdrop; when other things crowd it, the border model learns them as backdrop, so
 * {@link strangerShare} no longer sees them, and the cut may keep one of them instead of the product (a
 * purple box among clutter, kept with confidence 1 while the dark cable was lost).
 */
function frameStrangerShare(colours: Float32Array, ring: Uint8Array): number {
  let count = 0;
  for (let p = 0; p < ring.length; p++) if (ring[p] === 1) count++;
  if (count === 0) return 0;
  const median = [0, 0, 0];
  const channel = new Float32Array(count);
  for (let c = 0; c < 3; c++) {
    let k = 0;
    for (let p = 0; p < ring.length; p++) if (ring[p] === 1) channel[k++] = colours[p * 3 + c]!;
    median[c] = quantile(channel, 0.5);
  }
  let strangers = 0;
  for (let p = 0; p < ring.length; p++) {
    if (ring[p] === 1 && departure(colours, p * 3, median, 0, STRANGER_LEVELS) === 1) strangers++;
  }
  return strangers / count;
}

/**
 * Share of what the cut calls backdrop that is other things: pixels the border's own colour model explains
 * worse than almost every trusted border pixel (2 %) even in shade, more than {@link STRANGER_LEVELS} from
 * the backdrop's mean colour, and not that colour in shade (a cast shadow is none of these; a print on
 * cloth or a lamp's hotspot rarely all three).
 */
function strangerShare(
  data: Uint8Array,
  offsets: Float32Array,
  colours: Float32Array,
  mask: Uint8Array,
  trusted: Uint8Array,
  border: ColourModel,
  backdrop: readonly number[],
): number {
  const cost = (p: number) =>
    backgroundCost(
      border,
      data[p * 3]!,
      data[p * 3 + 1]!,
      data[p * 3 + 2]!,
      offsets[p * 3]!,
      offsets[p * 3 + 1]!,
      offsets[p * 3 + 2]!,
    );
  let count = 0;
  for (let p = 0; p < mask.length; p++) count += trusted[p]!;
  if (count === 0) return 0;
  // A typed array sorts numerically without a comparator (boxed numbers cost ~10 ms, see trimOutliers).
  const ringCosts = new Float32Array(count);
  let k = 0;
  for (let p = 0; p < mask.length; p++) if (trusted[p] === 1) ringCosts[k++] = cost(p);
  ringCosts.sort();
  const threshold = ringCosts[Math.floor(0.98 * (count - 1))]! + 1;
  const expected = new Float32Array(3);
  let backdropCount = 0;
  let strangers = 0;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] === 1) continue;
    backdropCount++;
    if (distance3(colours, p * 3, backdrop, 0) <= STRANGER_LEVELS || cost(p) <= threshold) continue;
    for (let c = 0; c < 3; c++) expected[c] = backdrop[c]! + offsets[p * 3 + c]!;
    if (departure(data, p * 3, expected, 0, STRANGER_SHADE_LEVELS) === 1) strangers++;
  }
  return strangers / Math.max(1, backdropCount);
}

/**
 * Share of the cut-out whose (trend-corrected) colour is within {@link CAMOUFLAGE_LEVELS} of the backdrop's
 * mean (`backdrop`): a white product on white paper. Such parts are separated by faint edges only, so the cut may have
 * missed some of them (or taken backdrop for product) even when the colour models look decisive — the
 * seller should check the result. Parts inside an outlined object or silhouette (`outlined`) do not count:
 * a contour backs them.
 */
function camouflagedShare(
  colours: Float32Array,
  mask: Uint8Array,
  backdrop: readonly number[],
  outlined: Uint8Array,
): number {
  let product = 0;
  let camouflaged = 0;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] !== 1) continue;
    product++;
    if (outlined[p] === 0 && distance3(colours, p * 3, backdrop, 0) < CAMOUFLAGE_LEVELS) camouflaged++;
  }
  return product === 0 ? 0 : camouflaged / product;
}

/**
 * Bands of "backdrop" running across the product between two parts of it — a grey label round a dark
 * bottle on grey-grouted tiles, whose colour the backdrop model learnt from the grout. A run of background
 * pixels up to `maxGap` long with product at both ends (down a column or along a row) is a candidate; a
 * connected group of candidates is filled when a sharp edge parts it from the backdrop beside it (mean
 * colour step over `minStep` levels): it is another surface. A group with no backdrop beside it that runs
 * to the frame (the label of a bottle cut off by it) is filled when its mean colour is that far from the
 * backdrop's mean (`backdrop`). The gaps between a plant's stems show the backdrop itself, or a soft
 * shadow on it, and stay open.
 */
function fillBands(
  mask: Uint8Array,
  w: number,
  h: number,
  colours: Float32Array,
  maxGap: number,
  minStep: number,
  backdrop: readonly number[],
): void {
  const n = w * h;
  const candidate = new Uint8Array(n);
  const scan = (count: number, length: number, at: (line: number, i: number) => number) => {
    for (let line = 0; line < count; line++) {
      let lastProduct = -1;
      for (let i = 0; i < length; i++) {
        const p = at(line, i);
        if (mask[p] !== 1) continue;
        if (lastProduct >= 0 && i - lastProduct > 1 && i - lastProduct - 1 <= maxGap) {
          for (let k = lastProduct + 1; k < i; k++) candidate[at(line, k)] = 1;
        }
        lastProduct = i;
      }
    }
  };
  scan(w, h, (x, y) => y * w + x);
  scan(h, w, (y, x) => y * w + x);
  const groups = components(candidate, w, h, 1);
  // Mean colour step from each group to the backdrop touching it (background pixels that are no candidate).
  const step = new Float64Array(groups.sizes.length);
  const pairs = new Float64Array(groups.sizes.length);
  for (let p = 0; p < n; p++) {
    const id = groups.labels[p]!;
    if (id < 0) continue;
    const x = p % w;
    const neighbours = [x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, p - w, p + w];
    for (const q of neighbours) {
      if (q < 0 || q >= n || mask[q] !== 0 || candidate[q] !== 0) continue;
      step[id] = step[id]! + distance3(colours, p * 3, colours, q * 3);
      pairs[id] = pairs[id]! + 1;
    }
  }
  // Enclosed by product on every side: a hole, which cleanUp has already judged. Between product and the
  // frame (a label on a bottle cut off by it) no backdrop is beside it and no hole was judged: there its
  // colour tells, against the backdrop's mean.
  const sums = new Float64Array(groups.sizes.length * 3);
  for (let p = 0; p < n; p++) {
    const id = groups.labels[p]!;
    if (id >= 0) for (let c = 0; c < 3; c++) sums[id * 3 + c] = sums[id * 3 + c]! + colours[p * 3 + c]!;
  }
  const fill = groups.sizes.map((size, id) => {
    if (pairs[id]! > 0) return step[id]! / pairs[id]! > minStep;
    if (!groups.touchesBorder[id]) return false;
    const mean = [0, 1, 2].map((c) => sums[id * 3 + c]! / size);
    return distance3(mean, 0, backdrop, 0) > minStep;
  });
  for (let p = 0; p < n; p++) {
    const id = groups.labels[p]!;
    if (id >= 0 && fill[id]) mask[p] = 1;
  }
}

/** Mean of the 3-channel `colours` where `where[p] === 1` (black when there are none). */
function meanOf(colours: ArrayLike<number>, where: Uint8Array): [number, number, number] {
  const sum: [number, number, number] = [0, 0, 0];
  let count = 0;
  for (let p = 0; p < where.length; p++) {
    if (where[p] !== 1) continue;
    for (let c = 0; c < 3; c++) sum[c] = sum[c]! + colours[p * 3 + c]!;
    count++;
  }
  return count === 0 ? sum : [sum[0] / count, sum[1] / count, sum[2] / count];
}

/** Colour distance between `colours[i..i+2]` and `to[j..j+2]`. */
function distance3(colours: ArrayLike<number>, i: number, to: ArrayLike<number>, j: number): number {
  return Math.hypot(colours[i]! - to[j]!, colours[i + 1]! - to[j + 1]!, colours[i + 2]! - to[j + 2]!);
}

/**
 * On a smooth backdrop, regions that depart from the border's lighting trend inside a sharp rim
 * (outline.ts) are put behind an edge: the geodesic leaks into a white product wherever its shading
 * crosses the backdrop's colour, and would otherwise call it backdrop.
 */
function excludeOutlined(
  small: RawImage,
  trusted: Uint8Array,
  geo: Float32Array,
  tau: number,
  texture: BackdropTexture,
): { outlined: Uint8Array; silhouette: Uint8Array } {
  const { width: w, height: h, data } = small;
  const n = w * h;
  const trend = fitTrend(small, trusted);
  const mean = [0, 0, 0];
  let count = 0;
  for (let p = 0; p < n; p++) {
    if (trusted[p] !== 1) continue;
    for (let c = 0; c < 3; c++) mean[c]! += data[p * 3 + c]!;
    count++;
  }
  if (count === 0) return { outlined: new Uint8Array(n), silhouette: new Uint8Array(n) };
  const expected = new Float32Array(n * 3);
  const residuals = new Float32Array(count);
  let k = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const i = p * 3;
      trend.offset((x + 0.5) / w, (y + 0.5) / h, expected, i);
      for (let c = 0; c < 3; c++) expected[i + c] = expected[i + c]! + mean[c]! / count;
      if (trusted[p] === 1) {
        residuals[k++] = Math.hypot(
          data[i]! - expected[i]!,
          data[i + 1]! - expected[i + 1]!,
          data[i + 2]! - expected[i + 2]!,
        );
      }
    }
  }
  const threshold = Math.max(OUTLINE_MIN_RESIDUAL, 3 * quantile(residuals, 0.9));
  const objects = outlinedObjects(data, expected, w, h, {
    threshold,
    edge: Math.max(OUTLINE_MIN_EDGE, 3 * tau),
  });
  // A silhouette is evidence too where colour is not (enclosed.ts).
  const enclosed = silhouettes(data, w, h, {
    edge: ENCLOSURE_EDGE,
    radius: Math.max(2, Math.round(ENCLOSURE_RADIUS * Math.max(w, h))),
    threshold,
    centreInset: ENCLOSURE_CENTRE_INSET,
    grain:
      texture.median >= GRAIN.level
        ? {
            texture: texture.perPixel,
            level: texture.median,
            ratio: GRAIN.ratio,
            connected: Uint8Array.from(geo, (d) => (d < NEAR ? 1 : 0)),
          }
        : undefined,
  });
  for (let p = 0; p < n; p++) objects[p] = objects[p]! | enclosed.marked[p]!;
  // Other things on the table are outlined too: only those reaching the middle half of the frame may be
  // the product. A silhouette's parts count as one, joined by its extent.
  const joined = objects.map((o, p) => o | enclosed.extent[p]!);
  const parts = components(joined, w, h, 1, OUTLINE_CENTRE_INSET);
  for (let p = 0; p < n; p++) if (objects[p] === 1 && !parts.touchesCentre[parts.labels[p]!]) objects[p] = 0;
  for (let p = 0; p < n; p++) if (objects[p] === 1) geo[p] = Math.max(geo[p]!, 2 * NEAR);
  const silhouette = enclosed.marked.map((m, p) => m & objects[p]!);
  return { outlined: objects, silhouette };
}

/**
 * Other things on the table, a shadow or a hotspot are "unusual" too: the product model learns from the
 * seed blobs reaching the centre of the frame (where sellers put it). When no strong blob does (a blob far
 * weaker than the strongest is the backdrop's own speckle) but one runs off the frame where the product is
 * cut off by it (`reach`, cutoff.ts), the product is there: that blob is kept with those near it (a
 * plant's stems above its pot). Returns whether the product was taken to be cut off by the frame; seeds
 * are left as they are when neither leaves enough to learn from.
 */
function keepCentralSeeds(
  seeds: Uint8Array,
  w: number,
  h: number,
  reach: Uint8Array,
  dBg: Float32Array,
): boolean {
  const parts = components(seeds, w, h, 1, SEED_CENTRE_INSET);
  const count = parts.sizes.length;
  const offFrame = anchored(parts, reach);
  const strength = new Float64Array(count);
  for (let p = 0; p < seeds.length; p++) {
    const id = parts.labels[p]!;
    if (id >= 0) strength[id] = strength[id]! + dBg[p]! / parts.sizes[id]!;
  }
  const big = (i: number) => parts.sizes[i]! >= 48;
  let strongest = 0;
  for (let i = 0; i < count; i++) {
    if (big(i) && (parts.touchesCentre[i] || offFrame[i])) strongest = Math.max(strongest, strength[i]!);
  }
  const strong = (i: number) => strength[i]! >= SEED_STRENGTH * strongest;
  const cutOff =
    !parts.sizes.some((_, i) => parts.touchesCentre[i] && big(i) && strong(i)) &&
    offFrame.some((o, i) => o && big(i) && strong(i));
  let keep = [...parts.touchesCentre];
  if (cutOff) {
    // From the blobs running off the frame, hop to blobs near those kept (stem by stem to a leaf).
    keep = parts.sizes.map((_, i) => offFrame[i]! && strong(i));
    const radius = Math.round(SEED_NEAR * Math.max(w, h));
    for (let hop = 0; hop < SEED_HOPS; hop++) {
      const near = within(
        seeds.map((_, p) => (parts.labels[p]! >= 0 && keep[parts.labels[p]!] ? 1 : 0)),
        w,
        h,
        radius,
      );
      let added = false;
      for (let p = 0; p < seeds.length; p++) {
        const id = parts.labels[p]!;
        if (id < 0 || keep[id] || near[p] !== 1 || strength[id]! < SEED_NEAR_STRENGTH * strongest) continue;
        keep[id] = true;
        added = true;
      }
      if (!added) break;
    }
  }
  let kept = 0;
  for (let i = 0; i < count; i++) if (keep[i]) kept += parts.sizes[i]!;
  if (kept < 48) return false;
  for (let p = 0; p < seeds.length; p++) {
    if (seeds[p] === 1 && !keep[parts.labels[p]!]) seeds[p] = 0;
  }
  return cutOff;
}

/** 1 within `radius` (chessboard distance) of a 1 in `mask`: a dilation by a square, as in {@link close}. */
function within(mask: Uint8Array, w: number, h: number, radius: number): Uint8Array {
  const rows = new Uint8Array(mask.length);
  const out = new Uint8Array(mask.length);
  sweep(mask, rows, w, h, radius, 1, true);
  sweep(rows, out, w, h, radius, 1, false);
  return out;
}

/**
 * Per component: whether it is where the product is: reaching the centre of the frame, or, when the
 * product is cut off by the frame, running off it there (`reach`, cutoff.ts).
 */
function anchored(parts: ReturnType<typeof components>, reach: Uint8Array | undefined): boolean[] {
  if (!reach) return [...parts.touchesCentre];
  const result = parts.sizes.map(() => false);
  for (let p = 0; p < reach.length; p++) {
    const id = parts.labels[p]!;
    if (id >= 0 && reach[p] === 1) result[id] = true;
  }
  return result;
}

/**
 * Separate stretches of the frame's outermost pixels that {@link trimOutliers} dropped. A product cut by
 * the frame makes one or two, a strong vignette up to four (the corners); other things on the table cut
 * by the frame make more, and then the ring's outliers are backdrop after all.
 */
function outlierRuns(ring: Uint8Array, sources: Uint8Array, w: number, h: number): number {
  const perimeter: number[] = [];
  for (let x = 0; x < w; x++) perimeter.push(x);
  for (let y = 1; y < h; y++) perimeter.push(y * w + w - 1);
  for (let x = w - 2; x >= 0; x--) perimeter.push((h - 1) * w + x);
  for (let y = h - 2; y > 0; y--) perimeter.push(y * w);
  const out = perimeter.map((p) => ring[p] === 1 && sources[p] === 0);
  // Start the walk just after an inlier so a run wrapping past the start is counted once.
  const start = out.indexOf(false);
  if (start < 0) return 1;
  let runs = 0;
  let length = 0;
  for (let i = 1; i <= out.length; i++) {
    if (out[(start + i) % out.length]) {
      length++;
    } else {
      if (length >= 3) runs++;
      length = 0;
    }
  }
  return runs;
}

/**
 * Drops source pixels far from the sources' median colour: a product cut off by the frame sits in the
 * ring, and a geodesic started inside it would call the whole product backdrop.
 */
function trimOutliers(data: Uint8Array, sources: Uint8Array): void {
  // Per-channel medians from histograms (8-bit values), distances in a typed array: this runs on every
  // photo, and sorting boxed arrays with a comparator cost ~10 ms.
  const histograms = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  let count = 0;
  for (let p = 0; p < sources.length; p++) {
    if (sources[p] !== 1) continue;
    for (let c = 0; c < 3; c++) histograms[c]![data[p * 3 + c]!]!++;
    count++;
  }
  if (count === 0) return;
  const median = histograms.map((histogram) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v]!;
      if (seen > count >> 1) return v;
    }
    return 255;
  });
  const d = (p: number) =>
    Math.hypot(data[p * 3]! - median[0]!, data[p * 3 + 1]! - median[1]!, data[p * 3 + 2]! - median[2]!);
  const distances = new Float64Array(count);
  for (let p = 0, k = 0; p < sources.length; p++) if (sources[p] === 1) distances[k++] = d(p);
  distances.sort();
  const limit = Math.max(30, 3 * distances[count >> 1]!);
  for (let p = 0; p < sources.length; p++) if (sources[p] === 1 && d(p) > limit) sources[p] = 0;
}

function ringThickness(w: number, h: number): number {
  return Math.max(2, Math.round(0.035 * Math.min(w, h)));
}

/**
 * Marks the border ring: 1 = trusted background sample, 2 = a stretch that looks like the centre rather
 * than the rest of the border (probably the product touching the frame), 0 = interior.
 */
function borderRing(small: RawImage): Uint8Array {
  const { width: w, height: h, data } = small;
  const thickness = ringThickness(w, h);
  const ring = new Uint8Array(w * h);
  const segmentCount = 4 * SEGMENTS_PER_SIDE;
  const sums = new Float64Array(segmentCount * 4);
  const segmentOf = new Int16Array(w * h).fill(-1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let side: number;
      if (y < thickness) side = 0;
      else if (y >= h - thickness) side = 1;
      else if (x < thickness) side = 2;
      else if (x >= w - thickness) side = 3;
      else continue;
      const along = side < 2 ? x / w : y / h;
      const p = y * w + x;
      const s =
        side * SEGMENTS_PER_SIDE + Math.min(SEGMENTS_PER_SIDE - 1, Math.floor(along * SEGMENTS_PER_SIDE));
      segmentOf[p] = s;
      ring[p] = 1;
      sums[s * 4] = sums[s * 4]! + data[p * 3]!;
      sums[s * 4 + 1] = sums[s * 4 + 1]! + data[p * 3 + 1]!;
      sums[s * 4 + 2] = sums[s * 4 + 2]! + data[p * 3 + 2]!;
      sums[s * 4 + 3] = sums[s * 4 + 3]! + 1;
    }
  }
  const means: [number, number, number][] = [];
  for (let s = 0; s < segmentCount; s++) {
    const c = Math.max(1, sums[s * 4 + 3]!);
    means.push([sums[s * 4]! / c, sums[s * 4 + 1]! / c, sums[s * 4 + 2]! / c]);
  }
  const median = [0, 1, 2].map((k) => {
    const values = means.map((m) => m[k]!).sort((a, b) => a - b);
    return values[values.length >> 1]!;
  }) as [number, number, number];
  const centre = meanColour(small, 0.35, 0.65);
  const suspicion = means.map((m, s) => {
    const fromBorder = distance(m, median);
    const fromCentre = distance(m, centre);
    return { s, score: fromBorder > 40 && fromCentre < fromBorder ? fromBorder - fromCentre : 0 };
  });
  // At most 40 % of the border may be excluded: beyond that the "centre" is more likely the background.
  const suspects = suspicion
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, Math.floor(segmentCount * 0.4));
  const excluded = new Set(suspects.map((x) => x.s));
  if (excluded.size > 0) {
    for (let p = 0; p < w * h; p++) if (segmentOf[p]! >= 0 && excluded.has(segmentOf[p]!)) ring[p] = 2;
  }
  return ring;
}

/** Contrast-sensitive Potts weights, γ·exp(−β‖zp − zq‖²) with β = 1 / (2·E‖zp − zq‖²) (GrabCut). */
function pairwiseWeights(small: RawImage): Int32Array {
  const { width: w, height: h, data } = small;
  const n = w * h;
  // Squared colour differences to the right (index 2p) and down (2p + 1) neighbours; -1 = none.
  const diffs = new Float32Array(n * 2).fill(-1);
  let sum = 0;
  let count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const i = p * 3;
      if (x + 1 < w) {
        const d =
          (data[i]! - data[i + 3]!) ** 2 +
          (data[i + 1]! - data[i + 4]!) ** 2 +
          (data[i + 2]! - data[i + 5]!) ** 2;
        diffs[p * 2] = d;
        sum += d;
        count++;
      }
      if (y + 1 < h) {
        const j = i + w * 3;
        const d =
          (data[i]! - data[j]!) ** 2 +
          (data[i + 1]! - data[j + 1]!) ** 2 +
          (data[i + 2]! - data[j + 2]!) ** 2;
        diffs[p * 2 + 1] = d;
        sum += d;
        count++;
      }
    }
  }
  const beta = 1 / (2 * Math.max(1, sum / Math.max(1, count)));
  // exp(−x) tabulated in steps of 1/64 up to x = 16 (beyond that the weight rounds to 0 anyway).
  const table = new Int32Array(16 * 64 + 1);
  for (let t = 0; t < table.length; t++) table[t] = Math.round(GAMMA * Math.exp(-t / 64) * SCALE);
  const weight = (d: number): number => {
    const t = Math.round(beta * d * 64);
    return t < table.length ? table[t]! : 0;
  };
  const caps = new Int32Array(n * 4);
  for (let p = 0; p < n; p++) {
    const right = diffs[p * 2]!;
    if (right >= 0) {
      const c = weight(right);
      caps[p * 4] = c;
      caps[(p + 1) * 4 + 2] = c;
    }
    const down = diffs[p * 2 + 1]!;
    if (down >= 0) {
      const c = weight(down);
      caps[p * 4 + 1] = c;
      caps[(p + w) * 4 + 3] = c;
    }
  }
  return caps;
}

/**
 * Keeps the largest component and any other big one reaching the central area (two shoes, a set), then
 * fills holes that do not reach the border: small ones always (specular highlights, labels), big ones only
 * when they look like product rather than background (a mug handle's opening stays open), or lie deeper
 * inside the product than they are wide in a colour unlike the backdrop's (a grey print on a dark shirt).
 */
function cleanUp(
  mask: Uint8Array,
  w: number,
  h: number,
  dBg: Float32Array,
  dFg: Float32Array,
  colours: Float32Array,
  backdrop: readonly number[],
  reach: Uint8Array | undefined,
  previous?: Uint8Array,
): void {
  const n = w * h;
  const fgParts = components(mask, w, h, 1);
  const central = anchored(fgParts, reach);
  // Share of each component that the previous round kept: a thin part (a cable) that a later round
  // breaks off the rest is still the product the earlier round found.
  const carried = new Float64Array(fgParts.sizes.length);
  if (previous) {
    for (let p = 0; p < n; p++) {
      const id = fgParts.labels[p]!;
      if (id >= 0 && previous[p] === 1) carried[id] = carried[id]! + 1;
    }
  }
  let best = -1;
  let bestScore = 0;
  for (let i = 0; i < fgParts.sizes.length; i++) {
    const score = fgParts.sizes[i]! * (central[i] ? 1 : 0.3);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  const keep = fgParts.sizes.map(
    (size, i) =>
      i === best || (central[i] === true && size >= 0.2 * fgParts.sizes[best]!) || carried[i]! >= size * 0.5,
  );
  let area = 0;
  for (let p = 0; p < n; p++) {
    if (mask[p] === 1 && !keep[fgParts.labels[p]!]) mask[p] = 0;
    area += mask[p]!;
  }
  const holes = components(mask, w, h, 0);
  // Mean foreground preference (dBg − dFg) and mean colour per hole, in one pass.
  const preference = new Float64Array(holes.sizes.length);
  const colour = new Float64Array(holes.sizes.length * 3);
  for (let p = 0; p < n; p++) {
    const id = holes.labels[p]!;
    if (id < 0) continue;
    preference[id] = preference[id]! + dBg[p]! - dFg[p]!;
    for (let c = 0; c < 3; c++) colour[id * 3 + c] = colour[id * 3 + c]! + colours[p * 3 + c]!;
  }
  const fill = holes.sizes.map((size, i) => {
    if (holes.touchesBorder[i]) return false;
    if (size < area * 0.005) return true;
    return preference[i]! / size > 0;
  });
  // A big hole the colour models call backdrop is still product when it lies deeper inside the product
  // than it is wide, in a colour far from the backdrop's: a grey print on a dark shirt, which the backdrop
  // model explains as its shade. An opening sits in a thin part (a mug's handle, a bag's strap), even where
  // the product's shadow darkens what shows through; one in a thick body (a bagel) has the backdrop's colour.
  const unlike = holes.sizes.map((size, i) => {
    if (fill[i] || holes.touchesBorder[i]) return false;
    const mean = [0, 1, 2].map((c) => colour[i * 3 + c]! / size);
    return distance3(mean, 0, backdrop, 0) > DEEP_HOLE_STEP;
  });
  if (unlike.includes(true) && holes.touchesBorder.includes(true)) {
    const outside = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      const id = holes.labels[p]!;
      if (id >= 0 && holes.touchesBorder[id]) outside[p] = 1;
    }
    const fromOutside = chamferDistance(outside, w, h);
    const depth = new Float64Array(holes.sizes.length).fill(Number.POSITIVE_INFINITY);
    for (let p = 0; p < n; p++) {
      const id = holes.labels[p]!;
      if (id >= 0 && unlike[id]) depth[id] = Math.min(depth[id]!, fromOutside[p]!);
    }
    holes.sizes.forEach((size, i) => {
      if (unlike[i] && depth[i]! >= DEEP_HOLE_DEPTH * Math.sqrt(size)) fill[i] = true;
    });
  }
  for (let p = 0; p < n; p++) if (mask[p] === 0 && fill[holes.labels[p]!]) mask[p] = 1;
}

/**
 * Confidence from four signals: how decisively the two colour models tell pixels apart (busy or
 * product-coloured backgrounds blur this), how much of the trusted border ended up as product, whether
 * the product's share of the frame is plausible, and how much of the frame's edge the cut-out touches.
 */
function confidenceOf(
  mask: Uint8Array,
  w: number,
  h: number,
  ring: Uint8Array,
  dBg: Float32Array,
  dFg: Float32Array,
  areaFraction: number,
): number {
  const n = mask.length;
  let margin = 0;
  let ringCount = 0;
  let ringProduct = 0;
  for (let p = 0; p < n; p++) {
    margin += Math.min(Math.abs(dBg[p]! - dFg[p]!), 8) / 8;
    if (ring[p] === 1) {
      ringCount++;
      ringProduct += mask[p]!;
    }
  }
  const separation = margin / n;
  const borderClean = 1 - ringProduct / Math.max(1, ringCount);
  let area = 1;
  if (areaFraction < 0.02) area = areaFraction / 0.02;
  else if (areaFraction > 0.8) area = Math.max(0, (1 - areaFraction) / 0.2);
  // Product running into the frame: fine for one cut-off side, but a cut-out that meets the frame all
  // round is usually other things on the table taken for product.
  let edge = 0;
  for (let x = 0; x < w; x++) edge += mask[x]! + mask[(h - 1) * w + x]!;
  for (let y = 1; y < h - 1; y++) edge += mask[y * w]! + mask[y * w + w - 1]!;
  const touch = edge / Math.max(1, 2 * (w + h) - 4);
  const framed = clamp(1 - Math.max(0, touch - 0.04) * 4, 0.2, 1);
  return clamp(separation * borderClean * borderClean * area * framed, 0, 1);
}

/**
 * Upsamples the small mask (bilinear, so the edge becomes a ramp a few pixels wide), re-decides each pixel
 * of that ramp from its own full-resolution colour plus the ramp as a prior, then feathers with a small
 * blur and a soft re-threshold.
 */
async function refineToFullSize(image: RawImage, small: RawImage, cut: SmallCut): Promise<Buffer> {
  const { width, height, data } = image;
  const sameSize = small.width === width && small.height === height;
  const ramp = upsampled(cut.mask, small, width, height, sameSize);
  const firm = cut.firm.includes(1) ? upsampled(cut.firm, small, width, height, sameSize) : undefined;
  const hard = Buffer.alloc(width * height);
  const offset = new Float32Array(3);
  for (let p = 0; p < hard.length; p++) {
    const a = ramp[p]!;
    if (a === 0 || a === 255 || sameSize || (firm !== undefined && firm[p]! > 0)) {
      hard[p] = a >= 128 ? 255 : 0;
      continue;
    }
    const x = p % width;
    cut.trend.offset((x + 0.5) / width, ((p - x) / width + 0.5) / height, offset, 0);
    const r = data[p * 3]!;
    const g = data[p * 3 + 1]!;
    const b = data[p * 3 + 2]!;
    // Full size has no outline map: shade is allowed everywhere in the edge band.
    const colour = clamp(
      backgroundCost(cut.bg, r, g, b, offset[0]!, offset[1]!, offset[2]!) -
        negLogLikelihood(cut.fg, r - offset[0]!, g - offset[1]!, b - offset[2]!),
      -6,
      6,
    );
    const prior = (a / 255 - 0.5) * 6;
    hard[p] = prior + colour > 0 ? 255 : 0;
  }
  if (!sameSize) {
    rejoinBreaks(hard, ramp, width, height, small.width);
    // The colour models put the edge ~1 px out (a backdrop halo): re-decide it by the local mix
    // (unmix.ts), after the breaks are closed (it keeps a piece whole, it cannot join one).
    unmixEdges(
      data,
      width,
      height,
      hard,
      firm,
      { ...small, mask: cut.mask },
      {
        reach: UNMIX_REACH,
        minContrast: UNMIX_MIN_CONTRAST,
        passes: UNMIX_PASSES,
      },
    );
  }
  const sigma = Math.max(0.6, Math.min(width, height) / 1000);
  const soft = await toRaw(fromRaw({ data: hard, width, height, channels: 1 }).blur(sigma), 1);
  // Re-threshold the blurred edge into a narrower soft ramp (a lookup table: this runs per pixel).
  const curve = new Uint8Array(256);
  for (let v = 0; v < 256; v++) curve[v] = clamp(Math.round((v - 128) * 1.5 + 128), 0, 255);
  const alpha = soft.data;
  for (let p = 0; p < alpha.length; p++) alpha[p] = curve[alpha[p]!]!;
  return alpha;
}

/**
 * The refinement re-decides a thin part's edge band by colour, and where a cable's highlight matches the
 * backdrop it can cut right across a piece the small cut kept whole. Such breaks are closed again with the
 * small cut's own pixels (bridge.ts `breaks`), looked for on a copy shrunk by a whole factor to about
 * {@link REJOIN_SIDE} px a side (cheap, and the labels stay small for a 24-megapixel photo).
 */
function rejoinBreaks(hard: Buffer, ramp: Buffer, width: number, height: number, gridWidth: number): void {
  const f = Math.max(1, Math.floor(Math.max(width, height) / REJOIN_SIDE));
  const mw = Math.ceil(width / f);
  const mh = Math.ceil(height / f);
  // The refined cut and the upsampled small cut (`ramp`), both shrunk by block averaging.
  const column = new Int32Array(width);
  for (let x = 0; x < width; x++) column[x] = (x / f) | 0;
  const refined = new Uint32Array(mw * mh);
  const before = new Uint32Array(mw * mh);
  for (let y = 0; y < height; y++) {
    const row = ((y / f) | 0) * mw;
    const start = y * width;
    for (let x = 0; x < width; x++) {
      const m = row + column[x]!;
      if (hard[start + x] !== 0) refined[m]!++;
      before[m] = before[m]! + ramp[start + x]!;
    }
  }
  const mask = new Uint8Array(mw * mh);
  const whole = new Uint8Array(mw * mh);
  const near = new Uint8Array(mw * mh);
  for (let my = 0; my < mh; my++) {
    for (let mx = 0; mx < mw; mx++) {
      const m = my * mw + mx;
      const area = Math.min(f, width - mx * f) * Math.min(f, height - my * f);
      mask[m] = refined[m]! * 2 >= area ? 1 : 0;
      const level = before[m]! / area;
      whole[m] = level >= 128 ? 1 : 0;
      near[m] = level >= REJOIN_RAMP ? 1 : 0;
    }
  }
  const radius = Math.max(2, Math.round(REJOIN_GRID_GAP * (mw / gridWidth)));
  const gaps = breaks(mask, whole, near, mw, mh, radius);
  if (!gaps) return;
  for (let p = 0; p < hard.length; p++) {
    const x = p % width;
    if (gaps[(((p - x) / width / f) | 0) * mw + column[x]!] === 1 && ramp[p]! >= REJOIN_RAMP) hard[p] = 255;
  }
}

/** A 0/1 small-grid mask as 0..255 at full size (bilinear: its edges become ramps). */
function upsampled(
  mask: Uint8Array,
  small: RawImage,
  width: number,
  height: number,
  sameSize: boolean,
): Buffer {
  if (sameSize) return Buffer.from(mask.map((m) => m * 255));
  return upsampleMask(mask, small.width, small.height, width, height);
}

function everything(width: number, height: number): SegmentResult {
  return { alpha: Buffer.alloc(width * height, 255), width, height, confidence: 0 };
}

/**
 * Cost of explaining a colour as backdrop, allowing it to be the backdrop in shade: real photos have a
 * contact shadow right under the product, which is unlike the border yet must not become product. Shade
 * costs a little per unit of gain, so the unshaded reading wins when both fit.
 */
function backgroundCost(
  bg: ColourModel,
  r: number,
  g: number,
  b: number,
  o0: number,
  o1: number,
  o2: number,
  maxGain = MAX_SHADE_GAIN,
): number {
  return shadedNegLogLikelihood(bg, r, g, b, o0, o1, o2, maxGain, SHADE_COST);
}

/**
 * {@link backgroundCost} of every pixel — without the shade allowance inside an outlined object
 * (`unshaded[p] === 1`): its darker parts are the product's own shading (a sleeve turned from the light),
 * and a cast shadow has no silhouette.
 */
function scoreBackground(
  data: Uint8Array,
  offsets: Float32Array,
  bg: ColourModel,
  out: Float32Array,
  unshaded: Uint8Array,
): void {
  for (let p = 0; p < out.length; p++) {
    const i = p * 3;
    out[p] = backgroundCost(
      bg,
      data[i]!,
      data[i + 1]!,
      data[i + 2]!,
      offsets[i]!,
      offsets[i + 1]!,
      offsets[i + 2]!,
      unshaded[p] === 1 ? 1 : MAX_SHADE_GAIN,
    );
  }
}

/**
 * Morphological closing with a 5×5 square: seals cracks up to ~4 grid pixels, e.g. a specular stripe
 * across a bottle cap that happens to match the backdrop. (A square keeps axis-aligned corners square.)
 * A square is separable, so each pass is a 1-D running window along rows, then along columns.
 */
function close(mask: Uint8Array, w: number, h: number): void {
  const radius = 2;
  const scratch = new Uint8Array(mask.length);
  // Dilate, then erode; outside the image never triggers either (so the frame edge is not eroded).
  sweep(mask, scratch, w, h, radius, 1, true);
  sweep(scratch, mask, w, h, radius, 1, false);
  sweep(mask, scratch, w, h, radius, 0, true);
  sweep(scratch, mask, w, h, radius, 0, false);
}

/**
 * One 1-D pass: out = `target` where any pixel within `radius` along rows (or columns) equals `target`.
 * Dilation of 1s is target 1; erosion is dilation of the 0s (target 0).
 */
function sweep(
  src: Uint8Array,
  dst: Uint8Array,
  w: number,
  h: number,
  radius: number,
  target: 0 | 1,
  rows: boolean,
) {
  const lines = rows ? h : w;
  const length = rows ? w : h;
  const step = rows ? 1 : w;
  for (let line = 0; line < lines; line++) {
    const start = rows ? line * w : line;
    // Count of `target` pixels in the window [i − radius, i + radius].
    let count = 0;
    for (let i = 0; i <= Math.min(radius, length - 1); i++) if (src[start + i * step] === target) count++;
    for (let i = 0; i < length; i++) {
      dst[start + i * step] = count > 0 ? target : target ^ 1;
      const leaving = i - radius;
      const entering = i + radius + 1;
      if (leaving >= 0 && src[start + leaving * step] === target) count--;
      if (entering < length && src[start + entering * step] === target) count++;
    }
  }
}

function scoreAll(colours: Float32Array, model: ColourModel, out: Float32Array): void {
  for (let p = 0; p < out.length; p++) {
    out[p] = negLogLikelihood(model, colours[p * 3]!, colours[p * 3 + 1]!, colours[p * 3 + 2]!);
  }
}

function pick(colours: Float32Array, labels: Uint8Array, value: number): Float32Array {
  let count = 0;
  for (let p = 0; p < labels.length; p++) if (labels[p] === value) count++;
  const out = new Float32Array(count * 3);
  let j = 0;
  for (let p = 0; p < labels.length; p++) {
    if (labels[p] !== value) continue;
    out[j++] = colours[p * 3]!;
    out[j++] = colours[p * 3 + 1]!;
    out[j++] = colours[p * 3 + 2]!;
  }
  return out;
}

function meanColour(image: RawImage, from: number, to: number): [number, number, number] {
  const { width: w, height: h, data } = image;
  const sum = [0, 0, 0];
  let count = 0;
  for (let y = Math.floor(h * from); y < Math.ceil(h * to); y++) {
    for (let x = Math.floor(w * from); x < Math.ceil(w * to); x++) {
      const p = (y * w + x) * 3;
      sum[0]! += data[p]!;
      sum[1]! += data[p + 1]!;
      sum[2]! += data[p + 2]!;
      count++;
    }
  }
  return [sum[0]! / Math.max(1, count), sum[1]! / Math.max(1, count), sum[2]! / Math.max(1, count)];
}

/** Sorts `values` in place (native numeric sort of a typed array) and reads the q-quantile. */
function quantile(values: Float32Array, q: number): number {
  if (values.length === 0) return 0;
  values.sort();
  return values[Math.min(values.length - 1, Math.floor(values.length * q))]!;
}

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
