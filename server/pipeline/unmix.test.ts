import { describe, expect, it } from 'vitest';
import { unmixEdges } from './unmix.js';

const W = 60;
const H = 20;
// The small cut's grid has 4 × 4 px cells; pooled 3 either side, the band's cells (6..9) reach sure cells
// of both kinds.
const CELL = 4;
const OPTIONS = { reach: 3, minContrast: 30, passes: 2 };

type Rgb = [number, number, number];
const BACKDROP: Rgb = [200, 200, 200];
const PRODUCT: Rgb = [40, 80, 160];

/**
 * A vertical edge: backdrop left of column 30, product from column 33, and three mixed columns between
 * (a quarter, half and three quarters product). `hard` starts as product from column `from` (29: 2 px
 * out, the outward-biased decision unmixing corrects).
 * Rows `glare` of the product are the backdrop's colour (a highlight in a hotspot).
 */
function edge(backdrop: Rgb = BACKDROP, product: Rgb = PRODUCT, from = 29, glare: number[] = []) {
  const data = new Uint8Array(W * H * 3);
  const hard = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const alpha = glare.includes(y) ? 0 : x < 30 ? 0 : x >= 33 ? 1 : (x - 29) / 4;
      for (let c = 0; c < 3; c++)
        data[p * 3 + c] = Math.round(alpha * product[c]! + (1 - alpha) * backdrop[c]!);
      hard[p] = x < from ? 0 : 255;
    }
  }
  // The small cut: product from cell 8 (pixels 32..35) on.
  const small = smallCut(data, W, H, (cx) => cx >= 8);
  return { data, hard, small };
}

/** The small cut's grid over a w × h image: cells of CELL px averaged, 1 where `product(cx, cy)`. */
function smallCut(data: Uint8Array, w: number, h: number, product: (cx: number, cy: number) => boolean) {
  const sw = w / CELL;
  const sh = h / CELL;
  const small = { data: new Uint8Array(sw * sh * 3), mask: new Uint8Array(sw * sh), width: sw, height: sh };
  for (let cy = 0; cy < sh; cy++) {
    for (let cx = 0; cx < sw; cx++) {
      small.mask[cy * sw + cx] = product(cx, cy) ? 1 : 0;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = cy * CELL; y < (cy + 1) * CELL; y++)
          for (let x = cx * CELL; x < (cx + 1) * CELL; x++) sum += data[(y * w + x) * 3 + c]!;
        small.data[(cy * sw + cx) * 3 + c] = Math.round(sum / CELL / CELL);
      }
    }
  }
  return small;
}

const row = (hard: Uint8Array, y: number) => Array.from(hard.subarray(y * W, y * W + W));

