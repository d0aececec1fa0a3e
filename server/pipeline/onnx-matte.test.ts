/**
 * The ONNX background-removal path with real onnxruntime on tiny models built by the test
 * (testing/onnx-model.ts): model loading and input size, per-kind normalisation and output handling,
 * resizing back to the working size, and the fallback to local segmentation when the model fails.
 */
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxMatteModel } from '../providers/background-removal/onnx.js';
import { ONNX_MODELS, type OnnxModelKind } from '../providers/background-removal/onnx-models.js';
import { enhance } from './enhance.js';
import { onnxMatte, toAlphaPlane, toInputTensor } from './onnx-matte.js';
import { fromRaw, type RawImage } from './sharp.js';
import { type ConvModelOptions, convModel } from './testing/onnx-model.js';

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lumiku-onnx-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function modelFile(bytes: Buffer): Promise<string> {
  const path = join(dir, `model-${++counter}.onnx`);
  await writeFile(path, bytes);
  return path;
}

async function model(kind: OnnxModelKind, options: ConvModelOptions): Promise<OnnxMatteModel> {
  return new OnnxMatteModel({ modelPath: await modelFile(convModel(options)), kind, threads: 1 });
}

/** A bright square (product) on a dark backdrop. */
function brightSquare(
  width: number,
  height: number,
  box: { x0: number; y0: number; x1: number; y1: number },
) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1;
      data.fill(inside ? 230 : 25, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { data, width, height, channels: 3 } as RawImage;
}

/** Vertical bands of the given red levels (green and blue 0), each `band` px wide, `band` px high… ×4. */
function redBands(levels: readonly number[], band: number): RawImage {
  const width = levels.length * band;
  const height = width;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[(y * width + x) * 3] = levels[Math.floor(x / band)]!;
  return { data, width, height, channels: 3 };
}

/** Alpha in the middle of each band (row in the middle). */
function bandCentres(alpha: Uint8Array, width: number, bands: number): number[] {
  const band = width / bands;
  const row = Math.floor(width / 2) * width;
  return Array.from({ length: bands }, (_, i) => alpha[row + Math.floor((i + 0.5) * band)]!);
}

describe('OnnxMatteModel', () => {
  it('reads a static input size from the model file', async () => {
    const m = await model('isnet', { size: 24, weights: [1, 1, 1] });
    expect(await m.inputSize()).toEqual({ width: 24, height: 24 });
  });

  it("uses the kind's nominal size when the model takes any size", async () => {
    const m = await model('u2net', { size: 'side', weights: [1, 1, 1] });
    expect(await m.inputSize()).toEqual({ width: 320, height: 320 });
  });

  it('loads the session once and reuses it (the file is not read again)', async () => {
    const m = await model('isnet', { size: 8, weights: [1, 0, 0] });
    const input = new Float32Array(3 * 64).map((_, i) => i);
    const first = await m.run(input, 8, 8);
    await unlink(m.modelPath);
    const second = await m.run(input, 8, 8);
    expect(second.dims).toEqual([1, 1, 8, 8]);
    expect([...second.data]).toEqual([...first.data]);
    // Channel 0 of the input, weight 1: the Conv really ran.
    expect([...first.data]).toEqual([...input.slice(0, 64)]);
  });

  it('rejects a corrupt file as model_invalid', async () => {
    const m = new OnnxMatteModel({
      modelPath: await modelFile(Buffer.from('not a protobuf at all')),
      kind: 'isnet',
    });
    await expect(m.inputSize()).rejects.toMatchObject({ provider: 'onnx', kind: 'model_invalid' });
  });
});

describe('toInputTensor', () => {
  // Two pixels: (255, 0, 128) and (0, 255, 64); the tensor is planar: R R G G B B.
  const image: RawImage = { data: Buffer.from([255, 0, 128, 0, 255, 64]), width: 2, height: 1, channels: 3 };

  it('ISNet: ÷255, mean 0.5, std 1', () => {
    const t = [...toInputTensor(image, ONNX_MODELS.isnet)];
    const expected = [0.5, -0.5, -0.5, 0.5, 128 / 255 - 0.5, 64 / 255 - 0.5];
    for (const [i, v] of t.entries()) expect(v).toBeCloseTo(expected[i]!, 5);
  });

  it.each(['u2net', 'birefnet'] as const)('%s: ImageNet mean/std', (kind) => {
    const t = [...toInputTensor(image, ONNX_MODELS[kind])];
    const n = (x: number, c: number) => (x / 255 - [0.485, 0.456, 0.406][c]!) / [0.229, 0.224, 0.225][c]!;
    const expected = [n(255, 0), n(0, 0), n(0, 1), n(255, 1), n(128, 2), n(64, 2)];
    for (const [i, v] of t.entries()) expect(v).toBeCloseTo(expected[i]!, 5);
  });
});

describe('toAlphaPlane', () => {
  it('refuses a constant, non-finite or oddly shaped output', () => {
    const spec = { sigmoid: false };
    expect(() => toAlphaPlane(new Float32Array(4).fill(3), [1, 1, 2, 2], spec)).toThrow(/constant/);
    expect(() => toAlphaPlane(new Float32Array([0, 1, Number.NaN, 1]), [1, 1, 2, 2], spec)).toThrow(/finite/);
    expect(() => toAlphaPlane(new Float32Array(4), [4], spec)).toThrow(/shape/);
    expect(() => toAlphaPlane(new Float32Array(3), [1, 1, 2, 2], spec)).toThrow(/shape/);
  });
});

