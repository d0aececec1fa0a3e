/**
 * fal BiRefNet over fal's queue API (providers.md "fal.ai"): `Authorization: Key …`; submit
 * `POST /{model}` → `{request_id}`; poll `GET /{model}/requests/{id}/status` until COMPLETED; result
 * `GET /{model}/requests/{id}` → `{image: File}`; then download `image.url`. The photo goes as a data URI
 * in `image_url`, so it is never published anywhere for fal to fetch.
 */
import { z } from 'zod';
import { apiOrigin, sniffImageType } from '../../marketplaces/http.js';
import { imageBody, kindByStatus, type RemoverClientOptions, RemoverTransport } from './http.js';
import { BackgroundRemovalError, type BackgroundRemover } from './types.js';

export const FAL_BASE_URL = 'https://queue.fal.run';

export interface FalClientOptions extends RemoverClientOptions {
  /** @defaultValue 'fal-ai/birefnet' */
  model?: string;
  /** Between status polls. @defaultValue 500 */
  pollIntervalMs?: number;
  /** Whole submit → result, polls included; past it the call fails `timeout`. @defaultValue 60000 */
  deadlineMs?: number;
}

const Submitted = z.object({ request_id: z.string().regex(/^[\w-]+$/) });
const Status = z.object({ status: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']) });
const Result = z.object({ image: z.object({ url: z.string() }) });

export class FalClient implements BackgroundRemover {
  readonly provider = 'fal' as const;
  readonly #transport: RemoverTransport;
  readonly #apiKey: string;
  readonly #origin: string;
  readonly #model: string;
  readonly #pollIntervalMs: number;
  readonly #deadlineMs: number;

  constructor(options: FalClientOptions) {
    this.#apiKey = options.apiKey;
    this.#origin = apiOrigin(options.baseUrl, 'fal baseUrl');
    this.#transport = new RemoverTransport('fal', { ...options, baseUrl: this.#origin });
    this.#model = options.model ?? 'fal-ai/birefnet';
    this.#pollIntervalMs = options.pollIntervalMs ?? 500;
    this.#deadlineMs = options.deadlineMs ?? 60_000;
  }

  async removeBackground(image: Buffer): Promise<Buffer> {
    const deadline = Date.now() + this.#deadlineMs;
    const { type } = sniffImageType(image, ['jpeg', 'png']);
    const submitted = this.#json(
      Submitted,
      await this.#call('POST', `/${this.#model}`, {
        image_url: `data:${type};base64,${image.toString('base64')}`,
        output_format: 'png',
      }),
    );
    const base = `/${this.#model}/requests/${submitted.request_id}`;
    for (;;) {
      const { status } = this.#json(Status, await this.#call('GET', `${base}/status`));
      if (status === 'COMPLETED') break;
      if (Date.now() + this.#pollIntervalMs > deadline) {
        throw new BackgroundRemovalError('fal', 'timeout', `request not completed in ${this.#deadlineMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.#pollIntervalMs).unref());
    }
    const result = this.#json(Result, await this.#call('GET', base));
    const fileUrl = this.#fileUrl(result.image.url);
    // The file lives on fal's CDN: no key sent there (it is not fal's API).
    const file = await this.#transport.send(
      fileUrl.toString(),
      () => ({ method: 'GET', headers: {} }),
      (answer) => kindByStatus(answer.status),
    );
    return imageBody('fal', file);
  }

  #call(method: 'GET' | 'POST', path: string, json?: unknown) {
    return this.#transport.send(
      path,
      () => ({
        method,
        headers: {
          Authorization: `Key ${this.#apiKey}`,
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      }),
      (answer) => kindByStatus(answer.status),
    );
  }

  #json<T>(schema: z.ZodType<T>, answer: { body: Buffer }): T {
    let value: unknown;
    try {
      value = JSON.parse(answer.body.toString('utf8'));
    } catch {
      value = undefined;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new BackgroundRemovalError('fal', 'malformed', 'unexpected answer shape');
    return parsed.data;
  }

  /**
   * Only https on fal's media hosts, or the API's own origin (the sandbox): the URL comes from an answer,
   * and following any URL would let that answer point us at internal addresses (security.md "SSRF").
   */
  #fileUrl(value: string): URL {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new BackgroundRemovalError('fal', 'malformed', 'result file URL is invalid');
    }
    const falMedia = url.protocol === 'https:' && /(^|\.)fal\.media$/.test(url.hostname) && !url.port;
    if (!falMedia && url.origin !== this.#origin) {
      throw new BackgroundRemovalError('fal', 'malformed', 'result file is not on a fal media host');
    }
    return url;
  }
}
