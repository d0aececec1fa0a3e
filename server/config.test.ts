import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe('config', () => {
  it('reports every problem at once', () => {
    try {
      parseConfig({ PORT: 'abc', TOKEN_ENCRYPTION_KEYS: 'k1:short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as ConfigError).problems.join('\n');
      for (const name of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'TOKEN_ENCRYPTION_KEYS'])
        expect(text).toContain(name);
    }
  });

  it('parses keys and ignores sandbox origins outside sandbox mode flags', () => {
    const config = parseConfig({
      DATABASE_URL: 'postgres://x/y',
      REDIS_URL: 'redis://127.0.0.1:6379',
      TOKEN_ENCRYPTION_KEYS: `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
      SANDBOX_IMAGE_ORIGINS: 'http://127.0.0.1:9000/path',
    });
    expect(config.TOKEN_ENCRYPTION_KEYS.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(config.SANDBOX_MODE).toBe(false);
    expect(config.SANDBOX_IMAGE_ORIGINS).toEqual(['http://127.0.0.1:9000']);
  });
});
