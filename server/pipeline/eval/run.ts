/**
 * Runs the local segmentation (or an ONNX model) over the evaluation set; shared by matte-eval and
 * contact-sheet.
 */
import { performance } from 'node:perf_hooks';
import type { MatteModel } from '../../providers/background-removal/types.js';
import { onnxMatte } from '../onnx-matte.js';
import { segment } from '../segment.js';
import { decodeRgb } from '../testing/pixels.js';
import { iou, mae } from './metrics.js';
import { loadScene, type Scene, type SceneSpec } from './scenes.js';

export interface SceneResult {
  scene: Scene;
  /** Predicted alpha, 1 channel. */
  alpha: Buffer;
  iou: number;
  mae: number;
  confidence: number;
  /** Wall time of `segment` (or the model with its pre/post-processing) alone, not the JPEG decode. */
  ms: number;
}

/** With `model`, its matte is measured; a model failure throws (an evaluation must not fall back). */
export async function evaluateScene(spec: SceneSpec, model?: MatteModel): Promise<SceneResult> {
  const scene = await loadScene(spec);
  const rgb = await decodeRgb(scene.jpeg);
  const start = performance.now();
  const result = model ? await onnxMatte(rgb, model) : await segment(rgb);
  const ms = performance.now() - start;
  const alpha = Buffer.from(result.alpha.buffer, result.alpha.byteOffset, result.alpha.byteLength);
  return {
    scene,
    alpha,
    iou: iou(alpha, scene.alpha),
    mae: mae(alpha, scene.alpha),
    confidence: result.confidence,
    ms,
  };
}
