import { describe, expect, it } from 'vitest';
import { outlinedObjects } from './outline.js';

/** A w × h RGB grid from a function of (x, y) giving a grey level. */
function grid(w: number, h: number, value: (x: number, y: number) => number): Uint8Array {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) data.fill(value(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
  return data;
}

const W = 60;
const H = 60;
const flat = new Float32Array(W * H * 3).fill(200);
const inside = (x: number, y: number) => x >= 20 && x < 40 && y >= 20 && y < 40;

describe('outlinedObjects', () => {
  it('marks a slightly brighter square with a crisp rim (a white product on a white sweep)', () => {
    const marked = outlinedObjects(
      grid(W, H, (x, y) => (inside(x, y) ? 216 : 200)),
      flat,
      W,
      H,
      { threshold: 10, edge: 6 },
    );
    expect(marked[30 * W + 30]).toBe(1);
    expect(marked[5 * W + 5]).toBe(0);
  });

  it("leaves the resize's 1 px bright overshoot beside a dark product alone, not a bright strip 3 px wide or a thin one on its own", () => {
    // A dark green product (columns 20..39) with a line of overshoot at column 40, then the backdrop; the
    // line departs from it by 16 levels a channel and has a crisp rim, as a white product does.
    const product = (x: number, y: number) => y >= 10 && y < 50 && x >= 20 && x < 40;
    const data = new Uint8Array(W * H * 3).fill(200);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = (y * W + x) * 3;
        if (product(x, y)) data.set([40, 120, 40], i);
        else if (y >= 10 && y < 50 && (x === 40 || x === 41)) data.fill(x === 40 ? 216 : 200, i, i + 3);
      }
    }
    const overshoot = outlinedObjects(data, flat, W, H, { threshold: 10, edge: 6 });
    expect(overshoot[30 * W + 40]).toBe(0);
    // The same strip 3 px wide is something lighter than the backdrop: an object.
    for (let y = 10; y < 50; y++) data.fill(216, (y * W + 41) * 3, (y * W + 43) * 3);
    const strip = outlinedObjects(data, flat, W, H, { threshold: 10, edge: 6 });
    expect(strip[30 * W + 40]).toBe(1);
    // A thin light line with the backdrop on both sides (a white thread on a white sweep) is one too.
    const thread = outlinedObjects(
      grid(W, H, (x, y) => (x === 30 && y >= 10 && y < 50 ? 216 : 200)),
      flat,
      W,
      H,
      { threshold: 10, edge: 6 },
    );
    expect(thread[30 * W + 30]).toBe(1);
  });

  it('leaves a bright patch with a soft rim alone (a flash hotspot)', () => {
    const hotspot = (x: number, y: number) => 200 + 40 * Math.exp(-((x - 30) ** 2 + (y - 30) ** 2) / 150);
    const marked = outlinedObjects(grid(W, H, hotspot), flat, W, H, { threshold: 10, edge: 6 });
    expect(marked.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('leaves a darker patch of the backdrop colour alone (a cast shadow)', () => {
    const marked = outlinedObjects(
      grid(W, H, (x, y) => (inside(x, y) ? 120 : 200)),
      flat,
      W,
      H,
      { threshold: 10, edge: 6 },
    );
    expect(marked.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('takes in the shaded side of an outlined product, not a shadow beside it', () => {
    // A warm white product lit from the left, shading smoothly to grey on the right, and a separate
    // shadow patch (the backdrop darkened) below it.
    const data = new Uint8Array(W * H * 3).fill(200);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const o = (y * W + x) * 3;
        if (x >= 10 && x < 50 && y >= 20 && y < 40) {
          const k = 1 - (x - 10) * 0.012;
          data.set([236 * k, 236 * k, 220 * k], o);
        } else if (x >= 20 && x < 40 && y >= 46 && y < 56) {
          data.fill(140, o, o + 3);
        }
      }
    }
    const marked = outlinedObjects(data, flat, W, H, { threshold: 10, edge: 6 });
    expect(marked[30 * W + 12]).toBe(1);
    expect(marked[30 * W + 47]).toBe(1);
    expect(marked[50 * W + 30]).toBe(0);
  });
});
