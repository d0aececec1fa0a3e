import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config.js';
import {
  createBackgroundRemover,
  FalClient,
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
