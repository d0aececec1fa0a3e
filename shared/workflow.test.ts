import { describe, expect, it } from 'vitest';
import { OUTPUT_PRESETS, outputOf, UPLOAD_RULES, WORKFLOW_PRESET_IDS, WORKFLOW_PRESETS } from './presets.js';
import { priceOfPreset, priceOfSteps } from './pricing.js';
import { aiStepsOf, Workflow, type WorkflowStep } from './workflow.js';

const cutout = { type: 'background_removal', method: 'local' } as const;
const white = { type: 'background', kind: 'solid', color: '#ffffff' } as const;
const exportShopee = { type: 'export', kind: 'preset', preset: 'shopee-square' } as const;
const shadow = (kind: 'natural' | 'drop' | 'reflection') =>
  ({ type: 'shadow', kind, opacity: 0.4, blur: 10, angle: 135, distance: 20, color: '#000000' }) as const;

describe('workflow presets', () => {
  it.each(WORKFLOW_PRESET_IDS)('%s is a valid workflow whose output suits its marketplace', (id) => {
    const preset = WORKFLOW_PRESETS[id];
    expect(Workflow.safeParse(preset.steps).error).toBeUndefined();
    const output = outputOf(preset.steps);
    expect(output.target).toBe(preset.marketplace);
    const rules = UPLOAD_RULES[output.target];
    expect(rules.formats).toContain(output.format);
    expect(Math.max(output.width, output.height)).toBeLessThanOrEqual(rules.maxPixels);
    expect(output.maxBytes).toBeLessThanOrEqual(rules.maxBytes);
  });

  it('keeps the white studios at 28 credits and prices the others from their steps', () => {
    expect(priceOfPreset('shopee-white-studio')).toBe(28);
    expect(priceOfPreset('tokopedia-white-studio')).toBe(28);
    expect(priceOfPreset('tiktok-white-studio')).toBe(28);
    // 5 + 12 (sweep) + 10 (lighting preset) + 8 = 35 → 31.5 → 32
    expect(priceOfPreset('tiktok-vertical-studio')).toBe(32);
    // 5 + 10 (radial) + 10 + 8 (drop) = 33 → 29.7 → 30
    expect(priceOfPreset('tiktok-spotlight')).toBe(30);
    expect(priceOfPreset('instagram-gradient-studio')).toBe(30);
    // 5 + 12 (texture) + 10 + 10 (reflection) = 37 → 33.3 → 34
    expect(priceOfPreset('instagram-marble-lifestyle')).toBe(34);
  });

  it('has the output presets of SPEC §2', () => {
    const sizes = Object.values(OUTPUT_PRESETS).map(
      (p) => `${p.target} ${p.width}×${p.height} q${p.quality}`,
    );
    expect(sizes).toEqual([
      'shopee 1200×1200 q90',
      'tokopedia 1200×1200 q90',
      'tiktok 1080×1080 q95',
      'tiktok 1080×1920 q95',
      'instagram 1080×1080 q95',
      'instagram 1080×1350 q95',
    ]);
    expect(OUTPUT_PRESETS['shopee-square'].maxBytes).toBe(2 * 1024 * 1024);
    expect(OUTPUT_PRESETS['tiktok-square'].maxBytes).toBe(5 * 1024 * 1024);
  });
});

describe('pricing from steps (seed §4.1, §4.2)', () => {
  it.each([
    ['background removal alone', [cutout, exportShopee], 5],
    [
      "the seed's standard bundle: 5 + 10 + 8 = 23 → 21",
      [cutout, white, shadow('natural'), exportShopee],
      21,
    ],
    [
      'texture + reflection: 5 + 12 + 10 = 27 → 24.3 → 25',
      [cutout, { type: 'background', kind: 'texture', texture: 'wood' }, shadow('reflection'), exportShopee],
      25,
    ],
    [
      'manual lighting alone is 10, no bundle',
      [{ type: 'lighting', kind: 'manual', brightness: 0, contrast: 0, warmth: 0 }, exportShopee],
      10,
    ],
    ['auto lighting alone is 8', [{ type: 'lighting', kind: 'auto' }, exportShopee], 8],
    [
      'AI scene (15) + cut-out: 5 + 15 = 20 → 18',
      [cutout, { type: 'background', kind: 'ai_scene', prompt: 'a marble kitchen counter' }, exportShopee],
      18,
    ],
    [
      'AI scene + IC-Light relight + floor shadow: 5 + 15 + 15 + 8 = 43 → 38.7 → 39',
      [
        cutout,
        {
          type: 'background',
          kind: 'ai_scene',
          prompt: 'a beach at sunset',
          negativePrompt: 'text',
          seed: 42,
        },
        { type: 'lighting', kind: 'relight', prompt: 'warm sunset light', direction: 'left' },
        shadow('natural'),
        exportShopee,
      ],
      39,
    ],
    [
      'relight alone is 15',
      [{ type: 'lighting', kind: 'relight', prompt: 'soft window light', direction: 'top' }, exportShopee],
      15,
    ],
    ['export alone is free', [exportShopee], 0],
  ] as [string, WorkflowStep[], number][])('%s', (_name, steps, price) => {
    expect(Workflow.safeParse(steps).error).toBeUndefined();
    expect(priceOfSteps(steps)).toBe(price);
  });
});

