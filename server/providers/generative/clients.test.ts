/**
 * The generation clients against their sandboxes over real HTTP on random ports: the happy path with its
 * polls, bad key, 429 honouring Retry-After, 5xx retried then failing, deadline → cancel, malformed
 * answers, and output URLs on hosts we must not fetch from. The key never appears in an error.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ComfyUiSandbox, startComfyUiSandbox } from '../../../sandbox/providers/comfyui/index.js';
import { type FalSandbox, startFalSandbox } from '../../../sandbox/providers/fal/index.js';
import { type ReplicateSandbox, startReplicateSandbox } from '../../../sandbox/providers/replicate/index.js';
import { ComfyUiClient, sceneGraph } from './comfyui.js';
import { FalGenerative, type FalGenerativeOptions } from './fal.js';
import { ReplicateClient, type ReplicateOptions } from './replicate.js';
import { GenerativeError } from './types.js';

const KEY = 'sk-generative-test-key-0123456789';
const SCENE = { prompt: 'a marble kitchen counter, morning light', width: 320, height: 256, seed: 7 };

async function failure(promise: Promise<unknown>): Promise<GenerativeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GenerativeError);
  const e = error as GenerativeError;
  expect(e.message).not.toContain(KEY);
  expect(e.stack ?? '').not.toContain(KEY);
  return e;
}

/** Mean luma of the left and right halves. */
async function halves(png: Buffer): Promise<{ left: number; right: number; top: number; bottom: number }> {
  const { data, info } = await sharp(png)
    .removeAlpha()
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sum = { left: 0, right: 0, top: 0, bottom: 0 };
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const v = data[y * info.width + x]!;
      sum[x < info.width / 2 ? 'left' : 'right'] += v;
      sum[y < info.height / 2 ? 'top' : 'bottom'] += v;
    }
  }
  const n = (info.width * info.height) / 2;
  return { left: sum.left / n, right: sum.right / n, top: sum.top / n, bottom: sum.bottom / n };
}

