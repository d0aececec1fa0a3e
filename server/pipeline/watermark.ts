/**
 * The free tier's "Lumiku" watermark (SPEC §4, seed §2.2.7: bottom-right corner). Drawn from a built-in
 * 5×7 bitmap, not a font: the server may have no fonts installed, and the mark must look the same
 * everywhere. Subtle: dark at 30 % on a light backdrop, light at 40 % on a dark one.
 */
import { fromRaw, type RawImage, toRaw } from './sharp.js';

const GLYPHS: Record<string, readonly string[]> = {
  L: ['10000', '10000', '10000', '10000', '10000', '10000', '11111'],
  u: ['00000', '00000', '10001', '10001', '10001', '10011', '01101'],
  m: ['00000', '00000', '11010', '10101', '10101', '10101', '10101'],
  i: ['00100', '00000', '01100', '00100', '00100', '00100', '01110'],
  k: ['10000', '10000', '10010', '10100', '11000', '10100', '10010'],
};
export const WATERMARK_TEXT = 'Lumiku';

/** Text height as a share of the canvas's shorter side, and the margin to the corner. */
const HEIGHT_SHARE = 0.028;
const MARGIN_SHARE = 0.025;

/** Where the mark was drawn, for tests and for anyone who wants to avoid it. */
export interface WatermarkBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Draws the watermark into `canvas` (RGB, in place) and returns its box. */
export async function applyWatermark(canvas: RawImage): Promise<WatermarkBox> {
  const cols = WATERMARK_TEXT.length * 6 - 1;
  const mask = Buffer.alloc(cols * 7);
  [...WATERMARK_TEXT].forEach((char, index) => {
    const glyph = GLYPHS[char]!;
    for (let y = 0; y < 7; y++) {
      for (let x = 0; x < 5; x++) if (glyph[y]![x] === '1') mask[y * cols + index * 6 + x] = 255;
    }
  });
  const side = Math.min(canvas.width, canvas.height);
  const factor = Math.max(2, Math.round((side * HEIGHT_SHARE) / 7));
  // Nearest-neighbour keeps the strokes crisp; the light blur then anti-aliases their edges.
  const scaled = await toRaw(
    fromRaw({ data: mask, width: cols, height: 7, channels: 1 })
      .resize(cols * factor, 7 * factor, { kernel: 'nearest' })
      .blur(Math.max(0.3, factor * 0.2)),
    1,
  );
  const margin = Math.round(side * MARGIN_SHARE);
  const box = {
    left: canvas.width - margin - scaled.width,
    top: canvas.height - margin - scaled.height,
    width: scaled.width,
    height: scaled.height,
  };

  let luma = 0;
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const i = ((box.top + y) * canvas.width + box.left + x) * canvas.channels;
      luma += 0.299 * canvas.data[i]! + 0.587 * canvas.data[i + 1]! + 0.114 * canvas.data[i + 2]!;
    }
  }
  const light = luma / (box.width * box.height) >= 128;
  const ink = light ? 0 : 255;
  const strength = light ? 0.3 : 0.4;
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const t = (scaled.data[y * box.width + x]! / 255) * strength;
      if (t === 0) continue;
      const i = ((box.top + y) * canvas.width + box.left + x) * canvas.channels;
      for (let c = 0; c < 3; c++) canvas.data[i + c] = Math.round(canvas.data[i + c]! * (1 - t) + ink * t);
    }
  }
  return box;
}
