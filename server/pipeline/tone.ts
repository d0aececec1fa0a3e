/**
 * Automatic tone and colour correction of the product ("lighting_auto", SPEC §2). Levels are measured on
 * product pixels only (the backdrop is about to be replaced, so it must not steer them); the correction
 * runs as sharp operations (recomb, linear, convolve) on the product crop. Every step is deliberately
 * conservative: a product's colour is a fact about the product, and a wrong "fix" costs more than a
 * missed one.
 */
import type { LightingPreset, LightingStep } from '../../shared/workflow.js';
import type { RawImage, Sharp } from './sharp.js';

export interface TonePlan {
  /** 3×3 colour matrix for `sharp.recomb`: saturation × levels gain × white-balance gains. */
  matrix: [[number, number, number], [number, number, number], [number, number, number]];
  /** Per-channel offset added after the matrix (`sharp.linear`; sharp always runs recomb before linear). */
  offset: [number, number, number];
  /** 3×3 unsharp kernel for `sharp.convolve` (runs after the resize). */
  sharpen: { width: 3; height: 3; kernel: number[] };
}

/** How far the levels stretch moves the clip points towards 0 / 255 (1 = a full auto-levels). */
const LEVELS_STRENGTH = 0.6;
const MAX_LEVELS_GAIN = 1.25;
/** Share of the grey-world correction applied, and its per-channel limit. */
const WB_STRENGTH = 0.5;
const WB_LIMIT = 0.06;
const SATURATION = 1.06;
/** Unsharp amount of the 3×3 kernel: centre 1 + k, the 8 neighbours −k/8. */
const SHARPEN_AMOUNT = 0.4;
/** Rec. 601 luma weights: the saturation matrix keeps this luma. */
const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * @param scene the whole photo: white balance is grey-world over the scene, not over a possibly colourful
 *   product; levels come from the pixels where @param alpha (same size as the scene) is solid product.
 */
export function planTone(scene: RawImage, alpha: Uint8Array): TonePlan {
  const gains = whiteBalanceGains(scene);
  // Levels from product pixels only, after white balance. One stretch for all three channels (from the
  // darkest channel's low clip to the brightest channel's high clip) so hue never shifts.
  const histograms = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  const n = scene.width * scene.height;
  const step = Math.max(1, Math.floor(n / 250_000));
  let count = 0;
  for (let p = 0; p < n; p += step) {
    if (alpha[p]! < 200) continue;
    for (let c = 0; c < 3; c++) {
      const v = Math.min(255, Math.round(scene.data[p * scene.channels + c]! * gains[c]!));
      histograms[c]![v]!++;
    }
    count++;
  }
  let lo = 0;
  let hi = 255;
  if (count >= 64) {
    lo = Math.min(...histograms.map((h) => percentile(h, count, 0.005)));
    hi = Math.max(...histograms.map((h) => percentile(h, count, 0.995)));
  }
  let gain = 1;
  let offset = 0;
  if (hi - lo >= 32) {
    const targetLo = lo * (1 - LEVELS_STRENGTH);
    const targetHi = hi + (255 - hi) * LEVELS_STRENGTH;
    gain = Math.min(MAX_LEVELS_GAIN, (targetHi - targetLo) / (hi - lo));
    // Keep the mid-point of the old range where the full stretch would put it.
    offset = (targetLo + targetHi) / 2 - gain * ((lo + hi) / 2);
  }
  // Saturation as a matrix in RGB that keeps luma: (1 − s)·luma + s·identity. Its rows sum to 1, so the
  // uniform levels offset stays uniform after it.
  const matrix = [0, 1, 2].map((row) =>
    [0, 1, 2].map(
      (col) => ((1 - SATURATION) * LUMA[col]! + (row === col ? SATURATION : 0)) * gains[col]! * gain,
    ),
  ) as TonePlan['matrix'];
  return { matrix, offset: [offset, offset, offset], sharpen: sharpenKernel(SHARPEN_AMOUNT) };
}

function sharpenKernel(k: number): TonePlan['sharpen'] {
  const edge = -k / 8;
  return { width: 3, height: 3, kernel: [edge, edge, edge, edge, 1 + k, edge, edge, edge, edge] };
}

/** The look of a lighting step, as adjustments on top of the product's auto-levels. */
export interface LightingAdjustment {
  /** −100..100: adds up to ±25 % of full scale. */
  brightness: number;
  /** −100..100: slope around mid-grey from 0.5× to 1.5×. */
  contrast: number;
  /** −100..100: red up and blue down (warmer) or the reverse, up to ±12 %. */
  warmth: number;
  /** Saturation factor around luma (1 = unchanged). */
  saturation: number;
  /** Unsharp amount of the 3×3 kernel. */
  sharpen: number;
}

/**
 * Seed §2.2.3: Studio (bright, even), Natural (soft daylight), Dramatic (high contrast), Bright (high-key),
 * Moody (low-key). Each is measurably different (tone.test.ts): contrast, mean level and warmth.
 */
