/**
 * The background_removal step with a hosted remover: the provider's matte is used when it answers, and the
 * local segmentation stands in (the job still succeeds) when it fails in any way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderSandbox } from '../../sandbox/providers/common.js';
import { startRemoveBgSandbox } from '../../sandbox/providers/removebg/index.js';
import { RemoveBgClient } from '../providers/background-removal/removebg.js';
import type { BackgroundRemover } from '../providers/background-removal/types.js';
import { enhance } from './enhance.js';
import { remoteMatte } from './remote-matte.js';
import { fromRaw, sharp, toRaw } from './sharp.js';
import { maskIou } from './testing/pixels.js';
import { makeProductPhoto, type SyntheticPhoto } from './testing/synthetic.js';

const KEY = 'sk-test-pipeline-key-0123456789';
const presetId = 'shopee-white-studio';
let sandbox: ProviderSandbox;
let photo: SyntheticPhoto;

const remover = (baseUrl = sandbox.baseUrl): BackgroundRemover =>
  new RemoveBgClient({ apiKey: KEY, baseUrl, retries: 1, retryMinTimeoutMs: 10, timeoutMs: 2000 });

beforeAll(async () => {
  sandbox = await startRemoveBgSandbox({ apiKey: KEY });
  photo = await makeProductPhoto({ width: 400, height: 300, background: 'plain' });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('remoteMatte', () => {
  it('normalises a provider answer of another size to an alpha of the working size', async () => {
    const rgb = await toRaw(sharp(photo.image), 3);
    const half: BackgroundRemover = {
      provider: 'photoroom',
      // A greyscale mask at half size, as a provider may answer.
      removeBackground: async () =>
        fromRaw({ data: photo.alpha, width: 400, height: 300, channels: 1 })
          .resize(200, 150)
          .png()
          .toBuffer(),
    };
    const { alpha, confidence } = await remoteMatte(rgb, half);
    expect(alpha).toHaveLength(400 * 300);
    expect(maskIou(alpha, photo.alpha)).toBeGreaterThan(0.9);
    expect(confidence).toBeGreaterThan(0.5);
  });
});

describe('enhance with a remover', () => {
  it('uses the provider matte when the provider answers', async () => {
    const output = await enhance(photo.image, { presetId, backgroundRemover: remover() });
    expect(output.matteMethod).toBe('removebg');
    expect(output.matteFallbackReason).toBeUndefined();
    expect(sandbox.requestLog.at(-1)).toMatchObject({ status: 200 });
  });

  it('falls back to local segmentation when the provider keeps answering 500', async () => {
    sandbox.injectFault({ path: '/v1.0/removebg', httpStatus: 500, times: 2 });
    const output = await enhance(photo.image, { presetId, backgroundRemover: remover() });
    expect(output).toMatchObject({ matteMethod: 'local', matteFallbackReason: 'unavailable', width: 1200 });
  });

  it('falls back when the provider is down', async () => {
    const output = await enhance(photo.image, {
      presetId,
      backgroundRemover: remover('http://127.0.0.1:9'),
    });
    expect(output).toMatchObject({ matteMethod: 'local', matteFallbackReason: 'network' });
  });

  it('falls back when the key is refused', async () => {
    const bad = new RemoveBgClient({ apiKey: 'wrong-key-000', baseUrl: sandbox.baseUrl });
    const output = await enhance(photo.image, { presetId, backgroundRemover: bad });
    expect(output).toMatchObject({ matteMethod: 'local', matteFallbackReason: 'auth' });
  });

  it('without a remover the matte is local', async () => {
    expect((await enhance(photo.image, { presetId })).matteMethod).toBe('local');
  });
});
