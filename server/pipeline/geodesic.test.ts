import { describe, expect, it } from 'vitest';
import { geodesicDistance, stepQuantile } from './geodesic.js';

/** A w × h grey grid from a function of (x, y). */
function grid(w: number, h: number, value: (x: number, y: number) => number): Uint8Array {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) data.fill(value(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
  return data;
}

function leftColumn(w: number, h: number): Uint8Array {
  const sources = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) sources[y * w] = 1;
  return sources;
}

describe('geodesicDistance', () => {
  it('stays at 0 across a smooth ramp however far the colour drifts', () => {
    // 1 grey level per pixel (√3 in RGB), below the texture level of 3: a gradient backdrop or a hotspot.
    const w = 60;
    const dist = geodesicDistance(
      grid(w, 10, (x) => 40 + x),
      w,
      10,
      leftColumn(w, 10),
      3,
    );
    expect(Math.max(...dist)).toBe(0);
  });

  it('charges for crossing an edge, and only once', () => {
    const w = 40;
    // Backdrop 200, a dark block from x = 20 on: one step of 150 grey levels × √3 in RGB distance.
    const dist = geodesicDistance(
      grid(w, 10, (x) => (x < 20 ? 200 : 50)),
      w,
      10,
      leftColumn(w, 10),
      3,
    );
    expect(dist[5 * w + 10]).toBe(0);
    expect(dist[5 * w + 25]).toBeCloseTo(150 * Math.sqrt(3) - 3, 3);
    expect(dist[5 * w + 39]).toBeCloseTo(dist[5 * w + 25]!, 3);
  });

  it('finds the way round an obstacle', () => {
    // A wall at x = 10 with a gap at the bottom row: the far side is reachable at no cost.
    const w = 20;
    const h = 10;
    const dist = geodesicDistance(
      grid(w, h, (x, y) => (x === 10 && y < h - 1 ? 0 : 200)),
      w,
      h,
      leftColumn(w, h),
      3,
    );
    expect(dist[0 * w + 15]).toBe(0);
  });
});

describe('stepQuantile', () => {
  it('reads the texture level of the selected pixels', () => {
    const w = 10;
    // Alternating 100 / 110 columns: every horizontal step is 10 grey levels (10√3 in RGB).
    const where = new Uint8Array(w * 4).fill(1);
    expect(
      stepQuantile(
        grid(w, 4, (x) => (x % 2 ? 110 : 100)),
        w,
        4,
        where,
        0.5,
      ),
    ).toBeCloseTo(10 * Math.sqrt(3));
  });
});
