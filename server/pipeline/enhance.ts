/**
 * "Enhance photo" for one image and one workflow (a preset's, or one given as data): inspect → decode once
 * (EXIF orientation applied, pixel limit, strict decoder) at a working size → background removal → an AI
 * scene from a hosted model when the backdrop is one → the steps in workflow order (backdrop, lighting,
 * shadow) composed on the canvas → IC-Light relight by a hosted model when asked → free-tier cap and
 * watermark → encode without metadata → check the target's (and the listing marketplace's) upload rules.
 */
import type { Tier } from '../../shared/api.js';
import type { Marketplace } from '../../shared/marketplaces.js';
import {
  type OutputPreset,
  outputOf,
  UPLOAD_RULES,
  WORKFLOW_PRESETS,
  type WorkflowPresetId,
} from '../../shared/presets.js';
import {
  type BackgroundStep,
  type LightingStep,
  type ShadowStep,
  Workflow,
  type WorkflowStep,
} from '../../shared/workflow.js';
import { AppError, isAppError } from '../errors.js';
import type { BackgroundRemovalProvider, MatteSource } from '../providers/background-removal/types.js';
import type { Relighter, SceneGenerator } from '../providers/generative/types.js';
import { type AnswerMemo, remembering } from './answers.js';
import { parseHex, renderBackdrop, solid } from './backdrop.js';
import { composite, decontaminateEdges } from './compose.js';
import { decodeForWork } from './decode.js';
import { encodeWithin } from './encode.js';
import { type ComposedCanvas, generateBackdrop, relightComposed } from './generated.js';
import { inspectImage } from './inspect.js';
import { onnxMatte } from './onnx-matte.js';
import { remoteMatte } from './remote-matte.js';
import { type SegmentResult, segment } from './segment.js';
import { type ReflectionLayer, renderReflection, renderShadow, type ShadowLayer } from './shadow.js';
import { fromRaw, type RawImage, toRaw } from './sharp.js';
import { applyTone, planLighting } from './tone.js';
import { checkUploadRules } from './upload-rules.js';
import { applyWatermark } from './watermark.js';

export type EnhanceOptions = ({ presetId: WorkflowPresetId } | { workflow: Workflow }) & {
  /**
   * The seller's tier. `free` caps the longest side at {@link FREE_MAX_SIDE} and adds the watermark
   * (SPEC §4). The worker always passes it; left out, no tier limits apply (tests, benchmarks).
   */
  tier?: Tier;
  /** The listing's marketplace when the result will be pushed there: its upload rules are checked too. */
  marketplace?: Marketplace;
  /**
   * Called after each stage (10 decode, 40 segment, 70 compose, 95 encode), and while a hosted model works
   * (50 scene, 80 relight, once per status poll); awaited, so a slow callback holds the job and a throwing
   * one aborts it with its own error.
   */
  onProgress?: (percent: number, stage: string) => void | Promise<void>;
  /**
   * A hosted remover or a local ONNX model for the background_removal step; when it fails, the local
   * segmentation runs.
   */
  backgroundRemover?: MatteSource;
  /** Makes `ai_scene` backdrops. Without one such a workflow fails AI_NOT_ENABLED: no stand-in backdrop. */
  sceneGenerator?: SceneGenerator;
  /** Runs `relight` lighting steps (IC-Light). Without one such a workflow fails AI_NOT_ENABLED. */
  relighter?: Relighter;
  /**
   * Runs the local segmentation, e.g. on a worker thread (segment-pool.ts). @defaultValue `segment` on
   * this thread
   */
  segmenter?: (image: RawImage) => Promise<SegmentResult>;
  /** Hosted models' answers from earlier attempts of this job (answers.ts): reused, not paid for again. */
  answers?: AnswerMemo;
};

/** Who produced the matte: none needed, the seller's own cut-out, our segmentation, or a provider. */
export type MatteMethod = 'none' | 'cutout' | 'local' | BackgroundRemovalProvider;

export interface EnhanceOutput {
  data: Buffer;
  format: 'jpeg' | 'png' | 'webp';
  width: number;
  height: number;
  bytes: number;
  /** 0..1 trust in the cut-out; low values deserve a "check the result" hint in the UI. */
  confidence: number;
  /** Whether the free-tier watermark was drawn. */
  watermarked: boolean;
  /** Wall time per stage: inspect, decode, segment, compose, encode, total. */
  timingsMs: Record<string, number>;
  matteMethod: MatteMethod;
  /** The provider's error kind when it failed and the local segmentation stood in. */
  matteFallbackReason?: string;
}

