/**
 * The alpha matte "Enhance photo" would cut the product out with, as an 8-bit greyscale PNG of the photo's
 * displayed size (255 = product). For operators and matte debugging (`npm run enhance -- --matte`).
 *
 * Same first steps as enhance.ts (the shared decode.ts): inspect the bytes, one decode at the working size,
 * then `segment`; an uploaded cut-out keeps its own alpha. The matte is then scaled back up to the input's
 * size.
 */
import { AppError, isAppError } from '../errors.js';
import { decodeForWork } from './decode.js';
import { inspectImage } from './inspect.js';
import { segment } from './segment.js';
import { fromRaw } from './sharp.js';

export interface MatteOutput {
  /** PNG bytes, 1 channel, 8-bit. */
  data: Buffer;
  width: number;
  height: number;
  /** 0..1 trust in the cut-out (1 for an uploaded cut-out). */
  confidence: number;
  timingsMs: Record<string, number>;
}

export async function computeMatte(input: Buffer): Promise<MatteOutput> {
  const started = performance.now();
  const inspected = await inspectImage(input);
  const { rgb: raw, cutout } = await decodeForWork(input, inspected);
  const decodedAt = performance.now();

  let alpha: Buffer;
  let confidence = 1;
  try {
    if (cutout) {
      alpha = Buffer.from(cutout);
    } else {
      const segmented = await segment(raw);
      alpha = segmented.alpha;
      confidence = segmented.confidence;
    }
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError('PROCESSING_FAILED', undefined, { cause: error });
  }
  const segmentedAt = performance.now();

  let data: Buffer;
  try {
    let pipeline = fromRaw({ data: alpha, width: raw.width, height: raw.height, channels: 1 });
    if (raw.width !== inspected.width || raw.height !== inspected.height) {
      pipeline = pipeline.resize(inspected.width, inspected.height, { fit: 'fill' });
    }
    data = await pipeline.extractChannel(0).toColourspace('b-w').png({ compressionLevel: 6 }).toBuffer();
  } catch (error) {
    throw new AppError('PROCESSING_FAILED', undefined, { cause: error });
  }
  const done = performance.now();
  const ms = (a: number, b: number) => Math.round((b - a) * 10) / 10;
  return {
    data,
    width: inspected.width,
    height: inspected.height,
    confidence,
    timingsMs: {
      decode: ms(started, decodedAt),
      segment: ms(decodedAt, segmentedAt),
      encode: ms(segmentedAt, done),
      total: ms(started, done),
    },
  };
}
