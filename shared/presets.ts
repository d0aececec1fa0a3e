import { MARKETPLACES, type Marketplace } from './marketplaces.js';
import type { ExportStep, WorkflowStep } from './workflow.js';

/**
 * Where an output is meant to be uploaded. The marketplaces we push to, plus Instagram: sellers post
 * there by hand (no upload API here), but its published limits still decide what we may produce.
 */
export const OUTPUT_TARGETS = [...MARKETPLACES, 'instagram'] as const;
export type OutputTarget = (typeof OUTPUT_TARGETS)[number];

/** What a marketplace accepts on upload (marketplaces.md). Every output is checked against this. */
export interface UploadRules {
  formats: readonly ('jpeg' | 'png' | 'webp')[];
  /** Smallest accepted shorter side, in px. */
  minPixels: number;
  /** Largest accepted longer side, in px. */
  maxPixels: number;
  maxBytes: number;
}

export const UPLOAD_RULES: Record<OutputTarget, UploadRules> = {
  // media_space/upload_image: JPG/JPEG/PNG, ≤ 10 MB.
  shopee: { formats: ['jpeg', 'png'], minPixels: 300, maxPixels: 5000, maxBytes: 10 * 1024 * 1024 },
  // product/202309/images/upload, MAIN_IMAGE: JPG/JPEG/PNG/WEBP, ≤ 5 MB, 300×300 to 4000×4000.
  tokopedia: { formats: ['jpeg', 'png', 'webp'], minPixels: 300, maxPixels: 4000, maxBytes: 5 * 1024 * 1024 },
  tiktok: { formats: ['jpeg', 'png', 'webp'], minPixels: 300, maxPixels: 4000, maxBytes: 5 * 1024 * 1024 },
  // Instagram feed posts (help.instagram.com/1631821640426723): JPEG/PNG, ≤ 8 MB, 320 px wide at least;
  // wider than 1440 px is downscaled by Instagram, so we never produce more.
  instagram: { formats: ['jpeg', 'png'], minPixels: 320, maxPixels: 1440, maxBytes: 8 * 1024 * 1024 },
};

/** Output presets (SPEC §2, seed 000 §2.2.7). */
export interface OutputPreset {
  id: string;
  target: OutputTarget;
  width: number;
  height: number;
  format: 'jpeg' | 'png' | 'webp';
  quality: number;
  maxBytes: number;
  /** Fraction of the canvas kept free around the product on each side. */
  padding: number;
  /** Canvas colour when the workflow has no background step. */
  background: string;
}

const square = { padding: 0.08, background: '#ffffff' } as const;

export const OUTPUT_PRESETS = {
  'shopee-square': {
    id: 'shopee-square',
    target: 'shopee',
    width: 1200,
    height: 1200,
    format: 'jpeg',
    quality: 90,
    maxBytes: 2 * 1024 * 1024,
    ...square,
  },
  'tokopedia-square': {
    id: 'tokopedia-square',
    target: 'tokopedia',
    width: 1200,
    height: 1200,
    format: 'jpeg',
    quality: 90,
    maxBytes: 5 * 1024 * 1024,
    ...square,
  },
  'tiktok-square': {
    id: 'tiktok-square',
    target: 'tiktok',
    width: 1080,
    height: 1080,
    format: 'jpeg',
    quality: 95,
    maxBytes: 5 * 1024 * 1024,
    ...square,
  },
  'tiktok-vertical': {
    id: 'tiktok-vertical',
    target: 'tiktok',
    width: 1080,
    height: 1920,
    format: 'jpeg',
    quality: 95,
    maxBytes: 5 * 1024 * 1024,
    // A 9:16 frame: side padding as usual, the product sits in the middle with room above and below.
    padding: 0.1,
    background: '#ffffff',
  },
  'instagram-square': {
    id: 'instagram-square',
    target: 'instagram',
    width: 1080,
    height: 1080,
    format: 'jpeg',
    quality: 95,
    maxBytes: 8 * 1024 * 1024,
    ...square,
  },
  'instagram-portrait': {
    id: 'instagram-portrait',
    target: 'instagram',
    width: 1080,
    height: 1350,
    format: 'jpeg',
    quality: 95,
    maxBytes: 8 * 1024 * 1024,
    padding: 0.1,
    background: '#ffffff',
  },
} as const satisfies Record<string, OutputPreset>;
export type OutputPresetId = keyof typeof OUTPUT_PRESETS;
export const OUTPUT_PRESET_IDS = Object.keys(OUTPUT_PRESETS) as [OutputPresetId, ...OutputPresetId[]];

/** A named workflow a seller picks ("preset"). The step list decides the price and the look. */
export interface WorkflowPreset {
  id: string;
  name: { en: string; id: string };
  /** Where the output goes: its export step's target. */
  marketplace: OutputTarget;
  /** A valid workflow (checked in presets.test.ts): export last, with an output preset. */
  steps: readonly WorkflowStep[];
}

