import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { inspectImage, sniffFormat } from './inspect.js';
import { MAX_INPUT_PIXELS, sharp } from './sharp.js';
import { pngBomb, SVG_BYTES, TEXT_BYTES } from './testing/files.js';

function solid(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } });
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('inspectImage', () => {
  it('accepts JPEG, PNG and WebP and reports the format from the bytes', async () => {
    const jpeg = await solid(64, 48).jpeg().toBuffer();
    const png = await solid(64, 48).png().toBuffer();
    const webp = await solid(64, 48).webp().toBuffer();
    await expect(inspectImage(jpeg)).resolves.toEqual({ format: 'jpeg', width: 64, height: 48 });
    await expect(inspectImage(png)).resolves.toEqual({ format: 'png', width: 64, height: 48 });
    await expect(inspectImage(webp)).resolves.toEqual({ format: 'webp', width: 64, height: 48 });
  });

  it('reports the displayed size of a JPEG with EXIF orientation 6', async () => {
    const rotated = await solid(64, 48).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    await expect(inspectImage(rotated)).resolves.toEqual({ format: 'jpeg', width: 48, height: 64 });
  });

  it.each([
    ['SVG', async () => SVG_BYTES],
    ['text', async () => TEXT_BYTES],
    ['TIFF', () => solid(32, 32).tiff().toBuffer()],
    ['GIF', () => solid(32, 32).gif().toBuffer()],
    ['AVIF', () => solid(32, 32).avif().toBuffer()],
    ['empty', async () => Buffer.alloc(0)],
  ])('rejects %s (even if it was named .jpg) with UNSUPPORTED_IMAGE', async (_name, make) => {
    const error = await rejection(inspectImage(await make()));
    expect(error.code).toBe('UNSUPPORTED_IMAGE');
    expect(error.status).toBe(415);
  });

  it('rejects bytes that only start like a JPEG (an SVG polyglot) with IMAGE_INVALID', async () => {
    const polyglot = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00]),
      SVG_BYTES,
    ]);
    expect(sniffFormat(polyglot)).toBe('jpeg');
    expect((await rejection(inspectImage(polyglot))).code).toBe('IMAGE_INVALID');
  });

  it.each([
    ['JPEG', () => solid(300, 200).jpeg({ progressive: false }).toBuffer()],
    ['progressive JPEG', () => solid(300, 200).jpeg({ progressive: true }).toBuffer()],
    ['PNG', () => solid(300, 200).png().toBuffer()],
    ['WebP', () => solid(300, 200).webp().toBuffer()],
  ])('rejects a truncated %s with IMAGE_INVALID', async (_name, make) => {
    const whole = await make();
    for (const keep of [0.5, 0.9]) {
      const truncated = whole.subarray(0, Math.floor(whole.length * keep));
      expect((await rejection(inspectImage(truncated))).code).toBe('IMAGE_INVALID');
    }
  });

  it('rejects a decompression-bomb PNG (tiny file, 20000×20000 declared) without decoding it', async () => {
    const bomb = pngBomb(20_000, 20_000);
    expect(bomb.length).toBeLessThan(2_000);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const error = await rejection(inspectImage(bomb));
    expect(error.code).toBe('IMAGE_INVALID');
    expect(performance.now() - started).toBeLessThan(500);
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('applies the pixel limit through libvips for JPEG and WebP too (limit lowered for the test)', async () => {
    expect(MAX_INPUT_PIXELS).toBe(40_000_000);
    const jpeg = await solid(3000, 2000).jpeg({ quality: 50 }).toBuffer();
    const webp = await solid(3000, 2000).webp({ quality: 50 }).toBuffer();
    expect((await rejection(inspectImage(jpeg, { maxPixels: 5_000_000 }))).code).toBe('IMAGE_INVALID');
    expect((await rejection(inspectImage(webp, { maxPixels: 5_000_000 }))).code).toBe('IMAGE_INVALID');
    await expect(inspectImage(jpeg, { maxPixels: 6_000_000 })).resolves.toMatchObject({ width: 3000 });
  });
});
