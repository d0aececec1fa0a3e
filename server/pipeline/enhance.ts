/**
 * "Enhance photo" for one image and one workflow preset: inspect → decode once (EXIF orientation applied,
 * pixel limit, strict decoder) at a working size → background removal → tone → crop and fit → floor
 * shadow → composite on the backdrop → encode without metadata → check the marketplace's upload rules.
 */
import {
  OUTPUT_PRESETS,
  type OutputPreset,
  UPLOAD_RULES,
  WORKFLOW_PRESETS,
  type WorkflowPresetId,
} from '../../shared/presets.js';
import { AppError, isAppError } from '../errors.js';
import { composite, decontaminateEdges } from './compose.js';
import { encodeWithin } from './encode.js';
import { type InspectResult, inspectImage } from './inspect.js';
import { segment } from './segment.js';
import { renderFloorShadow } from './shadow.js';
import { fromRaw, MAX_INPUT_PIXELS, PIPELINE_TIMEOUT_SECONDS, type RawImage, sharp, toRaw } from './sharp.js';
import { applyTone, planTone } from './tone.js';
import { checkUploadRules } from './upload-rules.js';

export interface EnhanceOptions {
  presetId: WorkflowPresetId;
  /**
   * Called after each stage (10 decode, 40 segment, 70 compose, 95 encode); awaited, so a slow callback
   * holds the job and a throwing one aborts it with its own error.
   */
  onProgress?: (percent: number, stage: string) => void | Promise<void>;
}

export interface EnhanceOutput {
  data: Buffer;
  format: 'jpeg' | 'png' | 'webp';
  width: number;
  height: number;
  bytes: number;
  /** 0..1 trust in the cut-out; low values deserve a "check the result" hint in the UI. */
  confidence: number;
  /** Wall time per stage: inspect, decode, segment, compose, encode, total. */
  timingsMs: Record<string, number>;
}

/**
 * Longest side the photo is decoded to. Outputs are ≤ 1200 px and the product fills at most 84 % of
 * that, so more pixels only cost time; a little headroom keeps products that fill part of the frame sharp.
 */
const WORKING_MAX_SIDE = 1600;

export async function enhance(input: Buffer, options: EnhanceOptions): Promise<EnhanceOutput> {
  const workflow = WORKFLOW_PRESETS[options.presetId];
  if (!workflow) throw new AppError('VALIDATION_FAILED', `Unknown preset: ${String(options.presetId)}`);
  const preset: OutputPreset = OUTPUT_PRESETS[workflow.output];
  const steps: ReadonlySet<string> = new Set(workflow.steps);
  const timingsMs: Record<string, number> = {};
  const started = performance.now();
  let lapStart = started;
  const lap = (stage: string): void => {
    const now = performance.now();
    timingsMs[stage] = Math.round((now - lapStart) * 10) / 10;
    lapStart = now;
  };
  const progress = async (percent: number, stage: string): Promise<void> => {
    await options.onProgress?.(percent, stage);
    // The callback may take a while (e.g. a queue progress write); don't bill it to the next stage.
    lapStart = performance.now();
  };

  const inspected = await inspectImage(input);
  lap('inspect');
  const { rgb, cutout } = await decode(input, inspected);
  lap('decode');
  await progress(10, 'decode');

  let matte: Uint8Array;
  let confidence: number;
  if (!steps.has('background_removal')) {
    matte = new Uint8Array(rgb.width * rgb.height).fill(255);
    confidence = 1;
  } else if (cutout) {
    // The seller uploaded a cut-out already: its alpha is the best matte we could get.
    matte = cutout;
    confidence = 1;
  } else {
    const segmented = await ours(() => segment(rgb));
    matte = segmented.alpha;
    confidence = segmented.confidence;
  }
  lap('segment');
  await progress(40, 'segment');

  const canvas = await ours(() => composeOnCanvas(rgb, matte, preset, steps));
  lap('compose');
  await progress(70, 'compose');

  const maxBytes = Math.min(preset.maxBytes, UPLOAD_RULES[preset.marketplace].maxBytes);
  const data = await ours(() => encodeWithin(canvas, preset.format, preset.quality, maxBytes));
  lap('encode');
  await progress(95, 'encode');

  const result = { format: preset.format, width: canvas.width, height: canvas.height, bytes: data.length };
  checkUploadRules(result, preset.marketplace);
  timingsMs.total = Math.round((performance.now() - started) * 10) / 10;
  return { data, ...result, confidence, timingsMs };
}

/**
 * Runs a stage that works on already-decoded pixels: anything it throws that is not an AppError is our
 * bug, so it becomes PROCESSING_FAILED (credits returned). Progress callbacks stay outside, so a caller's
 * own error (e.g. a cancelled job) reaches the caller unchanged.
 */
async function ours<T>(stage: () => Promise<T>): Promise<T> {
  try {
    return await stage();
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError('PROCESSING_FAILED', undefined, { cause: error });
  }
}

/**
 * The one decode: EXIF orientation applied, at most WORKING_MAX_SIDE (JPEG shrink-on-load makes big
 * photos cheap), sRGB 8-bit whatever came in (CMYK, 16-bit, grey, palette). Any decoder complaint —
 * truncated data, corrupt entropy coding (failOn 'warning') — is the seller's file, not our bug.
 */
