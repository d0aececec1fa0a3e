import type { Marketplace } from './marketplaces.js';
import type { StepKind } from './pricing.js';

/** What a marketplace accepts on upload (marketplaces.md). Every output is checked against this. */
export interface UploadRules {
  formats: readonly ('jpeg' | 'png' | 'webp')[];
  minPixels: number;
  maxPixels: number;
  maxBytes: number;
}

export const UPLOAD_RULES: Record<Marketplace, UploadRules> = {
  // media_space/upload_image: JPG/JPEG/PNG, ≤ 10 MB.
  shopee: { formats: ['jpeg', 'png'], minPixels: 300, maxPixels: 5000, maxBytes: 10 * 1024 * 1024 },
  // product/202309/images/upload, MAIN_IMAGE: JPG/JPEG/PNG/WEBP, ≤ 5 MB, 300×300 to 4000×4000.
  tokopedia: { formats: ['jpeg', 'png', 'webp'], minPixels: 300, maxPixels: 4000, maxBytes: 5 * 1024 * 1024 },
  tiktok: { formats: ['jpeg', 'png', 'webp'], minPixels: 300, maxPixels: 4000, maxBytes: 5 * 1024 * 1024 },
};

/** Output presets (SPEC §2, seed 000 §2.2.7). */
export interface OutputPreset {
  id: string;
  marketplace: Marketplace;
  width: number;
  height: number;
  format: 'jpeg' | 'png' | 'webp';
  quality: number;
  maxBytes: number;
  /** Fraction of the canvas kept free around the product on each side. */
  padding: number;
  background: string;
}

export const OUTPUT_PRESETS = {
  'shopee-square': {
    id: 'shopee-square',
    marketplace: 'shopee',
    width: 1200,
    height: 1200,
    format: 'jpeg',
    quality: 90,
    maxBytes: 2 * 1024 * 1024,
    padding: 0.08,
    background: '#ffffff',
  },
  'tokopedia-square': {
    id: 'tokopedia-square',
    marketplace: 'tokopedia',
    width: 1200,
    height: 1200,
    format: 'jpeg',
    quality: 90,
    maxBytes: 5 * 1024 * 1024,
    padding: 0.08,
    background: '#ffffff',
  },
  'tiktok-square': {
    id: 'tiktok-square',
    marketplace: 'tiktok',
    width: 1080,
    height: 1080,
    format: 'jpeg',
    quality: 95,
    maxBytes: 5 * 1024 * 1024,
    padding: 0.08,
    background: '#ffffff',
  },
} as const satisfies Record<string, OutputPreset>;
export type OutputPresetId = keyof typeof OUTPUT_PRESETS;

/** A named workflow a seller picks ("preset"). The step list decides the price. */
export interface WorkflowPreset {
  id: string;
  name: { en: string; id: string };
  marketplace: Marketplace;
  steps: readonly StepKind[];
  output: OutputPresetId;
}

export const WORKFLOW_PRESETS = {
  'shopee-white-studio': {
    id: 'shopee-white-studio',
    name: { en: 'Shopee white studio', id: 'Shopee putih studio' },
    marketplace: 'shopee',
    steps: ['background_removal', 'background_solid', 'lighting_auto', 'shadow'],
    output: 'shopee-square',
  },
  'tokopedia-white-studio': {
    id: 'tokopedia-white-studio',
    name: { en: 'Tokopedia white studio', id: 'Tokopedia putih studio' },
    marketplace: 'tokopedia',
    steps: ['background_removal', 'background_solid', 'lighting_auto', 'shadow'],
    output: 'tokopedia-square',
  },
  'tiktok-white-studio': {
    id: 'tiktok-white-studio',
    name: { en: 'TikTok Shop white studio', id: 'TikTok Shop putih studio' },
    marketplace: 'tiktok',
    steps: ['background_removal', 'background_solid', 'lighting_auto', 'shadow'],
    output: 'tiktok-square',
  },
} as const satisfies Record<string, WorkflowPreset>;
export type WorkflowPresetId = keyof typeof WORKFLOW_PRESETS;
export const WORKFLOW_PRESET_IDS = Object.keys(WORKFLOW_PRESETS) as [WorkflowPresetId, ...WorkflowPresetId[]];

export const DEFAULT_PRESET: Record<Marketplace, WorkflowPresetId> = {
  shopee: 'shopee-white-studio',
  tokopedia: 'tokopedia-white-studio',
  tiktok: 'tiktok-white-studio',
};
