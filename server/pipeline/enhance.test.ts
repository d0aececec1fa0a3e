import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { type EnhanceOutput, enhance } from './enhance.js';
import { segment } from './segment.js';
import { type RawImage, sharp } from './sharp.js';
import { pngBomb, SVG_BYTES, TEXT_BYTES } from './testing/files.js';
import { decodeRgb, maskIou, meanColour, nonWhiteBox, pixelAt } from './testing/pixels.js';
import { makeProductPhoto, parseHex, renderProductPhoto, type SyntheticPhoto } from './testing/synthetic.js';

const presetId = 'shopee-white-studio';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Every pipeline output: the Shopee square, JPEG, within 2 MB, metadata-free, white frame. */
async function expectShopeeSquare(output: EnhanceOutput): Promise<RawImage> {
  expect(output).toMatchObject({ format: 'jpeg', width: 1200, height: 1200 });
  expect(output.bytes).toBe(output.data.length);
  expect(output.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
  const metadata = await sharp(output.data).metadata();
  expect(metadata).toMatchObject({ format: 'jpeg', width: 1200, height: 1200, space: 'srgb' });
  expect(metadata.exif).toBeUndefined();
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.iptc).toBeUndefined();
  expect(metadata.orientation).toBeUndefined();
  const image = await decodeRgb(output.data);
  for (const [x, y] of [
    [4, 4],
    [1195, 4],
    [600, 4],
    [4, 600],
    [1195, 600],
    [4, 1195],
    [1195, 1195],
  ] as const) {
    expect(Math.min(...pixelAt(image, x, y)), `pixel ${x},${y}`).toBeGreaterThanOrEqual(250);
  }
  return image;
}

/** Lowest row of the centre column whose pixel is clearly coloured (product, not grey shadow). */
function productBottom(image: RawImage, x: number, minChroma: number): number {
  for (let y = image.height - 1; y >= 0; y--) {
    const [r, g, b] = pixelAt(image, x, y);
    if (Math.max(r, g, b) - Math.min(r, g, b) > minChroma) return y;
  }
  return -1;
}

const luma = ([r, g, b]: readonly number[]) => 0.299 * r! + 0.587 * g! + 0.114 * b!;