describe('workflow validation', () => {
  const problems = (steps: unknown) => Workflow.safeParse(steps).error?.issues.map((i) => i.message) ?? [];

  it.each([
    ['no export', [cutout, white], 'no export step'],
    ['export not last', [cutout, exportShopee, white], 'export must be the last step'],
    ['two exports', [cutout, exportShopee, exportShopee], 'more than one export step'],
    [
      'shadow before background',
      [cutout, shadow('drop'), white, exportShopee],
      'steps must run in the order',
    ],
    [
      'a shadow without a cut-out',
      [shadow('natural'), exportShopee],
      'a shadow step needs background_removal',
    ],
    [
      'a custom WebP for Shopee',
      [
        {
          type: 'export',
          kind: 'custom',
          target: 'shopee',
          width: 1000,
          height: 1000,
          format: 'webp',
          quality: 90,
          padding: 0.1,
        },
      ],
      'shopee does not accept webp',
    ],
    [
      'a custom 1080×1920 for Instagram',
      [
        {
          type: 'export',
          kind: 'custom',
          target: 'instagram',
          width: 1080,
          height: 1920,
          format: 'jpeg',
          quality: 90,
          padding: 0.1,
        },
      ],
      'instagram accepts 320–1440 px per side',
    ],
  ])('refuses %s', (_name, steps, message) => {
    expect(problems(steps).join('\n')).toContain(message);
  });

  it.each([
    ['an unknown step type', [{ type: 'sparkle' }, exportShopee]],
    [
      'lighting out of range',
      [{ type: 'lighting', kind: 'manual', brightness: 101, contrast: 0, warmth: 0 }, exportShopee],
    ],
    ['a bad colour', [cutout, { type: 'background', kind: 'solid', color: 'white' }, exportShopee]],
    ['an unknown texture', [cutout, { type: 'background', kind: 'texture', texture: 'plaid' }, exportShopee]],
    ['an unknown output preset', [{ type: 'export', kind: 'preset', preset: 'etsy-square' }]],
    ['an empty list', []],
    [
      'a custom export beyond the limits',
      [
        {
          type: 'export',
          kind: 'custom',
          target: 'shopee',
          width: 9000,
          height: 1000,
          format: 'png',
          quality: 90,
          padding: 0.1,
        },
      ],
    ],
    ['extra keys', [{ ...cutout, model: 'birefnet' }, exportShopee]],
    [
      'an AI scene without a cut-out',
      [{ type: 'background', kind: 'ai_scene', prompt: 'a beach' }, exportShopee],
    ],
    [
      'an AI scene prompt beyond 500 characters',
      [cutout, { type: 'background', kind: 'ai_scene', prompt: 'x'.repeat(501) }, exportShopee],
    ],
    [
      'a blank AI scene prompt',
      [cutout, { type: 'background', kind: 'ai_scene', prompt: '   ' }, exportShopee],
    ],
    [
      'a fractional AI scene seed',
      [cutout, { type: 'background', kind: 'ai_scene', prompt: 'a beach', seed: 1.5 }, exportShopee],
    ],
    [
      'a relight from an unknown direction',
      [{ type: 'lighting', kind: 'relight', prompt: 'sunset', direction: 'behind' }, exportShopee],
    ],
  ])('refuses %s', (_name, steps) => {
    expect(Workflow.safeParse(steps).success).toBe(false);
  });
});

describe('AI steps', () => {
  it('names the hosted-model steps a workflow needs; no preset needs one', () => {
    expect(
      aiStepsOf([
        cutout,
        { type: 'background', kind: 'ai_scene', prompt: 'a beach' },
        { type: 'lighting', kind: 'relight', prompt: 'sunset', direction: 'left' },
        exportShopee,
      ]),
    ).toEqual(['ai_scene', 'relight']);
    expect(aiStepsOf([cutout, white, exportShopee])).toEqual([]);
    for (const id of WORKFLOW_PRESET_IDS) expect(aiStepsOf(WORKFLOW_PRESETS[id].steps)).toEqual([]);
  });
});