async function decode(
  input: Buffer,
  inspected: InspectResult,
): Promise<{ rgb: RawImage; cutout?: Uint8Array }> {
  let raw: RawImage;
  try {
    const scale = Math.min(1, WORKING_MAX_SIDE / Math.max(inspected.width, inspected.height));
    let pipeline = sharp(input, {
      limitInputPixels: MAX_INPUT_PIXELS,
      failOn: 'warning',
      sequentialRead: true,
    })
      .timeout({ seconds: PIPELINE_TIMEOUT_SECONDS })
      .rotate();
    if (scale < 1) {
      pipeline = pipeline.resize(
        Math.max(1, Math.round(inspected.width * scale)),
        Math.max(1, Math.round(inspected.height * scale)),
        { fit: 'fill' },
      );
    }
    const { data, info } = await pipeline
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 && info.channels !== 4) throw new Error(`unexpected ${info.channels} channels`);
    raw = { data, width: info.width, height: info.height, channels: info.channels };
  } catch (error) {
    throw new AppError('IMAGE_INVALID', undefined, { cause: error });
  }
  if (raw.channels === 3) return { rgb: raw };
  return splitAlpha(raw);
}

/**
 * An alpha channel is a cut-out when a real share of the image, and most of its border, is transparent.
 * Otherwise (an opaque PNG saved with alpha, a faint vignette) it is flattened onto white and ignored.
 */
function splitAlpha(rgba: RawImage): { rgb: RawImage; cutout?: Uint8Array } {
  const { width: w, height: h, data } = rgba;
  const n = w * h;
  const rgb = Buffer.alloc(n * 3);
  const alpha = new Uint8Array(n);
  let transparent = 0;
  for (let p = 0; p < n; p++) {
    alpha[p] = data[p * 4 + 3]!;
    if (alpha[p]! < 128) transparent++;
  }
  let border = 0;
  let borderTransparent = 0;
  for (let x = 0; x < w; x++) {
    for (const y of [0, h - 1]) {
      border++;
      if (alpha[y * w + x]! < 128) borderTransparent++;
    }
  }
  for (let y = 1; y < h - 1; y++) {
    for (const x of [0, w - 1]) {
      border++;
      if (alpha[y * w + x]! < 128) borderTransparent++;
    }
  }
  const isCutout = transparent >= n * 0.01 && transparent < n * 0.99 && borderTransparent >= border * 0.5;
  for (let p = 0; p < n; p++) {
    const a = alpha[p]! / 255;
    for (let c = 0; c < 3; c++) {
      const v = data[p * 4 + c]!;
      // A cut-out keeps its colours (the matte decides); anything else is flattened onto white.
      rgb[p * 3 + c] = isCutout ? v : Math.round(v * a + 255 * (1 - a));
    }
  }
  const image: RawImage = { data: rgb, width: w, height: h, channels: 3 };
  return isCutout ? { rgb: image, cutout: alpha } : { rgb: image };
}

/** Crop to the product, fit it inside the canvas minus padding, tone it, shadow it, composite. */
async function composeOnCanvas(
  rgb: RawImage,
  matte: Uint8Array,
  preset: OutputPreset,
  steps: ReadonlySet<string>,
): Promise<RawImage> {
  const fit = boundingBox(matte, rgb.width, rgb.height, 128) ?? {
    left: 0,
    top: 0,
    width: rgb.width,
    height: rgb.height,
  };
  // Crop a little wider than the fit box so soft edge pixels survive.
  const margin = 2;
  const crop = {
    left: Math.max(0, fit.left - margin),
    top: Math.max(0, fit.top - margin),
    width: 0,
    height: 0,
  };
  crop.width = Math.min(rgb.width, fit.left + fit.width + margin) - crop.left;
  crop.height = Math.min(rgb.height, fit.top + fit.height + margin) - crop.top;

  const boxWidth = preset.width * (1 - 2 * preset.padding);
  const boxHeight = preset.height * (1 - 2 * preset.padding);
  const scale = Math.min(boxWidth / fit.width, boxHeight / fit.height);
  const outWidth = Math.max(1, Math.round(crop.width * scale));
  const outHeight = Math.max(1, Math.round(crop.height * scale));
  const place = {
    left: Math.round((preset.width - fit.width * scale) / 2 - (fit.left - crop.left) * scale),
    top: Math.round((preset.height - fit.height * scale) / 2 - (fit.top - crop.top) * scale),
  };

  let productPipeline = fromRaw(rgb).extract(crop).resize(outWidth, outHeight, { fit: 'fill' });
  if (steps.has('lighting_auto')) productPipeline = applyTone(productPipeline, planTone(rgb, matte));
  const [product, alphaImage] = await Promise.all([
    toRaw(productPipeline, 3),
    toRaw(
      fromRaw({
        data: Buffer.from(matte.buffer, matte.byteOffset, matte.byteLength),
        width: rgb.width,
        height: rgb.height,
        channels: 1,
      })
        .extract(crop)
        .resize(outWidth, outHeight, { fit: 'fill' }),
      1,
    ),
  ]);
  const alpha = alphaImage.data;
  // The edge ramp is ~2–3 working pixels wide, i.e. ~2.5·scale output pixels. Capped: on a tiny photo
  // blown up 20× a full-width window would cost seconds for no visible gain.
  decontaminateEdges(product, alpha, Math.min(6, Math.max(2, Math.round(scale * 2.5))));

  const canvas = { width: preset.width, height: preset.height };
  const shadow = steps.has('shadow')
    ? renderFloorShadow(alpha, outWidth, outHeight, place, canvas)
    : undefined;
  return composite({ canvas, background: parseHex(preset.background), shadow, product, alpha, place });
}

function boundingBox(
  alpha: Uint8Array,
  width: number,
  height: number,
  threshold: number,
): { left: number; top: number; width: number; height: number } | undefined {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (alpha[row + x]! < threshold) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      bottom = y;
    }
  }
  return right < 0 ? undefined : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

function parseHex(hex: string): [number, number, number] {
  const match = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!match) throw new Error(`preset background is not #rrggbb: ${hex}`);
  const value = Number.parseInt(match[1]!, 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}
