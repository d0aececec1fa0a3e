/**
 * The worker's pipeline with a configured provider that is down: the job's enhance still succeeds on the
 * local matte, and the warning names the provider and reason but never the key.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import { convModel } from '../../pipeline/testing/onnx-model.js';
import { makeProductPhoto } from '../../pipeline/testing/synthetic.js';
import { createPipeline } from '../../runtime.js';

const KEY = 'sk-wiring-test-key-0123456789';
const base = {
  DATABASE_URL: 'postgres://x/y',
  REDIS_URL: 'redis://127.0.0.1:6379',
  TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
};

describe('createPipeline', () => {
  it('falls back to local segmentation when the configured provider is unreachable', async () => {
    const config = parseConfig({
      DATABASE_URL: 'postgres://x/y',
      REDIS_URL: 'redis://127.0.0.1:6379',
      TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      BG_REMOVAL_PROVIDER: 'photoroom',
      PHOTOROOM_API_KEY: KEY,
      PHOTOROOM_BASE_URL: 'http://127.0.0.1:9',
    });
    const warn = vi.fn();
    const pipeline = createPipeline(config, { warn } as unknown as Logger);
    const photo = await makeProductPhoto({ width: 300, height: 300, background: 'plain' });
    // The local fallback runs on the segmentation threads (SEGMENT_THREADS defaults to 2).
    const output = await pipeline
      .enhance(photo.image, { presetId: 'shopee-white-studio' })
      .finally(() => pipeline.close());
    expect(output).toMatchObject({ matteMethod: 'local', matteFallbackReason: 'network', width: 1200 });
    expect(warn).toHaveBeenCalledOnce();
    expect(JSON.stringify(warn.mock.calls)).toContain('photoroom');
    expect(JSON.stringify(warn.mock.calls)).not.toContain(KEY);
  });
});

describe('createPipeline with an ONNX model', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lumiku-onnx-wiring-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const logger = () => {
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    return { log, logger: log as unknown as Logger };
  };

  it('loads the model at start (logged with its input size) and cuts out with it', async () => {
    const path = join(dir, 'tiny-isnet.onnx');
    await writeFile(path, convModel({ size: 16, weights: [1, 1, 1] }));
    const { log, logger: l } = logger();
    const config = parseConfig({
      ...base,
      BG_REMOVAL_PROVIDER: 'onnx',
      ONNX_MODEL_PATH: path,
      ONNX_THREADS: '1',
    });
    const pipeline = createPipeline(config, l);
    await vi.waitFor(() => expect(log.info).toHaveBeenCalledOnce());
    expect(log.info.mock.calls[0]?.[0]).toMatchObject({
      kind: 'isnet',
      inputSize: { width: 16, height: 16 },
      threads: 1,
    });
    const photo = await makeProductPhoto({ width: 300, height: 300, background: 'plain' });
    const output = await pipeline.enhance(photo.image, { presetId: 'shopee-white-studio' });
    expect(output).toMatchObject({ matteMethod: 'onnx', width: 1200 });
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('logs a corrupt model at start, then every photo falls back to local segmentation', async () => {
    const path = join(dir, 'truncated.onnx');
    await writeFile(path, convModel({ size: 16, weights: [1, 1, 1] }).subarray(0, 40));
    const { log, logger: l } = logger();
    const config = parseConfig({ ...base, BG_REMOVAL_PROVIDER: 'onnx', ONNX_MODEL_PATH: path });
    const pipeline = createPipeline(config, l);
    await vi.waitFor(() => expect(log.error).toHaveBeenCalledOnce());
    expect(log.error.mock.calls[0]?.[1]).toMatch(/could not be loaded; every photo uses local segmentation/);
    const photo = await makeProductPhoto({ width: 300, height: 300, background: 'plain' });
    const output = await pipeline.enhance(photo.image, { presetId: 'shopee-white-studio' });
    expect(output).toMatchObject({ matteMethod: 'local', matteFallbackReason: 'model_invalid' });
    expect(log.warn).toHaveBeenCalledWith(
      { provider: 'onnx', reason: 'model_invalid' },
      'background removal provider failed; used local segmentation',
    );
  });
});
