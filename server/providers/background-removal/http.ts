/**
 * The background-removal clients' view of the shared provider transport (../transport.ts): the same
 * timeouts, retries and redaction, with failures as {@link BackgroundRemovalError}. Removal calls are
 * idempotent, so any transient failure may be retried (unlike the marketplaces' single-use token calls).
 */
import { sniffImageType } from '../../marketplaces/http.js';
import { type ProviderAnswer, type ProviderClientOptions, ProviderTransport } from '../transport.js';
import { BackgroundRemovalError, type BackgroundRemovalProvider } from './types.js';

export { kindByStatus, type ProviderAnswer, parseRetryAfter } from '../transport.js';
export type RemoverClientOptions = ProviderClientOptions;

export class RemoverTransport extends ProviderTransport<BackgroundRemovalError> {
  constructor(
    readonly provider: BackgroundRemovalProvider,
    options: RemoverClientOptions,
  ) {
    super(options, (kind, message, status) => new BackgroundRemovalError(provider, kind, message, status));
  }
}

/** The 2xx body as an image, or a `malformed` error (e.g. a JSON answer where PNG bytes were expected). */
export function imageBody(provider: BackgroundRemovalProvider, answer: ProviderAnswer): Buffer {
  const { type } = sniffImageType(answer.body, ['png', 'jpeg', 'webp']);
  if (type === 'application/octet-stream') {
    throw new BackgroundRemovalError(provider, 'malformed', 'the answer is not an image', answer.status);
  }
  return answer.body;
}

/** The photo as a multipart file part, typed from its bytes. */
export function imagePart(image: Buffer): { blob: Blob; filename: string } {
  const { type, ext } = sniffImageType(image, ['jpeg', 'png']);
  return { blob: new Blob([new Uint8Array(image)], { type }), filename: `photo.${ext}` };
}
