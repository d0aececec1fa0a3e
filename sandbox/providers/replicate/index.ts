/**
 * Replicate sandbox (providers.md "Replicate"; replicate.com/docs/topics/predictions, /reference/http):
 * `Authorization: Bearer …`; `POST /v1/models/{owner}/{name}/predictions {input}` and
 * `POST /v1/predictions {version, input}` → 201 with the prediction `{id, model, version, input, status,
 * output, error, logs, metrics, created_at, urls{get, cancel}}`; `Prefer: wait[=n]` answers once the
 * prediction finished (unless {@link ReplicateSandbox.setHonourWait} turns that off, so a client must poll);
 * `GET /v1/predictions/{id}` advances starting → processing → succeeded over polls;
 * `POST /v1/predictions/{id}/cancel`. Errors are problem details `{title, detail, status}`. Outputs are
 * URLs under `/files/` that expire (404) after `outputTtlMs`, like Replicate's hour.
 *
 * The model is told apart by its input: `subject_image` → IC-Light (`light_source` "Left Light" …),
 * otherwise SDXL text-to-image (`prompt`, `width`, `height`, `seed`).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import { sniffImage } from '../../common/images.js';
import { type ProviderSandbox, ProviderSandboxError, startProviderSandbox } from '../common.js';
import { type LightFrom, MAX_SIDE, relightImage, sceneImage } from '../generate.js';

interface Prediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  polls: number;
  status: 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  error: string | null;
  png: Buffer;
  createdAt: number;
}

export interface ReplicateSandbox extends ProviderSandbox {
  /** Whether `Prefer: wait` returns a finished prediction. @defaultValue true */
  setHonourWait(honour: boolean): void;
  /** Polls answered before `succeeded` (starting, then processing…). @defaultValue 2 */
  setPollsBeforeSucceeded(polls: number): void;
  /** The next prediction ends `failed` with this error (as a model crash would). */
  failNext(error: string): void;
  /** How long output files stay downloadable. @defaultValue one hour */
  setOutputTtlMs(ms: number): void;
  /** Output URLs start with this origin instead of the sandbox's own (SSRF tests). */
  setFileOrigin(origin: string | undefined): void;
  cancelled: string[];
}

class InputError extends ProviderSandboxError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('invalid_input', message, 422);
  }
}

const LIGHT_SOURCE: Record<string, LightFrom> = {
  None: 'none',
  'Left Light': 'left',
  'Right Light': 'right',
  'Top Light': 'top',
  'Bottom Light': 'bottom',
};

function dimension(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 64 || (value as number) > MAX_SIDE) {
    throw new InputError(field, `${field}: must be an integer between 64 and ${MAX_SIDE}`);
  }
  return value as number;
}

async function run(input: Record<string, unknown>): Promise<Buffer> {
  if (typeof input.prompt !== 'string' || input.prompt.trim() === '')
    throw new InputError('prompt', 'prompt is required');
  const seed = Number.isInteger(input.seed) ? (input.seed as number) : 42;
  const width = dimension(input.width, 'width', 1024);
  const height = dimension(input.height, 'height', 1024);
  if (input.subject_image === undefined) {
    return sceneImage(`${input.prompt}|${String(input.negative_prompt ?? '')}`, seed, width, height);
  }
  const match =
    typeof input.subject_image === 'string' ? /^data:[\w/+.-]+;base64,(.+)$/.exec(input.subject_image) : null;
  const bytes = match?.[1] ? Buffer.from(match[1], 'base64') : undefined;
  if (!bytes || !sniffImage(bytes, ['image/jpeg', 'image/png', 'image/webp'])) {
    throw new InputError('subject_image', 'subject_image: does not match format "uri" of an image');
  }
  const from = LIGHT_SOURCE[String(input.light_source ?? 'None')];
  if (!from)
    throw new InputError(
      'light_source',
      `light_source must be one of: ${Object.keys(LIGHT_SOURCE).join(', ')}`,
    );
  return relightImage(bytes, from, { width, height }).catch(() => {
    throw new InputError('subject_image', 'subject_image: could not be decoded');
  });
}

