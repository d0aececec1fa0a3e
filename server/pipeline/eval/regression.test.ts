import { describe, expect, it } from 'vitest';
import { LOW_CONFIDENCE } from '../../../shared/api.js';
import { components } from '../components.js';
import { segment } from '../segment.js';
import { decodeRgb } from '../testing/pixels.js';
import { iou } from './metrics.js';
import { type Category, renderScene, type SceneSpec, sceneSpecs } from './scenes.js';

/**
 * The local segmentation on the first `images` images of some categories of the evaluation set (all six
 * for the hard ones). Floors sit a little below what it measures today (in brackets), so a regression
 * shows without the test being flaky; raise them when the segmentation improves. Full numbers:
 * `npm run eval:matte`.
 */
const FLOORS: [Category, number, number][] = [
  ['plain', 2, 0.98], // 0.996 (0.989 before edge unmixing)
  ['gradient', 2, 0.98], // 0.996 (0.990)
  ['wood', 2, 0.94], // 0.962 (0.924)
  ['fabric', 2, 0.96], // 0.986 (0.923 before untextured regions seeded the product model)
  ['white-on-white', 2, 0.95], // 0.980
  ['clutter', 2, 0.95], // 0.982
  ['white-on-white', 6, 0.95], // 0.979
  ['clutter', 6, 0.82], // 0.844 (0.813 before attached parts)
  ['shadows', 6, 0.95], // 0.969 (0.951)
  ['uneven-light', 6, 0.96], // 0.982
  ['tiles', 6, 0.95], // 0.978
];

/** One test per scene (seed, category, index, what it shows, IoU floor). */
function keepsScenes(scenes: readonly (readonly [number, Category, number, string, number])[]): void {
  it.each(scenes)(
    'seed %i %s#%i: %s',
    async (seed, category, index, _scene, floor) => {
      expect(await iouOf(specOf(seed, category, index))).toBeGreaterThanOrEqual(floor);
    },
    60_000,
  );
}

/** The scene `index` of `category` in the set drawn from `seed`. */
function specOf(seed: number, category: Category, index: number): SceneSpec {
  return sceneSpecs(undefined, seed).find((s) => s.category === category && s.index === index)!;
}

/** The scene rendered, and the local segmentation of its JPEG. */
async function segmentScene(spec: SceneSpec) {
  const scene = await renderScene(spec);
  return { scene, result: await segment(await decodeRgb(scene.jpeg)) };
}

/** IoU of the local segmentation's matte against the scene's known alpha. */
async function iouOf(spec: SceneSpec): Promise<number> {
  const { scene, result } = await segmentScene(spec);
  return iou(result.alpha, scene.alpha);
}

describe('segmentation on the evaluation set', () => {
  it.each(FLOORS)(
    'keeps mean IoU on %s (first %i images) ≥ %s',
    async (category, images, floor) => {
      const specs = sceneSpecs().filter((s) => s.category === category && s.index < images);
      const scores: number[] = [];
      for (const spec of specs) {
        scores.push(await iouOf(spec));
      }
      expect(scores.reduce((a, b) => a + b, 0) / scores.length).toBeGreaterThanOrEqual(floor);
      // Six renders and segmentations take ~10 s on a busy 2-core machine.
    },
    60_000,
  );
});

describe('thin products on the evaluation set', () => {
  it.each([
    // its lit stretches pass for shade (bridged on the small grid)
    ['a dark cable on a gradient', 'gradient', 0.94], // 0.962
    // a lamp's hotspot on its highlight (the full-size refinement opened it; closed again)
    ['a glossy cable in uneven light', 'uneven-light', 0.94], // 0.954
  ] as const)(
    'keeps %s in one piece',
    async (_name, category, floor) => {
      const spec = sceneSpecs().find((s) => s.category === category && s.shape === 'cable')!;
      const { scene, result } = await segmentScene(spec);
      const { alpha } = result;
      const mask = new Uint8Array(alpha.length);
      let area = 0;
      for (let p = 0; p < alpha.length; p++) {
        mask[p] = alpha[p]! >= 128 ? 1 : 0;
        area += mask[p]!;
      }
      const pieces = components(mask, spec.width, spec.height, 1).sizes.filter((size) => size >= area * 0.01);
      expect(pieces).toHaveLength(1);
      expect(iou(alpha, scene.alpha)).toBeGreaterThanOrEqual(floor);
    },
    60_000,
  );

  it("leaves open the backdrop where the plants' stems meet (all 7 plants)", async () => {
    // The closing bridged those wedges: 0.910 before they were opened again (wedges.ts).
    const specs = sceneSpecs().filter((s) => s.shape === 'plant');
    const scores: number[] = [];
    for (const spec of specs) {
      scores.push(await iouOf(spec));
    }
    expect(specs).toHaveLength(7);
    expect(scores.reduce((a, b) => a + b, 0) / scores.length).toBeGreaterThanOrEqual(0.945); // 0.966
  }, 60_000);
});