const cutout = { type: 'background_removal', method: 'local' } as const;
const white = { type: 'background', kind: 'solid', color: '#ffffff' } as const;
const autoLight = { type: 'lighting', kind: 'auto' } as const;
/**
 * The v0 floor shadow. Blur is the ambient softness in px: 3 % of the canvas side, which is exactly the
 * renderer's built-in default, so the white studios look as they always did.
 */
const floorShadow = (side: number) =>
  ({
    type: 'shadow',
    kind: 'natural',
    opacity: 0.35,
    blur: side * 0.03,
    angle: 180,
    distance: 0,
    color: '#000000',
  }) as const;
const exportTo = (preset: OutputPresetId) => ({ type: 'export', kind: 'preset', preset }) as const;

export const WORKFLOW_PRESETS = {
  'shopee-white-studio': {
    id: 'shopee-white-studio',
    name: { en: 'Shopee white studio', id: 'Shopee putih studio' },
    marketplace: 'shopee',
    steps: [cutout, white, autoLight, floorShadow(1200), exportTo('shopee-square')],
  },
  'tokopedia-white-studio': {
    id: 'tokopedia-white-studio',
    name: { en: 'Tokopedia white studio', id: 'Tokopedia putih studio' },
    marketplace: 'tokopedia',
    steps: [cutout, white, autoLight, floorShadow(1200), exportTo('tokopedia-square')],
  },
  'tiktok-white-studio': {
    id: 'tiktok-white-studio',
    name: { en: 'TikTok Shop white studio', id: 'TikTok Shop putih studio' },
    marketplace: 'tiktok',
    steps: [cutout, white, autoLight, floorShadow(1080), exportTo('tiktok-square')],
  },
  'tiktok-vertical-studio': {
    id: 'tiktok-vertical-studio',
    name: { en: 'TikTok Shop vertical studio (9:16)', id: 'TikTok Shop studio vertikal (9:16)' },
    marketplace: 'tiktok',
    steps: [
      cutout,
      { type: 'background', kind: 'studio_sweep', color: '#eef1f5' },
      { type: 'lighting', kind: 'preset', preset: 'bright' },
      floorShadow(1080),
      exportTo('tiktok-vertical'),
    ],
  },
  'tiktok-spotlight': {
    id: 'tiktok-spotlight',
    name: { en: 'TikTok Shop spotlight', id: 'TikTok Shop sorotan' },
    marketplace: 'tiktok',
    steps: [
      cutout,
      { type: 'background', kind: 'radial', inner: '#ffffff', outer: '#c9d0d8' },
      { type: 'lighting', kind: 'preset', preset: 'dramatic' },
      { type: 'shadow', kind: 'drop', opacity: 0.3, blur: 18, angle: 135, distance: 20, color: '#1e2430' },
      exportTo('tiktok-square'),
    ],
  },
  'instagram-gradient-studio': {
    id: 'instagram-gradient-studio',
    name: { en: 'Instagram gradient studio (4:5)', id: 'Instagram studio gradasi (4:5)' },
    marketplace: 'instagram',
    steps: [
      cutout,
      { type: 'background', kind: 'linear', from: '#f7f2ec', to: '#ddd3c7', angle: 180 },
      { type: 'lighting', kind: 'preset', preset: 'studio' },
      floorShadow(1080),
      exportTo('instagram-portrait'),
    ],
  },
  'instagram-marble-lifestyle': {
    id: 'instagram-marble-lifestyle',
    name: { en: 'Instagram marble lifestyle', id: 'Instagram gaya hidup marmer' },
    marketplace: 'instagram',
    steps: [
      cutout,
      { type: 'background', kind: 'texture', texture: 'marble' },
      { type: 'lighting', kind: 'preset', preset: 'natural' },
      {
        type: 'shadow',
        kind: 'reflection',
        opacity: 0.3,
        blur: 2,
        angle: 180,
        distance: 0,
        color: '#000000',
      },
      exportTo('instagram-square'),
    ],
  },
} as const satisfies Record<string, WorkflowPreset>;
export type WorkflowPresetId = keyof typeof WORKFLOW_PRESETS;
export const WORKFLOW_PRESET_IDS = Object.keys(WORKFLOW_PRESETS) as [WorkflowPresetId, ...WorkflowPresetId[]];

export const DEFAULT_PRESET: Record<Marketplace, WorkflowPresetId> = {
  shopee: 'shopee-white-studio',
  tokopedia: 'tokopedia-white-studio',
  tiktok: 'tiktok-white-studio',
};

/** The output a step list exports to: an output preset, or the custom export's own settings. */
export function outputOf(steps: readonly WorkflowStep[]): OutputPreset {
  const last = steps.at(-1);
  if (last?.type !== 'export') throw new Error('a workflow ends with its export step');
  return resolveExport(last);
}

export function resolveExport(step: ExportStep): OutputPreset {
  if (step.kind === 'preset') return OUTPUT_PRESETS[step.preset];
  return {
    id: 'custom',
    target: step.target,
    width: step.width,
    height: step.height,
    format: step.format,
    quality: step.quality,
    maxBytes: UPLOAD_RULES[step.target].maxBytes,
    padding: step.padding,
    background: step.background ?? '#ffffff',
  };
}
