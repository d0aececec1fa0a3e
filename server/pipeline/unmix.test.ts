import { describe, expect, it } from 'vitest';
import { unmixEdges } from './unmix.js';

const W = 60;
const H = 20;
// The small cut's grid has 4 × 4 px cells; pooled 3 either side, the band's cells (6..9) reach sure cells
// of both kinds.
const CELL = 4;
const OPTIONS = { reach: 3, minContrast: 30 };

type Rgb = [number, number, number];
const BACKDROP: Rgb = [200, 200, 200];
const PRODUCT: Rgb = [40, 80, 160];

/**
 * A vertical edge: backdrop left of column 30, product from column 33, and three mixed columns between
 * (a quarter, half and three quarters product). The band (ramp 128) covers columns 24..38, and `hard`
 * starts as product all across it: the outward-biased decision unmixing corrects.
 */
function edge(backdrop: Rgb = BACKDROP, product: Rgb = PRODUCT) {
  const data = new Uint8Array(W * H * 3);
  const ramp = new Uint8Array(W * H);
  const hard = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const alpha = x < 30 ? 0 : x >= 33 ? 1 : (x - 29) / 4;
      for (let c = 0; c < 3; c++)
        data[p * 3 + c] = Math.round(alpha * product[c]! + (1 - alpha) * backdrop[c]!);
      ramp[p] = x < 24 ? 0 : x > 38 ? 255 : 128;
      hard[p] = x < 24 ? 0 : 255;
    }
  }
  // The small cut: cells averaged from the pixels, product from cell 8 (pixels 32..35) on.
  const sw = W / CELL;
  const sh = H / CELL;
  const small = { data: new Uint8Array(sw * sh * 3), mask: new Uint8Array(sw * sh), width: sw, height: sh };
  for (let cy = 0; cy < sh; cy++) {
    for (let cx = 0; cx < sw; cx++) {
      small.mask[cy * sw + cx] = cx >= 8 ? 1 : 0;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = cy * CELL; y < (cy + 1) * CELL; y++)
          for (let x = cx * CELL; x < (cx + 1) * CELL; x++) sum += data[(y * W + x) * 3 + c]!;
        small.data[(cy * sw + cx) * 3 + c] = Math.round(sum / CELL / CELL);
      }
    }
  }
  return { data, ramp, hard, small };
}

const row = (hard: Uint8Array, y: number) => Array.from(hard.subarray(y * W, y * W + W));

describe('unmixEdges', () => {
  it('puts the edge where the pixels are half product, half backdrop', () => {
    const { data, ramp, hard, small } = edge();
    const changed = unmixEdges(data, W, H, ramp, hard, undefined, small, OPTIONS);
    for (const y of [0, 10, H - 1]) {
      const decided = row(hard, y);
      // Backdrop through column 29, the quarter-product column 30 too; product from the half column 31.
      expect(decided.slice(0, 31).every((v) => v === 0)).toBe(true);
      expect(decided.slice(31).every((v) => v === 255)).toBe(true);
    }
    // Columns 24..30 turned backdrop on every row.
    expect(changed).toBe(7 * H);
  });

  it('also moves an edge decided too far in', () => {
    const { data, ramp, hard, small } = edge();
    for (let p = 0; p < hard.length; p++) if (ramp[p] === 128) hard[p] = 0;
    unmixEdges(data, W, H, ramp, hard, undefined, small, OPTIONS);
    expect(row(hard, 5).indexOf(255)).toBe(31);
  });

  it('leaves the band alone where product and backdrop are too alike to unmix', () => {
    const { data, ramp, hard, small } = edge(BACKDROP, [180, 185, 195]);
    const before = hard.slice();
    expect(unmixEdges(data, W, H, ramp, hard, undefined, small, OPTIONS)).toBe(0);
    expect(hard).toEqual(before);
  });

  it('leaves firm pixels (bridges) as they are', () => {
    const { data, ramp, hard, small } = edge();
    const firm = new Uint8Array(W * H);
    for (let x = 24; x <= 38; x++) firm[3 * W + x] = 1;
    unmixEdges(data, W, H, ramp, hard, firm, small, OPTIONS);
    expect(
      row(hard, 3)
        .slice(24, 31)
        .every((v) => v === 255),
    ).toBe(true);
    expect(row(hard, 4).indexOf(255)).toBe(31);
  });

  it('leaves the band alone with no sure product and sure backdrop both within reach', () => {
    const { data, ramp, hard, small } = edge();
    const before = hard.slice();
    // One cell either side: cells 6..9 see sure backdrop (≤ 6) or sure product (≥ 9), never both.
    expect(unmixEdges(data, W, H, ramp, hard, undefined, small, { ...OPTIONS, reach: 1 })).toBe(0);
    expect(hard).toEqual(before);
  });
});
