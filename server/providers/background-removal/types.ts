/**
 * Background removal by a hosted provider or a local ONNX model. Providers get the photo's bytes (never a
 * file path) and answer with image bytes; a model gets a tensor and answers with one. Turning either into
 * an 8-bit alpha of the input size is the pipeline's job, because it is the only product module that
 * decodes and resizes images (style.md practice 3).
 */

import { type ProviderErrorKind, TRANSIENT_KINDS } from '../transport.js';
import type { OnnxModelKind } from './onnx-models.js';

export type HostedRemovalProvider = 'removebg' | 'photoroom' | 'segmind' | 'fal';
export type BackgroundRemovalProvider = HostedRemovalProvider | 'onnx';

export interface BackgroundRemover {
  readonly provider: HostedRemovalProvider;
  /**
   * @param image JPEG or PNG of the working-size photo.
   * @returns a PNG with alpha, or a greyscale mask; the caller normalises it to the input's size.
   */
  removeBackground(image: Buffer): Promise<Buffer>;
}

/**
 * A local segmentation model (ISNet, BiRefNet, U²-Net) run by onnxruntime. Tensors in, tensors out: the
 * resizing and normalisation per model kind happen in the pipeline (`pipeline/onnx-matte.ts`).
 */
export interface MatteModel {
  readonly provider: 'onnx';
  readonly kind: OnnxModelKind;
  /**
   * The model's input height and width: from the model file when static, else the kind's nominal size.
   * The first call loads the model (once per process); rejects with a `model_invalid` error.
   */
  inputSize(): Promise<{ width: number; height: number }>;
  /**
   * Runs the model on one RGB NCHW float32 tensor `[1,3,height,width]` (already normalised).
   * @returns the model's first output, flat, with its dimensions (e.g. `[1,1,H,W]`).
   */
  run(
    input: Float32Array,
    width: number,
    height: number,
  ): Promise<{ data: Float32Array; dims: readonly number[] }>;
}

/** What the pipeline's background_removal step may be handed besides its own segmentation. */
export type MatteSource = BackgroundRemover | MatteModel;

/**
 * Why a provider call failed: the kinds every hosted provider shares (see ../transport.ts), and for a local
 * model `malformed` (an output of the wrong shape, non-finite or constant), `model_invalid` (the ONNX file
 * could not be loaded or does not look like a matting model) and `inference_failed` (onnxruntime failed).
 */
export type BackgroundRemovalErrorKind = ProviderErrorKind | 'model_invalid' | 'inference_failed';

export class BackgroundRemovalError extends Error {
  override readonly name = 'BackgroundRemovalError';
  constructor(
    readonly provider: BackgroundRemovalProvider,
    readonly kind: BackgroundRemovalErrorKind,
    /** Already redacted by the caller: never holds the API key. */
    message: string,
    readonly httpStatus?: number,
  ) {
    super(`${provider}: ${kind}: ${message}`);
  }

  /** Worth another attempt: the provider was busy, failing or unreachable, not refusing this request. */
  get transient(): boolean {
    return TRANSIENT_KINDS.has(this.kind);
  }
}
