/**
 * ComfyUI sandbox (providers.md "ComfyUI"; ComfyUI server.py and execution.py `validate_prompt`):
 * `POST /upload/image` multipart `image, type, subfolder, overwrite` → `{name, subfolder, type}`;
 * `POST /prompt {prompt, client_id}` → `{prompt_id, number, node_errors: {}}`, or 400 `{error: {type,
 * message, details, extra_info}, node_errors: {<id>: {errors: [{type, message, details, extra_info}],
 * dependent_outputs, class_type}}}` when the graph is invalid; `GET /history/{id}` → `{}` while queued, then
 * `{<id>: {prompt, outputs: {<node>: {images: [{filename, subfolder, type}]}}, status: {status_str,
 * completed, messages}}}`; `GET /view?filename&subfolder&type`; `POST /queue {delete: [ids]}`. ComfyUI
 * has no authentication. It knows the node classes of SDXL text-to-image and LoadImage.
 */
import { randomUUID } from 'node:crypto';
import { uploadParser } from '../../common/api.js';
import { sniffImage } from '../../common/images.js';
import { type ProviderSandbox, ProviderSandboxError, startProviderSandbox } from '../common.js';
import { MAX_SIDE, sceneImage } from '../generate.js';

type Node = { class_type?: unknown; inputs?: Record<string, unknown> };

/** Required inputs per node class: 'link' inputs must be `[nodeId, outputIndex]`. */
const NODES: Record<string, Record<string, 'link' | 'int' | 'number' | 'string'>> = {
  CheckpointLoaderSimple: { ckpt_name: 'string' },
  EmptyLatentImage: { width: 'int', height: 'int', batch_size: 'int' },
  CLIPTextEncode: { text: 'string', clip: 'link' },
  KSampler: {
    seed: 'int',
    steps: 'int',
    cfg: 'number',
    sampler_name: 'string',
    scheduler: 'string',
    denoise: 'number',
    model: 'link',
    positive: 'link',
    negative: 'link',
    latent_image: 'link',
  },
  VAEDecode: { samples: 'link', vae: 'link' },
  SaveImage: { filename_prefix: 'string', images: 'link' },
  LoadImage: { image: 'string' },
};
const OUTPUT_NODES = new Set(['SaveImage']);

interface NodeError {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}

interface Job {
  polls: number;
  images: Array<{ filename: string; subfolder: string; type: string; node: string }>;
  error?: string;
  deleted: boolean;
}

export interface ComfyUiSandbox extends ProviderSandbox {
  /** /history polls answered `{}` before the outputs appear. @defaultValue 1 */
  setPollsBeforeDone(polls: number): void;
  /** The next prompt fails while executing (a node raises), with this exception message. */
  failNext(message: string): void;
  /** Checkpoints in models/checkpoints. */
  checkpoints: string[];
  /** Prompt ids deleted from the queue. */
  deleted: string[];
}

class BadGraph extends ProviderSandboxError {
  constructor(readonly body: Record<string, unknown>) {
    super('invalid_prompt', 'invalid prompt', 400);
  }
}

