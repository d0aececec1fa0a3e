/**
 * Gaussian mixture colour models (full 3×3 covariance), fitted by k-means as in GrabCut (Rother et al.,
 * SIGGRAPH 2004). Samples are flat [c0, c1, c2, c0, …] arrays of 8-bit colours.
 */

/**
 * Flat parameters, 10 numbers per component: log(weight) + Gaussian constant, mean (3), symmetric inverse
 * covariance (xx, xy, xz, yy, yz, zz). Flat typed arrays because this is evaluated for every pixel.
 */
export interface ColourModel {
  readonly count: number;
  readonly params: Float64Array;
}

/** Floor on each variance: flat synthetic or clipped colours would otherwise give singular Gaussians. */
const MIN_VARIANCE = 9;
const LOG_2PI = Math.log(2 * Math.PI);
const MAX_COMPONENTS = 16;
/** Cap of {@link negLogLikelihood}, in nats. */
export const MAX_NLL = 60;

/** Deterministic PRNG (mulberry32) so a photo always segments the same way. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fits a K-component model to at most `maxSamples` evenly spread samples. */
export function fitColourModel(samples: Float32Array, k: number, maxSamples = 4000): ColourModel {
  const total = samples.length / 3;
  if (total === 0) throw new Error('fitColourModel: no samples');
  const stride = Math.max(1, Math.floor(total / maxSamples));
  const count = Math.ceil(total / stride);
  const points = new Float32Array(count * 3);
  for (let i = 0, j = 0; i < total && j < count; i += stride, j++) {
    points[j * 3] = samples[i * 3]!;
    points[j * 3 + 1] = samples[i * 3 + 1]!;
    points[j * 3 + 2] = samples[i * 3 + 2]!;
  }
  const clusters = Math.max(1, Math.min(k, count, MAX_COMPONENTS));
  const centres = kMeansPlusPlus(points, clusters);
  const assign = new Int32Array(count);
  for (let iteration = 0; iteration < 8; iteration++) {
    let moved = 0;
    for (let i = 0; i < count; i++) {
      const best = nearest(points, i, centres);
      if (best !== assign[i]) moved++;
      assign[i] = best;
    }
    const sums = new Float64Array(clusters * 4);
    for (let i = 0; i < count; i++) {
      const c = assign[i]! * 4;
      sums[c] = sums[c]! + points[i * 3]!;
      sums[c + 1] = sums[c + 1]! + points[i * 3 + 1]!;
      sums[c + 2] = sums[c + 2]! + points[i * 3 + 2]!;
      sums[c + 3] = sums[c + 3]! + 1;
    }
    for (let c = 0; c < clusters; c++) {
      const m = sums[c * 4 + 3]!;
      if (m > 0) {
        centres[c * 3] = sums[c * 4]! / m;
        centres[c * 3 + 1] = sums[c * 4 + 1]! / m;
        centres[c * 3 + 2] = sums[c * 4 + 2]! / m;
      }
    }
    if (iteration > 0 && moved === 0) break;
  }
  return gaussiansFromAssignment(points, assign, clusters);
}

function kMeansPlusPlus(points: Float32Array, k: number): Float64Array {
  const count = points.length / 3;
  const random = mulberry32(0x5eed + count);
  const centres = new Float64Array(k * 3);
  const first = Math.floor(random() * count);
  centres.set([points[first * 3]!, points[first * 3 + 1]!, points[first * 3 + 2]!], 0);
  const d2 = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  for (let c = 1; c < k; c++) {
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const dr = points[i * 3]! - centres[(c - 1) * 3]!;
      const dg = points[i * 3 + 1]! - centres[(c - 1) * 3 + 1]!;
      const db = points[i * 3 + 2]! - centres[(c - 1) * 3 + 2]!;
      d2[i] = Math.min(d2[i]!, dr * dr + dg * dg + db * db);
      sum += d2[i]!;
    }
    let target = random() * sum;
    let pick = count - 1;
    for (let i = 0; i < count; i++) {
      target -= d2[i]!;
      if (target <= 0) {
        pick = i;
        break;
      }
    }
    centres.set([points[pick * 3]!, points[pick * 3 + 1]!, points[pick * 3 + 2]!], c * 3);
  }
  return centres;
}

