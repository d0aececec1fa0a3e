import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { checkUploadRules } from './upload-rules.js';

describe('checkUploadRules (shopee: JPEG/PNG, 300–5000 px, ≤ 10 MB)', () => {
  const ok = { format: 'jpeg', width: 1200, height: 1200, bytes: 400_000 } as const;

  it('accepts a normal Shopee square', () => {
    expect(() => checkUploadRules(ok, 'shopee')).not.toThrow();
    expect(() => checkUploadRules({ ...ok, format: 'png' }, 'shopee')).not.toThrow();
  });

  it.each([
    ['too many bytes', { bytes: 10 * 1024 * 1024 + 1 }, /bytes/],
    ['no bytes', { bytes: 0 }, /bytes/],
    ['too small', { width: 299, height: 1200 }, /below 300/],
    ['too large', { width: 1200, height: 5001 }, /above 5000/],
    ['a format Shopee refuses', { format: 'webp' as const }, /format webp/],
  ])('rejects %s', (_name, change, message) => {
    let caught: unknown;
    try {
      checkUploadRules({ ...ok, ...change }, 'shopee');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('PROCESSING_FAILED');
    expect((caught as AppError).message).toMatch(message);
  });
});
