/**
 * The worker's pipeline with a configured provider that is down: the job's enhance still succeeds on the
 * local matte, and the warning names the provider and reason but never the key.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import { makeProductPhoto } from '../../pipeline/testing/synthetic.js';
import { createPipeline } from '../../runtime.js';

const KEY = 'sk-wiring-test-key-0123456789';

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
    const output = await pipeline.enhance(photo.image, { presetId: 'shopee-white-studio' });
    expect(output).toMatchObject({ matteMethod: 'local', matteFallbackReason: 'network', width: 1200 });
    expect(warn).toHaveBeenCalledOnce();
    expect(JSON.stringify(warn.mock.calls)).toContain('photoroom');
    expect(JSON.stringify(warn.mock.calls)).not.toContain(KEY);
  });
});
