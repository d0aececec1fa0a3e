/**
 * Photoroom cut-out: `POST /v1/segment` on sdk.photoroom.com, header `x-api-key`, multipart `image_file`
 * (providers.md "Photoroom"); the 200 answer is a PNG with alpha.
 */
import { apiOrigin } from '../../marketplaces/http.js';
import { imageBody, imagePart, kindByStatus, type RemoverClientOptions, RemoverTransport } from './http.js';
import type { BackgroundRemover } from './types.js';

export const PHOTOROOM_BASE_URL = 'https://sdk.photoroom.com';

export class PhotoroomClient implements BackgroundRemover {
  readonly provider = 'photoroom' as const;
  readonly #transport: RemoverTransport;
  readonly #apiKey: string;

  constructor(options: RemoverClientOptions) {
    this.#apiKey = options.apiKey;
    this.#transport = new RemoverTransport('photoroom', {
      ...options,
      baseUrl: apiOrigin(options.baseUrl, 'Photoroom baseUrl'),
    });
  }

  async removeBackground(image: Buffer): Promise<Buffer> {
    const answer = await this.#transport.send(
      '/v1/segment',
      () => {
        const form = new FormData();
        const { blob, filename } = imagePart(image);
        form.append('image_file', blob, filename);
        form.append('format', 'png');
        return { method: 'POST', headers: { 'x-api-key': this.#apiKey }, body: form };
      },
      (answer) => kindByStatus(answer.status),
    );
    return imageBody('photoroom', answer);
  }
}
