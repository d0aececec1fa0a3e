/**
 * What the generation sandboxes "generate": deterministic stand-ins for the models' outputs, so tests can
 * assert on pixels. A scene is a two-colour gradient with soft stripes whose colours and angle derive from
 * a hash of prompt + seed (same prompt and seed, same pixels; another prompt, visibly another scene). A
 * relight is the input with a directional brightness ramp: bright on the lit side, dark on the other.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';

export type LightFrom = 'none' | 'left' | 'right' | 'top' | 'bottom';

/** Real SDXL services cap sizes near 2 MP; bounded so a fuzzed request cannot allocate gigabytes here. */
export const MAX_SIDE = 2048;

export async function sceneImage(
  prompt: string,
  seed: number,
  width: number,
  height: number,
): Promise<Buffer> {
  const hash = createHash('sha256').update(`${prompt}|${seed}`).digest();
  const from = [hash[0]!, hash[1]!, hash[2]!];
  const to = [hash[3]!, hash[4]!, hash[5]!];
  const angle = (hash[6]! / 255) * Math.PI * 2;
  const stripes = 4 + (hash[7]! % 12);
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const data = Buffer.alloc(width * height * 3);
  const half = Math.abs(dx * width) / 2 + Math.abs(dy * height) / 2 || 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + ((x - width / 2) * dx + (y - height / 2) * dy) / (2 * half)));
      const wave =
        1 + 0.06 * Math.sin(((x * -dy + y * dx) / Math.max(width, height)) * stripes * Math.PI * 2);
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++)
        data[o + c] = Math.min(255, Math.round((from[c]! + (to[c]! - from[c]!) * t) * wave));
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/**
 * The input (resized to `width` × `height` when given) times a ramp from 0.55 on the far side to 1.45 on
 * the lit side; `none` lifts everything a little and evenly.
 */
export async function relightImage(
  input: Buffer,
  from: LightFrom,
  size?: { width: number; height: number },
): Promise<Buffer> {
  let image = sharp(input, { limitInputPixels: 40_000_000 }).rotate().removeAlpha().toColourspace('srgb');
  if (size) image = image.resize(size.width, size.height, { fit: 'fill' });
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = width > 1 ? x / (width - 1) : 0.5;
      const v = height > 1 ? y / (height - 1) : 0.5;
      const lit = { none: 0.5, left: 1 - u, right: u, top: 1 - v, bottom: v }[from];
      const gain = from === 'none' ? 1.1 : 0.55 + 0.9 * lit;
      const o = (y * width + x) * channels;
      for (let c = 0; c < 3; c++) data[o + c] = Math.min(255, Math.round(data[o + c]! * gain));
    }
  }
  return sharp(data, { raw: { width, height, channels } }).png().toBuffer();
}

/** Width and height of a PNG from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
