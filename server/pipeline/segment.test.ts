import { describe, expect, it } from 'vitest';
import { mulberry32 } from './gmm.js';
import { segment } from './segment.js';
import { sharp } from './sharp.js';
import { maskIou } from './testing/pixels.js';
import { makeProductPhoto, renderProductPhoto } from './testing/synthetic.js';

async function decode(image: Buffer, extract?: { left: number; top: number; width: number; height: number }) {
  const pipeline = sharp(image);
  if (extract) pipeline.extract(extract);
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 as const };
}

describe('segment', () => {
  it.each([
    ['a bottle on a vignetted plain backdrop', { background: 'plain', seed: 5 }],
    ['a green bottle on a gradient backdrop', { background: 'gradient', seed: 7, objectColor: '#2e8b57' }],
    ['a light box on wood', { background: 'wood', seed: 11, shape: 'box', objectColor: '#e8e0d0' }],
    ['a black bottle on fabric', { background: 'fabric', seed: 12, objectColor: '#222222' }],
  ] as const)('cuts out %s (IoU ≥ 0.9, its shadow on the backdrop left out)', async (_name, options) => {
    const photo = await makeProductPhoto({ width: 700, height: 700, ...options });
    const result = await segment(await decode(photo.image));
    expect(result.width).toBe(700);
    expect(result.alpha.length).toBe(700 * 700);
    expect(maskIou(result.alpha, photo.alpha)).toBeGreaterThanOrEqual(0.9);
    expect(result.confidence).toBeGreaterThan(0.8);
    // The photo's own contact shadow sits just below the product: it must not be part of the cut-out.
    const below =
      (photo.box.top + photo.box.height + 6) * 700 + photo.box.left + Math.round(photo.box.width / 2);
    expect(result.alpha[below]).toBe(0);
  });

  it('keeps a label band of the grout colour across a bottle on tiles', async () => {
    // The backdrop model learns the grey from the grout lines; the label is that grey, and it runs across
    // the whole bottle, so it is no hole either: only the sharp edge beside it tells it from the backdrop.
    const size = 400;
    const grey = [150, 150, 155];
    const data = Buffer.alloc(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inBottle = x >= 160 && x < 240 && y >= 80 && y < 330;
        const label = inBottle && y >= 185 && y < 215;
        const grout = x % 50 < 2 || y % 50 < 2;
        const colour = label ? grey : inBottle ? [30, 30, 50] : grout ? grey : [215, 215, 228];
        data.set(colour, (y * size + x) * 3);
      }
    }
    const { alpha } = await segment({ data, width: size, height: size, channels: 3 });
    expect(alpha[200 * size + 200]).toBe(255); // the label's middle
    expect(alpha[120 * size + 200]).toBe(255); // the bottle
    expect(alpha[200 * size + 100]).toBe(0); // the tiles beside the label
    expect(alpha[200 * size + 275]).toBe(0);
  });

  it('leaves out a grout line running beside a thin stem on tiles', async () => {
    // The cut runs with the grout painted over, so a stem 5 px from a grout line took the gap and the line
    // in; at full size the line is grey again and the colour decision kept it: a strip beside the stem.
    const size = 800;
    const stemX = 387; // the stem is 8 px wide, the grout line 3 px at x = 400
    const data = Buffer.alloc(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const pot = x >= 320 && x < 480 && y >= 500 && y < 660;
        const stem = x >= stemX && x < stemX + 8 && y >= 180 && y < 500;
        const grout = x % 100 < 3 || y % 100 < 3;
        const tile = 224 + ((((x / 100) | 0) + ((y / 100) | 0)) % 3);
        // The pot's label is the grout's grey, and a grout line runs down under it.
        const label = pot && y >= 560 && y < 600;
        const colour = label
          ? [150, 150, 150]
          : pot
            ? [40, 50, 170]
            : stem
              ? [40, 120, 50]
              : grout
                ? [150, 150, 150]
                : [tile, tile + 5, tile + 3];
        data.set(colour, (y * size + x) * 3);
      }
    }
    const { alpha } = await segment({ data, width: size, height: size, channels: 3 });
    // Pixels kept between the stem's right side and the grout line's far side: 8 before, the edge's soft
    // pixel now.
    const beside = [250, 300, 350, 400].map((y) => {
      let kept = 0;
      for (let x = stemX + 8; x < 403; x++) kept += alpha[y * size + x]! >= 128 ? 1 : 0;
      return kept;
    });
    expect(Math.max(...beside)).toBeLessThanOrEqual(2);
    expect(alpha[300 * size + stemX + 4]).toBe(255); // the stem
    expect(alpha[530 * size + 400]).toBe(255); // the pot
    // The label where the line would run: grout-coloured, but deep inside the product.
    expect([alpha[580 * size + 401], alpha[580 * size + 340]]).toEqual([255, 255]);
  });

  it('keeps the grey label of a dark bottle cut off by the frame, in uneven light', async () => {
    // The label runs from the frame to the bottle's dark rim with no backdrop beside it, and is taller
    // than a tenth of the frame; a lamp's falloff makes the backdrop's dark corners its grey.
    const size = 400;
    const data = Buffer.alloc(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inBottle = x < 90 && y >= 120 && y < 340;
        const label = inBottle && x < 72 && y >= 200 && y < 240;
        const lamp = 245 - 0.3 * Math.hypot(x - 300, y - 120);
        const shade = Math.round(Math.max(110, lamp));
        const colour = label ? [115, 112, 105] : inBottle ? [25, 30, 25] : [shade, shade - 3, shade - 6];
        data.set(colour, (y * size + x) * 3);
      }
    }
    const { alpha } = await segment({ data, width: size, height: size, channels: 3 });
    expect(alpha[220 * size + 10]).toBe(255); // the label at the frame
    expect(alpha[220 * size + 60]).toBe(255);
    expect(alpha[150 * size + 40]).toBe(255); // the bottle
    expect(alpha[220 * size + 140]).toBe(0); // the backdrop beside the label
  });

  it('keeps a grey print deep inside a dark shirt; leaves open a handle whose opening is in shade, and a hole through a thick body', async () => {
    // The print is the backdrop's lilac scaled down with its chroma nearly kept: the backdrop model calls
    // it shade. The handle's opening is the backdrop in the mug's shadow, truly shade, in a thin ring.
    const size = 400;
    const lilac = [205, 190, 215];
    const render = (colourAt: (x: number, y: number) => number[] | undefined) => {
      const data = Buffer.alloc(size * size * 3);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          // Vignette, and the product's contact shadow on the table below it.
          const contact = Math.max(0, 1 - Math.hypot((x - 200) / 130, (y - 335) / 22));
          const light = (1 - 0.0004 * Math.hypot(x - 200, y - 180)) * (1 - 0.4 * contact);
          data.set(colourAt(x, y) ?? lilac.map((c) => Math.round(c * light)), (y * size + x) * 3);
        }
      }
      return { data, width: size, height: size, channels: 3 as const };
    };
    const shirt = await segment(
      render((x, y) => {
        if (x >= 180 && x < 220 && y >= 200 && y < 240) return [148, 147, 141];
        // A sheen down the shirt's middle.
        const sheen = Math.round(25 * Math.max(0, 1 - Math.abs(x - 160) / 20));
        if (x >= 120 && x < 280 && y >= 110 && y < 330) return [30 + sheen, 35 + sheen, 45 + sheen];
        return undefined;
      }),
    );
    expect(shirt.alpha[220 * size + 200]).toBe(255); // the print's middle
    expect(shirt.alpha[150 * size + 200]).toBe(255); // the shirt
    expect(shirt.alpha[220 * size + 60]).toBe(0); // the backdrop

    const mug = await segment(
      render((x, y) => {
        if (x >= 120 && x < 250 && y >= 130 && y < 320) return [30, 35, 45];
        const r = Math.hypot(x - 250, y - 225);
        if (x >= 250 && r >= 40 && r < 52) return [30, 35, 45];
        if (x >= 250 && r < 40) return lilac.map((c) => Math.round(c * 0.55));
        return undefined;
      }),
    );
    expect(mug.alpha[225 * size + 270]).toBe(0); // the opening
    expect(mug.alpha[225 * size + 295]).toBe(255); // the handle
    expect(mug.alpha[225 * size + 180]).toBe(255); // the body

    // A small hole through a thick body (a bagel) lies as deep as the print, but shows the backdrop's colour.
    const bagel = await segment(
      render((x, y) => {
        const r = Math.hypot(x - 200, y - 220);
        return r >= 15 && r < 95 ? [30, 35, 45] : undefined;
      }),
    );
    expect(bagel.alpha[220 * size + 200]).toBe(0); // the hole
    expect(bagel.alpha[220 * size + 250]).toBe(255); // the body
  });

  it("leaves open the backdrop where a plant's stems meet", async () => {
    // Stems fanning out from the pot: near the junction the wedges between them are a few grid pixels
    // wide, which the cut's closing bridges; the backdrop colour there must win.
    const size = 800;
    const junction = { x: 400, y: 450 };
    const angles = [-40, -15, 15, 40].map((d) => ((d - 90) * Math.PI) / 180);
    const data = Buffer.alloc(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const pot = x >= 330 && x < 470 && y >= 450 && y < 600;
        const dx = x - junction.x;
        const dy = y - junction.y;
        const stem =
          Math.hypot(dx, dy) < 260 &&
          angles.some(
            (a) =>
              Math.abs(dx * Math.sin(a) - dy * Math.cos(a)) < 4 && dx * Math.cos(a) + dy * Math.sin(a) > 0,
          );
        const backdrop = 232 - Math.round(0.04 * Math.hypot(x - 400, y - 300));
        const colour = pot ? [40, 40, 150] : stem ? [40, 120, 50] : [backdrop, backdrop, backdrop - 4];
        data.set(colour, (y * size + x) * 3);
      }
    }
    const { alpha } = await segment({ data, width: size, height: size, channels: 3 });
    // Half-way between neighbouring stems, `r` px up from the junction (gaps of 10–16 px at 35 px).
    const between = (a: number, b: number, r: number) => {
      const mid = (angles[a]! + angles[b]!) / 2;
      return alpha[
        Math.round(junction.y + r * Math.sin(mid)) * size + Math.round(junction.x + r * Math.cos(mid))
      ];
    };
    for (const r of [35, 45]) {
      expect([between(0, 1, r), between(1, 2, r), between(2, 3, r)]).toEqual([0, 0, 0]);
    }
    expect(alpha[300 * size + 400 + Math.round(150 * Math.tan((15 * Math.PI) / 180))]).toBe(255); // a stem
    expect(alpha[520 * size + 400]).toBe(255); // the pot
  });

  it('has soft edges, not a blocky upsampled grid', async () => {
    const photo = await makeProductPhoto({ width: 700, height: 700, background: 'wood', seed: 2 });
    const { alpha } = await segment(await decode(photo.image));
    let partial = 0;
    for (const a of alpha) if (a > 0 && a < 255) partial++;
    // Roughly one to three pixels of ramp along the outline (~2000 px long here).
    expect(partial).toBeGreaterThan(1500);
    expect(partial).toBeLessThan(15_000);
  });

  it('reports low confidence on a busy background', async () => {
    const photo = renderProductPhoto({ width: 600, height: 600, background: 'plain', seed: 4 });
    const random = mulberry32(9);
    const palette = Array.from({ length: 4096 }, () => [random() * 255, random() * 255, random() * 255]);
    const busy = Buffer.from(photo.pixels);
    for (let p = 0; p < 600 * 600; p++) {
      const x = p % 600;
      const y = (p - x) / 600;
      const colour = palette[(Math.floor(y / 12) * 67 + Math.floor(x / 12)) % palette.length]!;
      const a = photo.alpha[p]! / 255;
      for (let c = 0; c < 3; c++)
        busy[p * 3 + c] = Math.round(photo.pixels[p * 3 + c]! * a + colour[c]! * (1 - a));
    }
    const plain = await segment({ data: photo.pixels, width: 600, height: 600, channels: 3 });
    const cluttered = await segment({ data: busy, width: 600, height: 600, channels: 3 });
    expect(plain.confidence).toBeGreaterThan(0.9);
    expect(cluttered.confidence).toBeLessThan(0.6);
    // The bottle is smooth where the mosaic is not (texture.ts): most of it is found (0.165 before),
    // all but its dark cap, which is why the confidence stays low.
    expect(maskIou(cluttered.alpha, photo.alpha)).toBeGreaterThan(0.85);
  });

  it('keeps a product that runs off the bottom or the side of the frame', async () => {
    const photo = await makeProductPhoto({ width: 700, height: 700, background: 'wood', seed: 2 });
    const { box } = photo;
    const cutY = box.top + box.height - 70;
    const bottomCut = await segment(await decode(photo.image, { left: 0, top: 0, width: 700, height: cutY }));
    expect(maskIou(bottomCut.alpha, photo.alpha.subarray(0, 700 * cutY))).toBeGreaterThanOrEqual(0.9);

    const cutX = box.left + 50;
    const sideCut = await segment(
      await decode(photo.image, { left: cutX, top: 0, width: 700 - cutX, height: 700 }),
    );
    const truth = Buffer.alloc((700 - cutX) * 700);
    for (let y = 0; y < 700; y++)
      truth.set(photo.alpha.subarray(y * 700 + cutX, (y + 1) * 700), y * (700 - cutX));
    expect(maskIou(sideCut.alpha, truth)).toBeGreaterThanOrEqual(0.8);
  });

  it('treats an image too small to have a backdrop as all product', async () => {
    const result = await segment({ data: Buffer.alloc(10 * 12 * 3, 90), width: 10, height: 12, channels: 3 });
    expect(result.alpha.every((a) => a === 255)).toBe(true);
    expect(result.confidence).toBe(0);
  });

  it('falls back to the whole frame when there is nothing to cut out', async () => {
    const flat = Buffer.alloc(200 * 200 * 3, 180);
    const result = await segment({ data: flat, width: 200, height: 200, channels: 3 });
    expect(result.alpha.every((a) => a === 255)).toBe(true);
    expect(result.confidence).toBe(0);
  });
});