let grey: Buffer;
beforeAll(async () => {
  grey = await sharp({ create: { width: 200, height: 160, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
});

const path = (e: { method: string; path: string; status: number }) =>
  `${e.method} ${e.path.replace(/[0-9a-f-]{36}|[0-9a-z]{26}/g, 'ID')} ${e.status}`;

describe('fal generation client', () => {
  let sandbox: FalSandbox;
  const sleeps: number[] = [];
  const make = (overrides: Partial<FalGenerativeOptions> = {}) =>
    new FalGenerative({
      apiKey: KEY,
      baseUrl: sandbox.baseUrl,
      sandboxOrigins: [sandbox.baseUrl],
      pollIntervalMs: 10,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...overrides,
    });
  beforeAll(async () => {
    sandbox = await startFalSandbox({ apiKey: KEY });
  });
  afterAll(() => sandbox?.close());

  it('submits the scene, polls IN_QUEUE → IN_PROGRESS → COMPLETED, fetches the result and its file', async () => {
    sandbox.requestLog.length = 0;
    const stages: string[] = [];
    const png = await make().generateScene(SCENE, { onProgress: (s) => void stages.push(s) });
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 320, height: 256 });
    expect(sandbox.requestLog.map(path)).toEqual([
      'POST /fal-ai/fast-sdxl 200',
      'GET /fal-ai/fast-sdxl/requests/ID/status 202',
      'GET /fal-ai/fast-sdxl/requests/ID/status 202',
      'GET /fal-ai/fast-sdxl/requests/ID/status 200',
      'GET /fal-ai/fast-sdxl/requests/ID 200',
      'GET /files/ID.png 200',
    ]);
    expect(stages).toEqual(['queued', 'generating', 'generating']);
    // Same prompt and seed, same scene; another prompt, another one.
    expect((await make().generateScene(SCENE)).equals(png)).toBe(true);
    expect((await make().generateScene({ ...SCENE, prompt: 'a tropical beach' })).equals(png)).toBe(false);
  });

  it('refuses a result file on a loopback origin nobody listed (the API origin is no exception)', async () => {
    sandbox.requestLog.length = 0;
    const error = await failure(make({ sandboxOrigins: [] }).generateScene(SCENE));
    expect(error.kind).toBe('malformed');
    // The answer was read; the file on 127.0.0.1 was never fetched.
    expect(sandbox.requestLog.map(path)).not.toContain('GET /files/ID.png 200');
  });

  it('relights with IC-Light from the requested side', async () => {
    const left = await halves(
      await make().relight({
        image: grey,
        prompt: 'window light',
        direction: 'left',
        width: 256,
        height: 192,
      }),
    );
    expect(left.left).toBeGreaterThan(left.right + 40);
    const bottom = await halves(
      await make().relight({
        image: grey,
        prompt: 'floor bounce',
        direction: 'bottom',
        width: 256,
        height: 192,
      }),
    );
    expect(bottom.bottom).toBeGreaterThan(bottom.top + 40);
    expect(sandbox.requestLog.some((e) => e.path === '/fal-ai/iclight-v2')).toBe(true);
  });

  it('a bad key is `auth`, not retried, without the key', async () => {
    const before = sandbox.requestLog.length;
    const error = await failure(make({ apiKey: `${KEY}-wrong` }).generateScene(SCENE));
    expect(error).toMatchObject({ kind: 'auth', httpStatus: 401, provider: 'fal' });
    expect(sandbox.requestLog.length - before).toBe(1);
  });

  it('an input fal refuses (FastAPI 422) is `bad_image` and not retried', async () => {
    const error = await failure(make().generate('fal-ai/fast-sdxl', { prompt: '' }));
    expect(error).toMatchObject({ kind: 'bad_image', httpStatus: 422 });
    expect(error.message).toContain('prompt');
  });

  it('retries a 429 after its Retry-After, then succeeds', async () => {
    sleeps.length = 0;
    sandbox.injectFault({ path: '/fal-ai/fast-sdxl', httpStatus: 429, retryAfter: 2 });
    await make().generateScene(SCENE);
    expect(sleeps).toEqual([2000]);
  });

  it('retries 5xx within the budget, then fails `unavailable` (transient)', async () => {
    const before = sandbox.requestLog.length;
    sandbox.injectFault({ path: '/fal-ai/fast-sdxl', httpStatus: 503, times: 3, bare: true });
    const error = await failure(make({ retries: 2 }).generateScene(SCENE));
    expect(error).toMatchObject({ kind: 'unavailable', httpStatus: 503 });
    expect(error.transient).toBe(true);
    expect(sandbox.requestLog.length - before).toBe(3);
  });

  it('past the deadline: cancels the request and fails `timeout`', async () => {
    sandbox.setPollsBeforeCompleted(1000);
    try {
      const error = await failure(make({ deadlineMs: 120, pollIntervalMs: 20 }).generateScene(SCENE));
      expect(error.kind).toBe('timeout');
      expect(sandbox.cancelled).toHaveLength(1);
      expect(sandbox.requestLog.at(-1)).toMatchObject({ method: 'PUT', status: 202 });
    } finally {
      sandbox.setPollsBeforeCompleted(2);
    }
  });

  it('a 200 that is not fal’s answer is `malformed`', async () => {
    sandbox.injectFault({ path: '/fal-ai/fast-sdxl', httpStatus: 200 });
    expect((await failure(make().generateScene(SCENE))).kind).toBe('malformed');
  });

  it.each([
    ['a host off the allowlist', 'https://files.example.net', undefined],
    ['a private IP literal', 'http://10.0.0.1:9', undefined],
    ['the metadata service', 'http://169.254.169.254', undefined],
    // Allowlisted by name, but it resolves to loopback: refused when connecting, not by the name check.
    ['an allowlisted name resolving to loopback', 'https://localhost', ['localhost']],
  ])('refuses a result file on %s', async (_name, fileOrigin, resultHosts) => {
    sandbox.setFileOrigin(fileOrigin);
    try {
      const error = await failure(make(resultHosts ? { resultHosts } : {}).generateScene(SCENE));
      expect(error).toMatchObject({
        kind: 'malformed',
        message: expect.stringContaining('not on an allowed host'),
      });
    } finally {
      sandbox.setFileOrigin(undefined);
    }
  });
});

describe('Replicate client', () => {
  let sandbox: ReplicateSandbox;
  const sleeps: number[] = [];
  const make = (overrides: Partial<ReplicateOptions> = {}) =>
    new ReplicateClient({
      apiKey: KEY,
      baseUrl: sandbox.baseUrl,
      sandboxOrigins: [sandbox.baseUrl],
      pollIntervalMs: 10,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...overrides,
    });
  beforeAll(async () => {
    sandbox = await startReplicateSandbox({ apiKey: KEY });
  });
  afterAll(() => sandbox?.close());

  it('creates a pinned-version prediction with `Prefer: wait` and downloads the output at once', async () => {
    sandbox.requestLog.length = 0;
    const png = await make().generateScene(SCENE);
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 320, height: 256 });
    expect(sandbox.requestLog.map(path)).toEqual(['POST /v1/predictions 201', 'GET /files/ID/out-0.png 200']);
  });

  it('polls urls.get (starting → processing → succeeded) when the wait ends first', async () => {
    sandbox.setHonourWait(false);
    try {
      sandbox.requestLog.length = 0;
      const stages: string[] = [];
      await make().generateScene(SCENE, { onProgress: (s) => void stages.push(s) });
      expect(sandbox.requestLog.map(path)).toEqual([
        'POST /v1/predictions 201',
        'GET /v1/predictions/ID 200',
        'GET /v1/predictions/ID 200',
        'GET /v1/predictions/ID 200',
        'GET /files/ID/out-0.png 200',
      ]);
      expect(stages).toEqual(['queued', 'queued', 'generating']);
    } finally {
      sandbox.setHonourWait(true);
    }
  });

  it('runs an official model by name (IC-Light) and relights from the requested side', async () => {
    const lit = await halves(
      await make({ relightModel: 'zsxkib/ic-light' }).relight({
        image: grey,
        prompt: 'rim light',
        direction: 'right',
        width: 256,
        height: 192,
      }),
    );
    expect(lit.right).toBeGreaterThan(lit.left + 40);
    expect(sandbox.requestLog.at(-2)).toMatchObject({
      method: 'POST',
      path: '/v1/models/zsxkib/ic-light/predictions',
      status: 201,
    });
  });

  it('a failed prediction is `failed` with the model’s error', async () => {
    sandbox.failNext('CUDA out of memory');
    const error = await failure(make().generateScene(SCENE));
    expect(error).toMatchObject({ kind: 'failed', message: expect.stringContaining('CUDA out of memory') });
    expect(error.transient).toBe(false);
  });

  it('a bad token is `auth` (problem details), not retried', async () => {
    const before = sandbox.requestLog.length;
    const error = await failure(make({ apiKey: 'r8_wrong' }).generateScene(SCENE));
    expect(error).toMatchObject({
      kind: 'auth',
      httpStatus: 401,
      message: expect.stringContaining('Unauthenticated'),
    });
    expect(sandbox.requestLog.length - before).toBe(1);
  });

  it('out of credit (402) is `quota`', async () => {
    sandbox.injectFault({ path: '/v1/predictions', httpStatus: 402 });
    expect((await failure(make().generateScene(SCENE))).kind).toBe('quota');
  });

  it('retries a 429 after its Retry-After, then succeeds', async () => {
    sleeps.length = 0;
    sandbox.injectFault({ path: '/v1/predictions', httpStatus: 429, retryAfter: 1 });
    await make().generateScene(SCENE);
    expect(sleeps).toEqual([1000]);
  });

  it('retries 5xx, then fails `unavailable`', async () => {
    sandbox.injectFault({ path: '/v1/predictions', httpStatus: 500, times: 3 });
    expect((await failure(make({ retries: 2 }).generateScene(SCENE))).kind).toBe('unavailable');
  });

  it('past the deadline: cancels the prediction and fails `timeout`', async () => {
    sandbox.setHonourWait(false);
    sandbox.setPollsBeforeSucceeded(1000);
    try {
      const error = await failure(make({ deadlineMs: 100, pollIntervalMs: 20 }).generateScene(SCENE));
      expect(error.kind).toBe('timeout');
      expect(sandbox.cancelled).toHaveLength(1);
    } finally {
      sandbox.setHonourWait(true);
      sandbox.setPollsBeforeSucceeded(2);
    }
  });

  it('an expired output is an error, not an empty image', async () => {
    sandbox.setOutputTtlMs(-1);
    try {
      expect((await failure(make().generateScene(SCENE))).kind).toBe('unavailable');
    } finally {
      sandbox.setOutputTtlMs(3_600_000);
    }
  });

  it('refuses an output URL off the allowlist', async () => {
    sandbox.setFileOrigin('https://evil.example.com');
    try {
      expect((await failure(make().generateScene(SCENE))).kind).toBe('malformed');
    } finally {
      sandbox.setFileOrigin(undefined);
    }
  });
});

