import { afterAll, describe, expect, it } from 'vitest';
import { segment } from './segment.js';
import { SegmentPool } from './segment-pool.js';
import { decodeRgb } from './testing/pixels.js';
import { makeProductPhoto } from './testing/synthetic.js';

describe('SegmentPool', () => {
  const pool = new SegmentPool(2);
  afterAll(() => pool.close());

  it('gives exactly the matte and confidence of segmenting on this thread, for jobs in parallel', async () => {
    const photos = await Promise.all(
      [1, 2, 3].map(async (seed) =>
        decodeRgb((await makeProductPhoto({ width: 500, height: 400, seed, background: 'wood' })).image),
      ),
    );
    const before = photos.map((p) => Buffer.from(p.data));
    const threaded = await Promise.all(photos.map((p) => pool.segment(p)));
    for (const [i, photo] of photos.entries()) {
      const local = await segment(photo);
      expect(threaded[i]!.confidence).toBe(local.confidence);
      expect(Buffer.compare(threaded[i]!.alpha, local.alpha)).toBe(0);
      expect(threaded[i]).toMatchObject({ width: 500, height: 400 });
      // The caller's pixels are untouched (compose still needs them).
      expect(Buffer.compare(photo.data, before[i]!)).toBe(0);
    }
  }, 60_000);

  it('refuses what segment refuses, and needs a thread', async () => {
    await expect(pool.segment({ data: Buffer.alloc(16), width: 2, height: 2, channels: 4 })).rejects.toThrow(
      '3-channel',
    );
    expect(() => new SegmentPool(0)).toThrow();
  });
});