function nearest(points: Float32Array, i: number, centres: Float64Array): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  for (let c = 0; c < centres.length / 3; c++) {
    const dr = points[i * 3]! - centres[c * 3]!;
    const dg = points[i * 3 + 1]! - centres[c * 3 + 1]!;
    const db = points[i * 3 + 2]! - centres[c * 3 + 2]!;
    const d = dr * dr + dg * dg + db * db;
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function gaussiansFromAssignment(points: Float32Array, assign: Int32Array, k: number): ColourModel {
  const count = points.length / 3;
  // n, Σx (3), Σxxᵀ (6) per cluster.
  const acc = new Float64Array(k * 10);
  for (let i = 0; i < count; i++) {
    const o = assign[i]! * 10;
    const r = points[i * 3]!;
    const g = points[i * 3 + 1]!;
    const b = points[i * 3 + 2]!;
    acc[o] = acc[o]! + 1;
    acc[o + 1] = acc[o + 1]! + r;
    acc[o + 2] = acc[o + 2]! + g;
    acc[o + 3] = acc[o + 3]! + b;
    acc[o + 4] = acc[o + 4]! + r * r;
    acc[o + 5] = acc[o + 5]! + r * g;
    acc[o + 6] = acc[o + 6]! + r * b;
    acc[o + 7] = acc[o + 7]! + g * g;
    acc[o + 8] = acc[o + 8]! + g * b;
    acc[o + 9] = acc[o + 9]! + b * b;
  }
  const params: number[] = [];
  for (let c = 0; c < k; c++) {
    const o = c * 10;
    const n = acc[o]!;
    if (n < 1) continue;
    const mr = acc[o + 1]! / n;
    const mg = acc[o + 2]! / n;
    const mb = acc[o + 3]! / n;
    const xx = acc[o + 4]! / n - mr * mr + MIN_VARIANCE;
    const xy = acc[o + 5]! / n - mr * mg;
    const xz = acc[o + 6]! / n - mr * mb;
    const yy = acc[o + 7]! / n - mg * mg + MIN_VARIANCE;
    const yz = acc[o + 8]! / n - mg * mb;
    const zz = acc[o + 9]! / n - mb * mb + MIN_VARIANCE;
    // Inverse of the symmetric 3×3 by cofactors.
    const c00 = yy * zz - yz * yz;
    const c01 = xz * yz - xy * zz;
    const c02 = xy * yz - xz * yy;
    const det = xx * c00 + xy * c01 + xz * c02;
    if (!(det > 1e-6)) continue;
    const c11 = xx * zz - xz * xz;
    const c12 = xy * xz - xx * yz;
    const c22 = xx * yy - xy * xy;
    params.push(
      Math.log(n / count) - 0.5 * Math.log(det) - 1.5 * LOG_2PI,
      mr,
      mg,
      mb,
      c00 / det,
      c01 / det,
      c02 / det,
      c11 / det,
      c12 / det,
      c22 / det,
    );
  }
  if (params.length === 0) throw new Error('fitColourModel: degenerate samples');
  return { count: params.length / 10, params: Float64Array.from(params) };
}

/**
 * −log p(colour | model) with the mixture approximated by its best component (as GrabCut's hard
 * assignment does): no exp/log per pixel, and within a fraction of a nat of the full sum where it matters.
 * Capped so a colour far from every component cannot dominate a graph cut.
 */
export function negLogLikelihood(model: ColourModel, r: number, g: number, b: number): number {
  const { count, params } = model;
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0, o = 0; i < count; i++, o += 10) {
    const dr = r - params[o + 1]!;
    const dg = g - params[o + 2]!;
    const db = b - params[o + 3]!;
    const m =
      params[o + 4]! * dr * dr +
      params[o + 7]! * dg * dg +
      params[o + 9]! * db * db +
      2 * (params[o + 5]! * dr * dg + params[o + 6]! * dr * db + params[o + 8]! * dg * db);
    const l = params[o]! - 0.5 * m;
    if (l > best) best = l;
  }
  return Math.min(MAX_NLL, -best);
}

/**
 * Like {@link negLogLikelihood}, but the colour may first be brightened by a gain s ∈ [1, maxGain] — "this
 * is the modelled colour in shade". Per component the best s has a closed form: minimising
 * (s·c − o − μ)ᵀ Σ⁻¹ (s·c − o − μ) gives s = cᵀΣ⁻¹(μ + o) / cᵀΣ⁻¹c. Each unit of gain costs `costPerGain`
 * nats so the unshaded reading wins when both fit. `o` is a per-pixel offset subtracted after the gain.
 */
export function shadedNegLogLikelihood(
  model: ColourModel,
  r: number,
  g: number,
  b: number,
  o0: number,
  o1: number,
  o2: number,
  maxGain: number,
  costPerGain: number,
): number {
  const { count, params } = model;
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0, o = 0; i < count; i++, o += 10) {
    const a = params[o + 4]!;
    const bxy = params[o + 5]!;
    const bxz = params[o + 6]!;
    const d = params[o + 7]!;
    const e = params[o + 8]!;
    const f = params[o + 9]!;
    // Σ⁻¹c
    const ar = a * r + bxy * g + bxz * b;
    const ag = bxy * r + d * g + e * b;
    const ab = bxz * r + e * g + f * b;
    const cAc = r * ar + g * ag + b * ab;
    const tr = params[o + 1]! + o0;
    const tg = params[o + 2]! + o1;
    const tb = params[o + 3]! + o2;
    let s = cAc > 0 ? (ar * tr + ag * tg + ab * tb) / cAc : 1;
    s = Math.min(maxGain, Math.max(1, s));
    const dr = s * r - tr;
    const dg = s * g - tg;
    const db = s * b - tb;
    const m = a * dr * dr + d * dg * dg + f * db * db + 2 * (bxy * dr * dg + bxz * dr * db + e * dg * db);
    const l = params[o]! - 0.5 * m - costPerGain * (s - 1);
    if (l > best) best = l;
  }
  return Math.min(MAX_NLL, -best);
}
