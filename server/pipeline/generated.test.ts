/**
 * AI scenes and relighting through the real clients and the fal / Replicate sandboxes, with pixel-level
 * checks: the product's pixels are the seller's own whatever the scene, a relight brightens the side the
 * light comes from, and nothing outside the matte changes.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FalSandbox, startFalSandbox } from '../../sandbox/providers/fal/index.js';
import { type ReplicateSandbox, startReplicateSandbox } from '../../sandbox/providers/replicate/index.js';
import { findTemplate } from '../../shared/templates.js';
import type { BackgroundStep, LightingStep, Workflow } from '../../shared/workflow.js';
import { AppError } from '../errors.js';
import { FalGenerative } from '../providers/generative/fal.js';
import { ReplicateClient } from '../providers/generative/replicate.js';
import { type EnhanceOptions, enhance } from './enhance.js';
import { renderWorkflowPreview } from './preview.js';
import type { RawImage } from './sharp.js';
import { decodeRgb } from './testing/pixels.js';
import { makeProductPhoto } from './testing/synthetic.js';

const KEY = 'sk-pipeline-ai-key-0123456789';
let fal: FalSandbox;
let replicate: ReplicateSandbox;
let photo: Buffer;

beforeAll(async () => {
  [fal, replicate] = await Promise.all([
    startFalSandbox({ apiKey: KEY }),
    startReplicateSandbox({ apiKey: KEY }),
  ]);
  photo = (await makeProductPhoto({ width: 480, height: 480, background: 'plain', seed: 3 })).image;
});
afterAll(async () => {
  await fal?.close();
  await replicate?.close();
});

const falClient = () =>
  new FalGenerative({ apiKey: KEY, baseUrl: fal.baseUrl, pollIntervalMs: 5, sandboxOrigins: [fal.baseUrl] });

/** Lossless output so pixels can be compared exactly. */
function workflow(background: BackgroundStep, lighting?: LightingStep): Workflow {
  return [
    { type: 'background_removal', method: 'local' },
    background,
    ...(lighting ? [lighting] : []),
    {
      type: 'export',
      kind: 'custom',
      target: 'tokopedia',
      width: 600,
      height: 600,
      format: 'png',
      quality: 90,
      padding: 0.12,
    },
  ];
}

async function render(steps: Workflow, options: Partial<EnhanceOptions> = {}): Promise<RawImage> {
  const output = await enhance(photo, { workflow: steps, ...options });
  expect(output).toMatchObject({ format: 'png', width: 600, height: 600 });
  return decodeRgb(output.data);
}

const solid = (color: string): BackgroundStep => ({ type: 'background', kind: 'solid', color });
const scene = (prompt: string): BackgroundStep => ({ type: 'background', kind: 'ai_scene', prompt, seed: 5 });

/**
 * Where the product is, from the same workflow on white and on black: identical pixels are solid product
 * (alpha 255), pixels that are exactly white vs black are pure backdrop (alpha 0).
 */
async function regions(lighting?: LightingStep) {
  const [white, black] = await Promise.all([
    render(workflow(solid('#ffffff'), lighting)),
    render(workflow(solid('#000000'), lighting)),
  ]);
  const product: number[] = [];
  const backdrop: number[] = [];
  for (let p = 0; p < 600 * 600; p++) {
    const i = p * 3;
    const same = white.data.subarray(i, i + 3).equals(black.data.subarray(i, i + 3));
    const apart = [0, 1, 2].every((c) => white.data[i + c] === 255 && black.data[i + c] === 0);
    if (same) product.push(p);
    else if (apart) backdrop.push(p);
  }
  expect(product.length).toBeGreaterThan(20_000);
  expect(backdrop.length).toBeGreaterThan(150_000);
  return { white, product, backdrop };
}

/** Pixels (of `at`) where the two images differ at all; one expect per image, not one per pixel. */
const changed = (a: RawImage, b: RawImage, at: readonly number[]) =>
  at.filter((p) => !a.data.subarray(p * 3, p * 3 + 3).equals(b.data.subarray(p * 3, p * 3 + 3))).length;
const luma = (image: RawImage, p: number) =>
  0.299 * image.data[p * 3]! + 0.587 * image.data[p * 3 + 1]! + 0.114 * image.data[p * 3 + 2]!;