describe('products cut off by the frame, on held-out sets (cutoff.ts)', () => {
  // Sets rendered from other seeds, which the segmentation was not tuned on. Before the cut-off stretches
  // were left out of the backdrop model, each lost most of the product (in brackets).
  it.each([
    [2, 'gradient', 'a bottle with a light label off the right side'], // 0.981 (0.445)
    [2, 'wood', 'a glossy bag off the right side'], // 0.988 (0.383)
    [7, 'gradient', 'a bottle off the side'], // 0.974 (0.361)
    [3, 'fabric', 'a plant pot off the left side of striped cloth'], // 0.945 (0.283)
  ] as const)(
    'keeps seed %i %s#5: %s',
    async (seed, category, _scene) => {
      const spec = sceneSpecs(undefined, seed).find((s) => s.category === category && s.cutOff)!;
      expect(await iouOf(spec)).toBeGreaterThanOrEqual(0.9);
    },
    60_000,
  );
});

describe('products on tiled floors, on held-out sets (grout.ts)', () => {
  // Before the grout was painted over, the grid was cut out instead of the product, or a tile under a
  // lamp was kept whole (in brackets).
  keepsScenes([
    [2, 'tiles', 4, 'a dark bottle, a lamp-lit tile beside it', 0.9], // 0.991 (0.596)
    [2, 'tiles', 1, 'a dark mug, a lamp-lit tile beside it', 0.9], // 0.982 (0.647)
    [7, 'tiles', 3, 'a glossy cable', 0.9], // 0.944 (0.192)
    [7, 'tiles', 0, 'a white shoe on light tiles', 0.9], // 0.980 (0.513)
  ]);
});

describe('grout beside a thin product (segment.ts dropEdgeGrout)', () => {
  // The cut runs on the floor with its grout painted over and took in grout lines beside a stem or a
  // cable; at full size they are grey again and were kept (before, in brackets).
  keepsScenes([
    [1, 'tiles', 2, 'a plant whose stems run along grout lines', 0.955], // 0.964 (0.944)
    [13, 'tiles', 3, 'a glossy cable on tiles (held out)', 0.91], // 0.925 (0.893)
  ]);
});

describe('edges without a backdrop halo (unmix.ts)', () => {
  // The colour models put the edge ~1 px out, a rim of backdrop round the product; on a thin cable that
  // is a tenth of its area. Edge pixels are now decided by the local mix of product and backdrop colour
  // (before, in brackets).
  keepsScenes([
    [1, 'shadows', 2, 'a green cable over its cast shadow', 0.92], // 0.943 (0.882)
    [1, 'wood', 1, 'a blue cable on wood', 0.92], // 0.944 (0.896)
    [1, 'plain', 3, 'a bag on a plain backdrop', 0.983], // 0.988 (0.976)
    [2, 'uneven-light', 4, 'a glossy cable in uneven light (held out)', 0.94], // 0.962 (0.909)
  ]);

  it("smooths the small grid's steps off a diagonal edge (a shaded sleeve's top on white)", async () => {
    // Each step of the 256 px grid is ~4 px here; unmixing moves an edge a pixel a pass, and with 2
    // passes the teeth stayed, 99 wrong pixels in this window and runs of 4 in a row (4 passes: 14, 1).
    const spec = specOf(1, 'white-on-white', 2);
    const { scene, result } = await segmentScene(spec);
    const { alpha } = result;
    let wrong = 0;
    let longest = 0;
    for (let y = 290; y < 380; y++) {
      let run = 0;
      for (let x = 120; x < 260; x++) {
        const p = y * spec.width + x;
        run = alpha[p]! >= 128 !== scene.alpha[p]! >= 128 ? run + 1 : 0;
        wrong += run > 0 ? 1 : 0;
        longest = Math.max(longest, run);
      }
    }
    expect(wrong).toBeLessThanOrEqual(40);
    expect(longest).toBeLessThanOrEqual(2);
  }, 60_000);
});