/** Box of the product on the output: coloured or dark pixels (the floor shadow is light grey). */
function productBox(image: RawImage) {
  let left = image.width;
  let top = image.height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const colour = pixelAt(image, x, y);
      if (Math.max(...colour) - Math.min(...colour) <= 30 && luma(colour) >= 130) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

describe('enhance (shopee-white-studio)', () => {
  const scenes = [
    { name: 'a blue bottle on wood', options: { background: 'wood', seed: 3, objectColor: '#2f6fd0' } },
    {
      name: 'a red box on fabric',
      options: { background: 'fabric', seed: 4, shape: 'box', objectColor: '#c0392b' },
    },
  ] as const;
  const photos = new Map<string, SyntheticPhoto>();

  beforeAll(async () => {
    for (const scene of scenes)
      photos.set(scene.name, await makeProductPhoto({ width: 900, height: 900, ...scene.options }));
  });

  it.each(scenes)('puts $name on a white studio square with a floor shadow', async ({ name, options }) => {
    const photo = photos.get(name)!;
    const progress: Array<[number, string]> = [];
    const output = await enhance(photo.image, {
      presetId,
      onProgress: (percent, stage) => {
        progress.push([percent, stage]);
      },
    });
    const image = await expectShopeeSquare(output);
    expect(progress).toEqual([
      [10, 'decode'],
      [40, 'segment'],
      [70, 'compose'],
      [95, 'encode'],
    ]);
    expect(Object.keys(output.timingsMs)).toEqual([
      'inspect',
      'decode',
      'segment',
      'compose',
      'encode',
      'total',
    ]);
    expect(output.confidence).toBeGreaterThan(0.8);

    // The product is centred: its centre pixel is the product's colour (tone correction is mild).
    const expected = parseHex(options.objectColor);
    const centre = meanColour(image, 595, 595, 10, 10);
    for (let c = 0; c < 3; c++) expect(Math.abs(centre[c]! - expected[c]!), `channel ${c}`).toBeLessThan(45);

    // Fitted to the 8 % padding (96 px): the product spans the box in its longer dimension; the soft
    // shadow may reach into the padding but never the canvas edge.
    const product = productBox(image);
    expect(Math.max(product.width, product.height)).toBeGreaterThan(990);
    expect(Math.max(product.width, product.height)).toBeLessThanOrEqual(1012);
    expect(product.left).toBeGreaterThanOrEqual(92);
    expect(product.top).toBeGreaterThanOrEqual(92);
    const withShadow = nonWhiteBox(image, 252);
    expect(withShadow.left).toBeGreaterThanOrEqual(20);
    expect(withShadow.left + withShadow.width).toBeLessThanOrEqual(1180);
    expect(withShadow.top + withShadow.height).toBeLessThanOrEqual(1180);

    // Floor shadow: just below the product's bottom it is darker than white, lighter than the product,
    // and it fades out further down.
    const bottom = productBottom(image, 600, 40);
    expect(bottom).toBeGreaterThan(900);
    const band = meanColour(image, 560, bottom + 4, 80, 8);
    expect(Math.max(...band)).toBeLessThan(245);
    expect(luma(band)).toBeGreaterThan(luma(centre) + 20);
    const below = meanColour(image, 560, Math.min(1190, bottom + 85), 80, 4);
    expect(Math.min(...below)).toBeGreaterThan(248);
  });

  it.each(scenes)('segments $name with IoU ≥ 0.9 against the truth mask', async ({ name }) => {
    const photo = photos.get(name)!;
    const { alpha } = await segment(await decodeRgb(photo.image));
    expect(maskIou(alpha, photo.alpha)).toBeGreaterThanOrEqual(0.9);
  });

  it('applies EXIF orientation: a portrait stored sideways with orientation 6 comes out upright', async () => {
    // A tall bottle, stored rotated 90° counter-clockwise with a tag saying "rotate 90° clockwise to show".
    const upright = renderProductPhoto({ width: 600, height: 800, background: 'plain', seed: 8 });
    const raw = { raw: { width: 600, height: 800, channels: 3 as const } };
    const sideways = await sharp(upright.pixels, raw).rotate(-90).jpeg({ quality: 92 }).toBuffer();
    const tagged = await sharp(sideways).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer();
    expect((await sharp(tagged).metadata()).orientation).toBe(6);

    const fromTagged = nonWhiteBox(await expectShopeeSquare(await enhance(tagged, { presetId })), 200);
    const fromUntagged = nonWhiteBox(await expectShopeeSquare(await enhance(sideways, { presetId })), 200);
    // Upright bottle: taller than wide. Without the tag the same pixels show a bottle lying down.
    expect(fromTagged.height).toBeGreaterThan(fromTagged.width * 1.5);
    expect(fromUntagged.width).toBeGreaterThan(fromUntagged.height * 1.5);
  });

  it('strips EXIF (including GPS), XMP and ICC from the output', async () => {
    const photo = renderProductPhoto({ width: 500, height: 500, background: 'gradient', seed: 6 });
    const input = await sharp(photo.pixels, { raw: { width: 500, height: 500, channels: 3 } })
      .withExif({
        IFD0: { Make: 'PhoneCo', Artist: 'Seller' },
        IFD3: {
          GPSLatitudeRef: 'S',
          GPSLatitude: '6/1 12/1 0/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '106/1 49/1 0/1',
        },
      })
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    const before = await sharp(input).metadata();
    expect(before.exif).toBeDefined();
    expect(before.icc).toBeDefined();
    const output = await enhance(input, { presetId });
    await expectShopeeSquare(output);
    const after = await sharp(output.data).metadata();
    expect(after.icc).toBeUndefined();
    expect(output.data.includes(Buffer.from('PhoneCo'))).toBe(false);
    expect(output.data.includes(Buffer.from('Exif'))).toBe(false);
  });

  describe('odd but valid inputs are processed', () => {
    const base = renderProductPhoto({
      width: 480,
      height: 480,
      background: 'plain',
      seed: 9,
      objectColor: '#2f6fd0',
    });
    const raw = () => sharp(base.pixels, { raw: { width: 480, height: 480, channels: 3 } });

    it.each([
      ['a CMYK JPEG', () => raw().toColourspace('cmyk').jpeg().toBuffer(), { space: 'cmyk' }],
      ['a 16-bit PNG', () => raw().toColourspace('rgb16').png().toBuffer(), { depth: 'ushort' }],
      ['a palette PNG', () => raw().png({ palette: true, colours: 64 }).toBuffer(), { isPalette: true }],
      ['a WebP', () => raw().webp({ quality: 85 }).toBuffer(), { format: 'webp' }],
    ] as const)('%s', async (_name, make, expectedInput) => {
      const input = await make();
      expect(await sharp(input).metadata()).toMatchObject(expectedInput);
      const image = await expectShopeeSquare(await enhance(input, { presetId }));
      const [r, g, b] = meanColour(image, 595, 595, 10, 10);
      // Still a blue product (CMYK round trips shift colours a little, never to another hue).
      expect(b).toBeGreaterThan(r + 60);
      expect(b).toBeGreaterThan(g + 20);
    });

    it('a greyscale JPEG stays grey', async () => {
      const input = await raw().toColourspace('b-w').jpeg().toBuffer();
      expect((await sharp(input).metadata()).channels).toBe(1);
      const image = await expectShopeeSquare(await enhance(input, { presetId }));
      const [r, g, b] = pixelAt(image, 600, 600);
      expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThanOrEqual(4);
      expect(r).toBeLessThan(200);
    });

    it('an already transparent PNG uses its own alpha as the cut-out', async () => {
      // Wood under the transparent pixels: it must not show anywhere.
      const wood = renderProductPhoto({
        width: 480,
        height: 480,
        background: 'wood',
        seed: 9,
        objectColor: '#2f6fd0',
      });
      const rgba = Buffer.alloc(480 * 480 * 4);
      for (let p = 0; p < 480 * 480; p++) {
        rgba.set(wood.pixels.subarray(p * 3, p * 3 + 3), p * 4);
        rgba[p * 4 + 3] = wood.alpha[p]!;
      }
      const input = await sharp(rgba, { raw: { width: 480, height: 480, channels: 4 } })
        .png()
        .toBuffer();
      const output = await enhance(input, { presetId });
      const image = await expectShopeeSquare(output);
      expect(output.confidence).toBe(1);
      const [r, , b] = pixelAt(image, 600, 600);
      expect(b).toBeGreaterThan(r + 60);
      // Beside the product (left of its body) the canvas is white, not wood.
      const box = nonWhiteBox(image, 200);
      expect(Math.min(...pixelAt(image, box.left - 12, 600))).toBeGreaterThanOrEqual(245);
    });

    it('a tiny 50×50 photo is scaled up into the square', async () => {
      const tiny = await makeProductPhoto({ width: 50, height: 50, background: 'plain', seed: 1 });
      const image = await expectShopeeSquare(await enhance(tiny.image, { presetId }));
      const [r, , b] = meanColour(image, 595, 595, 10, 10);
      expect(b).toBeGreaterThan(r + 40);
    });

    it('a 12×12 photo (too small to segment) is kept whole', async () => {
      const input = await sharp({ create: { width: 12, height: 12, channels: 3, background: '#884422' } })
        .png()
        .toBuffer();
      const output = await enhance(input, { presetId });
      const image = await expectShopeeSquare(output);
      expect(output.confidence).toBe(0);
      expect(pixelAt(image, 600, 600)[0]).toBeGreaterThan(100);
    });
  });

  describe('hostile or broken inputs are rejected with the right code, quickly', () => {
    it.each([
      ['an SVG', async () => SVG_BYTES, 'UNSUPPORTED_IMAGE'],
      ['a text file', async () => TEXT_BYTES, 'UNSUPPORTED_IMAGE'],
      [
        'a TIFF',
        () =>
          sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } })
            .tiff()
            .toBuffer(),
        'UNSUPPORTED_IMAGE',
      ],
      [
        'a GIF',
        () =>
          sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } })
            .gif()
            .toBuffer(),
        'UNSUPPORTED_IMAGE',
      ],
      [
        'a truncated JPEG',
        async () => {
          const photo = await makeProductPhoto({ width: 300, height: 300, seed: 2 });
          return photo.image.subarray(0, Math.floor(photo.image.length * 0.6));
        },
        'IMAGE_INVALID',
      ],
      ['a 20000×20000 PNG bomb', async () => pngBomb(20_000, 20_000), 'IMAGE_INVALID'],
      [
        'a PNG whose IDAT holds far fewer rows than IHDR declares',
        async () => pngBomb(1000, 1000),
        'IMAGE_INVALID',
      ],
    ] as const)('%s', async (_name, make, code) => {
      const started = performance.now();
      const error = await rejection(enhance(await make(), { presetId }));
      expect(error.code).toBe(code);
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('a JPEG with corrupted scan data is either processed or rejected as IMAGE_INVALID, never a crash', async () => {
      const photo = await makeProductPhoto({ width: 300, height: 300, seed: 2 });
      const corrupt = Buffer.from(photo.image);
      // Overwrite a stretch in the middle of the entropy-coded data (0x00 never forms a marker).
      corrupt.fill(0x00, Math.floor(corrupt.length * 0.5), Math.floor(corrupt.length * 0.5) + 400);
      const outcome = await enhance(corrupt, { presetId }).then(
        (output) => output,
        (error: unknown) => error,
      );
      if (outcome instanceof AppError) expect(outcome.code).toBe('IMAGE_INVALID');
      else await expectShopeeSquare(outcome as EnhanceOutput);
    });

    it('a throwing progress callback aborts with its own error', async () => {
      const photo = await makeProductPhoto({ width: 100, height: 100 });
      const cancelled = new Error('job cancelled');
      const outcome = await enhance(photo.image, {
        presetId,
        onProgress: (percent) => {
          if (percent >= 40) throw cancelled;
        },
      }).catch((e: unknown) => e);
      expect(outcome).toBe(cancelled);
    });

    it('an unknown preset is a validation error', async () => {
      const photo = await makeProductPhoto({ width: 100, height: 100 });
      const error = await rejection(enhance(photo.image, { presetId: 'nope' as typeof presetId }));
      expect(error.code).toBe('VALIDATION_FAILED');
    });
  });
});
