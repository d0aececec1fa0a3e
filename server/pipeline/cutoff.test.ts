import { describe, expect, it } from 'vitest';
import { CUT_OFF, cutOffStretches } from './cutoff.js';

const W = 200;
const H = 160;
// As segment.ts uses them on its 256 px grid.
const OPTIONS = { ...CUT_OFF, thickness: 6, reachDepth: 20 };

type Rgb = [number, number, number];

/** A backdrop of colour `at(x, y)`. */
function backdrop(at: (x: number, y: number) => Rgb): Uint8Array {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set(at(x, y), (y * W + x) * 3);
  return data;
}

function paint(data: Uint8Array, x0: number, y0: number, x1: number, y1: number, colour: Rgb): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data.set(colour, (y * W + x) * 3);
}

const plain = (): Uint8Array => backdrop(() => [215, 212, 208]);
const rows = (mask: Uint8Array, x: number) => {
  const found: number[] = [];
  for (let y = 0; y < H; y++) if (mask[y * W + x] === 1) found.push(y);
  return found;
};

describe('cutOffStretches', () => {
  it('marks the stretch of the frame a product runs off, label and highlight included, and the reach behind it', () => {
    const data = plain();
    // A magenta bottle running off the right side, rows 50..110, with a light pink label (rows 72..88)
    // close to the backdrop's colour, and a light highlight along its last 3 columns.
    paint(data, 150, 50, W, 110, [190, 40, 120]);
    paint(data, 150, 72, W, 88, [225, 190, 205]);
    paint(data, W - 3, 50, W, 110, [240, 200, 220]);
    const { stretch, reach, runs } = cutOffStretches(data, W, H, OPTIONS);
    expect(runs).toBe(1);
    const marked = rows(stretch, W - 1);
    // The whole contact, label included, give or take the smoothing at its ends.
    expect(marked[0]).toBeGreaterThanOrEqual(44);
    expect(marked[0]).toBeLessThanOrEqual(56);
    expect(marked.at(-1)).toBeGreaterThanOrEqual(104);
    expect(marked.at(-1)).toBeLessThanOrEqual(116);
    expect(marked).toContain(80);
    // Only the band is a stretch; the reach goes deeper, and nothing is marked on the other sides.
    expect(stretch[80 * W + (W - 1 - OPTIONS.thickness)]).toBe(0);
    expect(reach[80 * W + (W - 1 - 15)]).toBe(1);
    expect(reach[80 * W + (W - 1 - 25)]).toBe(0);
    expect(rows(stretch, 0)).toHaveLength(0);
  });

  it('marks a dark pot running off the left side of striped cloth', () => {
    const data = backdrop((x, y) => (Math.floor((x + y) / 5) % 2 ? [180, 190, 205] : [120, 135, 170]));
    paint(data, 0, 90, 30, 130, [45, 45, 40]);
    const { stretch, runs } = cutOffStretches(data, W, H, OPTIONS);
    expect(runs).toBe(1);
    expect(rows(stretch, 0)).toContain(110);
    expect(rows(stretch, 0)).not.toContain(40);
  });

  it('marks nothing on a plain backdrop, striped cloth, a gradient or a vignette', () => {
    const vignette = backdrop((x, y) => {
      const r = Math.hypot((x - W / 2) / (W / 2), (y - H / 2) / (H / 2)) / Math.SQRT2;
      const k = 1 - 0.3 * r * r;
      return [Math.round(220 * k), Math.round(215 * k), Math.round(210 * k)];
    });
    const gradient = backdrop((_x, y) => [240 - (60 * y) / H, 238 - (80 * y) / H, 240 - (50 * y) / H]);
    const cloth = backdrop((x, y) => (Math.floor((x + y) / 5) % 2 ? [180, 190, 205] : [120, 135, 170]));
    for (const data of [plain(), cloth, gradient, vignette]) {
      const { stretch, runs } = cutOffStretches(data, W, H, OPTIONS);
      expect(runs).toBe(0);
      expect(stretch.includes(1)).toBe(false);
    }
  });

  it('marks nothing where a cast shadow reaches the frame', () => {
    const data = plain();
    // A shadow at 75 % of the light: the backdrop still, in less light.
    paint(data, 0, 60, 40, 120, [161, 159, 156]);
    expect(cutOffStretches(data, W, H, OPTIONS).runs).toBe(0);
  });

  it('marks nothing when several things are cut by the frame (clutter, not one product)', () => {
    const data = plain();
    paint(data, 20, 0, 50, 25, [40, 120, 60]);
    paint(data, W - 25, 30, W, 60, [200, 60, 40]);
    paint(data, 90, H - 20, 120, H, [50, 60, 160]);
    expect(cutOffStretches(data, W, H, OPTIONS).runs).toBe(0);
  });
});
