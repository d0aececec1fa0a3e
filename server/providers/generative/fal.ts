/**
 * AI scenes and IC-Light relighting on fal, over the generic queue client (../fal-queue.ts). Inputs per
 * providers.md: text-to-image SDXL takes `prompt`, `negative_prompt`, `image_size {width, height}`, `seed`
 * → `{images: File[], seed}`; `fal-ai/iclight-v2` takes `prompt`, `image_url`, `initial_latent`
 * (None|Left|Right|Top|Bottom), `image_size`, 28 steps, `guidance_scale` 5 → `{images: File[], …}`.
 */
import { z } from 'zod';
import type { RelightDirection } from '../../../shared/workflow.js';
import { sniffImageType } from '../../marketplaces/http.js';
import { FalFile, FalQueue, type FalQueueOptions } from '../fal-queue.js';
import {
  type GenerateOptions,
  GenerativeError,
  generativeError,
  type Relighter,
  type RelightRequest,
  type SceneGenerator,
  type SceneRequest,
} from './types.js';

export const FAL_SCENE_MODEL = 'fal-ai/fast-sdxl';
export const FAL_RELIGHT_MODEL = 'fal-ai/iclight-v2';

const Images = z.object({ images: z.array(FalFile).min(1) });

const INITIAL_LATENT: Record<RelightDirection, string> = {
  none: 'None',
  left: 'Left',
  right: 'Right',
  top: 'Top',
  bottom: 'Bottom',
};

export interface FalGenerativeOptions extends FalQueueOptions {
  /** @defaultValue {@link FAL_SCENE_MODEL} */
  sceneModel?: string;
  /** @defaultValue {@link FAL_RELIGHT_MODEL} */
  relightModel?: string;
}

export class FalGenerative implements SceneGenerator, Relighter {
  readonly provider = 'fal' as const;
  readonly #queue: FalQueue<GenerativeError>;
  readonly #sceneModel: string;
  readonly #relightModel: string;

  constructor(options: FalGenerativeOptions) {
    this.#queue = new FalQueue(options, generativeError('fal'));
    this.#sceneModel = options.sceneModel ?? FAL_SCENE_MODEL;
    this.#relightModel = options.relightModel ?? FAL_RELIGHT_MODEL;
  }

  /** The generic entry point (pose generation will call it with `fal-ai/sdxl-controlnet-union`). */
  async generate(model: string, input: unknown, options: GenerateOptions = {}): Promise<Buffer> {
    const output = await this.#queue.run(model, input, {
      onProgress: (p) => options.onProgress?.(p.status === 'IN_QUEUE' ? 'queued' : 'generating'),
    });
    const parsed = Images.safeParse(output);
    if (!parsed.success) throw new GenerativeError('fal', 'malformed', 'no image in the result');
    return imageFile(await this.#queue.download(parsed.data.images[0]!.url));
  }

  generateScene(request: SceneRequest, options?: GenerateOptions): Promise<Buffer> {
    return this.generate(
      this.#sceneModel,
      {
        prompt: request.prompt,
        ...(request.negativePrompt ? { negative_prompt: request.negativePrompt } : {}),
        image_size: { width: request.width, height: request.height },
        ...(request.seed === undefined ? {} : { seed: request.seed }),
        num_images: 1,
        enable_safety_checker: true,
      },
      options,
    );
  }

  relight(request: RelightRequest, options?: GenerateOptions): Promise<Buffer> {
    const { type } = sniffImageType(request.image, ['jpeg', 'png']);
    return this.generate(
      this.#relightModel,
      {
        prompt: request.prompt,
        // A data URI: the seller's photo is never published anywhere for fal to fetch.
        image_url: `data:${type};base64,${request.image.toString('base64')}`,
        initial_latent: INITIAL_LATENT[request.direction],
        image_size: { width: request.width, height: request.height },
        num_inference_steps: 28,
        guidance_scale: 5,
        num_images: 1,
        output_format: 'png',
      },
      options,
    );
  }
}

/** The downloaded bytes, if they are an image. */
export function imageFile(bytes: Buffer, provider: 'fal' | 'replicate' | 'comfyui' = 'fal'): Buffer {
  if (sniffImageType(bytes, ['png', 'jpeg', 'webp']).type === 'application/octet-stream') {
    throw new GenerativeError(provider, 'malformed', 'the result file is not an image');
  }
  return bytes;
}
