import { describe, expect, it } from 'vitest';
import { findGrout } from './grout.js';

const W = 240;
const H = 200;
type Rgb = [number, number, number];

function image(at: (x: number, y: number) => Rgb): Uint8Array {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set(at(x, y), (y * W + x) * 3);
  return data;
}

const TILE: Rgb = [226, 224, 218];
const GROUT: Rgb = [150, 148, 142];
/** Tiles of `size` px turned by `degrees`, with grout 2 px wide; each tile a little lighter or darker. */
function tiles(size: number, degrees: number, tile: Rgb = TILE, grout: Rgb = GROUT) {
  const t = (degrees * Math.PI) / 180;
  return (x: number, y: number): Rgb => {
    const u = (x * Math.cos(t) + y * Math.sin(t) + 1000) / size;
    const v = (-x * Math.sin(t) + y * Math.cos(t) + 1000) / size;
    if ((u % 1) * size < 2 || (v % 1) * size < 2) return grout;
    const shade = 1 + (((Math.floor(u) * 7 + Math.floor(v) * 3) % 5) - 2) * 0.01;
    return tile.map((c) => Math.round(c * shade)) as Rgb;
  };
}
const BOX = { x0: 80, y0: 60, x1: 160, y1: 140 };
const inBox = (x: number, y: number) => x >= BOX.x0 && x < BOX.x1 && y >= BOX.y0 && y < BOX.y1;
const colour = (data: Uint8Array, x: number, y: number): Rgb =>
  [...data.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)] as Rgb;
const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

describe('findGrout', () => {
  it('finds the grid of a tiled floor around a product and paints it with the tiles, leaving the product', () => {
    const floor = tiles(40, 0);
    const data = image((x, y) => (inBox(x, y) ? [40, 90, 170] : floor(x, y)));
    const grout = findGrout(data, W, H);
    expect(grout).toBeDefined();
    const { mask, filled } = grout!;
    // Every grout pixel outside the product is marked and now has a tile's colour.
    let groutPixels = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (inBox(x, y)) {
          expect(colour(filled, x, y)).toEqual([40, 90, 170]);
          continue;
        }
        // Lines are read across 3 px either side, so grout along the frame's outermost pixels (a backdrop
        // sample anyway) or running right along the product's edge (x = 160 here) is not found.
        const alongEdge =
          Math.min(x, y, W - 1 - x, H - 1 - y) < 3 || (x >= 160 && x < 163 && y >= 60 && y < 140);
        if (distance(colour(data, x, y), GROUT) > 0 || alongEdge) continue;
        groutPixels++;
        expect(mask[y * W + x]).toBe(1);
        expect(distance(colour(filled, x, y), TILE)).toBeLessThan(12);
      }
    }
    expect(groutPixels).toBeGreaterThan(2000);
  });

  it('finds a grid turned by 20° (a floor not square to the camera), and light grout on dark tiles', () => {
    const turned = findGrout(image(tiles(36, 20)), W, H);
    expect(turned).toBeDefined();
    const angles = new Set(turned!.lines.map((l) => Math.round(l.angle / 10) * 10));
    expect([...angles].sort((a, b) => a - b)).toEqual([20, 110]);
    const dark = findGrout(image(tiles(40, 0, [60, 50, 45], [200, 196, 188])), W, H);
    expect(dark).toBeDefined();
    // On the vertical line at x = 40..41, between two horizontal ones.
    expect(colour(dark!.filled, 40, 20)[0]).toBeLessThan(80);
  });

  it('finds nothing on stripes, wavy grain, or a plain backdrop with a box outlined in a thin dark line', () => {
    const stripes = image((x) => (x % 20 < 2 ? GROUT : TILE));
    expect(findGrout(stripes, W, H)).toBeUndefined();
    const grain = image((x, y) =>
      Math.abs(((y + 6 * Math.sin(x / 15) + 4 * Math.sin(x / 7 + y / 30)) % 18) - 9) < 1 ? GROUT : TILE,
    );
    expect(findGrout(grain, W, H)).toBeUndefined();
    const outlined = image((x, y) => {
      const onEdge = inBox(x, y) && (x < BOX.x0 + 2 || x >= BOX.x1 - 2 || y < BOX.y0 + 2 || y >= BOX.y1 - 2);
      return onEdge ? [30, 30, 30] : inBox(x, y) ? [200, 60, 60] : TILE;
    });
    expect(findGrout(outlined, W, H)).toBeUndefined();
  });

  it('leaves a green stem crossing a grout line as it is', () => {
    const floor = tiles(40, 0);
    // A stem 3 px wide running down at x = 118..120, across the horizontal grout lines.
    const data = image((x, y) => (x >= 118 && x <= 120 ? [40, 120, 50] : floor(x, y)));
    const grout = findGrout(data, W, H);
    expect(grout).toBeDefined();
    for (let y = 0; y < H; y++) expect(colour(grout!.filled, 119, y)).toEqual([40, 120, 50]);
  });
});
