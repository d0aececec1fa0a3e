/**
 * A matte from a hosted background remover. Providers take encoded bytes and answer with a PNG with alpha
 * or a greyscale mask, at whatever size they chose; this turns that into an 8-bit alpha of the working
 * size, so the rest of the pipeline cannot tell where the matte came from.
 */
import type { BackgroundRemover } from '../providers/background-removal/types.js';
import { fromRaw, MAX_INPUT_PIXELS, PIPELINE_TIMEOUT_SECONDS, type RawImage, sharp, toRaw } from './sharp.js';

export interface RemoteMatte {
  alpha: Uint8Array;
  /** Share of pixels the provider decided firmly ({@link matteConfidence}): no provider gives a score. */
  confidence: number;
}

export async function remoteMatte(rgb: RawImage, remover: BackgroundRemover): Promise<RemoteMatte> {
  // JPEG keeps the upload small (a working-size PNG can be several MB); the matte does not need lossless.
  const photo = await fromRaw(rgb).jpeg({ quality: 92 }).toBuffer();
  const answer = await remover.removeBackground(photo);
  // The answer is outside input: the same decode limits as an upload.
  const decoded = sharp(answer, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).timeout({
    seconds: PIPELINE_TIMEOUT_SECONDS,
  });
  const { hasAlpha } = await decoded.metadata();
  // One extractChannel per sharp pipeline (a second replaces the first), so read the band, then resize.
  const band = hasAlpha
    ? await decoded.extractChannel('alpha').raw().toBuffer({ resolveWithObject: true })
    : await decoded.greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  let matte: RawImage = { data: band.data, width: band.info.width, height: band.info.height, channels: 1 };
  if (band.info.channels !== 1) throw new Error(`provider matte came out with ${band.info.channels} bands`);
  if (matte.width !== rgb.width || matte.height !== rgb.height) {
    matte = await toRaw(fromRaw(matte).resize(rgb.width, rgb.height, { fit: 'fill' }), 1);
  }
  const alpha = new Uint8Array(matte.data.buffer, matte.data.byteOffset, matte.data.length);
  return { alpha, confidence: matteConfidence(alpha) };
}

/** Share of pixels decided firmly (alpha < 10 % or > 90 %): the trust score for a matte that has none. */
export function matteConfidence(alpha: Uint8Array): number {
  let firm = 0;
  for (const a of alpha) if (a < 26 || a > 229) firm++;
  return alpha.length ? firm / alpha.length : 0;
}
