/**
 * The pipeline running workflows as data: every preset, every step kind, the free tier, and odd inputs
 * through every step type. Generated photos, pixel-level assertions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { outputOf, UPLOAD_RULES, WORKFLOW_PRESET_IDS, WORKFLOW_PRESETS } from '../../shared/presets.js';
import type { Workflow, WorkflowStep } from '../../shared/workflow.js';
import { AppError } from '../errors.js';
import { type EnhanceOutput, enhance, FREE_MAX_SIDE } from './enhance.js';
import { type RawImage, sharp } from './sharp.js';
import { decodeRgb, meanColour, nonWhiteBox, pixelAt } from './testing/pixels.js';
import { makeProductPhoto, renderProductPhoto, type SyntheticPhoto } from './testing/synthetic.js';

const cutout = { type: 'background_removal', method: 'local' } as const;
const white = { type: 'background', kind: 'solid', color: '#ffffff' } as const;
const exportShopee = { type: 'export', kind: 'preset', preset: 'shopee-square' } as const;
const luma = ([r, g, b]: readonly number[]) => 0.299 * r! + 0.587 * g! + 0.114 * b!;

async function metadataFree(output: EnhanceOutput): Promise<void> {
  const metadata = await sharp(output.data).metadata();
  expect(metadata).toMatchObject({ format: output.format, width: output.width, height: output.height });
  expect(metadata.exif).toBeUndefined();
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.icc).toBeUndefined();
}

/** Box of the clearly blue pixels: the product, whatever the backdrop. */
function blueBox(image: RawImage) {
  let top = image.height;
  let bottom = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const [r, , b] = pixelAt(image, x, y);
      if (b <= r + 60) continue;
      top = Math.min(top, y);
      bottom = y;
    }
  }
  return { top, height: bottom - top + 1 };
}

let photo: SyntheticPhoto;
beforeAll(async () => {
  photo = await makeProductPhoto({
    width: 700,
    height: 700,
    background: 'wood',
    seed: 3,
    objectColor: '#2f6fd0',
  });
});

describe('every workflow preset', () => {
  it.each(WORKFLOW_PRESET_IDS)("%s: its output size and format, within its target's rules", async (id) => {
    const output = await enhance(photo.image, { presetId: id });
    const expected = outputOf(WORKFLOW_PRESETS[id].steps);
    expect(output).toMatchObject({ format: expected.format, width: expected.width, height: expected.height });
    expect(output.bytes).toBeLessThanOrEqual(
      Math.min(expected.maxBytes, UPLOAD_RULES[expected.target].maxBytes),
    );
    expect(output.watermarked).toBe(false);
    await metadataFree(output);
    // The blue product is in the middle of the frame whatever the backdrop.
    const image = await decodeRgb(output.data);
    const [r, , b] = meanColour(image, output.width / 2 - 5, output.height / 2 - 5, 10, 10);
    expect(b).toBeGreaterThan(r + 40);
  });

  it('the presets differ from each other (backdrop corners)', async () => {
    const corners = new Set<string>();
    for (const id of WORKFLOW_PRESET_IDS) {
      if (id !== 'shopee-white-studio' && id.endsWith('white-studio')) continue;
      const image = await decodeRgb((await enhance(photo.image, { presetId: id })).data);
      corners.add(
        pixelAt(image, 5, 5)
          .map((v) => Math.round(v / 6))
          .join(','),
      );
    }
    expect(corners.size).toBe(5);
  });
});