describe('AI scene backdrop', () => {
  it('draws the generated scene behind the product and leaves every product pixel as it is', async () => {
    const { product, backdrop, white } = await regions();
    const stages: string[] = [];
    const kitchen = await render(workflow(scene('a marble kitchen counter')), {
      sceneGenerator: falClient(),
      onProgress: (_p, stage) => void stages.push(stage),
    });
    const beach = await render(workflow(scene('a tropical beach at noon')), { sceneGenerator: falClient() });
    expect(changed(kitchen, white, product)).toBe(0);
    expect(changed(beach, white, product)).toBe(0);
    // The backdrop is the generated scene: neither the plain white, nor the same for two prompts.
    const differs = (a: RawImage, b: RawImage) =>
      backdrop.filter(
        (p) => Math.max(...[0, 1, 2].map((c) => Math.abs(a.data[p * 3 + c]! - b.data[p * 3 + c]!))) > 8,
      ).length / backdrop.length;
    expect(differs(kitchen, white)).toBeGreaterThan(0.9);
    expect(differs(kitchen, beach)).toBeGreaterThan(0.5);
    expect(stages).toEqual(['decode', 'segment', 'scene', 'scene', 'scene', 'scene', 'compose', 'encode']);
    // Asked at the canvas's aspect near one megapixel (600² → 576², multiples of 64).
    expect(fal.requestLog.filter((e) => e.path === '/fal-ai/fast-sdxl').length).toBe(2);
  });

  it('without a scene generator the job fails AI_NOT_ENABLED before any work, never a stand-in backdrop', async () => {
    const error = await enhance(photo, { workflow: workflow(scene('a beach')) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'AI_NOT_ENABLED' });
  });

  it('a provider refusing the key fails AI_PROVIDER_FAILED; one that is down fails AI_PROVIDER_UNAVAILABLE', async () => {
    const badKey = new FalGenerative({ apiKey: 'wrong', baseUrl: fal.baseUrl });
    await expect(
      enhance(photo, { workflow: workflow(scene('a beach')), sceneGenerator: badKey }),
    ).rejects.toMatchObject({
      code: 'AI_PROVIDER_FAILED',
      cause: { kind: 'auth' },
    });
    fal.injectFault({ path: '/fal-ai/fast-sdxl', httpStatus: 503, times: 2, bare: true });
    const down = new FalGenerative({ apiKey: KEY, baseUrl: fal.baseUrl, retries: 1, retryMinTimeoutMs: 5 });
    await expect(
      enhance(photo, { workflow: workflow(scene('a beach')), sceneGenerator: down }),
    ).rejects.toMatchObject({
      code: 'AI_PROVIDER_UNAVAILABLE',
    });
  });
});

describe('gallery previews of AI templates', () => {
  it('render without any provider (a gradient stands in for the scene, auto light for the relight)', async () => {
    const before = fal.requestLog.length + replicate.requestLog.length;
    const webp = await renderWorkflowPreview(findTemplate('ai-scene-golden-hour-relit')!.steps);
    expect(await sharp(webp).metadata()).toMatchObject({ format: 'webp', width: 240, height: 300 });
    expect(fal.requestLog.length + replicate.requestLog.length).toBe(before);
  });
});

describe('IC-Light relight', () => {
  const relight = (direction: 'left' | 'right' | 'top'): LightingStep => ({
    type: 'lighting',
    kind: 'relight',
    prompt: 'soft window light',
    direction,
  });

  it.each([
    ['fal', () => falClient()],
    [
      'Replicate',
      () =>
        new ReplicateClient({
          apiKey: KEY,
          baseUrl: replicate.baseUrl,
          pollIntervalMs: 5,
          sandboxOrigins: [replicate.baseUrl],
        }),
    ],
  ])(
    'via %s: brightens the product on the side the light comes from; outside the matte nothing changes',
    async (_name, client) => {
      // The pre-relight canvas is the auto-corrected product (tone.ts), so that is the baseline.
      const { product, backdrop, white } = await regions({ type: 'lighting', kind: 'auto' });
      const fromLeft = await render(workflow(solid('#ffffff'), relight('left')), { relighter: client() });
      const fromRight = await render(workflow(solid('#ffffff'), relight('right')), { relighter: client() });
      expect(changed(fromLeft, white, backdrop)).toBe(0);
      expect(changed(fromRight, white, backdrop)).toBe(0);
      expect(changed(fromLeft, white, product)).toBeGreaterThan(product.length / 2);
      const xs = product.map((p) => p % 600);
      const mid = (Math.min(...xs) + Math.max(...xs)) / 2;
      const gain = (image: RawImage, side: 'left' | 'right') => {
        const ps = product.filter((p) => (side === 'left' ? p % 600 < mid : p % 600 >= mid));
        return ps.reduce((s, p) => s + luma(image, p), 0) / ps.reduce((s, p) => s + luma(white, p), 0);
      };
      expect(gain(fromLeft, 'left')).toBeGreaterThan(gain(fromLeft, 'right') + 0.1);
      expect(gain(fromRight, 'right')).toBeGreaterThan(gain(fromRight, 'left') + 0.1);
    },
  );

  it('without a relighter the job fails AI_NOT_ENABLED', async () => {
    await expect(
      enhance(photo, { workflow: workflow(solid('#ffffff'), relight('top')) }),
    ).rejects.toMatchObject({
      code: 'AI_NOT_ENABLED',
    });
  });
});
