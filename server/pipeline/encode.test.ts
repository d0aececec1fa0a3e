import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { encodeWithin } from './encode.js';
import { mulberry32 } from './gmm.js';
import { type RawImage, sharp } from './sharp.js';

// Pure noise: the worst case for JPEG size.
const random = mulberry32(3);
const noise: RawImage = {
  data: Buffer.from(Array.from({ length: 600 * 600 * 3 }, () => Math.floor(random() * 256))),
  width: 600,
  height: 600,
  channels: 3,
};

describe('encodeWithin', () => {
  it('steps JPEG quality down until the file fits', async () => {
    const atFull = await encodeWithin(noise, 'jpeg', 90, 10_000_000);
    const limit = Math.floor(atFull.length * 0.7);
    const fitted = await encodeWithin(noise, 'jpeg', 90, limit);
    expect(fitted.length).toBeLessThanOrEqual(limit);
    const metadata = await sharp(fitted).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 600, height: 600 });
    expect(metadata.exif).toBeUndefined();
  });

  it('gives up with PROCESSING_FAILED rather than ship an oversize or mushy file', async () => {
    const error = await encodeWithin(noise, 'jpeg', 90, 20_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('PROCESSING_FAILED');
  });
});
