import { describe, expect, it } from 'vitest';
import { type RimOptions, snapToRims } from './rim.js';

const W = 40;
const H = 30;
const BACKDROP = [230, 230, 230] as const;
const OPTIONS: RimOptions = { reach: 8, minStep: 20, ratio: 2, litLevels: 40 };

/** A W × H grid of backdrop colour, and an empty mask. */
function grid(): { colours: Float32Array; mask: Uint8Array } {
  const colours = new Float32Array(W * H * 3);
  for (let p = 0; p < W * H; p++) colours.set(BACKDROP, p * 3);
  return { colours, mask: new Uint8Array(W * H) };
}

function paint(
  colours: Float32Array,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  colour: (x: number, y: number) => readonly number[],
): void {
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) colours.set(colour(x, y), (y * W + x) * 3);
}

function mark(mask: Uint8Array, x0: number, x1: number, y0: number, y1: number): void {
  for (let y = y0; y <= y1; y++) mask.fill(1, y * W + x0, y * W + x1 + 1);
}

const grey = (v: number) => [v, v, v] as const;

/** A product in columns 5..24, rows 5..24 (the mask), with `beyond` painted in the columns right of it. */
function productWithSide(
  product: number,
  side: readonly number[],
): { colours: Float32Array; mask: Uint8Array } {
  const { colours, mask } = grid();
  paint(colours, 5, 24, 5, 24, () => grey(product));
  side.forEach((v, i) => {
    paint(colours, 25 + i, 25 + i, 5, 24, () => grey(v));
  });
  mark(mask, 5, 24, 5, 24);
  return { colours, mask };
}

describe('snapToRims', () => {
  it("joins a white box's shaded side the cut left outside its sharp rim, and nothing else", () => {
    // The side darkens smoothly from the lit front (212) to the rim, then a sharp step to the backdrop.
    const { colours, mask } = grid();
    paint(colours, 5, 28, 5, 24, (x) => grey(224 - (x - 5) * 0.8));
    mark(mask, 5, 24, 5, 24);
    const before = mask.slice();
    expect(snapToRims(mask, colours, W, H, BACKDROP, OPTIONS)).toBe(4 * 20);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const strip = x >= 25 && x <= 28 && y >= 5 && y <= 24;
        expect(mask[y * W + x], `${x},${y}`).toBe(before[y * W + x] === 1 || strip ? 1 : 0);
      }
    }
  });

  it("closes the gap a row leaves where its own profile fails (a bright speck on the product's edge)", () => {
    const { colours, mask } = grid();
    paint(colours, 5, 28, 5, 24, (x) => grey(224 - (x - 5) * 0.8));
    // Row 12's edge pixel is a highlight: the step into the strip is then as large as the rim's.
    paint(colours, 24, 24, 12, 12, () => grey(240));
    mark(mask, 5, 24, 5, 24);
    expect(snapToRims(mask, colours, W, H, BACKDROP, OPTIONS)).toBe(4 * 20);
    for (let x = 25; x <= 28; x++) expect(mask[12 * W + x], `${x},12`).toBe(1);
  });

  it('joins a sleeve end whose rim is spread over two pixels, not a soft shadow ramp', () => {
    // Dark end (150), one mixed pixel (195), then the backdrop: no single step is the rim.
    const spread = productWithSide(160, [155, 152, 150, 195]);
    expect(snapToRims(spread.mask, spread.colours, W, H, BACKDROP, OPTIONS)).toBe(3 * 20);
    // A contact shadow fading out: steps of 10 a channel, two of which make a "rim" as large as twice one.
    const ramp = productWithSide(150, [150, 160, 170, 180, 190, 200, 210, 220]);
    expect(snapToRims(ramp.mask, ramp.colours, W, H, BACKDROP, OPTIONS)).toBe(0);
  });

  it('leaves a hard shadow beside a dark product, and a shaded opening that reaches no lit backdrop', () => {
    // The step from the dark product into its shadow is as large as the shadow's own rim.
    const shadow = productWithSide(60, [150, 150, 150]);
    expect(snapToRims(shadow.mask, shadow.colours, W, H, BACKDROP, OPTIONS)).toBe(0);
    // A handle's opening in shade: product again on its far side.
    const { colours, mask } = grid();
    paint(colours, 5, 34, 5, 24, () => grey(200));
    paint(colours, 15, 20, 8, 20, () => grey(190));
    mark(mask, 5, 34, 5, 24);
    for (let y = 8; y <= 20; y++) mask.fill(0, y * W + 15, y * W + 21);
    expect(snapToRims(mask, colours, W, H, BACKDROP, OPTIONS)).toBe(0);
  });

  it("does not run a strip along the product's own mixed edge pixels", () => {
    // A green bottle whose rightmost column is a mix with the backdrop; the cut kept the middle of that
    // column only. Up and down the column the mix runs smoothly to where the shoulder meets the backdrop.
    const { colours, mask } = grid();
    paint(colours, 5, 24, 5, 24, () => [40, 160, 40]);
    paint(colours, 25, 25, 5, 24, () => [135, 195, 135]);
    mark(mask, 5, 24, 5, 24);
    mark(mask, 25, 25, 10, 20);
    expect(snapToRims(mask, colours, W, H, BACKDROP, OPTIONS)).toBe(0);
  });
});
