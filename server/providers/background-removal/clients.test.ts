/**
 * Each client against its sandbox over real HTTP on a random port: success, bad key, 429 with
 * Retry-After, 5xx retried then failing, timeouts, and the key never in an error.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderSandbox } from '../../../sandbox/providers/common.js';
import { startFalSandbox } from '../../../sandbox/providers/fal/index.js';
import { startPhotoroomSandbox } from '../../../sandbox/providers/photoroom/index.js';
import { startRemoveBgSandbox } from '../../../sandbox/providers/removebg/index.js';
import { startSegmindSandbox } from '../../../sandbox/providers/segmind/index.js';
import { makeProductPhoto } from '../../pipeline/testing/synthetic.js';
import { FalClient } from './fal.js';
import type { RemoverClientOptions } from './http.js';
import { parseRetryAfter } from './http.js';
import { PhotoroomClient } from './photoroom.js';
import { RemoveBgClient } from './removebg.js';
import { SegmindClient } from './segmind.js';
import { BackgroundRemovalError, type BackgroundRemover } from './types.js';

const KEY = 'sk-test-provider-key-0123456789';

async function failure(promise: Promise<unknown>): Promise<BackgroundRemovalError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackgroundRemovalError);
  const e = error as BackgroundRemovalError;
  expect(e.message).not.toContain(KEY);
  expect(e.stack ?? '').not.toContain(KEY);
  return e;
}

let photo: Buffer;
beforeAll(async () => {
  photo = (await makeProductPhoto({ width: 240, height: 180, background: 'plain' })).image;
});

const cases: Array<{
  name: string;
  start: (o: { apiKey: string }) => Promise<ProviderSandbox>;
  client: (o: RemoverClientOptions) => BackgroundRemover;
  path: string;
}> = [
  {
    name: 'remove.bg',
    start: startRemoveBgSandbox,
    client: (o) => new RemoveBgClient(o),
    path: '/v1.0/removebg',
  },
  {
    name: 'Photoroom',
    start: startPhotoroomSandbox,
    client: (o) => new PhotoroomClient(o),
    path: '/v1/segment',
  },
  {
    name: 'Segmind',
    start: startSegmindSandbox,
    client: (o) => new SegmindClient(o),
    path: '/v1/bg-removal-v2',
  },
  {
    name: 'fal BiRefNet',
    start: startFalSandbox,
    // The sandbox serves the result file from its own loopback origin: allowed by name.
    client: (o) => new FalClient({ ...o, pollIntervalMs: 20, sandboxOrigins: [new URL(o.baseUrl).origin] }),
    path: '/fal-ai/birefnet',
  },
];

describe.each(cases)('$name client', ({ start, client, path }) => {
  let sandbox: ProviderSandbox;
  const sleeps: number[] = [];
  const make = (overrides: Partial<RemoverClientOptions> = {}): BackgroundRemover =>
    client({
      apiKey: KEY,
      baseUrl: sandbox.baseUrl,
      retries: 2,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...overrides,
    });

  beforeAll(async () => {
    sandbox = await start({ apiKey: KEY });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('returns a PNG whose alpha has the input size and separates product from backdrop', async () => {
    const png = await make().removeBackground(photo);
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 240, height: 180 });
    // A cut-out carries the matte as alpha; Segmind's `type: mask` answer is the matte as grey.
    const alpha = await (meta.hasAlpha ? sharp(png).extractChannel('alpha') : sharp(png).extractChannel(0))
      .raw()
      .toBuffer();
    expect(alpha[0]).toBe(0); // a backdrop corner
    expect(Math.max(...alpha)).toBe(255);
    expect(sandbox.requestLog.filter((e) => e.path === path).at(-1)).toMatchObject({
      method: 'POST',
      status: 200,
      error: '',
    });
  });

  it('a bad key is an `auth` error, not retried, without the key', async () => {
    const before = sandbox.requestLog.length;
    const error = await failure(make({ apiKey: `${KEY}-wrong` }).removeBackground(photo));
    expect(error).toMatchObject({ kind: 'auth', httpStatus: 401 });
    expect(error.message).not.toContain(`${KEY}-wrong`);
    expect(sandbox.requestLog.length - before).toBe(1);
  });

  it('a non-image upload is `bad_image`', async () => {
    const error = await failure(make().removeBackground(Buffer.from('not an image at all')));
    expect(error.kind).toBe('bad_image');
    expect([400, 422]).toContain(error.httpStatus); // fal validates like FastAPI: 422
  });

  it('retries a 429 after its Retry-After, then succeeds', async () => {
    sleeps.length = 0;
    sandbox.injectFault({ path, httpStatus: 429, retryAfter: 2 });
    const png = await make().removeBackground(photo);
    expect((await sharp(png).metadata()).width).toBe(240);
    expect(sleeps).toEqual([2000]);
    const submits = sandbox.requestLog.filter((e) => e.path === path);
    expect(submits.slice(-2).map((e) => e.status)).toEqual([429, 200]);
  });

  it('fails at once on a Retry-After longer than it would wait', async () => {
    sandbox.injectFault({ path, httpStatus: 429, retryAfter: 3600 });
    const error = await failure(make().removeBackground(photo));
    expect(error).toMatchObject({ kind: 'rate_limited', httpStatus: 429 });
  });

  it('retries 5xx within the budget, then fails `unavailable`', async () => {
    sleeps.length = 0;
    const before = sandbox.requestLog.length;
    sandbox.injectFault({ path, httpStatus: 503, times: 3, bare: true });
    const error = await failure(make().removeBackground(photo));
    expect(error).toMatchObject({ kind: 'unavailable', httpStatus: 503 });
    expect(sandbox.requestLog.length - before).toBe(3); // first attempt + 2 retries
    expect(sleeps).toHaveLength(2);
  });

  it('out of credits (402; Segmind 406) is `quota` and not retried', async () => {
    sandbox.injectFault({ path, httpStatus: path === '/v1/bg-removal-v2' ? 406 : 402 });
    const error = await failure(make().removeBackground(photo));
    expect(error.kind).toBe('quota');
    expect(sandbox.requestLog.at(-1)?.status).toBe(error.httpStatus);
  });

  it('an answer slower than the timeout is `timeout`', async () => {
    sandbox.injectFault({ path, delayMs: 1500, times: 1 });
    const error = await failure(make({ timeoutMs: 300, retries: 0 }).removeBackground(photo));
    expect(error.kind).toBe('timeout');
  });
});

describe('client configuration', () => {
  it('refuses plain http to a non-loopback host (the key travels in a header)', () => {
    expect(() => new RemoveBgClient({ apiKey: KEY, baseUrl: 'http://api.remove.bg' })).toThrow(/https/);
  });

  it('a refused connection is `network`, with no key in it', async () => {
    const error = await failure(
      new PhotoroomClient({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9', retries: 0 }).removeBackground(photo),
    );
    expect(error.kind).toBe('network');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('fal queue', () => {
  let sandbox: ProviderSandbox;
  beforeAll(async () => {
    sandbox = await startFalSandbox({ apiKey: KEY });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('submits, polls until COMPLETED, fetches the result and downloads the file', async () => {
    const png = await new FalClient({
      apiKey: KEY,
      baseUrl: sandbox.baseUrl,
      sandboxOrigins: [sandbox.baseUrl],
      pollIntervalMs: 10,
    }).removeBackground(photo);
    expect(await sharp(png).metadata()).toMatchObject({ width: 240, height: 180, hasAlpha: true });
    expect(
      sandbox.requestLog.map((e) => `${e.method} ${e.path.replace(/[0-9a-f-]{36}/, 'ID')} ${e.status}`),
    ).toEqual([
      'POST /fal-ai/birefnet 200',
      'GET /fal-ai/birefnet/requests/ID/status 202',
      'GET /fal-ai/birefnet/requests/ID/status 202',
      'GET /fal-ai/birefnet/requests/ID/status 200',
      'GET /fal-ai/birefnet/requests/ID 200',
      'GET /files/ID.png 200',
    ]);
  });

  it('a request that does not complete before the deadline is `timeout`', async () => {
    const client = new FalClient({
      apiKey: KEY,
      baseUrl: sandbox.baseUrl,
      sandboxOrigins: [sandbox.baseUrl],
      pollIntervalMs: 200,
      deadlineMs: 100,
    });
    expect((await failure(client.removeBackground(photo))).kind).toBe('timeout');
  });

  it('retries a 5xx on a status poll', async () => {
    sandbox.injectFault({ path: /\/status$/, httpStatus: 502, bare: true });
    const client = new FalClient({
      apiKey: KEY,
      baseUrl: sandbox.baseUrl,
      sandboxOrigins: [sandbox.baseUrl],
      pollIntervalMs: 10,
      retryMinTimeoutMs: 10,
    });
    expect((await sharp(await client.removeBackground(photo)).metadata()).width).toBe(240);
  });
});