describe('unmixEdges', () => {
  it('puts the edge where the pixels are half product, half backdrop', () => {
    const { data, hard, small } = edge();
    const changed = unmixEdges(data, W, H, hard, undefined, small, OPTIONS);
    for (const y of [0, 10, H - 1]) {
      const decided = row(hard, y);
      // Backdrop through column 29, the quarter-product column 30 too; product from the half column 31.
      expect(decided.slice(0, 31).every((v) => v === 0)).toBe(true);
      expect(decided.slice(31).every((v) => v === 255)).toBe(true);
    }
    // Columns 29 and 30 turned backdrop on every row.
    expect(changed).toBe(2 * H);
  });

  it('also moves an edge decided too far in', () => {
    const { data, hard, small } = edge(BACKDROP, PRODUCT, 33);
    unmixEdges(data, W, H, hard, undefined, small, OPTIONS);
    expect(row(hard, 5).indexOf(255)).toBe(31);
  });

  it('moves an edge by at most a pixel a pass', () => {
    const far = edge(BACKDROP, PRODUCT, 24);
    unmixEdges(far.data, W, H, far.hard, undefined, far.small, OPTIONS);
    expect(row(far.hard, 5).indexOf(255)).toBe(26);
    unmixEdges(far.data, W, H, far.hard, undefined, far.small, { ...OPTIONS, passes: 5 });
    expect(row(far.hard, 5).indexOf(255)).toBe(31);
  });

  it('moves an edge the small cut put a cell out, through cells it had wholly on one side', () => {
    // The small cut took cell 6 (pixels 24..27) and cell 7 as product: pixels 24..29 are backdrop and
    // the upsampled ramp is 255 over most of them, where the old band stopped.
    const { data, hard } = edge(BACKDROP, PRODUCT, 24);
    const small = smallCut(data, W, H, (cx) => cx >= 6);
    unmixEdges(data, W, H, hard, undefined, small, { ...OPTIONS, passes: 8 });
    for (const y of [0, 10, H - 1]) expect(row(hard, y).indexOf(255)).toBe(31);
  });

  it("thins a stretch of product in the backdrop's colour, does not cut it away", () => {
    const glare = [8, 9, 10, 11];
    const { data, hard, small } = edge(BACKDROP, PRODUCT, 31, glare);
    unmixEdges(data, W, H, hard, undefined, small, OPTIONS);
    for (const y of glare) expect(row(hard, y).indexOf(255)).toBe(33);
    expect(row(hard, 5).indexOf(255)).toBe(31);
    // Unbounded, it would go on, but only as far as the cells visited: two either side of the small cut's
    // edge (cells 5..10, pixels 20..43).
    unmixEdges(data, W, H, hard, undefined, small, { ...OPTIONS, passes: 20 });
    expect(row(hard, 9).indexOf(255)).toBeGreaterThan(36);
    expect(row(hard, 9).indexOf(255)).toBeLessThanOrEqual(44);
  });

  it('leaves the band alone where product and backdrop are too alike to unmix', () => {
    const { data, hard, small } = edge(BACKDROP, [180, 185, 195]);
    const before = hard.slice();
    expect(unmixEdges(data, W, H, hard, undefined, small, OPTIONS)).toBe(0);
    expect(hard).toEqual(before);
  });

  it('leaves firm pixels (bridges) as they are', () => {
    const { data, hard, small } = edge();
    const firm = new Uint8Array(W * H);
    for (let x = 24; x <= 38; x++) firm[3 * W + x] = 1;
    unmixEdges(data, W, H, hard, firm, small, OPTIONS);
    expect(
      row(hard, 3)
        .slice(29, 31)
        .every((v) => v === 255),
    ).toBe(true);
    expect(row(hard, 4).indexOf(255)).toBe(31);
  });

  it('leaves the band alone with no sure product and sure backdrop both within reach', () => {
    const { data, hard, small } = edge();
    const before = hard.slice();
    // One cell either side: cells 6..9 see sure backdrop (≤ 6) or sure product (≥ 9), never both.
    expect(unmixEdges(data, W, H, hard, undefined, small, { ...OPTIONS, reach: 1 })).toBe(0);
    expect(hard).toEqual(before);
  });
  it("keeps a thin part whole and at least 3 px thick where all of it has the backdrop's colour", () => {
    // A bar 12 px thick (rows 8..19) across a 60 × 32 frame, the backdrop's colour over columns 24..35.
    const w = 60;
    const h = 32;
    const data = new Uint8Array(w * h * 3);
    const hard = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        const bar = y >= 8 && y < 20;
        data.set(bar && (x < 24 || x > 35) ? PRODUCT : BACKDROP, p * 3);
        hard[p] = bar ? 255 : 0;
      }
    }
    const small = smallCut(data, w, h, (_cx, cy) => cy >= 2 && cy < 5);
    unmixEdges(data, w, h, hard, undefined, small, { ...OPTIONS, reach: 6, passes: 20 });
    for (let x = 0; x < w; x++) {
      const column = Array.from({ length: h }, (_, y) => hard[y * w + x]);
      const first = column.indexOf(255);
      const last = column.lastIndexOf(255);
      // One run, at least 3 px, in every column: the bar is still one piece.
      expect(last - first + 1).toBeGreaterThanOrEqual(3);
      expect(column.slice(first, last + 1).every((v) => v === 255)).toBe(true);
    }
    // It was thinned there, though (the glare is backdrop by colour).
    expect(
      Array.from({ length: h }, (_, y) => hard[y * w + 30]).filter((v) => v === 255).length,
    ).toBeLessThan(12);
  });
});
