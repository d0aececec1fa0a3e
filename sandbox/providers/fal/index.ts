/**
 * fal queue sandbox (providers.md "fal.ai"; docs.fal.ai model-endpoints/queue), for every model the
 * product calls: BiRefNet (`fal-ai/birefnet`, `/v2`), SDXL text-to-image (`fal-ai/fast-sdxl`) and IC-Light
 * (`fal-ai/iclight-v2`). `Authorization: Key …`; submit `POST /{model}` → `{request_id, response_url,
 * status_url, cancel_url}`; status `GET …/requests/{id}/status`: IN_QUEUE (202), then IN_PROGRESS (202),
 * then COMPLETED (200) over successive polls; result `GET …/requests/{id}` → the model's output with File
 * objects `{url, content_type, file_name, file_size, width, height}`; `PUT …/cancel`. Files are served from
 * `/files/` without auth, like fal's CDN. Input errors are FastAPI-style 422 `{detail: [{loc, msg, type}]}`.
 * Images must come as data URIs here (the product never publishes a seller's photo).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import { sniffImage } from '../../common/images.js';
import { borderMatte, type ProviderSandbox, ProviderSandboxError, startProviderSandbox } from '../common.js';
import { type LightFrom, MAX_SIDE, pngSize, relightImage, sceneImage } from '../generate.js';

export const FAL_MODEL = 'fal-ai/birefnet';
export const FAL_MODELS = [
  'fal-ai/birefnet',
  'fal-ai/birefnet/v2',
  'fal-ai/fast-sdxl',
  'fal-ai/iclight-v2',
] as const;

interface Request {
  model: string;
  polls: number;
  cancelled: boolean;
  png: Buffer;
  width: number;
  height: number;
  seed: number;
}

export interface FalSandbox extends ProviderSandbox {
  /** Status polls answered before COMPLETED (IN_QUEUE, then IN_PROGRESS…). @defaultValue 2 */
  setPollsBeforeCompleted(polls: number): void;
  /** Result file URLs start with this origin instead of the sandbox's own (SSRF tests). */
  setFileOrigin(origin: string | undefined): void;
  /** Request ids the client cancelled. */
  cancelled: string[];
}

/** FastAPI's validation error, as fal answers it. */
class ValidationError extends ProviderSandboxError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('validation', message, 422);
  }
}

const INITIAL_LATENT: Record<string, LightFrom> = {
  None: 'none',
  Left: 'left',
  Right: 'right',
  Top: 'top',
  Bottom: 'bottom',
};

function dataUriImage(value: unknown, field: string): Buffer {
  const match = typeof value === 'string' ? /^data:[\w/+.-]+;base64,(.+)$/.exec(value) : null;
  const bytes = match?.[1] ? Buffer.from(match[1], 'base64') : undefined;
  if (!bytes || !sniffImage(bytes, ['image/jpeg', 'image/png', 'image/webp'])) {
    throw new ValidationError(field, `${field} is not an image`);
  }
  return bytes;
}

function prompt(body: Record<string, unknown>): string {
  if (typeof body.prompt !== 'string' || body.prompt.trim() === '')
    throw new ValidationError('prompt', 'field required');
  return body.prompt;
}

/** `image_size` is `{width, height}` or one of fal's named sizes. */
function imageSize(
  value: unknown,
  fallback: { width: number; height: number },
): { width: number; height: number } {
  if (value === undefined) return fallback;
  const named: Record<string, [number, number]> = {
    square_hd: [1024, 1024],
    square: [512, 512],
    portrait_4_3: [768, 1024],
    portrait_16_9: [576, 1024],
    landscape_4_3: [1024, 768],
    landscape_16_9: [1024, 576],
  };
  if (typeof value === 'string' && named[value]) return { width: named[value][0], height: named[value][1] };
  const size = value as { width?: unknown; height?: unknown };
  const ok = (v: unknown): v is number =>
    Number.isInteger(v) && (v as number) >= 64 && (v as number) <= MAX_SIDE;
  if (typeof value === 'object' && value && ok(size.width) && ok(size.height))
    return { width: size.width, height: size.height };
  throw new ValidationError('image_size', 'image_size must be {width, height} (64–2048) or a named size');
}

