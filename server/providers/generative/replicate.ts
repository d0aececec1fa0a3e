/**
 * Replicate predictions (providers.md "Replicate"; replicate.com/docs/topics/predictions):
 * `Authorization: Bearer …`; `POST /v1/models/{owner}/{name}/predictions {input}` for official models, or
 * `POST /v1/predictions {version, input}` for a pinned version; `Prefer: wait=N` holds the answer up to
 * 60 s; otherwise poll `urls.get` until succeeded | failed | canceled; `urls.cancel` when we give up.
 * Outputs are deleted after an hour, so they are downloaded at once.
 */
import { z } from 'zod';
import type { RelightDirection } from '../../../shared/workflow.js';
import { apiOrigin, sniffImageType } from '../../marketplaces/http.js';
import { type ResultFileOptions, ResultFiles } from '../result-files.js';
import { defaultSleep, type ProviderClientOptions, ProviderTransport } from '../transport.js';
import { imageFile } from './fal.js';
import {
  type GenerateOptions,
  GenerativeError,
  generativeError,
  type Relighter,
  type RelightRequest,
  type SceneGenerator,
  type SceneRequest,
} from './types.js';

export const REPLICATE_BASE_URL = 'https://api.replicate.com';
/** replicate.delivery and its subdomains (e.g. pbxt.replicate.delivery) serve prediction outputs. */
export const REPLICATE_RESULT_HOSTS = ['replicate.delivery', '*.replicate.delivery'];
/** SDXL, pinned: community models run by version (`owner/name:version`). */
export const REPLICATE_SCENE_MODEL =
  'stability-ai/sdxl:7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc';
/** IC-Light on Replicate; pin a version in production (`owner/name:version`). */
export const REPLICATE_RELIGHT_MODEL = 'zsxkib/ic-light';

export interface ReplicateOptions extends ProviderClientOptions, ResultFileOptions {
  /** Between polls of `urls.get`. @defaultValue 1000 */
  pollIntervalMs?: number;
  /** Whole create → output; past it the prediction is cancelled and the call fails `timeout`. @defaultValue 120000 */
  deadlineMs?: number;
  sceneModel?: string;
  relightModel?: string;
}

const Prediction = z.object({
  id: z.string().regex(/^[\w-]+$/),
  status: z.enum(['starting', 'processing', 'succeeded', 'failed', 'canceled']),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  urls: z.object({ get: z.string(), cancel: z.string().optional() }).partial().optional(),
});
export type Prediction = z.infer<typeof Prediction>;

const LIGHT_SOURCE: Record<RelightDirection, string> = {
  none: 'None',
  left: 'Left Light',
  right: 'Right Light',
  top: 'Top Light',
  bottom: 'Bottom Light',
};

export class ReplicateClient implements SceneGenerator, Relighter {
  readonly provider = 'replicate' as const;
  readonly #transport: ProviderTransport<GenerativeError>;
  readonly #files: ResultFiles<GenerativeError>;
  readonly #origin: string;
  readonly #token: string;
  readonly #waitSeconds: number;
  readonly #pollIntervalMs: number;
  readonly #deadlineMs: number;
  readonly #sceneModel: string;
  readonly #relightModel: string;