describe('parts the colour models call backdrop (attached.ts)', () => {
  // A part whose colour the backdrop model explains, parted from the backdrop by a sharp edge, was cut off
  // (before, in brackets).
  keepsScenes([
    [1, 'clutter', 2, "a dark shoe's light sole among clutter", 0.92], // 0.939 (0.784)
    [1, 'clutter', 0, 'a sleeve end over a box of its colour', 0.985], // 0.996 (0.965)
    [3, 'tiles', 0, 'a white shoe on light tiles (held out)', 0.95], // 0.972 (0.777)
    [7, 'gradient', 1, "a dark shoe's sole on a gradient (held out)", 0.9], // 0.910 (0.868)
    [1, 'clutter', 4, "a dark leaf at a stem's end, joined on by the stem's tip only", 0.975], // 0.985 (0.951)
  ]);
});

describe('smooth products on textured backdrops, on held-out sets (texture.ts)', () => {
  // The shaded side of a dark box on wood has the colour of the grain's dark lines, and the colour models
  // cut it off; regions lacking the backdrop's texture are now favoured as product in the cut, and found
  // with the noise of dark pixels damped (before, in brackets).
  keepsScenes([
    [2, 'wood', 3, 'a dark box on wood', 0.97], // 0.994 (0.434; 0.834 before shaded edges, rim.ts)
    [3, 'shadows', 3, 'a white bottle on striped shade', 0.95], // 0.986 (0.712)
  ]);
});

describe('shaded edges cut off inside the rim (rim.ts)', () => {
  // A product's side turned from the light is the backdrop's colour in shade, and the cut ran a few pixels
  // inside the sharp rim: a white box lost a strip along its side, a sleeve its end. Strips between the
  // cut and a sharp step into the lit backdrop, joined smoothly to the product, now join it (before, in
  // brackets).
  keepsScenes([
    [1, 'white-on-white', 1, "a white box's shaded side", 0.983], // 0.989 (0.977)
    [1, 'white-on-white', 2, "the shaded end of a white shirt's sleeve", 0.983], // 0.989 (0.970)
    [1, 'uneven-light', 1, "a white shoe's sole ends in a hotspot", 0.985], // 0.991 (0.971)
    [3, 'white-on-white', 1, 'a white box (held out)', 0.97], // 0.993 (0.896)
    [2, 'uneven-light', 2, "a dark mug in the backdrop's hue (held out)", 0.95], // 0.975 (0.736)
    [7, 'white-on-white', 0, 'a white bottle (held out)', 0.9], // 0.931 (0.776)
  ]);
});

describe("the small copy's overshoot beside a dark edge (outline.ts)", () => {
  // The lanczos resize leaves a line lighter than the backdrop beside a dark edge; it passed for an
  // outlined object and was favoured as product (before, in brackets).
  keepsScenes([
    [1, 'white-on-white', 0, "a white bottle's dark cap and shaded side", 0.99], // 0.997 (0.982)
    [13, 'gradient', 3, "a plant's dark stems on a gradient (held out)", 0.96], // 0.981 (0.911)
  ]);
});

describe('grained backdrops are no silhouette (enclosed.ts grain)', () => {
  // A grained backdrop's flecks wall stretches of it off from the frame, and a hotspot or a band of lighter
  // grain departs from what surrounds it: it passed for a white product's silhouette and was kept. A
  // region the geodesic calls backdrop that shows the backdrop's grain no longer does (before, in brackets).
  keepsScenes([
    [3, 'paper', 5, 'a shoe cut off by the frame, on paper under a hotspot (held out)', 0.9], // 0.992 (0.086)
    [13, 'wood', 5, 'a glossy bag cut off by the frame, on wood (held out)', 0.97], // 0.990 (0.655)
  ]);
});

