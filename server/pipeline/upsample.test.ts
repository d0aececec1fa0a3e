import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { upsampleMask } from './upsample.js';

/** What sharp's `linear` resize (the call upsampleMask replaces) makes of the mask. */
async function viaSharp(mask: Uint8Array, sw: number, sh: number, width: number, height: number) {
  return sharp(Buffer.from(mask.map((m) => m * 255)), { raw: { width: sw, height: sh, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .extractChannel(0)
    .raw({ depth: 'uchar' })
    .toBuffer();
}

/** A disc, a 1-pixel line, a column at the frame and a few scattered pixels: edges in every direction. */
function shapes(sw: number, sh: number): Uint8Array {
  const mask = new Uint8Array(sw * sh);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const disc = Math.hypot(x - sw / 2, y - sh / 2) < Math.min(sw, sh) / 3;
      const line = y === Math.floor(sh / 5) && x > sw / 4;
      const speck = (x * 31 + y * 17) % 97 === 0;
      mask[y * sw + x] = disc || line || x === 0 || speck ? 1 : 0;
    }
  }
  return mask;
}

describe('upsampleMask', () => {
  it.each([
    [256, 256, 1200, 1200],
    [256, 252, 800, 788],
    [243, 256, 1328, 1400],
    [256, 171, 3000, 2000],
    [7, 5, 30, 21],
    [256, 256, 256, 300],
  ])("matches sharp's linear resize within 1 level: %i×%i → %i×%i", async (sw, sh, width, height) => {
    const mask = shapes(sw, sh);
    const expected = await viaSharp(mask, sw, sh, width, height);
    const actual = upsampleMask(mask, sw, sh, width, height);
    expect(actual.length).toBe(width * height);
    let worst = 0;
    let ramp = 0;
    for (let p = 0; p < actual.length; p++) {
      worst = Math.max(worst, Math.abs(actual[p]! - expected[p]!));
      if (actual[p] !== 0 && actual[p] !== 255) ramp++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    // The edges really are ramps, not steps.
    expect(ramp).toBeGreaterThan(width);
  });

  it('keeps a uniform mask uniform, and copes with a single row or column', () => {
    expect(upsampleMask(new Uint8Array(12).fill(1), 4, 3, 40, 30).every((v) => v === 255)).toBe(true);
    expect(upsampleMask(new Uint8Array(12), 4, 3, 40, 30).every((v) => v === 0)).toBe(true);
    const row = upsampleMask(Uint8Array.from([0, 1]), 2, 1, 8, 3);
    expect([...row.subarray(0, 8)]).toEqual([...row.subarray(16, 24)]);
    expect(row[0]).toBe(0);
    expect(row[7]).toBe(255);
    const column = upsampleMask(Uint8Array.from([1, 0]), 1, 2, 3, 8);
    expect(column[0]).toBe(255);
    expect(column[7 * 3]).toBe(0);
  });
});