describe('the free tier (SPEC §4: watermark, max 1024 px)', () => {
  it('caps the longest side at 1024 and draws a watermark bottom-right; a paid tier gets neither', async () => {
    const free = await enhance(photo.image, { presetId: 'shopee-white-studio', tier: 'free' });
    const paid = await enhance(photo.image, { presetId: 'shopee-white-studio', tier: 'professional' });
    expect(free).toMatchObject({ width: FREE_MAX_SIDE, height: FREE_MAX_SIDE, watermarked: true });
    expect(paid).toMatchObject({ width: 1200, height: 1200, watermarked: false });
    const freeImage = await decodeRgb(free.data);
    const paidImage = await decodeRgb(paid.data);
    // Bottom-right corner region: grey ink on the free output, clean white on the paid one.
    const darkest = (image: RawImage, left: number, top: number, width: number, height: number) => {
      let min = 255;
      for (let y = top; y < top + height; y++)
        for (let x = left; x < left + width; x++) min = Math.min(min, luma(pixelAt(image, x, y)));
      return min;
    };
    const freeMark = darkest(freeImage, 1024 - 200, 1024 - 60, 195, 55);
    expect(freeMark).toBeLessThan(215);
    expect(freeMark).toBeGreaterThan(120); // subtle: semi-transparent, never black
    expect(darkest(paidImage, 1200 - 235, 1200 - 70, 230, 65)).toBeGreaterThanOrEqual(248);
    // Nowhere else: the other corners of the free output are clean.
    expect(darkest(freeImage, 5, 1024 - 60, 195, 55)).toBeGreaterThanOrEqual(248);
    expect(darkest(freeImage, 1024 - 200, 5, 195, 55)).toBeGreaterThanOrEqual(248);
  });

  it("scales a 9:16 output to 576×1024, still within TikTok Shop's minimum", async () => {
    const free = await enhance(photo.image, { presetId: 'tiktok-vertical-studio', tier: 'free' });
    expect(free).toMatchObject({ width: 576, height: 1024, watermarked: true });
    expect(Math.min(free.width, free.height)).toBeGreaterThanOrEqual(UPLOAD_RULES.tiktok.minPixels);
  });

  it('leaves an already small output alone apart from the watermark', async () => {
    const workflow: Workflow = [
      {
        type: 'export',
        kind: 'custom',
        target: 'tokopedia',
        width: 800,
        height: 600,
        format: 'png',
        quality: 90,
        padding: 0.05,
      },
    ];
    const free = await enhance(photo.image, { workflow, tier: 'free' });
    expect(free).toMatchObject({ width: 800, height: 600, format: 'png', watermarked: true });
  });
});