/** SPEC §4: the free tier's outputs are at most this long (every target's minimum is ≤ 320 px). */
export const FREE_MAX_SIDE = 1024;

/** A workflow resolved into what the compose stage draws, in the order the steps came. */
interface RenderPlan {
  output: OutputPreset;
  canvas: { width: number; height: number };
  /** Canvas px per nominal output px (below 1 under the free-tier cap). */
  pxScale: number;
  removeBackground: boolean;
  background?: BackgroundStep;
  lighting?: LightingStep;
  shadow?: ShadowStep;
  watermark: boolean;
}

function resolveWorkflow(options: EnhanceOptions): readonly WorkflowStep[] {
  if ('workflow' in options) {
    const parsed = Workflow.safeParse(options.workflow);
    if (!parsed.success) {
      throw new AppError('VALIDATION_FAILED', `Invalid workflow: ${parsed.error.issues[0]?.message}`, {
        details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
      });
    }
    return parsed.data;
  }
  const preset = WORKFLOW_PRESETS[options.presetId];
  if (!preset) throw new AppError('VALIDATION_FAILED', `Unknown preset: ${String(options.presetId)}`);
  return preset.steps;
}

function planRender(steps: readonly WorkflowStep[], tier: Tier | undefined): RenderPlan {
  const output = outputOf(steps);
  const capped = tier === 'free';
  const pxScale = capped ? Math.min(1, FREE_MAX_SIDE / Math.max(output.width, output.height)) : 1;
  const plan: RenderPlan = {
    output,
    canvas: { width: Math.round(output.width * pxScale), height: Math.round(output.height * pxScale) },
    pxScale,
    removeBackground: false,
    watermark: capped,
  };
  for (const step of steps) {
    switch (step.type) {
      case 'background_removal':
        plan.removeBackground = true;
        break;
      case 'background':
        plan.background = step;
        break;
      case 'lighting':
        plan.lighting = step;
        break;
      case 'shadow':
        plan.shadow = step;
        break;
      case 'export':
        break;
    }
  }
  return plan;
}

