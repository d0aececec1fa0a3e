/**
 * ComfyUI, self-hosted (providers.md "ComfyUI"; ComfyUI script_examples/websockets_api_example.py):
 * `POST /upload/image` multipart `image, type, subfolder, overwrite` → `{name, subfolder, type}`;
 * `POST /prompt {prompt: <API-format graph>, client_id}` → `{prompt_id}` (400 `{error, node_errors}` on a
 * bad graph); poll `GET /history/{prompt_id}` (`{}` until done) → `{<id>: {outputs, status}}`;
 * `GET /view?filename&subfolder&type` for each output image. We poll /history instead of holding a
 * websocket: one code path, the same for every provider, and a lost socket cannot lose a result.
 * ComfyUI has no API key; the operator keeps it on a private network. Graphs are generic, so pose
 * generation can send its ControlNet graph through {@link ComfyUiClient.run} later.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sniffImageType } from '../../marketplaces/http.js';
import { defaultSleep, type ProviderClientOptions, ProviderTransport } from '../transport.js';
import { imageFile } from './fal.js';
import {
  type GenerateOptions,
  GenerativeError,
  generativeError,
  type SceneGenerator,
  type SceneRequest,
} from './types.js';

export interface ComfyUiOptions extends Omit<ProviderClientOptions, 'apiKey'> {
  /** Between /history polls. @defaultValue 1000 */
  pollIntervalMs?: number;
  /** Whole queue → outputs; past it the prompt is taken off the queue and the call fails `timeout`. @defaultValue 180000 */
  deadlineMs?: number;
  /** The SDXL checkpoint file in ComfyUI's models/checkpoints. @defaultValue 'sd_xl_base_1.0.safetensors' */
  checkpoint?: string;
}

export interface ComfyImageRef {
  filename: string;
  subfolder: string;
  type: string;
}

/** An API-format graph: node id → `{class_type, inputs}`; an input `[nodeId, outputIndex]` is a link. */
export type ComfyGraph = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

const Queued = z.object({ prompt_id: z.string().min(1) });
const Refused = z.object({
  error: z.union([z.string(), z.object({ message: z.string().optional(), type: z.string().optional() })]),
  node_errors: z
    .record(
      z.string(),
      z.object({
        class_type: z.string().optional(),
        errors: z
          .array(z.object({ message: z.string().optional(), details: z.string().optional() }))
          .optional(),
      }),
    )
    .optional(),
});
const ImageRef = z.object({
  filename: z.string(),
  subfolder: z.string().default(''),
  type: z.string().default('output'),
});
const History = z.record(
  z.string(),
  z.object({
    outputs: z.record(z.string(), z.object({ images: z.array(ImageRef).optional() })).default({}),
    status: z
      .object({
        status_str: z.string().optional(),
        completed: z.boolean().optional(),
        messages: z.array(z.unknown()).optional(),
      })
      .optional(),
  }),
);
const Uploaded = z.object({
  name: z.string(),
  subfolder: z.string().default(''),
  type: z.string().default('input'),
});

/** ComfyUI may run on a LAN GPU box over plain http; it carries no secret, so http is allowed anywhere. */
function comfyOrigin(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError('COMFYUI_URL must be http(s)');
  if (url.pathname !== '/' || url.search || url.hash)
    throw new TypeError('COMFYUI_URL must be an origin without path');
  return url.origin;
}

export class ComfyUiClient implements SceneGenerator {
  readonly provider = 'comfyui' as const;
  readonly #transport: ProviderTransport<GenerativeError>;
  readonly #clientId = randomUUID();
  readonly #pollIntervalMs: number;
  readonly #deadlineMs: number;
  readonly #checkpoint: string;

