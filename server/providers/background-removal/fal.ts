/**
 * fal BiRefNet over fal's queue API (the generic client in ../fal-queue.ts): input
 * `{image_url, output_format}` → `{image: File}`, then the file is downloaded from a fal media host. The
 * photo goes as a data URI in `image_url`, so it is never published anywhere for fal to fetch.
 */
import { z } from 'zod';
import { sniffImageType } from '../../marketplaces/http.js';
import { FAL_BASE_URL, FalFile, FalQueue, type FalQueueOptions } from '../fal-queue.js';
import { BackgroundRemovalError, type BackgroundRemover } from './types.js';

export { FAL_BASE_URL };

export interface FalClientOptions extends FalQueueOptions {
  /** @defaultValue 'fal-ai/birefnet' */
  model?: string;
}

const Result = z.object({ image: FalFile });

export class FalClient implements BackgroundRemover {
  readonly provider = 'fal' as const;
  readonly #queue: FalQueue<BackgroundRemovalError>;
  readonly #model: string;

  constructor(options: FalClientOptions) {
    this.#queue = new FalQueue(
      options,
      (kind, message, status) => new BackgroundRemovalError('fal', kind, message, status),
    );
    this.#model = options.model ?? 'fal-ai/birefnet';
  }

  async removeBackground(image: Buffer): Promise<Buffer> {
    const { type } = sniffImageType(image, ['jpeg', 'png']);
    const output = await this.#queue.run(this.#model, {
      image_url: `data:${type};base64,${image.toString('base64')}`,
      output_format: 'png',
    });
    const result = Result.safeParse(output);
    if (!result.success) throw new BackgroundRemovalError('fal', 'malformed', 'unexpected answer shape');
    const file = await this.#queue.download(result.data.image.url);
    if (sniffImageType(file, ['png', 'jpeg', 'webp']).type === 'application/octet-stream') {
      throw new BackgroundRemovalError('fal', 'malformed', 'the answer is not an image');
    }
    return file;
  }
}
