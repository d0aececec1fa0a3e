/**
 * A matte from a local ONNX segmentation model: the image side of it (sharp lives in the pipeline only).
 * Resize the working image to the model's input, RGB NCHW float32 normalised per model kind, run, then
 * output[0] channel 0 → (sigmoid for BiRefNet) → min-max → 8-bit → resized back to the working size.
 * Same steps as rembg's sessions (providers.md "Local segmentation models"), so published weights behave
 * as their authors measured them.
 */
import { ONNX_MODELS, type OnnxModelSpec } from '../providers/background-removal/onnx-models.js';
import { BackgroundRemovalError, type MatteModel } from '../providers/background-removal/types.js';
import { matteConfidence, type RemoteMatte } from './remote-matte.js';
import { fromRaw, type RawImage, toRaw } from './sharp.js';

export async function onnxMatte(rgb: RawImage, model: MatteModel): Promise<RemoteMatte> {
  const spec = ONNX_MODELS[model.kind];
  const { width, height } = await model.inputSize();
  // Stretched, not letterboxed: the models were trained on squashed squares (rembg resizes the same way).
  const small = await toRaw(fromRaw(rgb).resize(width, height, { fit: 'fill' }), 3);
  const { data, dims } = await model.run(toInputTensor(small, spec), width, height);
  let matte: RawImage = toAlphaPlane(data, dims, spec);
  if (matte.width !== rgb.width || matte.height !== rgb.height) {
    matte = await toRaw(fromRaw(matte).resize(rgb.width, rgb.height, { fit: 'fill' }), 1);
  }
  const alpha = new Uint8Array(matte.data.buffer, matte.data.byteOffset, matte.data.length);
  return { alpha, confidence: matteConfidence(alpha) };
}

/** Interleaved 8-bit RGB → planar float32 `[1,3,H,W]`, each channel (x/255 − mean) / std. */
export function toInputTensor(image: RawImage, spec: Pick<OnnxModelSpec, 'mean' | 'std'>): Float32Array {
  if (image.channels !== 3) throw new Error('the model input must be 3-channel RGB');
  const plane = image.width * image.height;
  const tensor = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    // Folded into one multiply-add per value: x·scale + offset.
    const scale = 1 / (255 * spec.std[c]!);
    const offset = -spec.mean[c]! / spec.std[c]!;
    const base = c * plane;
    for (let i = 0; i < plane; i++) tensor[base + i] = image.data[i * 3 + c]! * scale + offset;
  }
  return tensor;
}

/**
 * The first H×W values of the output (batch 0, channel 0 of `[1,C,H,W]` or `[1,H,W]`), sigmoid if the
 * kind's output is logits, min-max normalised to 0..255. A constant or non-finite output carries no
 * matte: it is `malformed`, so the pipeline falls back to its own segmentation.
 */
export function toAlphaPlane(
  data: Float32Array,
  dims: readonly number[],
  spec: Pick<OnnxModelSpec, 'sigmoid'>,
): RawImage & { channels: 1 } {
  const height = dims.at(-2) ?? 0;
  const width = dims.at(-1) ?? 0;
  const plane = width * height;
  if (dims.length < 3 || dims.length > 4 || dims[0] !== 1 || plane <= 0 || data.length < plane) {
    throw new BackgroundRemovalError('onnx', 'malformed', `unexpected output shape [${dims.join(',')}]`);
  }
  const values = new Float32Array(plane);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < plane; i++) {
    const v = spec.sigmoid ? 1 / (1 + Math.exp(-data[i]!)) : data[i]!;
    if (!Number.isFinite(v))
      throw new BackgroundRemovalError('onnx', 'malformed', 'the output is not finite');
    values[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max - min > 1e-6)) {
    throw new BackgroundRemovalError('onnx', 'malformed', 'the output is constant');
  }
  const scale = 255 / (max - min);
  const alpha = Buffer.alloc(plane);
  for (let i = 0; i < plane; i++) alpha[i] = Math.round((values[i]! - min) * scale);
  return { data: alpha, width, height, channels: 1 };
}