  constructor(options: ComfyUiOptions) {
    this.#transport = new ProviderTransport(
      { ...options, apiKey: '', baseUrl: comfyOrigin(options.baseUrl) },
      generativeError('comfyui'),
    );
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#deadlineMs = options.deadlineMs ?? 180_000;
    this.#checkpoint = options.checkpoint ?? 'sd_xl_base_1.0.safetensors';
  }

  async uploadImage(image: Buffer, name = `lumiku-${randomUUID()}`): Promise<ComfyImageRef> {
    const { type, ext } = sniffImageType(image, ['png', 'jpeg', 'webp']);
    const answer = await this.#transport.send('/upload/image', () => {
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(image)], { type }), `${name}.${ext}`);
      form.append('type', 'input');
      form.append('subfolder', 'lumiku');
      form.append('overwrite', 'true');
      return { method: 'POST', headers: {}, body: form };
    });
    const uploaded = this.#transport.json(Uploaded, answer);
    return { filename: uploaded.name, subfolder: uploaded.subfolder, type: uploaded.type };
  }

  /** Queues `graph`; a graph ComfyUI refuses is a `failed` error naming the nodes and their problems. */
  async queuePrompt(graph: ComfyGraph): Promise<string> {
    let refusal: string | undefined;
    const answer = await this.#transport
      .send(
        '/prompt',
        () => ({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prompt: graph, client_id: this.#clientId }),
        }),
        (a, text) => {
          if (a.status !== 400) return a.status >= 500 ? 'unavailable' : 'bad_image';
          refusal = text; // the whole body: the error's message keeps only its first 200 characters
          return 'bad_image';
        },
      )
      .catch((error: unknown) => {
        if (refusal !== undefined) throw refusalError(refusal);
        throw error;
      });
    return this.#transport.json(Queued, answer).prompt_id;
  }

  /** Polls /history until the prompt finished; returns every output image (node order). */
  async waitForImages(promptId: string, options: GenerateOptions = {}): Promise<ComfyImageRef[]> {
    const deadline = Date.now() + this.#deadlineMs;
    for (;;) {
      const history = this.#transport.json(
        History,
        await this.#transport.send(`/history/${encodeURIComponent(promptId)}`, () => ({
          method: 'GET',
          headers: {},
        })),
      );
      const entry = history[promptId];
      if (entry?.status?.status_str === 'error') {
        throw new GenerativeError(
          'comfyui',
          'failed',
          `execution error: ${this.#executionError(entry.status.messages)}`,
        );
      }
      if (entry && (entry.status?.completed ?? true)) {
        const images = Object.values(entry.outputs)
          .flatMap((o) => o.images ?? [])
          .filter((i) => i.type === 'output');
        if (images.length === 0)
          throw new GenerativeError('comfyui', 'malformed', 'the graph produced no image');
        return images;
      }
      await options.onProgress?.('generating');
      if (Date.now() + this.#pollIntervalMs > deadline) {
        // Take it off the queue (not /interrupt: that would stop whatever runs now, maybe another job).
        await this.#transport
          .send(
            '/queue',
            () => ({
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ delete: [promptId] }),
            }),
            undefined,
            { retries: 0 },
          )
          .catch(() => undefined);
        throw new GenerativeError('comfyui', 'timeout', `prompt not finished in ${this.#deadlineMs} ms`);
      }
      await defaultSleep(this.#pollIntervalMs);
    }
  }

  async view(image: ComfyImageRef): Promise<Buffer> {
    const query = new URLSearchParams({
      filename: image.filename,
      subfolder: image.subfolder,
      type: image.type,
    });
    const answer = await this.#transport.send(`/view?${query}`, () => ({ method: 'GET', headers: {} }));
    return imageFile(answer.body, 'comfyui');
  }

  /** Queue → wait → the first output image's bytes. */
  async run(graph: ComfyGraph, options: GenerateOptions = {}): Promise<Buffer> {
    const id = await this.queuePrompt(graph);
    await options.onProgress?.('queued');
    const [first] = await this.waitForImages(id, options);
    return this.view(first!);
  }

  generateScene(request: SceneRequest, options?: GenerateOptions): Promise<Buffer> {
    return this.run(sceneGraph(request, this.#checkpoint), options);
  }

  #executionError(messages: unknown[] | undefined): string {
    const error = (messages ?? []).find((m) => Array.isArray(m) && m[0] === 'execution_error') as
      | [string, { exception_message?: string; node_type?: string }]
      | undefined;
    return error
      ? `${error[1]?.node_type ?? 'node'}: ${error[1]?.exception_message ?? 'failed'}`.slice(0, 200)
      : 'unknown';
  }
}

/** ComfyUI's 400 `{error, node_errors}` as one readable line: which node, which input, what is wrong. */
function refusalError(text: string): GenerativeError {
  let detail = 'the graph was refused';
  try {
    const body = Refused.parse(JSON.parse(text));
    const nodes = Object.entries(body.node_errors ?? {}).map(
      ([id, node]) =>
        `node ${id} (${node.class_type ?? '?'}): ${(node.errors ?? []).map((e) => [e.message, e.details].filter(Boolean).join(': ')).join('; ')}`,
    );
    const top = typeof body.error === 'string' ? body.error : (body.error.message ?? body.error.type ?? '');
    detail = [top, ...nodes].filter(Boolean).join(' | ');
  } catch {
    // not ComfyUI's shape: keep the generic detail
  }
  return new GenerativeError('comfyui', 'failed', `ComfyUI refused the graph: ${detail}`.slice(0, 400), 400);
}

/** Text-to-image SDXL in ComfyUI's API format (the default workflow's nodes, saved as node "9"). */
export function sceneGraph(request: SceneRequest, checkpoint: string): ComfyGraph {
  return {
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: checkpoint } },
    '5': {
      class_type: 'EmptyLatentImage',
      inputs: { width: request.width, height: request.height, batch_size: 1 },
    },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: request.prompt, clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: request.negativePrompt ?? '', clip: ['4', 1] } },
    '3': {
      class_type: 'KSampler',
      inputs: {
        seed: request.seed ?? Math.floor(Math.random() * 2 ** 31),
        steps: 25,
        cfg: 7,
        sampler_name: 'euler',
        scheduler: 'normal',
        denoise: 1,
        model: ['4', 0],
        positive: ['6', 0],
        negative: ['7', 0],
        latent_image: ['5', 0],
      },
    },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'lumiku_scene', images: ['8', 0] } },
  };
}
