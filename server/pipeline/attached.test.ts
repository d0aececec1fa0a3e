import { describe, expect, it } from 'vitest';
import { attachParts } from './attached.js';

const W = 80;
const H = 60;
const OPTIONS = { edge: 12, contact: [0.2, 0.8] as [number, number], maxShare: 0.3, minGap: 20, minSize: 8 };

type Rgb = [number, number, number];
const BACKDROP: Rgb = [168, 183, 160];
const UPPER: Rgb = [65, 60, 75];
/** A sole: light, warm grey, not the backdrop's colour in shade. */
const SOLE: Rgb = [168, 150, 150];

/**
 * A dark upper (rows 15..29, columns 20..59) on the backdrop, the cut's mask covering it only, and below
 * it whatever `paint` draws (at (x, y) a colour, or undefined for the backdrop).
 */
function scene(paint: (x: number, y: number) => Rgb | undefined = () => undefined) {
  const data = new Float32Array(W * H * 3);
  const mask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const upper = x >= 20 && x < 60 && y >= 15 && y < 30;
      mask[p] = upper ? 1 : 0;
      const colour = upper ? UPPER : (paint(x, y) ?? BACKDROP);
      for (let c = 0; c < 3; c++) data[p * 3 + c] = colour[c]!;
    }
  }
  return { data, mask };
}

const soleBand = (x: number, y: number) => (x >= 22 && x < 58 && y >= 30 && y < 36 ? SOLE : undefined);

function count(mask: Uint8Array, x0: number, x1: number, y0: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) n += mask[y * W + x]!;
  return n;
}

