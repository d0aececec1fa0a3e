/**
 * Segmind background removal: `POST /v1/bg-removal-v2`, header `x-api-key`, JSON `{image, type}`; the
 * answer is the image bytes (providers.md "Segmind"). providers.md names a URL for `image`; we send the
 * photo base64-encoded instead, because the worker has bytes and must not publish the seller's photo.
 */
import { apiOrigin } from '../../marketplaces/http.js';
import { imageBody, kindByStatus, type RemoverClientOptions, RemoverTransport } from './http.js';
import type { BackgroundRemover } from './types.js';

export const SEGMIND_BASE_URL = 'https://api.segmind.com';

export class SegmindClient implements BackgroundRemover {
  readonly provider = 'segmind' as const;
  readonly #transport: RemoverTransport;
  readonly #apiKey: string;

  constructor(options: RemoverClientOptions) {
    this.#apiKey = options.apiKey;
    this.#transport = new RemoverTransport('segmind', {
      ...options,
      baseUrl: apiOrigin(options.baseUrl, 'Segmind baseUrl'),
    });
  }

  async removeBackground(image: Buffer): Promise<Buffer> {
    // Encoded once: the body is the same string on every attempt.
    const body = JSON.stringify({ image: image.toString('base64'), type: 'mask' });
    const answer = await this.#transport.send(
      '/v1/bg-removal-v2',
      () => ({
        method: 'POST',
        headers: { 'x-api-key': this.#apiKey, 'content-type': 'application/json' },
        body,
      }),
      // providers.md: 406 is Segmind's "out of credits"; 404 an unknown model slug, not the image's fault.
      (answer) =>
        answer.status === 406 ? 'quota' : answer.status === 404 ? 'unavailable' : kindByStatus(answer.status),
    );
    return imageBody('segmind', answer);
  }
}