export const LIGHTING_LOOKS: Record<LightingPreset, LightingAdjustment> = {
  studio: { brightness: 8, contrast: 10, warmth: 0, saturation: 1.04, sharpen: 0.4 },
  natural: { brightness: 4, contrast: -12, warmth: 30, saturation: 1, sharpen: 0.25 },
  dramatic: { brightness: -6, contrast: 65, warmth: 0, saturation: 1.12, sharpen: 0.6 },
  bright: { brightness: 28, contrast: -6, warmth: 4, saturation: 1.02, sharpen: 0.35 },
  moody: { brightness: -30, contrast: 10, warmth: -25, saturation: 0.85, sharpen: 0.35 },
};

/**
 * The tone plan of a lighting step. `auto` is the conservative correction above; a preset is the same
 * correction followed by its look; manual numbers apply to the photo as it is (the seller asked for them).
 */
export function planLighting(step: LightingStep, scene: RawImage, alpha: Uint8Array): TonePlan {
  // Relight: the conservative correction here, the light itself from the hosted model (relight.ts).
  if (step.kind === 'auto' || step.kind === 'relight') return planTone(scene, alpha);
  if (step.kind === 'preset') return withAdjustment(planTone(scene, alpha), LIGHTING_LOOKS[step.preset]);
  const neutral: TonePlan = {
    matrix: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    offset: [0, 0, 0],
    sharpen: sharpenKernel(0),
  };
  return withAdjustment(neutral, { ...step, saturation: 1, sharpen: 0.3 });
}

/**
 * Composes an adjustment after a plan: x' = k·W·S·(M·x + o) + 128·(1 − k) + b, with S saturation, W warmth
 * gains, k contrast and b brightness. One recomb and one linear, whatever the look (sharp runs only one).
 */
function withAdjustment(plan: TonePlan, look: LightingAdjustment): TonePlan {
  const k = 1 + (0.5 * look.contrast) / 100;
  const brightness = (0.25 * 255 * look.brightness) / 100;
  const w = look.warmth / 100;
  const warmthGains = [1 + 0.12 * w, 1 + 0.02 * w, 1 - 0.12 * w];
  const s = look.saturation;
  const adjust = [0, 1, 2].map((row) =>
    [0, 1, 2].map((col) => k * warmthGains[row]! * ((1 - s) * LUMA[col]! + (row === col ? s : 0))),
  );
  const matrix = [0, 1, 2].map((row) =>
    [0, 1, 2].map((col) => adjust[row]!.reduce((sum, a, i) => sum + a * plan.matrix[i]![col]!, 0)),
  ) as TonePlan['matrix'];
  const offset = [0, 1, 2].map(
    (row) => adjust[row]!.reduce((sum, a, i) => sum + a * plan.offset[i]!, 0) + 128 * (1 - k) + brightness,
  ) as TonePlan['offset'];
  return { matrix, offset, sharpen: sharpenKernel(look.sharpen) };
}

/**
 * Applies a plan to a pipeline. recomb + linear + a 3×3 convolve instead of `modulate` and `sharpen`:
 * those two work in LCh/LAB and cost ~35 ms each on a 0.5 MP product here (libvips runs one thread per
 * image on this glibc build), against ~20 ms for all three of these together.
 */
export function applyTone(pipeline: Sharp, plan: TonePlan): Sharp {
  return pipeline.recomb(plan.matrix).linear([1, 1, 1], plan.offset).convolve(plan.sharpen);
}

/**
 * Grey-world white balance, limited: half of the correction, at most ±6 % per channel, and faded out
 * when the scene is strongly coloured — a brown table or a green wall is not a colour cast.
 */
function whiteBalanceGains(scene: RawImage): [number, number, number] {
  const sums = [0, 0, 0];
  const step = Math.max(1, Math.floor((scene.width * scene.height) / 50_000));
  let count = 0;
  for (let p = 0; p < scene.width * scene.height; p += step) {
    const i = p * scene.channels;
    for (let c = 0; c < 3; c++) sums[c]! += scene.data[i + c]!;
    count++;
  }
  const means = sums.map((s) => s / Math.max(1, count));
  const grey = (means[0]! + means[1]! + means[2]!) / 3;
  if (grey < 16) return [1, 1, 1];
  const cast = Math.max(...means.map((m) => Math.abs(m / grey - 1)));
  const fade = cast <= 0.15 ? 1 : cast >= 0.35 ? 0 : (0.35 - cast) / 0.2;
  return means.map((m) => {
    const full = grey / Math.max(1, m);
    const partial = 1 + (full - 1) * WB_STRENGTH * fade;
    return Math.min(1 + WB_LIMIT, Math.max(1 - WB_LIMIT, partial));
  }) as [number, number, number];
}

function percentile(histogram: Uint32Array, total: number, q: number): number {
  const target = total * q;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v]!;
    if (seen > target) return v;
  }
  return 255;
}
