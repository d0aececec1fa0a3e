/**
 * The provider sandboxes speak their providers' wire protocol. Raw fetch here, not the product's clients,
 * so a protocol mistake in one cannot hide the same mistake in the other.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderSandbox } from './common.js';
import { startFalSandbox } from './fal/index.js';
import { startPhotoroomSandbox } from './photoroom/index.js';
import { startRemoveBgSandbox } from './removebg/index.js';
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
