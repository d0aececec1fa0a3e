/**
 * Background removal, chosen by configuration (`BG_REMOVAL_PROVIDER`): a hosted provider, a local ONNX
 * model, or `local` (none: the pipeline's own segmentation).
 */
import type { Config } from '../../config.js';
import { sandboxOriginsOf } from '../../net/safe-fetch.js';
import { FalClient } from './fal.js';
import { OnnxMatteModel } from './onnx.js';
import { PhotoroomClient } from './photoroom.js';
import { RemoveBgClient } from './removebg.js';
import { SegmindClient } from './segmind.js';
import type { MatteSource } from './types.js';

export { FAL_BASE_URL, FalClient } from './fal.js';
export { defaultOnnxThreads, OnnxMatteModel } from './onnx.js';
export * from './onnx-models.js';
export { PHOTOROOM_BASE_URL, PhotoroomClient } from './photoroom.js';
export { REMOVEBG_BASE_URL, RemoveBgClient } from './removebg.js';
export { SEGMIND_BASE_URL, SegmindClient } from './segmind.js';
export * from './types.js';

/**
 * The configured remover, or undefined for the local segmentation. Config checks the key (or the model
 * file) is present; an ONNX model is only loaded on first use.
 */
export function createBackgroundRemover(config: Config): MatteSource | undefined {
  const timeoutMs = config.BG_REMOVAL_TIMEOUT_MS;
  switch (config.BG_REMOVAL_PROVIDER) {
    case 'local':
      return undefined;
    case 'removebg':
      return new RemoveBgClient({
        apiKey: config.REMOVEBG_API_KEY ?? '',
        baseUrl: config.REMOVEBG_BASE_URL,
        timeoutMs,
      });
    case 'photoroom':
      return new PhotoroomClient({
        apiKey: config.PHOTOROOM_API_KEY ?? '',
        baseUrl: config.PHOTOROOM_BASE_URL,
        timeoutMs,
      });
    case 'segmind':
      return new SegmindClient({
        apiKey: config.SEGMIND_API_KEY ?? '',
        baseUrl: config.SEGMIND_BASE_URL,
        timeoutMs,
      });
    case 'fal':
      return new FalClient({
        apiKey: config.FAL_KEY ?? '',
        baseUrl: config.FAL_BASE_URL,
        timeoutMs,
        resultHosts: config.FAL_RESULT_HOSTS,
        sandboxOrigins: sandboxOriginsOf(config),
      });
    case 'onnx':
      return new OnnxMatteModel({
        modelPath: config.ONNX_MODEL_PATH ?? '',
        kind: config.ONNX_MODEL_KIND,
        threads: config.ONNX_THREADS,
      });
  }
}
