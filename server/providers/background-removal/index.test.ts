import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config.js';
import { convModel } from '../../pipeline/testing/onnx-model.js';
import {
  createBackgroundRemover,
  defaultOnnxThreads,
  FalClient,
  OnnxMatteModel,
  PhotoroomClient,
  RemoveBgClient,
  SegmindClient,
} from './index.js';

const base = {
  DATABASE_URL: 'postgres://x/y',
  REDIS_URL: 'redis://127.0.0.1:6379',
  TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
};

describe('createBackgroundRemover', () => {
  it('is local (no remover) by default', () => {
    expect(createBackgroundRemover(parseConfig(base))).toBeUndefined();
  });

  it('builds the configured provider with its production default URL', () => {
    const removebg = parseConfig({ ...base, BG_REMOVAL_PROVIDER: 'removebg', REMOVEBG_API_KEY: 'k-123456' });
    expect(removebg.REMOVEBG_BASE_URL).toBe('https://api.remove.bg');
    expect(createBackgroundRemover(removebg)).toBeInstanceOf(RemoveBgClient);
    const photoroom = parseConfig({
      ...base,
      BG_REMOVAL_PROVIDER: 'photoroom',
      PHOTOROOM_API_KEY: 'k-123456',
    });
    expect(photoroom.PHOTOROOM_BASE_URL).toBe('https://sdk.photoroom.com');
    expect(createBackgroundRemover(photoroom)).toBeInstanceOf(PhotoroomClient);
    const segmind = parseConfig({ ...base, BG_REMOVAL_PROVIDER: 'segmind', SEGMIND_API_KEY: 'k-123456' });
    expect(segmind.SEGMIND_BASE_URL).toBe('https://api.segmind.com');
    expect(createBackgroundRemover(segmind)).toBeInstanceOf(SegmindClient);
    const fal = parseConfig({ ...base, BG_REMOVAL_PROVIDER: 'fal', FAL_KEY: 'k-123456' });
    expect(fal.FAL_BASE_URL).toBe('https://queue.fal.run');
    expect(createBackgroundRemover(fal)).toBeInstanceOf(FalClient);
  });

  it('refuses to boot with a provider but no key', () => {
    expect(() => parseConfig({ ...base, BG_REMOVAL_PROVIDER: 'photoroom' })).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, BG_REMOVAL_PROVIDER: 'photoroom' })).toThrow(/PHOTOROOM_API_KEY/);
  });
});

describe('BG_REMOVAL_PROVIDER=onnx', () => {
  let dir: string;
  let modelPath: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lumiku-onnx-config-'));
    modelPath = join(dir, 'isnet-general-use.onnx');
    await writeFile(modelPath, convModel({ size: 8, weights: [1, 1, 1] }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const problems = (env: Record<string, string>): string => {
    try {
      parseConfig({ ...base, BG_REMOVAL_PROVIDER: 'onnx', ...env });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems.join('\n');
    }
    throw new Error('expected a ConfigError');
  };

  it('builds the ONNX model (ISNet by default, threads from the cores) without loading it', () => {
    const config = parseConfig({ ...base, BG_REMOVAL_PROVIDER: 'onnx', ONNX_MODEL_PATH: modelPath });
    const model = createBackgroundRemover(config);
    expect(model).toBeInstanceOf(OnnxMatteModel);
    expect(model).toMatchObject({
      provider: 'onnx',
      kind: 'isnet',
      modelPath,
      threads: defaultOnnxThreads(),
    });
    expect(defaultOnnxThreads()).toBeGreaterThanOrEqual(1);
    expect(defaultOnnxThreads()).toBeLessThanOrEqual(4);
    const u2net = parseConfig({
      ...base,
      BG_REMOVAL_PROVIDER: 'onnx',
      ONNX_MODEL_PATH: modelPath,
      ONNX_MODEL_KIND: 'u2net',
      ONNX_THREADS: '1',
    });
    expect(createBackgroundRemover(u2net)).toMatchObject({ kind: 'u2net', threads: 1 });
  });

  it('refuses to boot without a model file, or with one that is missing, a folder or unreadable', async () => {
    expect(problems({})).toMatch(/ONNX_MODEL_PATH: required when BG_REMOVAL_PROVIDER=onnx/);
    expect(problems({ ONNX_MODEL_PATH: join(dir, 'nope.onnx') })).toMatch(
      /ONNX_MODEL_PATH: .*nope\.onnx does not exist \(fetch one with npm run models:fetch\)/,
    );
    const folder = join(dir, 'folder.onnx');
    await mkdir(folder);
    expect(problems({ ONNX_MODEL_PATH: folder })).toMatch(/folder\.onnx is not a file/);
    // root reads anything: the permission check only means something for other users.
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked.onnx');
      await writeFile(locked, 'x');
      await chmod(locked, 0o000);
      expect(problems({ ONNX_MODEL_PATH: locked })).toMatch(/locked\.onnx cannot be read \(EACCES\)/);
    }
  });

  it('refuses an unknown kind and RMBG (non-commercial) by kind or by file name', async () => {
    expect(problems({ ONNX_MODEL_PATH: modelPath, ONNX_MODEL_KIND: 'sam' })).toMatch(
      /ONNX_MODEL_KIND: must be one of isnet, birefnet, u2net/,
    );
    expect(problems({ ONNX_MODEL_PATH: modelPath, ONNX_MODEL_KIND: 'rmbg' })).toMatch(
      /ONNX_MODEL_KIND: RMBG \(BRIA\) weights are licensed for non-commercial use only/,
    );
    const rmbg = join(dir, 'RMBG-1.4.onnx');
    await writeFile(rmbg, 'x');
    expect(problems({ ONNX_MODEL_PATH: rmbg })).toMatch(
      /ONNX_MODEL_PATH: RMBG \(BRIA\) weights .*non-commercial/,
    );
  });

  it('ignores the ONNX settings when another provider is chosen', () => {
    expect(() => parseConfig({ ...base, ONNX_MODEL_PATH: join(dir, 'nope.onnx') })).not.toThrow();
  });
});