function validate(graph: unknown, uploads: Map<string, Buffer>, checkpoints: string[]): Record<string, Node> {
  const fail = (type: string, message: string, details = '', nodeErrors: Record<string, unknown> = {}) =>
    new BadGraph({ error: { type, message, details, extra_info: {} }, node_errors: nodeErrors });
  if (typeof graph !== 'object' || graph === null || Array.isArray(graph))
    throw fail('invalid_prompt', 'Invalid prompt', 'prompt must be an object');
  const nodes = graph as Record<string, Node>;
  for (const [id, node] of Object.entries(nodes)) {
    if (typeof node?.class_type !== 'string' || !NODES[node.class_type]) {
      throw fail(
        'invalid_prompt',
        `Cannot execute because node ${String(node?.class_type)} does not exist.`,
        `Node ID '#${id}'`,
      );
    }
  }
  const outputs = Object.entries(nodes).filter(([, n]) => OUTPUT_NODES.has(n.class_type as string));
  if (outputs.length === 0) throw fail('prompt_no_outputs', 'Prompt has no outputs');
  const nodeErrors: Record<string, unknown> = {};
  for (const [id, node] of Object.entries(nodes)) {
    const errors: NodeError[] = [];
    for (const [input, kind] of Object.entries(NODES[node.class_type as string]!)) {
      const value = node.inputs?.[input];
      const err = (type: string, message: string) =>
        errors.push({ type, message, details: `${input}`, extra_info: { input_name: input } });
      if (value === undefined) err('required_input_missing', 'Required input is missing');
      else if (kind === 'link') {
        const ok =
          Array.isArray(value) &&
          value.length === 2 &&
          typeof value[0] === 'string' &&
          nodes[value[0]] !== undefined &&
          Number.isInteger(value[1]);
        if (!ok)
          err('bad_linked_input', 'Bad linked input, must be a length-2 list of [node_id, slot_index]');
      } else if (kind === 'int' && !Number.isInteger(value))
        err('invalid_input_type', 'Failed to convert an input value to a INT value');
      else if (kind === 'number' && typeof value !== 'number')
        err('invalid_input_type', 'Failed to convert an input value to a FLOAT value');
      else if (kind === 'string' && typeof value !== 'string')
        err('invalid_input_type', 'Failed to convert an input value to a STRING value');
    }
    if (
      node.class_type === 'CheckpointLoaderSimple' &&
      typeof node.inputs?.ckpt_name === 'string' &&
      !checkpoints.includes(node.inputs.ckpt_name)
    ) {
      errors.push({
        type: 'value_not_in_list',
        message: 'Value not in list',
        details: `ckpt_name: '${node.inputs.ckpt_name}' not in ${JSON.stringify(checkpoints)}`,
        extra_info: { input_name: 'ckpt_name' },
      });
    }
    if (
      node.class_type === 'LoadImage' &&
      typeof node.inputs?.image === 'string' &&
      !uploads.has(node.inputs.image)
    ) {
      errors.push({
        type: 'custom_validation_failed',
        message: 'Failed to validate prompt for output',
        details: `Invalid image file: ${node.inputs.image}`,
        extra_info: {},
      });
    }
    if (node.class_type === 'EmptyLatentImage') {
      for (const side of ['width', 'height'] as const) {
        const v = node.inputs?.[side];
        if (Number.isInteger(v) && ((v as number) < 16 || (v as number) > MAX_SIDE)) {
          errors.push({
            type: 'value_bigger_than_max',
            message: 'Value out of range',
            details: `${side}: ${v} not in 16–${MAX_SIDE}`,
            extra_info: { input_name: side },
          });
        }
      }
    }
    if (errors.length)
      nodeErrors[id] = { errors, dependent_outputs: outputs.map(([o]) => o), class_type: node.class_type };
  }
  if (Object.keys(nodeErrors).length)
    throw fail('prompt_outputs_failed_validation', 'Prompt outputs failed validation', '', nodeErrors);
  return nodes;
}

/** The text that reaches a KSampler's positive input, its seed and the latent size. */
function sceneOf(nodes: Record<string, Node>): {
  prompt: string;
  seed: number;
  width: number;
  height: number;
} {
  const sampler = Object.values(nodes).find((n) => n.class_type === 'KSampler');
  const linked = (value: unknown) => (Array.isArray(value) ? nodes[value[0] as string] : undefined);
  const positive = linked(sampler?.inputs?.positive);
  const latent = linked(sampler?.inputs?.latent_image);
  return {
    prompt: String(positive?.inputs?.text ?? 'scene'),
    seed: Number(sampler?.inputs?.seed ?? 0),
    width: Number(latent?.inputs?.width ?? 1024),
    height: Number(latent?.inputs?.height ?? 1024),
  };
}

