/**
 * Runs in a worker thread of {@link SegmentPool}: the local segmentation, off the job's event loop. The
 * pixels arrive transferred; the matte (a third of their size) is copied back.
 */
import { segment } from './segment.js';

export interface SegmentTask {
  pixels: Uint8Array;
  width: number;
  height: number;
}

export default async function run(task: SegmentTask) {
  const { pixels, width, height } = task;
  const data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const result = await segment({ data, width, height, channels: 3 });
  const alpha = new Uint8Array(result.alpha.buffer, result.alpha.byteOffset, result.alpha.byteLength);
  return { alpha, confidence: result.confidence };
}