describe('attachParts', () => {
  it('adds a sharp-edged band of another colour under the product, and nothing beyond it', () => {
    const { data, mask } = scene(soleBand);
    const added = attachParts(mask, data, W, H, BACKDROP, OPTIONS);
    // The band's inside (its edge pixels are added too, for the full-size refinement to place).
    expect(count(mask, 23, 57, 31, 35)).toBe(34 * 4);
    expect(count(added, 23, 57, 31, 35)).toBe(34 * 4);
    // The backdrop two pixels out from the band, and everywhere else, stays backdrop.
    expect(count(mask, 0, W, 38, H)).toBe(0);
    expect(count(mask, 0, 18, 0, H)).toBe(0);
    expect(count(mask, 62, W, 0, H)).toBe(0);
  });

  it('leaves a soft shadow under the product (a flood through it runs on to the frame)', () => {
    // Darkening smoothly from 40 levels under the product to nothing 30 rows down.
    const { data, mask } = scene((x, y) => {
      if (y < 30 || x < 10 || x >= 70) return undefined;
      const k = Math.max(0, 1 - (y - 30) / 30) * 0.25 * Math.max(0, 1 - Math.abs(x - 40) / 30);
      return BACKDROP.map((v) => v * (1 - k)) as Rgb;
    });
    const before = mask.slice();
    attachParts(mask, data, W, H, BACKDROP, OPTIONS);
    expect(mask).toEqual(before);
  });

  it("leaves a hard-edged shadow in the backdrop's own colour", () => {
    const { data, mask } = scene((x, y) =>
      x >= 22 && x < 58 && y >= 30 && y < 36 ? (BACKDROP.map((v) => v * 0.6) as Rgb) : undefined,
    );
    const before = mask.slice();
    attachParts(mask, data, W, H, BACKDROP, OPTIONS);
    expect(mask).toEqual(before);
    // The same band in the sole's colour is a part: the shade test is what left it.
    const sole = scene(soleBand);
    attachParts(sole.mask, sole.data, W, H, BACKDROP, OPTIONS);
    expect(count(sole.mask, 23, 57, 31, 35)).toBe(34 * 4);
  });

  it('leaves a band that runs to the frame', () => {
    // A band under the upper's left half, running on left: to the frame, or stopping 2 px short of it.
    const band = (x0: number) => (x: number, y: number) =>
      x >= x0 && x < 40 && y >= 30 && y < 36 ? SOLE : undefined;
    const roomy = { ...OPTIONS, maxShare: 0.6 };
    const toFrame = scene(band(0));
    const before = toFrame.mask.slice();
    attachParts(toFrame.mask, toFrame.data, W, H, BACKDROP, roomy);
    expect(toFrame.mask).toEqual(before);
    const short = scene(band(2));
    attachParts(short.mask, short.data, W, H, BACKDROP, roomy);
    expect(count(short.mask, 4, 38, 31, 35)).toBe(34 * 4);
  });

  it('leaves a region of the backdrop colour walled off by a thick dark rim (a handle the cut lost)', () => {
    // The rim is the upper's colour but not in the mask: beyond the walled region lies dark, so only the
    // region's own colour, the backdrop's, tells it is no part.
    const rim = (x: number, y: number) =>
      y >= 30 && y < 46 && x >= 16 && x < 64 && !(y < 40 && x >= 22 && x < 58);
    const { data, mask } = scene((x, y) => (rim(x, y) ? UPPER : undefined));
    attachParts(mask, data, W, H, BACKDROP, { ...OPTIONS, maxShare: 1 });
    expect(count(mask, 24, 56, 32, 38)).toBe(0);
  });

  it('leaves a patch parted from its like by a thin line (a printed pattern)', () => {
    // A field of the sole's colour under the upper, a line across it 6 px down: the patch above the line
    // is walled off, but is the colour of what lies beyond it.
    const { data, mask } = scene((x, y) =>
      x >= 10 && x < 70 && y >= 30 && y < 50 ? (y === 36 ? UPPER : SOLE) : undefined,
    );
    const before = mask.slice();
    attachParts(mask, data, W, H, BACKDROP, { ...OPTIONS, maxShare: 1 });
    expect(count(mask, 22, 58, 31, 35)).toBe(0);
    expect(count(before, 22, 58, 31, 35)).toBe(0);
  });

  it('leaves a part bigger than its share of the product', () => {
    const { data, mask } = scene(soleBand);
    const before = mask.slice();
    // The band is 216 px beside a 600 px upper: over a 30 % share with its edge pixels, not under 40 %.
    attachParts(mask, data, W, H, BACKDROP, { ...OPTIONS, maxShare: 0.2 });
    expect(mask).toEqual(before);
    attachParts(mask, data, W, H, BACKDROP, { ...OPTIONS, maxShare: 0.4 });
    expect(count(mask, 23, 57, 31, 35)).toBe(34 * 4);
  });

  it('adds a part joined on by a thin stem only when the product has its colour (a leaf, not a box it touches)', () => {
    // A 1 px stem down from the upper (rows 30..39, in the mask) ending at a 13 × 7 blob (rows 40..46).
    const leafScene = (leaf: Rgb) => {
      const s = scene((x, y) =>
        x === 40 && y >= 30 && y < 40 ? UPPER : x >= 34 && x < 47 && y >= 40 && y < 47 ? leaf : undefined,
      );
      for (let y = 30; y < 40; y++) s.mask[y * W + 40] = 1;
      return s;
    };
    const leaf = leafScene([60, 72, 82]);
    attachParts(leaf.mask, leaf.data, W, H, BACKDROP, OPTIONS);
    expect(count(leaf.mask, 35, 46, 41, 46)).toBe(11 * 5);
    // In a colour the product lacks, the short join is not enough…
    const box = leafScene(SOLE);
    const before = box.mask.slice();
    attachParts(box.mask, box.data, W, H, BACKDROP, OPTIONS);
    expect(box.mask).toEqual(before);
    // …though everything else about it is a part's.
    attachParts(box.mask, box.data, W, H, BACKDROP, { ...OPTIONS, contact: [0, 0.8] });
    expect(count(box.mask, 35, 46, 41, 46)).toBe(11 * 5);
  });

  it('leaves a hole enclosed by the product (cleanUp judges those)', () => {
    const { data, mask } = scene();
    // A 6 × 4 hole of the sole's colour inside the upper.
    for (let y = 20; y < 24; y++) {
      for (let x = 30; x < 36; x++) {
        const p = y * W + x;
        mask[p] = 0;
        for (let c = 0; c < 3; c++) data[p * 3 + c] = SOLE[c]!;
      }
    }
    const before = mask.slice();
    attachParts(mask, data, W, H, BACKDROP, OPTIONS);
    expect(mask).toEqual(before);
  });
});
