/**
 * The provider sandboxes speak their providers' wire protocol. Raw fetch here, not the product's clients,
 * so a protocol mistake in one cannot hide the same mistake in the other.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfyUiSandbox } from './comfyui/index.js';
import type { ProviderSandbox } from './common.js';
import { startFalSandbox } from './fal/index.js';
import { startProviderSandboxes } from './index.js';
import { startPhotoroomSandbox } from './photoroom/index.js';
import { startRemoveBgSandbox } from './removebg/index.js';
import { startReplicateSandbox } from './replicate/index.js';
import { startSegmindSandbox } from './segmind/index.js';

const KEY = 'sandbox-key-0123456789';
let removebg: ProviderSandbox;
let photoroom: ProviderSandbox;
let photo: Buffer;

beforeAll(async () => {
  removebg = await startRemoveBgSandbox({ apiKey: KEY });
  photoroom = await startPhotoroomSandbox({ apiKey: KEY });
  // A red square on a white backdrop.
  photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#ffffff' } })
    .composite([
      {
        input: await sharp({ create: { width: 20, height: 20, channels: 3, background: '#d02020' } })
          .png()
          .toBuffer(),
        left: 22,
        top: 14,
      },
    ])
    .jpeg()
    .toBuffer();
});
afterAll(async () => {
  await removebg?.close();
  await photoroom?.close();
});

function form(fields: Record<string, string> = {}, file: Buffer = photo): FormData {
  const body = new FormData();
  body.append('image_file', new Blob([new Uint8Array(file)], { type: 'image/jpeg' }), 'p.jpg');
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  return body;
}

describe('remove.bg sandbox', () => {
  it('answers a PNG cut-out whose alpha is the product', async () => {
    const res = await fetch(`${removebg.baseUrl}/v1.0/removebg`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEY },
      body: form({ size: 'auto', format: 'png' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    const alpha = await sharp(png).extractChannel('alpha').raw().toBuffer();
    expect(alpha[0]).toBe(0);
    expect(alpha[24 * 64 + 32]).toBe(255);
  });

  it('answers a greyscale mask for channels=alpha', async () => {
    const res = await fetch(`${removebg.baseUrl}/v1.0/removebg`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEY },
      body: form({ channels: 'alpha' }),
    });
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ channels: 1, hasAlpha: false, width: 64, height: 48 });
  });

  it('401 without a valid key, in remove.bg error shape', async () => {
    const res = await fetch(`${removebg.baseUrl}/v1.0/removebg`, { method: 'POST', body: form() });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: [{ title: 'API key missing', code: 'missing_key' }] });
  });

  it('400 for a file that is not an image', async () => {
    const res = await fetch(`${removebg.baseUrl}/v1.0/removebg`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEY },
      body: form({}, Buffer.from('<svg/>')),
    });
    expect(res.status).toBe(400);
  });
});

describe('Photoroom sandbox', () => {
  it('answers a PNG cut-out, and 401 with a wrong key in Photoroom error shape', async () => {
    const ok = await fetch(`${photoroom.baseUrl}/v1/segment`, {
      method: 'POST',
      headers: { 'x-api-key': KEY },
      body: form(),
    });
    expect((await sharp(Buffer.from(await ok.arrayBuffer())).metadata()).hasAlpha).toBe(true);
    const bad = await fetch(`${photoroom.baseUrl}/v1/segment`, {
      method: 'POST',
      headers: { 'x-api-key': 'nope' },
      body: form(),
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ status_code: 401, type: 'invalid_key' });
    expect(photoroom.requestLog.map((e) => e.status)).toEqual([200, 401]);
  });

  it('injects 429 with Retry-After', async () => {
    photoroom.injectFault({ path: '/v1/segment', httpStatus: 429, retryAfter: 7 });
    const res = await fetch(`${photoroom.baseUrl}/v1/segment`, { method: 'POST', body: form() });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });
});

describe('Segmind sandbox', () => {
  it('takes JSON with a base64 image and answers a greyscale mask; 406-style errors as {error}', async () => {
    const segmind = await startSegmindSandbox({ apiKey: KEY });
    try {
      const ok = await fetch(`${segmind.baseUrl}/v1/bg-removal-v2`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ image: photo.toString('base64'), type: 'mask' }),
      });
      expect(ok.status).toBe(200);
      const png = Buffer.from(await ok.arrayBuffer());
      expect(await sharp(png).metadata()).toMatchObject({ channels: 1, width: 64, height: 48 });
      const mask = await sharp(png).extractChannel(0).raw().toBuffer();
      expect(mask[24 * 64 + 32]).toBe(255);
      segmind.injectFault({ path: '/v1/bg-removal-v2', httpStatus: 406 });
      const broke = await fetch(`${segmind.baseUrl}/v1/bg-removal-v2`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ image: photo.toString('base64') }),
      });
      expect(broke.status).toBe(406);
      expect(await broke.json()).toEqual({ error: 'injected fault' });
    } finally {
      await segmind.close();
    }
  });
});

describe('fal sandbox', () => {
  it('wants `Authorization: Key …` and a data-URI image_url', async () => {
    const fal = await startFalSandbox({ apiKey: KEY });
    try {
      const submit = (authorization: string, imageUrl: string) =>
        fetch(`${fal.baseUrl}/fal-ai/birefnet`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ image_url: imageUrl }),
        });
      const dataUri = `data:image/jpeg;base64,${photo.toString('base64')}`;
      expect((await submit(`Bearer ${KEY}`, dataUri)).status).toBe(401);
      expect((await submit(`Key ${KEY}`, 'https://example.com/p.jpg')).status).toBe(422);
      const ok = await submit(`Key ${KEY}`, dataUri);
      expect(await ok.json()).toMatchObject({
        request_id: expect.any(String),
        status_url: expect.any(String),
      });
    } finally {
      await fal.close();
    }
  });
});

describe('fal sandbox, generation models', () => {
  it('queues fast-sdxl: IN_QUEUE → IN_PROGRESS → COMPLETED, then File objects served without auth', async () => {
    const fal = await startFalSandbox({ apiKey: KEY });
    try {
      const headers = { authorization: `Key ${KEY}`, 'content-type': 'application/json' };
      const bad = await fetch(`${fal.baseUrl}/fal-ai/fast-sdxl`, { method: 'POST', headers, body: '{}' });
      expect(bad.status).toBe(422);
      expect(await bad.json()).toEqual({
        detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error' }],
      });
      const submitted = await fetch(`${fal.baseUrl}/fal-ai/fast-sdxl`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ prompt: 'a beach', image_size: { width: 128, height: 96 }, seed: 3 }),
      }).then((r) => r.json());
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(submitted.status_url, { headers });
        statuses.push(`${res.status} ${(await res.json()).status}`);
      }
      expect(statuses).toEqual(['202 IN_QUEUE', '202 IN_PROGRESS', '200 COMPLETED']);
      const result = await fetch(submitted.response_url, { headers }).then((r) => r.json());
      expect(result.images[0]).toMatchObject({
        content_type: 'image/png',
        width: 128,
        height: 96,
        file_size: expect.any(Number),
      });
      const file = await fetch(result.images[0].url);
      expect(await sharp(Buffer.from(await file.arrayBuffer())).metadata()).toMatchObject({
        width: 128,
        height: 96,
      });
      const again = await fetch(`${fal.baseUrl}/fal-ai/iclight-v2`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          prompt: 'sun',
          image_url: `data:image/jpeg;base64,${photo.toString('base64')}`,
          initial_latent: 'Left',
        }),
      }).then((r) => r.json());
      const cancel = await fetch(again.cancel_url, { method: 'PUT', headers });
      expect([cancel.status, await cancel.json()]).toEqual([202, { status: 'CANCELLATION_REQUESTED' }]);
    } finally {
      await fal.close();
    }
  });
});

describe('Replicate sandbox', () => {
  it('Bearer auth with problem details; Prefer: wait answers a finished prediction, otherwise polls advance', async () => {
    const replicate = await startReplicateSandbox({ apiKey: KEY });
    try {
      const create = (prefer?: string, token = KEY) =>
        fetch(`${replicate.baseUrl}/v1/models/stability-ai/sdxl/predictions`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            ...(prefer ? { prefer } : {}),
          },
          body: JSON.stringify({ input: { prompt: 'a beach', width: 128, height: 128 } }),
        });
      const denied = await create(undefined, 'nope');
      expect(denied.status).toBe(401);
      expect(await denied.json()).toMatchObject({ title: 'Unauthenticated', status: 401 });
      const waited = await create('wait=30');
      expect(waited.status).toBe(201);
      expect(await waited.json()).toMatchObject({
        status: 'succeeded',
        output: [expect.stringMatching(/\/files\//)],
      });
      const started = await (await create()).json();
      expect(started).toMatchObject({
        status: 'starting',
        output: null,
        urls: { get: expect.any(String), cancel: expect.any(String) },
      });
      const polls = [];
      for (let i = 0; i < 3; i++) {
        polls.push(
          (await (await fetch(started.urls.get, { headers: { authorization: `Bearer ${KEY}` } })).json())
            .status,
        );
      }
      expect(polls).toEqual(['starting', 'processing', 'succeeded']);
      const invalid = await fetch(`${replicate.baseUrl}/v1/predictions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ version: 'latest', input: { prompt: 'x' } }),
      });
      expect(invalid.status).toBe(422);
      expect(await invalid.json()).toMatchObject({
        title: 'Input validation failed',
        invalid_fields: [{ field: 'input.version' }],
      });
    } finally {
      await replicate.close();
    }
  });
});

describe('ComfyUI sandbox', () => {
  it('uploads images, validates graphs like ComfyUI (400 {error, node_errors}) and serves outputs', async () => {
    const comfy = await startComfyUiSandbox();
    try {
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'p.jpg');
      form.append('subfolder', 'x');
      const uploaded = await fetch(`${comfy.baseUrl}/upload/image`, { method: 'POST', body: form });
      expect(await uploaded.json()).toEqual({ name: 'p.jpg', subfolder: 'x', type: 'input' });
      const post = (prompt: unknown) =>
        fetch(`${comfy.baseUrl}/prompt`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prompt, client_id: 'c' }),
        });
      const noOutputs = await post({ '1': { class_type: 'LoadImage', inputs: { image: 'x/p.jpg' } } });
      expect(noOutputs.status).toBe(400);
      expect((await noOutputs.json()).error).toMatchObject({ type: 'prompt_no_outputs' });
      const broken = await post({
        '1': { class_type: 'LoadImage', inputs: { image: 'missing.png' } },
        '2': { class_type: 'SaveImage', inputs: { filename_prefix: 'x', images: ['9', 0] } },
      });
      const body = await broken.json();
      expect(body.error.type).toBe('prompt_outputs_failed_validation');
      expect(body.node_errors['2']).toMatchObject({
        class_type: 'SaveImage',
        errors: [{ type: 'bad_linked_input' }],
      });
      expect(body.node_errors['1'].errors[0].details).toContain('Invalid image file');
    } finally {
      await comfy.close();
    }
  });
});

describe('npm run sandbox providers', () => {
  it('starts every provider sandbox and gives the server env for each', async () => {
    const all = await startProviderSandboxes({ apiKey: KEY });
    try {
      expect(Object.keys(all.env).sort()).toEqual([
        'COMFYUI_URL',
        'FAL_BASE_URL',
        'FAL_KEY',
        'PHOTOROOM_API_KEY',
        'PHOTOROOM_BASE_URL',
        'REMOVEBG_API_KEY',
        'REMOVEBG_BASE_URL',
        'REPLICATE_API_TOKEN',
        'REPLICATE_BASE_URL',
        'SEGMIND_API_KEY',
        'SEGMIND_BASE_URL',
      ]);
      const history = await fetch(`${all.env.COMFYUI_URL}/history/nothing`);
      expect(await history.json()).toEqual({});
    } finally {
      await all.close();
    }
  });
});