describe('onnxMatte', () => {
  it('cuts out a bright square at the working size (model input 32², photo 200×150)', async () => {
    // "Brightness minus background" as logits, steep enough to saturate like a real model's answer: a
    // linear detector would carry the Lanczos overshoot of the input resize into min-max (inside ≈ 229).
    // Normalised (ImageNet), the square sums to ≈ +6.0 and the backdrop to ≈ −4.7 over R+G+B.
    const m = await model('birefnet', { size: 32, weights: [3, 3, 3], bias: -2 });
    const box = { x0: 60, y0: 40, x1: 140, y1: 110 };
    const { alpha, confidence } = await onnxMatte(brightSquare(200, 150, box), m);
    expect(alpha).toHaveLength(200 * 150);
    const at = (x: number, y: number) => alpha[y * 200 + x]!;
    // Well inside and well outside (the edge is soft: 32² → 200×150 is a ×6 upscale).
    for (let y = box.y0 + 10; y < box.y1 - 10; y += 3)
      for (let x = box.x0 + 10; x < box.x1 - 10; x += 3) expect(at(x, y)).toBeGreaterThanOrEqual(250);
    for (const [x, y] of [
      [5, 5],
      [195, 145],
      [30, 75],
      [170, 75],
      [100, 15],
      [100, 135],
    ] as const)
      expect(at(x, y)).toBeLessThanOrEqual(5);
    // The edge sits where it should: half-way up within a few pixels of the square's sides.
    const row = Array.from({ length: 200 }, (_, x) => at(x, 75));
    const left = row.findIndex((a) => a >= 128);
    const right = 199 - [...row].reverse().findIndex((a) => a >= 128);
    expect(Math.abs(left - box.x0)).toBeLessThanOrEqual(4);
    expect(Math.abs(right - (box.x1 - 1))).toBeLessThanOrEqual(4);
    expect(confidence).toBeGreaterThan(0.85);
  });

  it('normalises per kind: ImageNet vs ISNet 0.5/1.0 (seen through a Relu)', async () => {
    // Relu(r' + 1): with ISNet's r' = r/255 − 0.5 every band stays positive, so the matte is linear in r;
    // with ImageNet's r' = (r/255 − 0.485)/0.229 the bands below r ≈ 65 are cut to 0.
    const levels = [0, 64, 128, 255];
    const image = redBands(levels, 16);
    const options = { size: 64, weights: [1, 0, 0], bias: 1, relu: true } as const;
    const isnet = await onnxMatte(image, await model('isnet', options));
    const u2net = await onnxMatte(image, await model('u2net', options));
    const birefnet = await onnxMatte(image, await model('birefnet', options));
    const close = (got: number[], want: number[]) => {
      for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i]!, -0.5);
    };
    // Predicted with the formulas above (min-max over the image, ×255, rounded).
    close(bandCentres(isnet.alpha, 64, 4), [0, 64, 128, 255]);
    close(bandCentres(u2net.alpha, 64, 4), [0, 0, 84, 255]);
    // BiRefNet additionally takes the sigmoid: σ(0)=0.5 … σ(3.249)=0.963.
    close(bandCentres(birefnet.alpha, 64, 4), [0, 0, 135, 255]);
  });

  it("applies BiRefNet's sigmoid (and only BiRefNet's) before min-max", async () => {
    // A linear model: without sigmoid the middle band is exactly 64/255 of the way up, with it it sags.
    const image = redBands([0, 64, 255], 16);
    const options = { size: 48, weights: [1, 0, 0] } as const;
    const plain = await onnxMatte(image, await model('u2net', options));
    const sigmoid = await onnxMatte(image, await model('birefnet', options));
    expect(bandCentres(plain.alpha, 48, 3)).toEqual([0, 64, 255]);
    // σ((r/255 − 0.485)/0.229) at r = 0, 64, 255 → 0.1074, 0.2646, 0.9046 → min-max → 0, 50.3, 255.
    const [lo, mid, hi] = bandCentres(sigmoid.alpha, 48, 3);
    expect([lo, hi]).toEqual([0, 255]);
    expect(mid).toBeGreaterThanOrEqual(49);
    expect(mid).toBeLessThanOrEqual(51);
  });
});

describe('enhance with an ONNX model', () => {
  let photo: Buffer;
  beforeAll(async () => {
    photo = await fromRaw(brightSquare(300, 240, { x0: 90, y0: 70, x1: 210, y1: 170 }))
      .png()
      .toBuffer();
  });

  it("uses the model's matte and records matteMethod onnx", async () => {
    const m = await model('isnet', { size: 32, weights: [1, 1, 1] });
    const output = await enhance(photo, { presetId: 'shopee-white-studio', backgroundRemover: m });
    expect(output).toMatchObject({ matteMethod: 'onnx', width: 1200, height: 1200 });
    expect(output.matteFallbackReason).toBeUndefined();
    expect(output.confidence).toBeGreaterThan(0.8);
  });

  it('falls back to local segmentation when the model file is corrupt', async () => {
    const corrupt = new OnnxMatteModel({ modelPath: await modelFile(Buffer.alloc(64, 7)), kind: 'birefnet' });
    const output = await enhance(photo, { presetId: 'shopee-white-studio', backgroundRemover: corrupt });
    expect(output).toMatchObject({ matteMethod: 'local', matteFallbackReason: 'model_invalid', width: 1200 });
  });

  it('falls back when the model answers a constant matte', async () => {
    const blind = await model('isnet', { size: 16, weights: [0, 0, 0], bias: 0.3 });
    const output = await enhance(photo, { presetId: 'shopee-white-studio', backgroundRemover: blind });
    expect(output).toMatchObject({ matteMethod: 'local', matteFallbackReason: 'malformed' });
  });
});
