/**
 * The one place the product imports sharp (style.md practice 3: one adapter per outside library). Every
 * pipeline module takes sharp from here so the process-wide settings below are applied exactly once.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';

// libvips' operation cache keeps decoded tiles of recent inputs around; a worker never reprocesses the
// same bytes, so it only costs memory (SPEC §6: ≤ 500 MB RSS at concurrency 2 with 24 MP inputs).
sharp.cache(false);

/** Business maximum of input pixels (width × height). 40 MP covers every phone camera we expect. */
export const MAX_INPUT_PIXELS = 40_000_000;

/** A libvips pipeline that runs longer than this is abandoned (security.md "Images": pipeline timeout). */
export const PIPELINE_TIMEOUT_SECONDS = 20;

/** Interleaved 8-bit pixels as they come out of `sharp().raw()`. */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** Wraps raw pixels for another sharp pass (never touches encoded bytes, so no decode limits apply). */
export function fromRaw(image: RawImage): Sharp {
  return sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  }).timeout({ seconds: PIPELINE_TIMEOUT_SECONDS });
}

/** Runs a pipeline to raw pixels and checks the channel count we asked for actually came out. */
export async function toRaw(pipeline: Sharp, channels: 1 | 3 | 4): Promise<RawImage> {
  // libvips may promote a 1-band image to sRGB on the way out; take the band back explicitly.
  const shaped = channels === 1 ? pipeline.extractChannel(0) : pipeline;
  const { data, info } = await shaped.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== channels) {
    throw new Error(`expected ${channels} channels from sharp, got ${info.channels}`);
  }
  return { data, width: info.width, height: info.height, channels };
}

export { type Metadata, type Sharp, sharp };
