import { WORKFLOW_PRESETS, type WorkflowPresetId } from './presets.js';
import type { WorkflowStep } from './workflow.js';

/** Credit prices, from seed 000 §4.1. */
export const STEP_PRICES = {
  upload: 2,
  background_removal: 5,
  /** "Solid colours & gradients" (seed §2.2.2 A). */
  background_solid: 10,
  /** Template backdrops (seed §2.2.2 B): our procedural studio sweeps and textures. */
  background_template: 12,
  /** Seed §4.1 "AI background 15 / 25": 15 for one generated scene (25 is left for a future multi-pass one). */
  background_ai: 15,
  lighting: 10,
  /**
   * IC-Light relighting. Not in the seed's table: it is one diffusion pass at canvas size on a hosted GPU,
   * the same work as an AI backdrop, so it is priced like one rather than like the local tone curve (10).
   */
  lighting_ai: 15,
  lighting_auto: 8,
  shadow: 8,
  shadow_reflection: 10,
} as const;
export type StepKind = keyof typeof STEP_PRICES;

/** "Bundles of steps get 10 % off" (SPEC §4): any workflow of two or more priced steps. */
export const BUNDLE_DISCOUNT_PERCENT = 10;

/** Which price a step is charged at; export is free (seed §2.2.7: single downloads cost nothing). */
export function priceKindOf(step: WorkflowStep): StepKind | undefined {
  switch (step.type) {
    case 'background_removal':
      return 'background_removal';
    case 'background':
      if (step.kind === 'ai_scene') return 'background_ai';
      return step.kind === 'solid' || step.kind === 'linear' || step.kind === 'radial'
        ? 'background_solid'
        : 'background_template';
    case 'lighting':
      if (step.kind === 'relight') return 'lighting_ai';
      return step.kind === 'auto' ? 'lighting_auto' : 'lighting';
    case 'shadow':
      return step.kind === 'reflection' ? 'shadow_reflection' : 'shadow';
    case 'export':
      return undefined;
  }
}

/**
 * Sum of the step prices, 10 % off for a bundle, rounded up as the seed's own examples are (§4.2:
 * 38 × 0.9 = 34.2 → 35). Integer arithmetic, so 30 × 0.9 is 27, not 27.000000000000004 → 28.
 */
export function priceOfSteps(steps: readonly WorkflowStep[]): number {
  const prices = steps.flatMap((step) => {
    const kind = priceKindOf(step);
    return kind ? [STEP_PRICES[kind]] : [];
  });
  const sum = prices.reduce((total, price) => total + price, 0);
  return prices.length >= 2 ? Math.ceil((sum * (100 - BUNDLE_DISCOUNT_PERCENT)) / 100) : sum;
}

export function priceOfPreset(presetId: WorkflowPresetId): number {
  return priceOfSteps(WORKFLOW_PRESETS[presetId].steps);
}
