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

  it('refuses an AI provider without its key or URL, naming the setting', () => {
    const base = {
      DATABASE_URL: 'postgres://x/y',
      REDIS_URL: 'redis://127.0.0.1:6379',
      TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    };
    const problems = (env: Record<string, string>) => {
      try {
        parseConfig({ ...base, ...env });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ AI_SCENE_PROVIDER: 'fal' })).toEqual(['FAL_KEY: required when AI_SCENE_PROVIDER=fal']);
    expect(problems({ RELIGHT_PROVIDER: 'replicate' })).toEqual([
      'REPLICATE_API_TOKEN: required when RELIGHT_PROVIDER=replicate',
    ]);
    expect(problems({ AI_SCENE_PROVIDER: 'comfyui' })).toEqual([
      'COMFYUI_URL: required when AI_SCENE_PROVIDER=comfyui',
    ]);
    expect(problems({ RELIGHT_PROVIDER: 'comfyui' })[0]).toMatch(/^RELIGHT_PROVIDER/);
    expect(problems({ REPLICATE_SCENE_MODEL: 'not a model' })[0]).toMatch(/^REPLICATE_SCENE_MODEL/);
    const config = parseConfig({
      ...base,
      AI_SCENE_PROVIDER: 'fal',
      FAL_KEY: 'k',
      FAL_RESULT_HOSTS: 'cdn.example.com, *.fal.media',
    });
    expect(config).toMatchObject({
      AI_SCENE_PROVIDER: 'fal',
      RELIGHT_PROVIDER: 'none',
      FAL_SCENE_MODEL: 'fal-ai/fast-sdxl',
      FAL_RELIGHT_MODEL: 'fal-ai/iclight-v2',
      FAL_RESULT_HOSTS: ['cdn.example.com', '*.fal.media'],
      REPLICATE_RESULT_HOSTS: ['replicate.delivery', '*.replicate.delivery'],
    });
  });
});
