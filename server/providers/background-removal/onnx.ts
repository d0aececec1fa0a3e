/**
 * The one module that imports onnxruntime-node (style.md practice 3). It is imported lazily, on the first
 * use, so the web process and a worker without `BG_REMOVAL_PROVIDER=onnx` never load the native library.
 * One session per process, created on first use and reused for every photo.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ONNX_MODELS, type OnnxModelKind } from './onnx-models.js';
import { BackgroundRemovalError, type MatteModel } from './types.js';

export interface OnnxMatteModelOptions {
  modelPath: string;
  kind: OnnxModelKind;
  /** onnxruntime intra-op threads. @defaultValue {@link defaultOnnxThreads} */
  threads?: number;
}

/**
 * All cores, at most 4. onnxruntime-node runs a session synchronously on the JS thread (its `run` only
 * defers with setImmediate), so two jobs of one worker never infer at the same time: one inference may use
 * every core. Past ~4 threads a 1024² network gains little and several worker processes would oversubscribe.
 */
export function defaultOnnxThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

interface Loaded {
  TensorCtor: typeof Tensor;
  session: InferenceSession;
  inputName: string;
  outputName: string;
  width: number;
  height: number;
}

export class OnnxMatteModel implements MatteModel {
  readonly provider = 'onnx' as const;
  readonly kind: OnnxModelKind;
  readonly modelPath: string;
  readonly threads: number;
  /**
   * The load, kept even when it failed: a corrupt file stays corrupt, so every photo falls back at once
   * instead of re-reading hundreds of MB. Replacing the file needs a worker restart.
   */
  #loaded?: Promise<Loaded>;

  constructor(options: OnnxMatteModelOptions) {
    this.kind = options.kind;
    this.modelPath = options.modelPath;
    this.threads = options.threads ?? defaultOnnxThreads();
  }

  async inputSize(): Promise<{ width: number; height: number }> {
    const { width, height } = await this.#load();
    return { width, height };
  }

  async run(
    input: Float32Array,
    width: number,
    height: number,
  ): Promise<{ data: Float32Array; dims: readonly number[] }> {
    const { TensorCtor, session, inputName, outputName } = await this.#load();
    let output: Tensor | undefined;
    try {
      const feeds = { [inputName]: new TensorCtor('float32', input, [1, 3, height, width]) };
      output = (await session.run(feeds, [outputName]))[outputName];
    } catch (error) {
      throw new BackgroundRemovalError('onnx', 'inference_failed', messageOf(error));
    }
    if (output?.type !== 'float32') {
      throw new BackgroundRemovalError('onnx', 'malformed', `output ${outputName} is not a float32 tensor`);
    }
    return { data: output.data as Float32Array, dims: output.dims };
  }

  #load(): Promise<Loaded> {
    this.#loaded ??= this.#open();
    return this.#loaded;
  }

  async #open(): Promise<Loaded> {
    const fail = (message: string) =>
      new BackgroundRemovalError('onnx', 'model_invalid', `${basename(this.modelPath)}: ${message}`);
    let ort: typeof import('onnxruntime-node');
    try {
      ort = await import('onnxruntime-node');
    } catch (error) {
      throw fail(`onnxruntime-node could not be loaded: ${messageOf(error)}`);
    }
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(this.modelPath, {
        intraOpNumThreads: this.threads,
        // One graph branch at a time: the parallelism is inside each operator (intra-op).
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw fail(messageOf(error));
    }
    const input = session.inputMetadata[0];
    const outputName = session.outputNames[0];
    if (!input?.isTensor || input.type !== 'float32' || !outputName) {
      throw fail('expected a float32 image input and at least one output');
    }
    const [batch, channels, h, w] = input.shape;
    if (input.shape.length !== 4 || !fits(batch, 1) || !fits(channels, 3)) {
      throw fail(`expected input [1,3,H,W], got [${input.shape.join(',')}]`);
    }
    const nominal = ONNX_MODELS[this.kind].nominalSize;
    return {
      TensorCtor: ort.Tensor,
      session,
      inputName: input.name,
      outputName,
      // A static size is what the model was exported for (a test model may be tiny); a symbolic one
      // takes any size, and the kind's nominal size is what it was trained at.
      height: typeof h === 'number' && h > 0 ? h : nominal,
      width: typeof w === 'number' && w > 0 ? w : nominal,
    };
  }
}

/** A static dimension must be `expected`; a symbolic one may be anything. */
function fits(dim: number | string | undefined, expected: number): boolean {
  return typeof dim === 'string' || dim === expected;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