describe("a contact shadow's row under a product cut off by the frame (enclosed.ts edges on the frame)", () => {
  // The frame's pixels were never edges, so the region of a product cut off by the frame ran down the frame
  // column past its contour into the row of contact shadow under it, which was kept as silhouette: a strip
  // under a white mug and under three shoes' soles (before, in brackets).
  keepsScenes([
    [1, 'white-on-white', 5, 'a white mug cut off by the frame', 0.985], // 0.990 (0.973)
    [7, 'paper', 5, 'a shoe cut off by the frame, on paper (held out)', 0.97], // 0.993 (0.897)
    [13, 'paper', 5, 'a shoe cut off by the frame, on paper (held out)', 0.97], // 0.992 (0.888)
  ]);
});

describe('edges the small cut put a cell out (unmix.ts, the cells beside its edge)', () => {
  // Unmixing only re-decided pixels where the small cut's upsampled ramp was between 0 and 255; where the
  // small cut was a whole cell out (a ring of wood round a cable, grout beside it, a white mug's bottom)
  // the ramp is 255 or 0 and the edge stayed there. It now visits every pixel within two cells of the
  // small cut's edge (before, in brackets).
  keepsScenes([
    [1, 'wood', 1, 'a blue cable on wood', 0.955], // 0.966 (0.944)
    [1, 'tiles', 3, 'a glossy cable on tiles', 0.97], // 0.976 (0.963)
    [1, 'uneven-light', 4, 'a glossy cable in uneven light', 0.959], // 0.964 (0.953)
    [2, 'plain', 3, 'a bag on a plain backdrop (held out)', 0.994], // 0.997 (0.990)
  ]);
});

describe('prints deep inside a product', () => {
  // A grey print on a dark shirt is the backdrop's colour scaled down, which the backdrop model explains
  // as shade: it was opened as a hole. A hole lying deeper inside the product than it is wide, in a colour
  // far from the backdrop's, is now kept (before, in brackets; the print is lost on every set).
  keepsScenes([
    [1, 'plain', 2, 'a grey print on a dark shirt', 0.99], // 1.000 (0.956)
    [3, 'paper', 3, 'a grey print on a dark shirt on paper (held out)', 0.99], // 1.000 (0.952)
  ]);
});

describe('confidence on the evaluation set', () => {
  const confidences = async (category: Category) => {
    const out: number[] = [];
    for (const spec of sceneSpecs().filter((s) => s.category === category)) {
      out.push((await segmentScene(spec)).result.confidence);
    }
    return out;
  };
  const low = (values: number[]) => values.filter((c) => c < LOW_CONFIDENCE).length;

  it('asks for a check on white products on white (most of them), not on plain backdrops', async () => {
    // Today 4 of 6 white-on-white are below it (0.52, 0.41, 0.48, 0.33, 0.50, 0.20: the colour models
    // cannot tell product from backdrop there, though the silhouettes now get all six right); none
    // of the plain ones.
    expect(low(await confidences('white-on-white'))).toBeGreaterThanOrEqual(4);
    expect(low(await confidences('plain'))).toBe(0);
  }, 120_000);

  it('asks for a check among clutter, not on cloth', async () => {
    // Other things left in the backdrop lower it (strangerShare): all 6 clutter scenes are below it today
    // (0.21–0.45; on five sets 16 of the 20 clutter failures, 3 before); none of the cloth ones.
    expect(low(await confidences('clutter'))).toBeGreaterThanOrEqual(5);
    expect(low(await confidences('fabric'))).toBe(0);
  }, 120_000);

  it.each([2, 13])(
    'asks for a check when clutter crowds the frame and the cut kept something else (seed %i clutter#5, held out)',
    async (seed) => {
      // The dark cable is lost and a box beside it kept (IoU 0). The clutter touches the frame, so the
      // border model learnt it as backdrop and strangerShare saw none: confidence was 1.00 and 0.99.
      // frameStrangerShare sees a third of the frame in other colours.
      const { scene, result } = await segmentScene(specOf(seed, 'clutter', 5));
      expect(iou(result.alpha, scene.alpha)).toBeLessThan(0.5);
      expect(result.confidence).toBeLessThan(LOW_CONFIDENCE);
    },
    60_000,
  );
});