export async function startReplicateSandbox(options: {
  apiKey: string;
  port?: number;
}): Promise<ReplicateSandbox> {
  const predictions = new Map<string, Prediction>();
  const cancelled: string[] = [];
  let honourWait = true;
  let pollsBeforeSucceeded = 2;
  let failure: string | undefined;
  let outputTtlMs = 60 * 60 * 1000;
  let fileOrigin: string | undefined;

  const view = (ctx: Context, p: Prediction) => {
    const api = `${ctx.protocol}://${ctx.host}/v1/predictions/${p.id}`;
    return {
      id: p.id,
      model: p.model,
      version: p.version,
      input: { ...p.input, subject_image: p.input.subject_image ? '[data uri]' : undefined },
      logs: p.status === 'starting' ? '' : 'Using seed: 42\n',
      output:
        p.status === 'succeeded'
          ? [`${fileOrigin ?? `${ctx.protocol}://${ctx.host}`}/files/${p.id}/out-0.png`]
          : null,
      data_removed: false,
      error: p.error,
      status: p.status,
      created_at: new Date(p.createdAt).toISOString(),
      metrics: p.status === 'succeeded' ? { predict_time: 1.2 } : {},
      urls: { get: api, cancel: `${api}/cancel`, stream: `${api}/stream` },
    };
  };
  const advance = (p: Prediction) => {
    if (p.status === 'failed' || p.status === 'canceled' || p.status === 'succeeded') return;
    p.polls++;
    if (p.polls > pollsBeforeSucceeded) {
      p.status = p.error ? 'failed' : 'succeeded';
    } else if (p.polls > 1) p.status = 'processing';
  };

  const sandbox = await startProviderSandbox(
    {
      name: 'replicate',
      path: '/v1/predictions',
      keyHeader: 'authorization',
      readKey: (value) => /^Bearer (.+)$/.exec(value)?.[1],
      input: { kind: 'json', field: 'input' },
      errorBody: (e) => {
        const title =
          e.httpStatus === 401
            ? 'Unauthenticated'
            : e.httpStatus === 402
              ? 'Insufficient credit'
              : e.httpStatus === 422
                ? 'Input validation failed'
                : e.httpStatus === 429
                  ? 'Request was throttled.'
                  : e.httpStatus === 404
                    ? 'Not found'
                    : 'Internal server error';
        return {
          title,
          detail: e.httpStatus === 401 ? 'You did not pass a valid authentication token' : e.message,
          status: e.httpStatus,
          ...(e instanceof InputError
            ? { invalid_fields: [{ type: 'invalid', field: `input.${e.field}`, description: e.message }] }
            : {}),
        };
      },
      wantsMask: () => false,
      routes(router, checkKey) {
        const create = async (ctx: Context, model: string, version: string) => {
          const body = (ctx.request.body ?? {}) as Record<string, unknown>;
          if (typeof body.input !== 'object' || body.input === null)
            throw new InputError('input', 'input is required');
          const input = body.input as Record<string, unknown>;
          const png = await run(input);
          const prediction: Prediction = {
            id: randomUUID().replaceAll('-', '').slice(0, 26),
            model,
            version,
            input,
            polls: 0,
            status: 'starting',
            error: failure ?? null,
            png,
            createdAt: Date.now(),
          };
          failure = undefined;
          predictions.set(prediction.id, prediction);
          // `Prefer: wait` (RFC 7240): hold the answer until the prediction is done.
          if (/^wait(=\d+)?$/.test(ctx.get('prefer').trim()) && honourWait) {
            while (prediction.status === 'starting' || prediction.status === 'processing')
              advance(prediction);
          }
          ctx.status = 201;
          ctx.body = view(ctx, prediction);
        };
        router.post('/v1/models/:owner/:name/predictions', checkKey, (ctx) =>
          create(ctx, `${ctx.params.owner}/${ctx.params.name}`, ''),
        );
        router.post('/v1/predictions', checkKey, (ctx) => {
          const version = (ctx.request.body as Record<string, unknown> | undefined)?.version;
          if (typeof version !== 'string' || !/^([\w.-]+\/[\w.-]+:)?[0-9a-f]{64}$/.test(version)) {
            throw new InputError('version', 'Invalid version or not permitted');
          }
          return create(ctx, 'community/model', version.split(':').at(-1)!);
        });
        const find = (id: string | undefined): Prediction => {
          const p = id ? predictions.get(id) : undefined;
          if (!p)
            throw new ProviderSandboxError('not_found', 'The requested resource could not be found.', 404);
          return p;
        };
        router.get('/v1/predictions/:id', checkKey, (ctx) => {
          const p = find(ctx.params.id);
          advance(p);
          ctx.body = view(ctx, p);
        });
        router.post('/v1/predictions/:id/cancel', checkKey, (ctx) => {
          const p = find(ctx.params.id);
          if (p.status === 'starting' || p.status === 'processing') {
            p.status = 'canceled';
            cancelled.push(p.id);
          }
          ctx.body = view(ctx, p);
        });
        router.get('/files/:id/:name', (ctx) => {
          const p = find(ctx.params.id);
          if (p.status !== 'succeeded' || Date.now() - p.createdAt > outputTtlMs) {
            throw new ProviderSandboxError('not_found', 'not found', 404);
          }
          ctx.type = 'image/png';
          ctx.body = p.png;
        });
      },
    },
    options,
  );
  return {
    ...sandbox,
    cancelled,
    setHonourWait: (v) => {
      honourWait = v;
    },
    setPollsBeforeSucceeded: (v) => {
      pollsBeforeSucceeded = v;
    },
    failNext: (error) => {
      failure = error;
    },
    setOutputTtlMs: (v) => {
      outputTtlMs = v;
    },
    setFileOrigin: (v) => {
      fileOrigin = v;
    },
  };
}
