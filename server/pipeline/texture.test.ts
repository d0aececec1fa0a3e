import { describe, expect, it } from 'vitest';
import { backdropTexture, relativeTexture } from './texture.js';

const W = 120;
const H = 100;
const OPTIONS = { radius: 5, quantile: 0.02, ratio: 0.6, minLevel: 0.008, minShare: 0.005, regionOffset: 90 };
const untexturedRegions = (data: Uint8Array, w: number, h: number, trusted: Uint8Array, options = OPTIONS) =>
  backdropTexture(data, w, h, trusted, options).untextured;

type Rgb = [number, number, number];

/** Checked cloth (`check` pixels a side, lavender and blue), lit by `light(x, y)` (1 = full light). */
function cloth(check: number, light: (x: number, y: number) => number = () => 1) {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const colour: Rgb =
        (Math.floor(x / check) + Math.floor(y / check)) % 2 ? [200, 195, 220] : [135, 140, 190];
      const k = light(x, y);
      for (let c = 0; c < 3; c++) data[(y * W + x) * 3 + c] = Math.round(colour[c]! * k);
    }
  }
  return data;
}

/** Paints a smooth rectangle shading from white (left) to grey (right), like a shirt's sleeve turned from the light. */
function paintSleeve(data: Uint8Array, x0: number, y0: number, x1: number, y1: number) {
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const v = Math.round(240 - (130 * (x - x0)) / (x1 - x0));
      data.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3);
    }
  }
}

/** Adds ±1 to a third of the channel values, as JPEG does to a smooth surface (a fixed sequence, not random). */
function addNoise(data: Uint8Array): void {
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const draw = (state >>> 8) % 6;
    const step = draw === 0 ? -1 : draw === 1 ? 1 : 0;
    data[i] = Math.min(255, Math.max(0, data[i]! + step));
  }
}

/** A dark brown box (left lit, right in shade), smooth but for the noise {@link addNoise} adds later. */
function paintDarkBox(data: Uint8Array, x0: number, y0: number, x1: number, y1: number) {
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const k = 1 - (0.5 * (x - x0)) / (x1 - x0);
      const i = (y * W + x) * 3;
      data[i] = Math.round(56 * k);
      data[i + 1] = Math.round(37 * k);
      data[i + 2] = Math.round(23 * k);
    }
  }
}

const ring = (() => {
  const trusted = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) if (x < 3 || y < 3 || x >= W - 3 || y >= H - 3) trusted[y * W + x] = 1;
  }
  return trusted;
})();

const inside = (regions: Uint8Array, x0: number, y0: number, x1: number, y1: number) => {
  let count = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) count += regions[y * W + x]!;
  return count / ((x1 - x0) * (y1 - y0));
};
const total = (regions: Uint8Array) => regions.reduce((a, b) => a + b, 0);

describe('relativeTexture', () => {
  it('is the same on a checked cloth in shade as in full light, and near zero on a smooth surface', () => {
    const lit = relativeTexture(cloth(10), W, H, 5);
    const shaded = relativeTexture(
      cloth(10, () => 0.5),
      W,
      H,
      5,
    );
    const smooth = new Uint8Array(W * H * 3);
    paintSleeve(smooth, 0, 0, W, H);
    const flat = relativeTexture(smooth, W, H, 5);
    const at = (t: Float32Array) => t[50 * W + 60]!;
    // The +30 in the denominator makes shade lower it a little, not remove it.
    expect(at(shaded)).toBeGreaterThan(at(lit) * 0.7);
    expect(at(flat)).toBeLessThan(at(lit) * 0.2);
  });
});

describe('backdropTexture', () => {
  it('finds a smooth, shaded sleeve on checked cloth, and none of the cloth, lit or in shade', () => {
    // The sleeve's grey end is the light checks' colour in shade; a cast shadow falls beside it.
    const data = cloth(10, (x, y) => (x > 80 && y > 60 ? 0.6 : 1));
    paintSleeve(data, 30, 35, 80, 60);
    const regions = untexturedRegions(data, W, H, ring, OPTIONS);
    expect(inside(regions, 38, 42, 72, 53)).toBe(1);
    // Only the sleeve: nothing beyond it (the window reaches 5 px past an edge).
    expect(inside(regions, 0, 0, W, 30)).toBe(0);
    expect(inside(regions, 0, 65, W, H)).toBe(0);
    expect(total(regions)).toBeLessThanOrEqual(50 * 25);
  });

  it('finds the whole of a smooth dark box, its noise not taken for texture', () => {
    const data = cloth(10);
    paintDarkBox(data, 30, 30, 90, 70);
    addNoise(data);
    const regions = untexturedRegions(data, W, H, ring, OPTIONS);
    // Lit and shaded halves, inset by the window's reach past the box's edge.
    expect(inside(regions, 36, 36, 60, 64)).toBe(1);
    expect(inside(regions, 60, 36, 84, 64)).toBe(1);
    // With relativeTexture's default offset, the noise over the dark box's low brightness reads as texture.
    const noisy = untexturedRegions(data, W, H, ring, { ...OPTIONS, regionOffset: 30 });
    expect(inside(noisy, 36, 36, 60, 64)).toBeLessThan(0.5);
    expect(inside(noisy, 60, 36, 84, 64)).toBe(0);
  });

  it('finds nothing where the backdrop has smooth stretches of its own (large tiles)', () => {
    const data = cloth(40);
    paintSleeve(data, 30, 35, 80, 60);
    expect(total(untexturedRegions(data, W, H, ring, OPTIONS))).toBe(0);
  });

  it('finds nothing on a plain backdrop', () => {
    const data = new Uint8Array(W * H * 3).fill(230);
    paintSleeve(data, 30, 35, 80, 60);
    expect(total(untexturedRegions(data, W, H, ring, OPTIONS))).toBe(0);
  });

  it('leaves out smooth regions that touch the frame or are specks', () => {
    const data = cloth(10);
    paintSleeve(data, 0, 35, 50, 60); // runs into the frame
    paintSleeve(data, 90, 45, 98, 52); // a speck: after the window, nothing of it is left
    // The backdrop is learnt from the frame beside the sleeve, not from the sleeve.
    const trusted = ring.map((t, p) => (Math.floor(p / W) >= 30 && Math.floor(p / W) < 65 ? 0 : t));
    expect(total(untexturedRegions(data, W, H, trusted, OPTIONS))).toBe(0);
    // The same sleeve away from the frame is found.
    const away = cloth(10);
    paintSleeve(away, 20, 35, 70, 60);
    expect(total(untexturedRegions(away, W, H, trusted, OPTIONS))).toBeGreaterThan(0);
  });
});