  constructor(options: ReplicateOptions) {
    this.#origin = apiOrigin(options.baseUrl, 'Replicate baseUrl');
    this.#token = options.apiKey;
    this.#transport = new ProviderTransport(
      { ...options, baseUrl: this.#origin },
      generativeError('replicate'),
    );
    this.#files = new ResultFiles(
      { resultHosts: REPLICATE_RESULT_HOSTS, ...options },
      generativeError('replicate'),
    );
    // The held request must end before our own per-attempt timeout does.
    this.#waitSeconds = Math.max(1, Math.min(60, Math.floor((options.timeoutMs ?? 20_000) / 1000) - 5));
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#deadlineMs = options.deadlineMs ?? 120_000;
    this.#sceneModel = options.sceneModel ?? REPLICATE_SCENE_MODEL;
    this.#relightModel = options.relightModel ?? REPLICATE_RELIGHT_MODEL;
  }

  /** Creates a prediction and waits for it; returns the succeeded prediction. `model` is `owner/name[:version]`. */
  async predict(
    model: string,
    input: Record<string, unknown>,
    options: GenerateOptions = {},
  ): Promise<Prediction> {
    const deadline = Date.now() + this.#deadlineMs;
    const [name, version] = model.split(':');
    if (!name || !/^[\w.-]+\/[\w.-]+$/.test(name))
      throw new TypeError(`Replicate model must be owner/name[:version]: ${model}`);
    const created = await this.#call(
      'POST',
      version ? '/v1/predictions' : `/v1/models/${name}/predictions`,
      version ? { version, input } : { input },
    );
    let prediction = this.#transport.json(Prediction, created);
    for (;;) {
      if (prediction.status === 'succeeded') return prediction;
      if (prediction.status === 'failed' || prediction.status === 'canceled') {
        const reason = typeof prediction.error === 'string' ? prediction.error : prediction.status;
        throw new GenerativeError('replicate', 'failed', this.#transport.redact(reason).slice(0, 200));
      }
      await options.onProgress?.(prediction.status === 'starting' ? 'queued' : 'generating');
      if (Date.now() + this.#pollIntervalMs > deadline) {
        // A running prediction is billed by the second: stop it rather than pay for an unread result.
        await this.#call(
          'POST',
          this.#apiPath(prediction.urls?.cancel, `/v1/predictions/${prediction.id}/cancel`),
          undefined,
          0,
        ).catch(() => undefined);
        throw new GenerativeError(
          'replicate',
          'timeout',
          `prediction not finished in ${this.#deadlineMs} ms`,
        );
      }
      await defaultSleep(this.#pollIntervalMs);
      prediction = this.#transport.json(
        Prediction,
        await this.#call('GET', this.#apiPath(prediction.urls?.get, `/v1/predictions/${prediction.id}`)),
      );
    }
  }

  /** Downloads the first output file of a prediction (output is a URL or a list of URLs). */
  async firstOutput(prediction: Prediction): Promise<Buffer> {
    const output = Array.isArray(prediction.output) ? prediction.output[0] : prediction.output;
    if (typeof output !== 'string') throw new GenerativeError('replicate', 'malformed', 'no output file');
    return imageFile(await this.#files.download(output), 'replicate');
  }

  async generateScene(request: SceneRequest, options?: GenerateOptions): Promise<Buffer> {
    const prediction = await this.predict(
      this.#sceneModel,
      {
        prompt: request.prompt,
        ...(request.negativePrompt ? { negative_prompt: request.negativePrompt } : {}),
        width: request.width,
        height: request.height,
        ...(request.seed === undefined ? {} : { seed: request.seed }),
        num_outputs: 1,
      },
      options,
    );
    return this.firstOutput(prediction);
  }

  async relight(request: RelightRequest, options?: GenerateOptions): Promise<Buffer> {
    const { type } = sniffImageType(request.image, ['jpeg', 'png']);
    const prediction = await this.predict(
      this.#relightModel,
      {
        prompt: request.prompt,
        // Replicate accepts data URIs for file inputs: the photo is never published for it to fetch.
        subject_image: `data:${type};base64,${request.image.toString('base64')}`,
        light_source: LIGHT_SOURCE[request.direction],
        width: request.width,
        height: request.height,
        number_of_images: 1,
        output_format: 'png',
      },
      options,
    );
    return this.firstOutput(prediction);
  }

  /**
   * `urls.get` / `urls.cancel` come from the answer: only followed on the API's own origin (the token goes
   * with them), else our own path for the same prediction.
   */
  #apiPath(url: string | undefined, fallback: string): string {
    if (!url) return fallback;
    try {
      const parsed = new URL(url);
      return parsed.origin === this.#origin ? `${parsed.pathname}${parsed.search}` : fallback;
    } catch {
      return fallback;
    }
  }

  #call(method: 'GET' | 'POST', path: string, json?: unknown, retries?: number) {
    return this.#transport.send(
      path,
      () => ({
        method,
        headers: {
          Authorization: `Bearer ${this.#token}`,
          ...(method === 'POST' && json !== undefined
            ? { 'content-type': 'application/json', Prefer: `wait=${this.#waitSeconds}` }
            : {}),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      }),
      undefined,
      retries === undefined ? {} : { retries },
    );
  }
}
