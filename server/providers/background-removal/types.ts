/**
 * Background removal by a hosted provider. Providers get the photo's bytes (never a file path) and answer
 * with image bytes; turning those into an 8-bit alpha of the input size is the pipeline's job, because it
 * is the only product module that decodes images (style.md practice 3).
 */
import { type ProviderErrorKind, TRANSIENT_KINDS } from '../transport.js';

export type BackgroundRemovalProvider = 'removebg' | 'photoroom' | 'segmind' | 'fal';

export interface BackgroundRemover {
  readonly provider: BackgroundRemovalProvider;
  /**
   * @param image JPEG or PNG of the working-size photo.
   * @returns a PNG with alpha, or a greyscale mask; the caller normalises it to the input's size.
   */
  removeBackground(image: Buffer): Promise<Buffer>;
}

/** Why a provider call failed: the kinds every hosted provider shares (see ../transport.ts). */
export type BackgroundRemovalErrorKind = ProviderErrorKind;

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
