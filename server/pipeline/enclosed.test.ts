import { describe, expect, it } from 'vitest';
import { chamferDistance, enclosedRegions, silhouettes } from './enclosed.js';
import { relativeTexture } from './texture.js';

const W = 80;
const H = 80;
const BACKDROP = 235;

/** A w × h RGB grid, grey `BACKDROP` except where `paint` returns a colour. */
function grid(paint: (x: number, y: number) => [number, number, number] | undefined): Uint8Array {
  const data = new Uint8Array(W * H * 3).fill(BACKDROP);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const c = paint(x, y);
      if (c) data.set(c, (y * W + x) * 3);
    }
  }
  return data;
}

/**
 * A white product: a grey 2-pixel contour round a box, its inside lit brighter than the backdrop, the two
 * halves parted by a 2-pixel band of shading.
 */
function outlinedBox(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  gap?: (x: number, y: number) => boolean,
) {
  const middle = Math.round((x0 + x1) / 2);
  return (x: number, y: number): [number, number, number] | undefined => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return undefined;
    const rim = x < x0 + 2 || x > x1 - 2 || y < y0 + 2 || y > y1 - 2;
    if (rim) return gap?.(x, y) ? undefined : [150, 150, 150];
    return x === middle || x === middle + 1 ? [200, 200, 200] : [252, 252, 250];
  };
}

const options = { edge: 10, radius: 3, threshold: 10, centreInset: 0.3 };
const at = (mask: Uint8Array, x: number, y: number) => mask[y * W + x];

describe('silhouettes', () => {
  it('marks a white product whose contour has a short faint stretch, and the shading band inside it', () => {
    // A 4-pixel gap in the top of the contour: narrower than the disc (radius 3), so it still closes.
    const data = grid(outlinedBox(20, 20, 60, 60, (x, y) => y < 22 && x >= 38 && x < 42));
    const { marked } = silhouettes(data, W, H, options);
    expect(at(marked, 50, 40)).toBe(1); // lit, brighter than the backdrop
    expect(at(marked, 40, 40)).toBe(1); // the band of shading inside
    expect(at(marked, 5, 5)).toBe(0);
    expect(at(marked, 30, 40)).toBe(1);
    expect(at(marked, 70, 40)).toBe(0);
  });

  it('closes openings narrower than the disc, not wider ones', () => {
    // Only a contour, the inside the backdrop's colour: what matters is where the disc can go.
    const ring = (gapFrom: number, gapTo: number) =>
      grid((x, y) => {
        if (x < 20 || x > 60 || y < 20 || y > 60) return undefined;
        const rim = x < 22 || x > 58 || y < 22 || y > 58;
        return rim && !(y < 22 && x >= gapFrom && x < gapTo) ? [150, 150, 150] : undefined;
      });
    const inside = 40 * W + 40;
    expect(enclosedRegions(ring(38, 42), W, H, options).labels[inside]).toBeGreaterThanOrEqual(0);
    expect(enclosedRegions(ring(30, 50), W, H, options).labels[inside]).toBe(-1);
  });

  it('leaves an enclosed patch of the backdrop alone (a handle opening)', () => {
    // A dark ring: its inside is enclosed but has the backdrop's colour.
    const data = grid((x, y) => {
      const r = Math.hypot(x - 40, y - 40);
      return r >= 12 && r < 16 ? [90, 90, 90] : undefined;
    });
    const regions = enclosedRegions(data, W, H, options);
    expect(regions.labels[40 * W + 40]).toBeGreaterThanOrEqual(0);
    expect(at(silhouettes(data, W, H, options).marked, 40, 40)).toBe(0);
  });

  it('leaves an enclosed shadow alone: only darker than its surroundings', () => {
    const data = grid((x, y) => {
      if (x < 25 || x > 55 || y < 30 || y > 50) return undefined;
      const v = Math.round(BACKDROP * 0.7);
      return [v, v, v];
    });
    expect(at(silhouettes(data, W, H, options).marked, 40, 40)).toBe(0);
  });

  it('leaves things at the side alone when something central is a candidate', () => {
    const data = grid((x, y) => outlinedBox(30, 30, 50, 50)(x, y) ?? outlinedBox(2, 60, 14, 76)(x, y));
    const { marked } = silhouettes(data, W, H, options);
    expect(at(marked, 45, 40)).toBe(1);
    expect(at(marked, 12, 68)).toBe(0);
  });

  it('spans a silhouette with backdrop-coloured stretches inside by its extent, marking only what departs', () => {
    // Lit from above (a white box on a white sweep): its brightness falls smoothly to the backdrop's by
    // mid-height, and below that it parts nothing, but is inside the same contour.
    const box = outlinedBox(20, 20, 60, 60);
    const data = grid((x, y) => {
      const c = box(x, y);
      if (!c || c[0] !== 252) return c;
      const v = Math.round(Math.max(BACKDROP, 254 - (y - 22)));
      return [v, v, v];
    });
    const { marked, extent } = silhouettes(data, W, H, options);
    expect(at(marked, 30, 25)).toBe(1);
    expect(at(marked, 30, 50)).toBe(0);
    expect(at(extent, 30, 50)).toBe(1);
    expect(at(extent, 5, 5)).toBe(0);
    expect(at(extent, 70, 40)).toBe(0);
  });

  it("does not reach along the frame into a shadow's band under a product cut off by it", () => {
    // A white box runs off the left edge over its contact shadow: a 1-pixel row of half shade between the
    // box's contour and the shadow's dark core, both edges, which run off the frame too. The frame's own
    // pixels are edges where the image steps there; were they not, the box's region would run down the
    // frame column into that row.
    const box = outlinedBox(-30, 20, 40, 50);
    const data = grid((x, y) => {
      if (y === 51) return [205, 205, 205];
      if (y >= 52 && y <= 56 && x <= 44) return [120, 120, 120];
      return box(x, y);
    });
    const { marked } = silhouettes(data, W, H, options);
    expect(at(marked, 20, 35)).toBe(1);
    for (const x of [0, 10, 30]) expect(at(marked, x, 51)).toBe(0);
  });

  it('takes a product cut off by the frame when nothing central is a candidate', () => {
    // The box runs off the left edge: its stretch of the frame is short, so the flood does not start there.
    // (Its shading band falls off the frame too: what is cut off must reach the frame itself.)
    const data = grid(outlinedBox(-30, 25, 22, 55));
    const { marked } = silhouettes(data, W, H, options);
    expect(at(marked, 15, 40)).toBe(1);
    expect(at(marked, 60, 40)).toBe(0);
  });
});

