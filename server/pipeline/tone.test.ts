import { describe, expect, it } from 'vitest';
import { fromRaw, type RawImage, toRaw } from './sharp.js';
import { applyTone, planTone } from './tone.js';

function image(
  width: number,
  height: number,
  colour: (x: number, y: number) => [number, number, number],
): RawImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(colour(x, y), (y * width + x) * 3);
  }
  return { data, width, height, channels: 3 };
}

const allProduct = (img: RawImage) => new Uint8Array(img.width * img.height).fill(255);

describe('tone', () => {
  it('stretches a flat, dull product towards full range, conservatively and without hue change', async () => {
    // A grey ramp from 60 to 190: levels should widen it, not to 0..255.
    const dull = image(130, 20, (x) => [60 + x, 60 + x, 60 + x]);
    const plan = planTone(dull, allProduct(dull));
    const out = await toRaw(applyTone(fromRaw(dull), plan), 3);
    const first = out.data[10 * 130 * 3 + 3]!;
    const last = out.data[10 * 130 * 3 + 126 * 3]!;
    expect(first).toBeLessThan(60);
    expect(last).toBeGreaterThan(190);
    expect(last - first).toBeLessThan(130 * 1.3);
    // Grey stays grey.
    const mid = out.data.subarray(10 * 130 * 3 + 65 * 3, 10 * 130 * 3 + 65 * 3 + 3);
    expect(Math.max(...mid) - Math.min(...mid)).toBeLessThanOrEqual(2);
  });

  it('pulls a mild colour cast towards neutral, by a limited amount', () => {
    const warm = image(64, 64, (x, y) => {
      const v = 100 + ((x + y) % 60);
      return [Math.min(255, v * 1.1), v, v * 0.9];
    });
    const { matrix } = planTone(warm, allProduct(warm));
    const gainR = matrix[0][0] + matrix[0][1] + matrix[0][2];
    const gainB = matrix[2][0] + matrix[2][1] + matrix[2][2];
    expect(gainR).toBeLessThan(gainB);
    // Limited: at most ±6 % white balance on top of a shared levels gain.
    expect(gainB / gainR).toBeLessThan(1.14);
  });

  it('does not treat a strongly coloured scene as a cast', () => {
    const wood = image(64, 64, () => [150, 100, 60]);
    const { matrix } = planTone(wood, allProduct(wood));
    const gainR = matrix[0][0] + matrix[0][1] + matrix[0][2];
    const gainB = matrix[2][0] + matrix[2][1] + matrix[2][2];
    expect(gainR).toBeCloseTo(gainB, 5);
  });
});