export async function startComfyUiSandbox(options: { port?: number } = {}): Promise<ComfyUiSandbox> {
  const uploads = new Map<string, Buffer>();
  const outputs = new Map<string, Buffer>();
  const jobs = new Map<string, Job>();
  const deleted: string[] = [];
  const checkpoints = ['sd_xl_base_1.0.safetensors'];
  let pollsBeforeDone = 1;
  let failure: string | undefined;
  let counter = 0;
  const upload = uploadParser(20 * 1024 * 1024);

  const sandbox = await startProviderSandbox(
    {
      name: 'comfyui',
      path: '/prompt',
      // ComfyUI has no authentication: the check below never runs (no route uses it).
      keyHeader: 'x-unused',
      input: { kind: 'json', field: 'prompt' },
      errorBody: (e) =>
        e instanceof BadGraph
          ? e.body
          : { error: { type: e.code, message: e.message, details: '', extra_info: {} } },
      wantsMask: () => false,
      routes(router) {
        router.post('/upload/image', upload.single('image'), (ctx) => {
          const file = ctx.request.file;
          if (!file?.buffer || !sniffImage(file.buffer, ['image/jpeg', 'image/png', 'image/webp'])) {
            throw new ProviderSandboxError('bad_request', 'no image', 400);
          }
          const fields = (ctx.request.body ?? {}) as Record<string, string>;
          const subfolder = (fields.subfolder ?? '').replace(/[^\w-]/g, '');
          const name = (file.originalname || 'image.png').replace(/[^\w.-]/g, '_');
          uploads.set(subfolder ? `${subfolder}/${name}` : name, file.buffer);
          ctx.body = { name, subfolder, type: fields.type ?? 'input' };
        });
        router.post('/prompt', async (ctx) => {
          const body = (ctx.request.body ?? {}) as Record<string, unknown>;
          const nodes = validate(body.prompt, uploads, checkpoints);
          const id = randomUUID();
          const scene = sceneOf(nodes);
          const png = await sceneImage(scene.prompt, scene.seed, scene.width, scene.height);
          const images = Object.entries(nodes)
            .filter(([, n]) => OUTPUT_NODES.has(n.class_type as string))
            .map(([node], i) => {
              const filename = `${String(nodes[node]!.inputs?.filename_prefix ?? 'ComfyUI')}_${String(++counter).padStart(5, '0')}_.png`;
              outputs.set(`output//${filename}`, png);
              return { filename, subfolder: '', type: 'output', node: node || String(i) };
            });
          jobs.set(id, { polls: 0, images, ...(failure ? { error: failure } : {}), deleted: false });
          failure = undefined;
          ctx.body = { prompt_id: id, number: counter, node_errors: {} };
        });
        router.get('/history/:id', (ctx) => {
          const id = ctx.params.id!;
          const job = jobs.get(id);
          if (!job || job.deleted || ++job.polls <= pollsBeforeDone) {
            ctx.body = {};
            return;
          }
          ctx.body = {
            [id]: {
              prompt: [job.polls, id, {}, {}, job.images.map((i) => i.node)],
              outputs: job.error
                ? {}
                : Object.fromEntries(
                    job.images.map((i) => [
                      i.node,
                      { images: [{ filename: i.filename, subfolder: i.subfolder, type: i.type }] },
                    ]),
                  ),
              status: {
                status_str: job.error ? 'error' : 'success',
                completed: !job.error,
                messages: job.error
                  ? [
                      ['execution_start', { prompt_id: id }],
                      [
                        'execution_error',
                        {
                          prompt_id: id,
                          node_id: '3',
                          node_type: 'KSampler',
                          exception_message: job.error,
                          exception_type: 'RuntimeError',
                        },
                      ],
                    ]
                  : [
                      ['execution_start', { prompt_id: id }],
                      ['execution_success', { prompt_id: id }],
                    ],
              },
              meta: {},
            },
          };
        });
        router.get('/view', (ctx) => {
          const { filename, subfolder, type } = ctx.query as Record<string, string | undefined>;
          const image =
            outputs.get(`${type ?? 'output'}/${subfolder ?? ''}/${filename ?? ''}`) ??
            (type === 'input'
              ? uploads.get(subfolder ? `${subfolder}/${filename}` : (filename ?? ''))
              : undefined);
          if (!image) throw new ProviderSandboxError('not_found', 'not found', 404);
          ctx.type = 'image/png';
          ctx.body = image;
        });
        router.post('/queue', (ctx) => {
          const body = (ctx.request.body ?? {}) as { delete?: unknown };
          for (const id of Array.isArray(body.delete) ? body.delete : []) {
            const job = jobs.get(String(id));
            if (job) job.deleted = true;
            deleted.push(String(id));
          }
          ctx.body = {};
        });
      },
    },
    { apiKey: 'comfyui-has-no-key', ...(options.port === undefined ? {} : { port: options.port }) },
  );
  return {
    ...sandbox,
    checkpoints,
    deleted,
    setPollsBeforeDone: (v) => {
      pollsBeforeDone = v;
    },
    failNext: (message) => {
      failure = message;
    },
  };
}