export async function enhance(input: Buffer, options: EnhanceOptions): Promise<EnhanceOutput> {
  const plan = planRender(resolveWorkflow(options), options.tier);
  const { output } = plan;
  // Before any work: the job service refuses these at submission, so reaching here is a misconfigured
  // worker (or a provider removed since), and charging for a plain backdrop instead is not an option.
  const needsScene = plan.background?.kind === 'ai_scene';
  const needsRelight = plan.lighting?.kind === 'relight';
  if ((needsScene && !options.sceneGenerator) || (needsRelight && !options.relighter)) {
    throw new AppError('AI_NOT_ENABLED');
  }
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
  const { rgb, cutout } = await decodeForWork(input, inspected);
  lap('decode');
  await progress(10, 'decode');

  let matte: Uint8Array;
  let confidence: number;
  let matteMethod: MatteMethod;
  let matteFallbackReason: string | undefined;
  const remote = plan.removeBackground && !cutout ? options.backgroundRemover : undefined;
  const memo = remembering(options.answers);
  const fromProvider = remote
    ? await (remote.provider === 'onnx'
        ? onnxMatte(rgb, remote)
        : remoteMatte(rgb, memo.remover(remote))
      ).catch((error: unknown) => {
        // Any provider failure (key, quota, outage, timeout, odd answer, unloadable model) costs quality,
        // never the job.
        matteFallbackReason = error instanceof Error && 'kind' in error ? String(error.kind) : 'error';
        return undefined;
      })
    : undefined;
  if (remote && fromProvider) {
    ({ alpha: matte, confidence } = fromProvider);
    matteMethod = remote.provider;
  } else if (!plan.removeBackground) {
    matte = new Uint8Array(rgb.width * rgb.height).fill(255);
    confidence = 1;
    matteMethod = 'none';
  } else if (cutout) {
    // The seller uploaded a cut-out already: its alpha is the best matte we could get.
    matte = cutout;
    confidence = 1;
    matteMethod = 'cutout';
  } else {
    const segmented = await ours(() => (options.segmenter ?? segment)(rgb));
    matte = segmented.alpha;
    confidence = segmented.confidence;
    matteMethod = 'local';
  }
  lap('segment');
  await progress(40, 'segment');

  let sceneBackdrop: RawImage | undefined;
  if (plan.background?.kind === 'ai_scene' && options.sceneGenerator) {
    await progress(45, 'scene');
    sceneBackdrop = await generateBackdrop(
      plan.background,
      plan.canvas,
      memo.scenes(options.sceneGenerator),
      {
        onProgress: () => options.onProgress?.(50, 'scene'),
      },
    );
    lap('scene');
  }

  const composed = await ours(() => composeOnCanvas(rgb, matte, plan, sceneBackdrop));
  lap('compose');
  await progress(70, 'compose');

  let canvas = composed.image;
  if (plan.lighting?.kind === 'relight' && options.relighter) {
    canvas = await relightComposed(composed, plan.lighting, memo.relighter(options.relighter), {
      onProgress: () => options.onProgress?.(80, 'relight'),
    });
    lap('relight');
    await progress(85, 'relight');
  }
  if (plan.watermark) await ours(() => applyWatermark(canvas));

  const targets = [output.target, ...(options.marketplace ? [options.marketplace] : [])];
  const maxBytes = Math.min(output.maxBytes, ...targets.map((t) => UPLOAD_RULES[t].maxBytes));
  const data = await ours(() => encodeWithin(canvas, output.format, output.quality, maxBytes));
  lap('encode');
  await progress(95, 'encode');

  const result = { format: output.format, width: canvas.width, height: canvas.height, bytes: data.length };
  for (const target of new Set(targets)) checkUploadRules(result, target);
  timingsMs.total = Math.round((performance.now() - started) * 10) / 10;
  return {
    data,
    ...result,
    confidence,
    watermarked: plan.watermark,
    timingsMs,
    matteMethod,
    ...(matteFallbackReason ? { matteFallbackReason } : {}),
  };
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
 * Crop to the product, fit it inside the canvas minus padding, light it, draw backdrop (or the generated
 * scene), shadow, product.
 */
async function composeOnCanvas(
  rgb: RawImage,
  matte: Uint8Array,
  plan: RenderPlan,
  sceneBackdrop?: RawImage,
): Promise<ComposedCanvas> {
  const { canvas, output } = plan;
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

  // A reflection needs floor room below the product: shrink the box by a fifth and lift the product.
  const reflection = plan.shadow?.kind === 'reflection';
  const boxWidth = canvas.width * (1 - 2 * output.padding);
  const boxHeight = canvas.height * (1 - 2 * output.padding) * (reflection ? 0.8 : 1);
  const lift = reflection ? boxHeight * 0.125 : 0;
  const scale = Math.min(boxWidth / fit.width, boxHeight / fit.height);
  const outWidth = Math.max(1, Math.round(crop.width * scale));
  const outHeight = Math.max(1, Math.round(crop.height * scale));
  const place = {
    left: Math.round((canvas.width - fit.width * scale) / 2 - (fit.left - crop.left) * scale),
    top: Math.round((canvas.height - fit.height * scale) / 2 - lift - (fit.top - crop.top) * scale),
  };

  let productPipeline = fromRaw(rgb).extract(crop).resize(outWidth, outHeight, { fit: 'fill' });
  if (plan.lighting) productPipeline = applyTone(productPipeline, planLighting(plan.lighting, rgb, matte));
  const [product, alphaImage, backdrop] = await Promise.all([
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
    sceneBackdrop
      ? Promise.resolve(sceneBackdrop)
      : plan.background
        ? renderBackdrop(plan.background, canvas.width, canvas.height)
        : Promise.resolve(solid(parseHex(output.background), canvas.width, canvas.height)),
  ]);
  const alpha = alphaImage.data;
  // The edge ramp is ~2–3 working pixels wide, i.e. ~2.5·scale output pixels. Capped: on a tiny photo
  // blown up 20× a full-width window would cost seconds for no visible gain.
  decontaminateEdges(product, alpha, Math.min(6, Math.max(2, Math.round(scale * 2.5))));

  let shadow: ShadowLayer | undefined;
  let mirrored: ReflectionLayer | undefined;
  const step = plan.shadow;
  if (step?.kind === 'reflection') {
    mirrored = await renderReflection(step, product, alpha, place, plan.pxScale);
  } else if (step) {
    // `kind` is narrowed to natural | drop here; the spread carries that into the step's type.
    shadow = await renderShadow(
      { ...step, kind: step.kind },
      alpha,
      outWidth,
      outHeight,
      place,
      canvas,
      plan.pxScale,
    );
  }
  return {
    image: composite({ backdrop, shadow, reflection: mirrored, product, alpha, place }),
    alpha,
    alphaSize: { width: outWidth, height: outHeight },
    place,
  };
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