async function runModel(
  model: string,
  body: Record<string, unknown>,
): Promise<Omit<Request, 'polls' | 'cancelled' | 'model'>> {
  const seed = Number.isInteger(body.seed) ? (body.seed as number) : 42;
  if (model.startsWith('fal-ai/birefnet')) {
    const png = await borderMatte(dataUriImage(body.image_url, 'image_url'), false).catch((e: unknown) => {
      throw e instanceof ProviderSandboxError
        ? e
        : new ValidationError('image_url', 'image could not be decoded');
    });
    return { png, ...pngSize(png), seed };
  }
  if (model === 'fal-ai/fast-sdxl') {
    const text = prompt(body);
    const size = imageSize(body.image_size, { width: 1024, height: 1024 });
    const png = await sceneImage(
      `${text}|${String(body.negative_prompt ?? '')}`,
      seed,
      size.width,
      size.height,
    );
    return { png, ...size, seed };
  }
  // fal-ai/iclight-v2
  prompt(body);
  const input = dataUriImage(body.image_url, 'image_url');
  const from = INITIAL_LATENT[String(body.initial_latent ?? 'None')];
  if (!from)
    throw new ValidationError(
      'initial_latent',
      "initial_latent must be one of 'None', 'Left', 'Right', 'Top', 'Bottom'",
    );
  const size =
    body.image_size === undefined ? undefined : imageSize(body.image_size, { width: 1024, height: 1024 });
  const png = await relightImage(input, from, size).catch(() => {
    throw new ValidationError('image_url', 'image could not be decoded');
  });
  return { png, ...pngSize(png), seed };
}

export async function startFalSandbox(options: { apiKey: string; port?: number }): Promise<FalSandbox> {
  const requests = new Map<string, Request>();
  const cancelled: string[] = [];
  let pollsBeforeCompleted = 2;
  let fileOrigin: string | undefined;
  const origin = (ctx: Context) => fileOrigin ?? `${ctx.protocol}://${ctx.host}`;
  const sandbox = await startProviderSandbox(
    {
      name: 'fal',
      path: `/${FAL_MODEL}`,
      keyHeader: 'authorization',
      readKey: (value) => /^Key (.+)$/.exec(value)?.[1],
      input: { kind: 'json', field: 'image_url' },
      errorBody: (e) =>
        e instanceof ValidationError
          ? { detail: [{ loc: ['body', e.field], msg: e.message, type: 'value_error' }] }
          : { detail: e.message },
      wantsMask: () => false,
      routes(router, checkKey) {
        const find = (id: string | undefined): Request => {
          const request = id ? requests.get(id) : undefined;
          if (!request) throw new ProviderSandboxError('not_found', 'request not found', 404);
          return request;
        };
        const file = (ctx: Context, id: string, request: Request) => ({
          url: `${origin(ctx)}/files/${id}.png`,
          content_type: 'image/png',
          file_name: `${id}.png`,
          file_size: request.png.length,
          width: request.width,
          height: request.height,
        });
        for (const model of FAL_MODELS) {
          router.post(`/${model}`, checkKey, async (ctx) => {
            const body = (ctx.request.body ?? {}) as Record<string, unknown>;
            const id = randomUUID();
            requests.set(id, { model, polls: 0, cancelled: false, ...(await runModel(model, body)) });
            const base = `${ctx.protocol}://${ctx.host}/${model}/requests/${id}`;
            ctx.body = {
              request_id: id,
              response_url: base,
              status_url: `${base}/status`,
              cancel_url: `${base}/cancel`,
            };
          });
          router.get(`/${model}/requests/:id/status`, checkKey, (ctx) => {
            const request = find(ctx.params.id);
            request.polls++;
            const done = request.polls > pollsBeforeCompleted && !request.cancelled;
            ctx.status = done ? 200 : 202;
            ctx.body = done
              ? { status: 'COMPLETED', logs: [], metrics: { inference_time: 0.8 } }
              : request.polls === 1 || request.cancelled
                ? { status: 'IN_QUEUE', queue_position: 0, logs: [] }
                : { status: 'IN_PROGRESS', logs: [{ message: 'step 14/28', level: 'INFO' }] };
          });
          router.put(`/${model}/requests/:id/cancel`, checkKey, (ctx) => {
            const request = find(ctx.params.id);
            if (request.polls > pollsBeforeCompleted) {
              ctx.status = 400;
              ctx.body = { status: 'ALREADY_COMPLETED' };
              return;
            }
            request.cancelled = true;
            cancelled.push(ctx.params.id!);
            ctx.status = 202;
            ctx.body = { status: 'CANCELLATION_REQUESTED' };
          });
          router.get(`/${model}/requests/:id`, checkKey, (ctx) => {
            const id = ctx.params.id!;
            const request = find(id);
            if (request.polls <= pollsBeforeCompleted || request.cancelled)
              throw new ProviderSandboxError('not_ready', 'request still in progress', 400);
            ctx.body = model.startsWith('fal-ai/birefnet')
              ? { image: file(ctx, id, request) }
              : {
                  images: [file(ctx, id, request)],
                  seed: request.seed,
                  has_nsfw_concepts: [false],
                  timings: { inference: 0.8 },
                };
          });
        }
        router.get('/files/:name', (ctx) => {
          const request = find(ctx.params.name?.replace(/\.png$/, ''));
          ctx.type = 'image/png';
          ctx.body = request.png;
        });
      },
    },
    options,
  );
  return {
    ...sandbox,
    cancelled,
    setPollsBeforeCompleted: (polls) => {
      pollsBeforeCompleted = polls;
    },
    setFileOrigin: (value) => {
      fileOrigin = value;
    },
  };
}