describe('workflows given as data', () => {
  const run = async (steps: WorkflowStep[]) =>
    decodeRgb((await enhance(photo.image, { workflow: steps })).data);

  it('drop shadow: offset by angle and distance, blurred, in its colour', async () => {
    const drop = {
      type: 'shadow',
      kind: 'drop',
      opacity: 0.7,
      blur: 6,
      angle: 90,
      distance: 60,
      color: '#ff0000',
    } as const;
    const image = await run([cutout, white, drop, exportShopee]);
    const plain = await run([cutout, white, exportShopee]);
    const box = nonWhiteBox(plain, 200);
    const midY = box.top + box.height / 2;
    // 90° = to the right: reddish just right of the product, nothing on its left.
    const right = meanColour(image, box.left + box.width + 15, midY - 20, 20, 40);
    expect(right[0]).toBeGreaterThan(240);
    expect(right[1]).toBeLessThan(225);
    expect(Math.abs(right[1] - right[2])).toBeLessThan(8);
    const left = meanColour(image, box.left - 40, midY - 20, 20, 40);
    expect(Math.min(...left)).toBeGreaterThanOrEqual(250);
    // Blurred: the shadow's right edge ramps over several pixels instead of stepping.
    const edgeX = box.left + box.width + 60;
    const greens = [-8, -4, 0, 4, 8].map((dx) => pixelAt(image, edgeX + dx, midY)[1]);
    expect(greens[0]).toBeLessThan(greens[4]!);
    expect(greens.filter((g) => g > greens[0]! + 5 && g < greens[4]! - 5).length).toBeGreaterThanOrEqual(1);
  });

  it('reflection: the product mirrored below itself, fading out', async () => {
    const reflection = {
      type: 'shadow',
      kind: 'reflection',
      opacity: 0.5,
      blur: 0,
      angle: 180,
      distance: 0,
      color: '#000000',
    } as const;
    const image = await run([cutout, white, reflection, exportShopee]);
    // The product: its lowest clearly-blue row in the centre column.
    let bottom = -1;
    for (let y = 0; y < image.height; y++) {
      const [r, , b] = pixelAt(image, 600, y);
      if (b > r + 80) bottom = y;
    }
    expect(bottom).toBeGreaterThan(600);
    const near = meanColour(image, 590, bottom + 12, 20, 6);
    const far = meanColour(image, 590, bottom + 120, 20, 6);
    // Bluish tint right below (a faded copy of the blue product), weaker further down.
    expect(near[2] - near[0]).toBeGreaterThan(25);
    expect(near[2] - near[0]).toBeGreaterThan(far[2] - far[0] + 10);
    // It's lighter than the product itself: faded, not a second product.
    expect(luma(near)).toBeGreaterThan(luma(pixelAt(image, 600, bottom - 30)) + 30);
  });

  it('natural shadow takes its colour and opacity from the step', async () => {
    const natural = (opacity: number, color: string) =>
      ({ type: 'shadow', kind: 'natural', opacity, blur: 36, angle: 180, distance: 0, color }) as const;
    const blue = await run([cutout, white, natural(0.6, '#0000ff'), exportShopee]);
    const none = await run([cutout, white, natural(0, '#000000'), exportShopee]);
    let bottom = -1;
    for (let y = 0; y < 1200; y++) if (luma(pixelAt(none, 600, y)) < 200) bottom = y;
    const band = meanColour(blue, 560, bottom + 4, 80, 6);
    expect(band[2]).toBeGreaterThan(band[0] + 20);
    expect(Math.min(...meanColour(none, 560, bottom + 6, 80, 6))).toBeGreaterThan(248);
  });

  it('custom export: PNG and WebP, its size and padding', async () => {
    for (const format of ['png', 'webp'] as const) {
      const output = await enhance(photo.image, {
        workflow: [
          cutout,
          { type: 'background', kind: 'linear', from: '#ffffff', to: '#888888', angle: 180 },
          {
            type: 'export',
            kind: 'custom',
            target: 'tokopedia',
            width: 900,
            height: 700,
            format,
            quality: 85,
            padding: 0.2,
          },
        ],
      });
      expect(output).toMatchObject({ format, width: 900, height: 700 });
      await metadataFree(output);
      const image = await decodeRgb(output.data);
      // 20 % padding: the product stays inside the middle 60 % (plus a few px of soft edge).
      const product = blueBox(image);
      expect(product.top).toBeGreaterThanOrEqual(140 - 3);
      expect(product.top + product.height).toBeLessThanOrEqual(560 + 3);
    }
  });

  it('without background removal the whole photo is kept and only lit', async () => {
    const output = await enhance(photo.image, {
      workflow: [{ type: 'lighting', kind: 'preset', preset: 'moody' }, exportShopee],
    });
    const image = await decodeRgb(output.data);
    // The wood backdrop is still there (brown, not white) inside the fitted photo.
    const [r, , b] = meanColour(image, 120, 600, 10, 10);
    expect(r).toBeGreaterThan(b + 20);
  });

  it('an invalid workflow is a validation error before any work', async () => {
    const error = await enhance(photo.image, { workflow: [cutout, white] as unknown as Workflow }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('VALIDATION_FAILED');
  });
});

describe('odd inputs through every step type', () => {
  const base = renderProductPhoto({
    width: 480,
    height: 480,
    background: 'plain',
    seed: 9,
    objectColor: '#2f6fd0',
  });
  const raw = () => sharp(base.pixels, { raw: { width: 480, height: 480, channels: 3 } });
  const transparent = () => {
    const rgba = Buffer.alloc(480 * 480 * 4);
    for (let p = 0; p < 480 * 480; p++) {
      rgba.set(base.pixels.subarray(p * 3, p * 3 + 3), p * 4);
      rgba[p * 4 + 3] = base.alpha[p]!;
    }
    return sharp(rgba, { raw: { width: 480, height: 480, channels: 4 } })
      .png()
      .toBuffer();
  };
  const inputs: Array<[string, () => Promise<Buffer>]> = [
    ['CMYK JPEG', () => raw().toColourspace('cmyk').jpeg().toBuffer()],
    ['16-bit PNG', () => raw().toColourspace('rgb16').png().toBuffer()],
    ['greyscale JPEG', () => raw().toColourspace('b-w').jpeg().toBuffer()],
    ['palette PNG', () => raw().png({ palette: true, colours: 32 }).toBuffer()],
    ['transparent PNG', transparent],
    ['tiny 40×40 JPEG', () => raw().resize(40, 40).jpeg().toBuffer()],
    ['7×7 PNG', () => raw().resize(7, 7).png().toBuffer()],
    ['huge 6000×4000 JPEG', () => raw().resize(6000, 4000, { fit: 'fill' }).jpeg({ quality: 70 }).toBuffer()],
    ['very wide 3000×200 PNG', () => raw().resize(3000, 200, { fit: 'fill' }).png().toBuffer()],
  ];
  const workflows: Array<[string, Workflow]> = [
    [
      'texture + dramatic + drop + custom PNG',
      [
        cutout,
        { type: 'background', kind: 'texture', texture: 'wood', seed: 4 },
        { type: 'lighting', kind: 'preset', preset: 'dramatic' },
        { type: 'shadow', kind: 'drop', opacity: 0.5, blur: 10, angle: 135, distance: 20, color: '#000000' },
        {
          type: 'export',
          kind: 'custom',
          target: 'tokopedia',
          width: 800,
          height: 800,
          format: 'png',
          quality: 90,
          padding: 0.1,
        },
      ],
    ],
    [
      'sweep + manual + reflection + 9:16',
      [
        cutout,
        { type: 'background', kind: 'studio_sweep', color: '#eeeeee' },
        { type: 'lighting', kind: 'manual', brightness: 20, contrast: -30, warmth: 40 },
        {
          type: 'shadow',
          kind: 'reflection',
          opacity: 0.4,
          blur: 3,
          angle: 180,
          distance: 4,
          color: '#000000',
        },
        { type: 'export', kind: 'preset', preset: 'tiktok-vertical' },
      ],
    ],
    [
      'radial + moody + natural + WebP',
      [
        cutout,
        { type: 'background', kind: 'radial', inner: '#ffffff', outer: '#333333' },
        { type: 'lighting', kind: 'preset', preset: 'moody' },
        {
          type: 'shadow',
          kind: 'natural',
          opacity: 0.4,
          blur: 30,
          angle: 180,
          distance: 0,
          color: '#000000',
        },
        {
          type: 'export',
          kind: 'custom',
          target: 'tiktok',
          width: 600,
          height: 600,
          format: 'webp',
          quality: 80,
          padding: 0.08,
        },
      ],
    ],
  ];

  for (const [inputName, make] of inputs) {
    // A hung job would hit the test's timeout; speed itself is measured by `npm run bench`, not here
    // (a wall-clock bound failed the 6000×4000 case on a loaded 2-core machine: ~3.5 s alone).
    it.each(workflows)(`${inputName}: %s`, async (_name, workflow) => {
      const output = await enhance(await make(), { workflow, tier: 'free' });
      const expected = outputOf(workflow);
      const scale = Math.min(1, FREE_MAX_SIDE / Math.max(expected.width, expected.height));
      expect(output).toMatchObject({
        format: expected.format,
        width: Math.round(expected.width * scale),
        height: Math.round(expected.height * scale),
      });
      await metadataFree(output);
    });
  }

  it('an animated WebP: the first frame is used (documented choice), not the others', async () => {
    const frame = (colour: string) =>
      sharp({ create: { width: 200, height: 200, channels: 3, background: '#f4f4f4' } })
        .composite([
          {
            input: { create: { width: 80, height: 120, channels: 3, background: colour } },
            top: 40,
            left: 60,
          },
        ])
        .png()
        .toBuffer();
    const animated = await sharp([await frame('#2f6fd0'), await frame('#d03020')], {
      join: { animated: true },
    })
      .webp({ loop: 0, delay: [100, 100] })
      .toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(2);
    const output = await enhance(animated, { presetId: 'shopee-white-studio' });
    expect(output).toMatchObject({ width: 1200, height: 1200 });
    const [r, , b] = meanColour(await decodeRgb(output.data), 595, 595, 10, 10);
    expect(b).toBeGreaterThan(r + 60);
  });
});
