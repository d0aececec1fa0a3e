/**
 * fal's queue API, generic over the model (providers.md "fal.ai"; docs.fal.ai model-endpoints/queue):
 * `Authorization: Key …`; submit `POST /{model}` with the input → `{request_id}`; poll
 * `GET /{model}/requests/{id}/status` (IN_QUEUE → IN_PROGRESS → COMPLETED); result
 * `GET /{model}/requests/{id}`; `PUT …/cancel` when we give up. Output files are downloaded through
 * {@link ResultFiles}. Used by BiRefNet background removal, AI scenes, IC-Light relighting, and meant for
 * pose generation (`fal-ai/sdxl-controlnet-union`) later.
 */
import { z } from 'zod';
import { apiOrigin } from '../marketplaces/http.js';
import { type ResultFileOptions, ResultFiles } from './result-files.js';
import {
  defaultSleep,
  type ProviderClientOptions,
  type ProviderErrorFactory,
  ProviderTransport,
  type TransportError,
} from './transport.js';

export const FAL_BASE_URL = 'https://queue.fal.run';
/** Where fal serves result files (fal.media and its v2/v3 subdomains). */
export const FAL_RESULT_HOSTS = ['fal.media', '*.fal.media'];

export interface FalQueueOptions extends ProviderClientOptions, ResultFileOptions {
  /** Between status polls. @defaultValue 500 */
  pollIntervalMs?: number;
  /** Whole submit → result, polls included; past it the request is cancelled and the call fails `timeout`. @defaultValue 60000 */
  deadlineMs?: number;
}

export interface FalProgress {
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';
  queuePosition?: number;
}

/** A fal File object (providers.md): what image outputs look like. */
export const FalFile = z.object({
  url: z.string(),
  content_type: z.string().optional(),
  file_name: z.string().optional(),
  file_size: z.number().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
});

const Submitted = z.object({ request_id: z.string().regex(/^[\w-]+$/) });
const Status = z.object({
  status: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']),
  queue_position: z.number().optional(),
});

export class FalQueue<E extends TransportError> {
  readonly #transport: ProviderTransport<E>;
  readonly #files: ResultFiles<E>;
  readonly #apiKey: string;
  readonly #pollIntervalMs: number;
  readonly #deadlineMs: number;

  constructor(options: FalQueueOptions, error: ProviderErrorFactory<E>) {
    const origin = apiOrigin(options.baseUrl, 'fal baseUrl');
    this.#apiKey = options.apiKey;
    this.#transport = new ProviderTransport({ ...options, baseUrl: origin }, error);
    this.#files = new ResultFiles({ resultHosts: FAL_RESULT_HOSTS, ...options }, error);
    this.#pollIntervalMs = options.pollIntervalMs ?? 500;
    this.#deadlineMs = options.deadlineMs ?? 60_000;
  }

  /**
   * Runs `model` on `input` and returns the model's output JSON (unchecked: each model has its own).
   * `onProgress` is called after every status poll, so a caller can keep a job's progress alive.
   */
  async run(
    model: string,
    input: unknown,
    options: { onProgress?: (progress: FalProgress) => void | Promise<void> } = {},
  ): Promise<unknown> {
    const deadline = Date.now() + this.#deadlineMs;
    const { request_id: id } = this.#transport.json(Submitted, await this.#call('POST', `/${model}`, input));
    const base = `/${model}/requests/${id}`;
    for (;;) {
      const status = this.#transport.json(Status, await this.#call('GET', `${base}/status`));
      await options.onProgress?.({
        status: status.status,
        ...(status.queue_position === undefined ? {} : { queuePosition: status.queue_position }),
      });
      if (status.status === 'COMPLETED') break;
      if (Date.now() + this.#pollIntervalMs > deadline) {
        // Queued work is billed when it runs: give it back rather than pay for a result nobody reads.
        await this.#call('PUT', `${base}/cancel`, undefined, 0).catch(() => undefined);
        throw this.#transport.error('timeout', `request not completed in ${this.#deadlineMs} ms`);
      }
      // A real timer, not the injectable backoff sleep: polling is pacing, not a retry.
      await defaultSleep(this.#pollIntervalMs);
    }
    const answer = await this.#call('GET', base);
    try {
      return JSON.parse(answer.body.toString('utf8')) as unknown;
    } catch {
      throw this.#transport.error('malformed', 'result is not JSON', answer.status);
    }
  }

  /** Downloads an output file (a File's `url`) from an allowed result host. */
  download(url: string): Promise<Buffer> {
    return this.#files.download(url);
  }

  #call(method: 'GET' | 'POST' | 'PUT', path: string, json?: unknown, retries?: number) {
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
      undefined,
      retries === undefined ? {} : { retries },
    );
  }
}
