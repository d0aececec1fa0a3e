import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { computeMatte } from './matte.js';
import { makeProductPhoto } from './testing/synthetic.js';

async function grey(png: Buffer) {
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('computeMatte', () => {
  it('returns a greyscale PNG of the input size, product white and background black', async () => {
    const photo = await makeProductPhoto({ width: 2400, height: 1800, seed: 3, background: 'fabric' });
    const matte = await computeMatte(photo.image);
    expect(await sharp(matte.data).metadata()).toMatchObject({
      format: 'png',
      width: 2400,
      height: 1800,
      channels: 1,
    });
    const { data } = await grey(matte.data);
    // Agrees with the truth coverage on nearly every pixel (it is decoded at 1600 px and scaled back).
    let wrong = 0;
    for (let p = 0; p < data.length; p++) if (data[p]! >= 128 !== photo.alpha[p]! >= 128) wrong++;
    expect(wrong / data.length).toBeLessThan(0.02);
  }, 30_000);

  it('keeps the alpha of an uploaded cut-out', async () => {
    const size = 200;
    const alpha = Buffer.alloc(size * size);
    for (let y = 50; y < 150; y++) alpha.fill(255, y * size + 60, y * size + 140);
    const rgba = Buffer.alloc(size * size * 4, 90);
    for (let p = 0; p < size * size; p++) rgba[p * 4 + 3] = alpha[p]!;
    const png = await sharp(rgba, { raw: { width: size, height: size, channels: 4 } })
      .png()
      .toBuffer();
    const matte = await computeMatte(png);
    expect(matte.confidence).toBe(1);
    expect((await grey(matte.data)).data.equals(alpha)).toBe(true);
  });

  it('refuses bytes that are not an image with the pipeline error', async () => {
    await expect(computeMatte(Buffer.from('just text'))).rejects.toMatchObject({ code: 'UNSUPPORTED_IMAGE' });
  });
});
