import { describe, expect, it } from 'vitest';
import type { LightingStep } from '../../shared/workflow.js';
import { fromRaw, type RawImage, toRaw } from './sharp.js';
import { applyTone, planLighting, planTone } from './tone.js';

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

describe('lighting steps', () => {
  // A neutral product: a grey ramp 70..200 with a little colour variation, all of it product.
  const product = image(131, 40, (x, y) => [70 + x, 70 + x + (y % 3), 70 + x - (y % 2)]);
  const stats = async (step: LightingStep) => {
    const out = await toRaw(applyTone(fromRaw(product), planLighting(step, product, allProduct(product))), 3);
    let sum = 0;
    let sumSq = 0;
    let warmth = 0;
    const n = out.width * out.height;
    for (let p = 0; p < n; p++) {
      const [r, g, b] = [out.data[p * 3]!, out.data[p * 3 + 1]!, out.data[p * 3 + 2]!];
      const l = 0.299 * r + 0.587 * g + 0.114 * b;
      sum += l;
      sumSq += l * l;
      warmth += r - b;
    }
    const mean = sum / n;
    return { mean, contrast: Math.sqrt(sumSq / n - mean * mean), warmth: warmth / n };
  };
  const preset = (name: 'studio' | 'natural' | 'dramatic' | 'bright' | 'moody') =>
    stats({ type: 'lighting', kind: 'preset', preset: name });

  it('the five presets look measurably different', async () => {
    const [studio, natural, dramatic, bright, moody] = [
      await preset('studio'),
      await preset('natural'),
      await preset('dramatic'),
      await preset('bright'),
      await preset('moody'),
    ];
    const auto = await stats({ type: 'lighting', kind: 'auto' });
    // Dramatic: clearly more contrast than everything else.
    for (const other of [studio, natural, bright, moody, auto]) {
      expect(dramatic.contrast).toBeGreaterThan(other.contrast * 1.15);
    }
    // Moody: the darkest; bright: the lightest.
    for (const other of [studio, natural, dramatic, bright, auto])
      expect(moody.mean).toBeLessThan(other.mean - 10);
    for (const other of [studio, natural, dramatic, moody, auto])
      expect(bright.mean).toBeGreaterThan(other.mean + 10);
    // Natural: warm daylight, softer than studio; moody: cool.
    expect(natural.warmth).toBeGreaterThan(studio.warmth + 8);
    expect(natural.contrast).toBeLessThan(studio.contrast);
    expect(moody.warmth).toBeLessThan(studio.warmth - 5);
  });

  it('manual brightness, contrast and warmth move the numbers they name, in both directions', async () => {
    const manual = (brightness: number, contrast: number, warmth: number) =>
      stats({ type: 'lighting', kind: 'manual', brightness, contrast, warmth });
    const neutral = await manual(0, 0, 0);
    // 0/0/0 leaves the product as it is (apart from a light sharpen, which keeps the mean).
    expect(Math.abs(neutral.mean - 135)).toBeLessThan(1.5);
    expect(Math.abs(neutral.warmth)).toBeLessThan(1.5);
    expect((await manual(60, 0, 0)).mean).toBeGreaterThan(neutral.mean + 30);
    expect((await manual(-60, 0, 0)).mean).toBeLessThan(neutral.mean - 30);
    expect((await manual(0, 80, 0)).contrast).toBeGreaterThan(neutral.contrast * 1.3);
    expect((await manual(0, -80, 0)).contrast).toBeLessThan(neutral.contrast * 0.7);
    expect((await manual(0, 0, 80)).warmth).toBeGreaterThan(neutral.warmth + 15);
    expect((await manual(0, 0, -80)).warmth).toBeLessThan(neutral.warmth - 15);
  });
});
