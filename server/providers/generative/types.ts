/**
 * Image generation by a hosted model: AI scenes (a backdrop from a prompt) and IC-Light relighting, and
 * later pose generation. Providers get bytes and prompts and answer with image bytes; fitting those to the
 * canvas is the pipeline's job (the only product module that decodes images, style.md practice 3).
 */
import type { RelightDirection } from '../../../shared/workflow.js';
import { type ProviderErrorKind, TRANSIENT_KINDS } from '../transport.js';

export type GenerativeProvider = 'fal' | 'replicate' | 'comfyui';

/** Called while a slow generation runs (each status poll), so a job's progress and lock stay fresh. */
export interface GenerateOptions {
  onProgress?: (stage: string) => void | Promise<void>;
}

export interface SceneRequest {
  prompt: string;
  negativePrompt?: string;
  seed?: number;
  /** The size to generate at (see {@link modelSize}); the pipeline fits it to the canvas. */
  width: number;
  height: number;
}

export interface SceneGenerator {
  readonly provider: GenerativeProvider;
  /** @returns PNG/JPEG/WebP bytes of the scene. */
  generateScene(request: SceneRequest, options?: GenerateOptions): Promise<Buffer>;
}

export interface RelightRequest {
  /** JPEG or PNG of the composed photo (product on its backdrop) at `width` × `height`. */
  image: Buffer;
  prompt: string;
  direction: RelightDirection;
  width: number;
  height: number;
}

export interface Relighter {
  readonly provider: GenerativeProvider;
  /** @returns the relit photo's bytes, at whatever size the model chose. */
  relight(request: RelightRequest, options?: GenerateOptions): Promise<Buffer>;
}

/**
 * The shared transport kinds plus `failed`: the provider ran the request and reported that it failed
 * (Replicate `status: failed`, a ComfyUI execution error or a graph it refused).
 */
export type GenerativeErrorKind = ProviderErrorKind | 'failed';

export class GenerativeError extends Error {
  override readonly name = 'GenerativeError';
  constructor(
    readonly provider: GenerativeProvider,
    readonly kind: GenerativeErrorKind,
    /** Already redacted by the caller: never holds the API key. */
    message: string,
    readonly httpStatus?: number,
  ) {
    super(`${provider}: ${kind}: ${message}`);
  }

  /** Worth another attempt later: the provider was busy, failing or unreachable, not refusing this. */
  get transient(): boolean {
    return TRANSIENT_KINDS.has(this.kind);
  }
}

export const generativeError =
  (provider: GenerativeProvider) => (kind: GenerativeErrorKind, message: string, httpStatus?: number) =>
    new GenerativeError(provider, kind, message, httpStatus);

/**
 * The size to ask a diffusion model for: SDXL-class models are trained around one megapixel and need
 * multiples of 64, so the canvas's aspect at ≤ 1024 px on the long side; the pipeline scales the answer.
 */
export function modelSize(width: number, height: number, longSide = 1024): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(width, height));
  const round = (v: number) => Math.max(256, Math.round((v * scale) / 64) * 64);
  return { width: round(width), height: round(height) };
}
