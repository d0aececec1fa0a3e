/** Runs the local segmentation over the evaluation set; shared by matte-eval and contact-sheet. */
import { performance } from 'node:perf_hooks';
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
  /** Wall time of `segment` alone (the JPEG decode is not counted). */
  ms: number;
}

export async function evaluateScene(spec: SceneSpec): Promise<SceneResult> {
  const scene = await loadScene(spec);
  const rgb = await decodeRgb(scene.jpeg);
  const start = performance.now();
  const result = await segment(rgb);
  const ms = performance.now() - start;
  return {
    scene,
    alpha: result.alpha,
    iou: iou(result.alpha, scene.alpha),
    mae: mae(result.alpha, scene.alpha),
    confidence: result.confidence,
    ms,
  };
}
