import { describe, expect, it } from 'vitest';
import { TEXTURES } from '../../shared/workflow.js';
import { renderBackdrop, SWEEP_HORIZON } from './backdrop.js';
import { meanColour, pixelAt } from './testing/pixels.js';

const luma = ([r, g, b]: readonly number[]) => 0.299 * r! + 0.587 * g! + 0.114 * b!;

describe('backdrops', () => {
  it('solid: every pixel is the colour', async () => {
    const image = await renderBackdrop({ type: 'background', kind: 'solid', color: '#12ab34' }, 40, 30);
    expect(pixelAt(image, 0, 0)).toEqual([0x12, 0xab, 0x34]);
    expect(pixelAt(image, 39, 29)).toEqual([0x12, 0xab, 0x34]);
  });

  it('linear 180°: `from` at the top edge, `to` at the bottom, halfway in the middle; 90° runs left to right', async () => {
    const step = { type: 'background', kind: 'linear', from: '#000000', to: '#ffffff', angle: 180 } as const;
    const image = await renderBackdrop(step, 300, 200);
    expect(pixelAt(image, 150, 0)[0]).toBeLessThanOrEqual(2);
    expect(pixelAt(image, 150, 199)[0]).toBeGreaterThanOrEqual(253);
    expect(Math.abs(pixelAt(image, 150, 100)[0] - 128)).toBeLessThanOrEqual(3);
    // Constant along a row.
    expect(pixelAt(image, 0, 50)).toEqual(pixelAt(image, 299, 50));
    const sideways = await renderBackdrop({ ...step, from: '#ff0000', to: '#0000ff', angle: 90 }, 300, 200);
    expect(pixelAt(sideways, 0, 100)[0]).toBeGreaterThanOrEqual(253);
    expect(pixelAt(sideways, 299, 100)[2]).toBeGreaterThanOrEqual(253);
  });

  it('radial: `inner` at the centre, `outer` at the corners, symmetric', async () => {
    const step = { type: 'background', kind: 'radial', inner: '#ffffff', outer: '#404040' } as const;
    const image = await renderBackdrop(step, 301, 201);
    expect(pixelAt(image, 150, 100)).toEqual([255, 255, 255]);
    for (const [x, y] of [
      [0, 0],
      [300, 0],
      [0, 200],
      [300, 200],
    ] as const) {
      expect(pixelAt(image, x, y)[0]).toBeLessThanOrEqual(0x41);
    }
    expect(pixelAt(image, 100, 100)).toEqual(pixelAt(image, 200, 100));
    expect(luma(pixelAt(image, 150, 100))).toBeGreaterThan(luma(pixelAt(image, 250, 100)));
  });

  it('studio sweep: darkest at the soft horizon, brighter wall above and floor front below, no hard line', async () => {
    const image = await renderBackdrop(
      { type: 'background', kind: 'studio_sweep', color: '#f0f0f0' },
      400,
      600,
    );
    const row = (y: number) => luma(meanColour(image, 150, y, 100, 1));
    const horizon = Math.round(600 * SWEEP_HORIZON);
    expect(row(horizon)).toBeLessThan(row(5) - 10);
    expect(row(horizon)).toBeLessThan(row(595) - 10);
    expect(row(595)).toBeGreaterThan(row(horizon + 60));
    // Soft: neighbouring rows never jump by more than 2 levels.
    for (let y = 1; y < 600; y++) expect(Math.abs(row(y) - row(y - 1))).toBeLessThanOrEqual(2);
    // The sides are a little darker than the middle (vignette), the product stays the brightest thing.
    expect(luma(pixelAt(image, 0, 100))).toBeLessThan(luma(pixelAt(image, 200, 100)));
  });

  it.each(TEXTURES)(
    'texture %s: not flat, deterministic for a seed, different for another seed',
    async (texture) => {
      const step = { type: 'background', kind: 'texture', texture, seed: 7 } as const;
      const a = await renderBackdrop(step, 320, 240);
      const b = await renderBackdrop(step, 320, 240);
      const other = await renderBackdrop({ ...step, seed: 8 }, 320, 240);
      expect(a.data.equals(b.data)).toBe(true);
      expect(a.data.equals(other.data)).toBe(false);
      const values: number[] = [];
      for (let p = 0; p < a.width * a.height; p += 7)
        values.push(luma([...a.data.subarray(p * 3, p * 3 + 3)]));
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
      expect(sd).toBeGreaterThan(3);
      // Still a backdrop: mid-to-light, nothing near black.
      expect(mean).toBeGreaterThan(90);
    },
  );

  it('a texture tint multiplies its colours', async () => {
    const step = { type: 'background', kind: 'texture', texture: 'concrete' } as const;
    const natural = await renderBackdrop(step, 100, 100);
    const tinted = await renderBackdrop({ ...step, tint: '#ff8080' }, 100, 100);
    const [nr, , nb] = meanColour(natural, 0, 0, 100, 100);
    const [tr, , tb] = meanColour(tinted, 0, 0, 100, 100);
    expect(Math.abs(tr - nr)).toBeLessThan(2);
    expect(tb).toBeLessThan(nb * 0.6);
  });
});