describe('ComfyUI client', () => {
  let sandbox: ComfyUiSandbox;
  const make = (overrides: { deadlineMs?: number; checkpoint?: string } = {}) =>
    new ComfyUiClient({ baseUrl: sandbox.baseUrl, pollIntervalMs: 10, retryMinTimeoutMs: 10, ...overrides });
  beforeAll(async () => {
    sandbox = await startComfyUiSandbox();
  });
  afterAll(() => sandbox?.close());

  it('queues the SDXL graph, polls /history and fetches the image from /view', async () => {
    sandbox.requestLog.length = 0;
    const png = await make().generateScene(SCENE);
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 320, height: 256 });
    expect(sandbox.requestLog.map(path)).toEqual([
      'POST /prompt 200',
      'GET /history/ID 200',
      'GET /history/ID 200',
      'GET /view 200',
    ]);
  });

  it('uploads an image for graphs that load one', async () => {
    const uploaded = await make().uploadImage(grey, 'product');
    expect(uploaded).toEqual({ filename: 'product.jpg', subfolder: 'lumiku', type: 'input' });
    const graph = {
      ...sceneGraph(SCENE, 'sd_xl_base_1.0.safetensors'),
      '10': { class_type: 'LoadImage', inputs: { image: 'lumiku/product.jpg' } },
    };
    expect(await make().queuePrompt(graph)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a graph ComfyUI refuses (400 node_errors) is a clear `failed` error naming node and input', async () => {
    const graph = sceneGraph(SCENE, 'sd_xl_base_1.0.safetensors');
    delete graph['3']!.inputs.model;
    const error = await failure(make().queuePrompt(graph));
    expect(error).toMatchObject({ kind: 'failed', httpStatus: 400 });
    expect(error.message).toContain('Prompt outputs failed validation');
    expect(error.message).toContain('node 3 (KSampler): Required input is missing: model');
    const missing = await failure(make({ checkpoint: 'nope.safetensors' }).generateScene(SCENE));
    expect(missing.message).toContain('Value not in list');
  });

  it('an execution error is `failed` with the exception', async () => {
    sandbox.failNext('CUDA out of memory');
    const error = await failure(make().generateScene(SCENE));
    expect(error).toMatchObject({
      kind: 'failed',
      message: expect.stringContaining('KSampler: CUDA out of memory'),
    });
  });

  it('past the deadline: takes the prompt off the queue and fails `timeout`', async () => {
    sandbox.setPollsBeforeDone(1000);
    try {
      expect((await failure(make({ deadlineMs: 100 }).generateScene(SCENE))).kind).toBe('timeout');
      expect(sandbox.deleted).toHaveLength(1);
    } finally {
      sandbox.setPollsBeforeDone(1);
    }
  });

  it('retries a 5xx on /prompt, then fails `unavailable`', async () => {
    sandbox.injectFault({ path: '/prompt', httpStatus: 502, times: 3, bare: true });
    expect((await failure(make().generateScene(SCENE))).kind).toBe('unavailable');
  });
});
