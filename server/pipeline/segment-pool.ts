/**
 * The local segmentation on worker threads. Segmenting is plain JavaScript (colour models, graph cut),
 * so two jobs in one worker process would otherwise take turns on its one JavaScript thread while the
 * second core idles; sharp's own work already runs on libuv's pool. Threads start on first use.
 */
import Piscina from 'piscina';
import type { SegmentResult } from './segment.js';
import type { SegmentTask } from './segment-worker.js';
import type { RawImage } from './sharp.js';

export class SegmentPool {
  private pool: Piscina | undefined;

  constructor(private readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new Error('SegmentPool needs at least one thread');
  }

  async segment(image: RawImage): Promise<SegmentResult> {
    if (image.channels !== 3) throw new Error('segment expects 3-channel RGB');
    this.pool ??= new Piscina({
      filename: new URL('./segment-worker.ts', import.meta.url).href,
      minThreads: this.threads,
      maxThreads: this.threads,
      // The threads run this TypeScript source as the process does (npm scripts start node with tsx).
      execArgv: process.execArgv.some((arg) => arg.includes('tsx'))
        ? process.execArgv
        : [...process.execArgv, '--import', 'tsx'],
    });
    // A copy the thread may own: the caller keeps using its pixels (compose needs them).
    const pixels = new Uint8Array(image.data);
    const task: SegmentTask = { pixels, width: image.width, height: image.height };
    const result = (await this.pool.run(task, { transferList: [pixels.buffer] })) as {
      alpha: Uint8Array;
      confidence: number;
    };
    const alpha = Buffer.from(result.alpha.buffer, result.alpha.byteOffset, result.alpha.byteLength);
    return { alpha, width: image.width, height: image.height, confidence: result.confidence };
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = undefined;
  }
}
