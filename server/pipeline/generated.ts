/**
 * The pipeline's side of hosted generation (SPEC §2 "AI scene", "IC-Light"): asking a provider for a
 * backdrop or a relit photo, and fitting its answer to the canvas. A model's answer is outside input, so
 * it is decoded under the same limits as an upload. Only the backdrop is generated and only product
 * pixels within the matte take the relit colours: the product's outline and shape stay the seller's own.
 */
import type { BackgroundStep, LightingStep } from '../../shared/workflow.js';
import { AppError } from '../errors.js';
import {
  type GenerateOptions,
  GenerativeError,
  modelSize,
  type Relighter,
  type SceneGenerator,
} from '../providers/generative/types.js';
import { fromRaw, MAX_INPUT_PIXELS, PIPELINE_TIMEOUT_SECONDS, type RawImage, sharp, toRaw } from './sharp.js';

export type AiSceneStep = Extract<BackgroundStep, { kind: 'ai_scene' }>;
export type RelightStep = Extract<LightingStep, { kind: 'relight' }>;

/**
 * A provider's failure as the job error the seller reads. Transient ones (busy, down, too slow) may be
 * retried by the queue; the rest (refused, misconfigured, odd answer) fail the job at once. Anything else
 * (e.g. a cancelled job's own error from a progress callback) passes unchanged.
 */
async function fromProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GenerativeError) {
      throw new AppError(error.transient ? 'AI_PROVIDER_UNAVAILABLE' : 'AI_PROVIDER_FAILED', undefined, {
        cause: error,
      });
    }
    throw error;
  }
}

/** The model's image as raw RGB at exactly `width` × `height`. */
async function decodeAnswer(
  bytes: Buffer,
  width: number,
  height: number,
  fit: 'cover' | 'fill',
): Promise<RawImage> {
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .timeout({ seconds: PIPELINE_TIMEOUT_SECONDS })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .resize(width, height, { fit, position: 'centre' });
    return await toRaw(image, 3);
  } catch (error) {
    throw new AppError('AI_PROVIDER_FAILED', 'The provider answered with an image we cannot read', {
      cause: error,
    });
  }
}

/** A backdrop from the prompt, generated near one megapixel and scaled (cropped to aspect) to the canvas. */
export async function generateBackdrop(
  step: AiSceneStep,
  canvas: { width: number; height: number },
  generator: SceneGenerator,
  options: GenerateOptions = {},
): Promise<RawImage> {
  const size = modelSize(canvas.width, canvas.height);
  const bytes = await fromProvider(() =>
    generator.generateScene(
      {
        prompt: step.prompt,
        ...(step.negativePrompt ? { negativePrompt: step.negativePrompt } : {}),
        ...(step.seed === undefined ? {} : { seed: step.seed }),
        ...size,
      },
      options,
    ),
  );
  return decodeAnswer(bytes, canvas.width, canvas.height, 'cover');
}

export interface ComposedCanvas {
  /** The composed RGB canvas. */
  image: RawImage;
  /** The product's matte at its placed size… */
  alpha: Uint8Array;
  alphaSize: { width: number; height: number };
  /** …and where it sits on the canvas. */
  place: { left: number; top: number };
}

/**
 * IC-Light on the composed photo (product on its backdrop, so the model sees the scene it lights), then
 * the relit colours blended in by the matte: `relit·a + composed·(1 − a)`. Outside the matte nothing
 * changes, so the outline is exactly the cut-out's. Returns a new canvas.
 */
export async function relightComposed(
  composed: ComposedCanvas,
  step: RelightStep,
  relighter: Relighter,
  options: GenerateOptions = {},
): Promise<RawImage> {
  const { image, alpha, alphaSize, place } = composed;
  const size = modelSize(image.width, image.height);
  const photo = await fromRaw(image)
    .resize(size.width, size.height, { fit: 'fill' })
    .jpeg({ quality: 92 })
    .toBuffer();
  const bytes = await fromProvider(() =>
    relighter.relight({ image: photo, prompt: step.prompt, direction: step.direction, ...size }, options),
  );
  const relit = await decodeAnswer(bytes, image.width, image.height, 'fill');
  const out = Buffer.from(image.data);
  for (let y = 0; y < alphaSize.height; y++) {
    const cy = place.top + y;
    if (cy < 0 || cy >= image.height) continue;
    for (let x = 0; x < alphaSize.width; x++) {
      const cx = place.left + x;
      if (cx < 0 || cx >= image.width) continue;
      const a = alpha[y * alphaSize.width + x]!;
      if (a === 0) continue;
      const i = (cy * image.width + cx) * 3;
      const t = a / 255;
      for (let c = 0; c < 3; c++)
        out[i + c] = Math.round(relit.data[i + c]! * t + image.data[i + c]! * (1 - t));
    }
  }
  return { data: out, width: image.width, height: image.height, channels: 3 };
}
