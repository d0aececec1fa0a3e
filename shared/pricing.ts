import { WORKFLOW_PRESETS, type WorkflowPresetId } from './presets.js';

/** Credit prices per step, from seed 000 §4.1. */
export const STEP_PRICES = {
  upload: 2,
  background_removal: 5,
  background_solid: 10,
  background_template: 12,
  background_ai: 15,
  lighting: 10,
  lighting_auto: 8,
  shadow: 8,
  shadow_reflection: 10,
} as const;
export type StepKind = keyof typeof STEP_PRICES;

/** "Bundles of steps get 10 % off" (SPEC §4): any workflow of two or more priced steps. */
export const BUNDLE_DISCOUNT = 0.1;

export function priceOfSteps(steps: readonly StepKind[]): number {
  const sum = steps.reduce((total, step) => total + STEP_PRICES[step], 0);
  return steps.length >= 2 ? Math.round(sum * (1 - BUNDLE_DISCOUNT)) : sum;
}

export function priceOfPreset(presetId: WorkflowPresetId): number {
  return priceOfSteps(WORKFLOW_PRESETS[presetId].steps);
}
