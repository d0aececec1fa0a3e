/**
 * remove.bg: `POST /v1.0/removebg`, header `X-Api-Key`, multipart `image_file`, `size`, `type`, `format`
 * (providers.md "remove.bg"); the 200 answer is the image bytes.
 */
import { apiOrigin } from '../../marketplaces/http.js';
import { imageBody, imagePart, kindByStatus, type RemoverClientOptions, RemoverTransport } from './http.js';
import type { BackgroundRemover } from './types.js';

export const REMOVEBG_BASE_URL = 'https://api.remove.bg';

export class RemoveBgClient implements BackgroundRemover {
  readonly provider = 'removebg' as const;
  readonly #transport: RemoverTransport;
  readonly #apiKey: string;

  constructor(options: RemoverClientOptions) {
    this.#apiKey = options.apiKey;
    this.#transport = new RemoverTransport('removebg', {
      ...options,
      baseUrl: apiOrigin(options.baseUrl, 'remove.bg baseUrl'),
    });
  }

  async removeBackground(image: Buffer): Promise<Buffer> {
    const answer = await this.#transport.send(
      '/v1.0/removebg',
      () => {
        const form = new FormData();
        const { blob, filename } = imagePart(image);
        form.append('image_file', blob, filename);
        // `auto` keeps the input's resolution up to the plan's limit; product photos are the use case;
        // PNG carries the alpha we need.
        form.append('size', 'auto');
        form.append('type', 'product');
        form.append('format', 'png');
        return { method: 'POST', headers: { 'X-Api-Key': this.#apiKey }, body: form };
      },
      (answer) => kindByStatus(answer.status),
    );
    return imageBody('removebg', answer);
  }
}