describe('silhouettes on a grained backdrop', () => {
  /**
   * Paper: a dark fleck every 6 px inside an 8 px fleck-free margin (where the disc floods in), so the
   * flecks' edges wall the inside off from the frame; a lamp's soft hotspot lights its middle.
   */
  const flecked = (x: number, y: number, every: number) =>
    x >= 8 && x < W - 8 && y >= 8 && y < H - 8 && x % every === 0 && y % every === 0;
  const paper = (x: number, y: number, every = 6): [number, number, number] => {
    const lit = 30 * Math.max(0, 1 - Math.hypot(x - 40, y - 40) / 24);
    const v = Math.round(200 + lit) - (flecked(x, y, every) ? 30 : 0);
    return [v, v, v];
  };
  const textureOf = (data: Uint8Array) => relativeTexture(data, W, H, 5);
  /** The backdrop's grain: the median texture of the flecked paper away from the hotspot. */
  const grainLevel = (texture: Float32Array) => {
    const values: number[] = [];
    for (let y = 10; y < H - 10; y++) for (let x = 10; x < 20; x++) values.push(texture[y * W + x]!);
    return values.sort((a, b) => a - b)[values.length >> 1]!;
  };
  // Everything smoothly connected to the frame, as the geodesic sees paper under a soft hotspot.
  const connected = new Uint8Array(W * H).fill(1);

  it('leaves the paper under a hotspot alone when told its grain, and marks it when not', () => {
    const data = grid(paper);
    const texture = textureOf(data);
    const grain = { texture, level: grainLevel(texture), ratio: [0.7, 1.5] as const, connected };
    expect(at(silhouettes(data, W, H, options).marked, 40, 40)).toBe(1);
    expect(at(silhouettes(data, W, H, { ...options, grain }).marked, 40, 40)).toBe(0);
    // Not smoothly connected to the frame: the grain alone does not make it backdrop.
    const apart = { ...grain, connected: new Uint8Array(W * H) };
    expect(at(silhouettes(data, W, H, { ...options, grain: apart }).marked, 40, 40)).toBe(1);
  });

  it('still marks a white product on grained paper: its smooth body has none of the grain', () => {
    // Flecks every 10 px: the disc floods the paper up to the product's contour.
    const box = outlinedBox(24, 24, 56, 56);
    const data = grid((x, y) => box(x, y) ?? paper(x, y, 10));
    const texture = textureOf(data);
    const grain = { texture, level: grainLevel(texture), ratio: [0.7, 1.5] as const, connected };
    const { marked } = silhouettes(data, W, H, { ...options, grain });
    expect(at(marked, 48, 40)).toBe(1);
    expect(at(marked, 40, 40)).toBe(1);
  });
});

describe('chamferDistance', () => {
  it('measures grid distance to the nearest marked pixel, diagonals at √2', () => {
    const from = new Uint8Array(25);
    from[12] = 1; // the centre of a 5 × 5 grid
    const d = chamferDistance(from, 5, 5);
    expect(d[12]).toBe(0);
    expect(d[13]).toBe(1);
    expect(d[18]).toBeCloseTo(Math.SQRT2, 5);
    expect(d[0]).toBeCloseTo(2 * Math.SQRT2, 5);
  });
});
