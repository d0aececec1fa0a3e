/**
 * Workflows as data (SPEC §2): an ordered list of typed steps with parameters. Presets are named workflows
 * (`presets.ts`); the price comes from the steps (`pricing.ts`). Server and extension share these schemas,
 * so what the extension shows is what the server validates, runs and charges.
 */
import { z } from 'zod';
import { OUTPUT_PRESET_IDS, OUTPUT_TARGETS, UPLOAD_RULES } from './presets.js';

export const HexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a #rrggbb colour');

export const BackgroundRemovalStep = z.strictObject({
  type: z.literal('background_removal'),
  /** Only the classical local segmentation for now; remote providers come with their keys. */
  method: z.literal('local'),
});

/** Prompts are sent to a paid model: bounded, so a job cannot carry an essay (or a payload) upstream. */
export const AI_PROMPT_MAX = 500;
const AiPrompt = z.string().trim().min(3).max(AI_PROMPT_MAX);

export const TEXTURES = ['marble', 'wood', 'linen', 'concrete'] as const;
export type Texture = (typeof TEXTURES)[number];

/** Seed §2.2.2: solids and gradients (10 credits), studio sweeps and textures are template backdrops (12). */
export const BackgroundStep = z.discriminatedUnion('kind', [
  z.strictObject({ type: z.literal('background'), kind: z.literal('solid'), color: HexColor }),
  z.strictObject({
    type: z.literal('background'),
    kind: z.literal('linear'),
    from: HexColor,
    to: HexColor,
    /** CSS convention: 180 = `from` at the top, `to` at the bottom; 90 = left to right. */
    angle: z.number().min(0).max(360),
  }),
  z.strictObject({
    type: z.literal('background'),
    kind: z.literal('radial'),
    /** Colour at the canvas centre… */
    inner: HexColor,
    /** …blending to this at the corners. */
    outer: HexColor,
  }),
  z.strictObject({
    type: z.literal('background'),
    /** Seamless paper sweep: a wall that curves into the floor, darkest at the soft horizon. */
    kind: z.literal('studio_sweep'),
    color: HexColor,
  }),
  z.strictObject({
    type: z.literal('background'),
    kind: z.literal('texture'),
    texture: z.enum(TEXTURES),
    /** Multiplies the texture's own colours; omitted = the texture's natural colour. */
    tint: HexColor.optional(),
    /** Same seed, same pixels (procedural noise). @defaultValue 1 */
    seed: z.number().int().min(0).max(1_000_000).optional(),
  }),
  z.strictObject({
    type: z.literal('background'),
    /**
     * A backdrop generated from a text prompt by a hosted model (SDXL on fal / Replicate, or ComfyUI).
     * Only the backdrop is generated: the seller's own product pixels are composited on top of it.
     */
    kind: z.literal('ai_scene'),
    prompt: AiPrompt,
    negativePrompt: z.string().trim().max(AI_PROMPT_MAX).optional(),
    /** Same seed and prompt, the same scene from the same model. Omitted: the provider picks one. */
    seed: z.number().int().min(0).max(2_147_483_647).optional(),
  }),
]);

export const LIGHTING_PRESETS = ['studio', 'natural', 'dramatic', 'bright', 'moody'] as const;
export type LightingPreset = (typeof LIGHTING_PRESETS)[number];

export const RELIGHT_DIRECTIONS = ['none', 'left', 'right', 'top', 'bottom'] as const;
export type RelightDirection = (typeof RELIGHT_DIRECTIONS)[number];

const Adjustment = z.number().min(-100).max(100);
export const LightingStep = z.discriminatedUnion('kind', [
  z.strictObject({ type: z.literal('lighting'), kind: z.literal('auto') }),
  z.strictObject({
    type: z.literal('lighting'),
    kind: z.literal('preset'),
    preset: z.enum(LIGHTING_PRESETS),
  }),
  z.strictObject({
    type: z.literal('lighting'),
    kind: z.literal('manual'),
    brightness: Adjustment,
    contrast: Adjustment,
    warmth: Adjustment,
  }),
  z.strictObject({
    type: z.literal('lighting'),
    /**
     * IC-Light relighting by a hosted model: the composed photo goes to the model and the product pixels
     * come back lit as the prompt describes, from `direction` (`none`: no directional light).
     */
    kind: z.literal('relight'),
    prompt: AiPrompt,
    direction: z.enum(RELIGHT_DIRECTIONS),
  }),
]);

/**
 * Seed §2.2.4. Pixel values are at the output preset's nominal size (they shrink with a free-tier cap).
 * `natural` is a floor shadow under the product: it uses opacity, blur (softness) and colour; the light
 * comes from above, so angle and distance do not apply to it.
 */
export const ShadowStep = z.strictObject({
  type: z.literal('shadow'),
  kind: z.enum(['natural', 'drop', 'reflection']),
  opacity: z.number().min(0).max(1),
  blur: z.number().min(0).max(100),
  /** Direction the shadow falls, clockwise from up: 135 = bottom-right. */
  angle: z.number().min(0).max(360),
  distance: z.number().min(0).max(100),
  color: HexColor,
});

export const ExportFormat = z.enum(['jpeg', 'png', 'webp']);
export const ExportStep = z.discriminatedUnion('kind', [
  z.strictObject({ type: z.literal('export'), kind: z.literal('preset'), preset: z.enum(OUTPUT_PRESET_IDS) }),
  z.strictObject({
    type: z.literal('export'),
    kind: z.literal('custom'),
    /** Whose upload rules the file must satisfy. */
    target: z.enum(OUTPUT_TARGETS),
    width: z.number().int().min(300).max(4000),
    height: z.number().int().min(300).max(4000),
    format: ExportFormat,
    quality: z.number().int().min(50).max(100),
    /** Fraction of the canvas kept free around the product on each side. */
    padding: z.number().min(0).max(0.4),
    /** Canvas colour when the workflow has no background step. @defaultValue '#ffffff' */
    background: HexColor.optional(),
  }),
]);

export const WorkflowStep = z.discriminatedUnion('type', [
  BackgroundRemovalStep,
  BackgroundStep,
  LightingStep,
  ShadowStep,
  ExportStep,
]);
export type WorkflowStep = z.infer<typeof WorkflowStep>;
export type BackgroundStep = z.infer<typeof BackgroundStep>;
export type LightingStep = z.infer<typeof LightingStep>;
export type ShadowStep = z.infer<typeof ShadowStep>;
export type ExportStep = z.infer<typeof ExportStep>;
export type StepType = WorkflowStep['type'];

/** The hosted-model steps of a workflow: what a server without those providers must refuse up front. */
export function aiStepsOf(steps: readonly WorkflowStep[]): Array<'ai_scene' | 'relight'> {
  return steps.flatMap((s) =>
    (s.type === 'background' && s.kind === 'ai_scene') || (s.type === 'lighting' && s.kind === 'relight')
      ? [s.kind]
      : [],
  );
}

/**
 * The order a workflow runs in: the cut-out first (everything after needs the matte), then the backdrop,
 * the product's lighting, the shadow drawn on the backdrop, and the export last.
 */
export const STEP_ORDER: readonly StepType[] = [
  'background_removal',
  'background',
  'lighting',
  'shadow',
  'export',
];

/** Problems with a step list's order and shape; empty when it is a valid workflow. */
export function workflowProblems(steps: readonly WorkflowStep[]): string[] {
  const problems: string[] = [];
  const types = steps.map((s) => s.type);
  for (const type of STEP_ORDER) {
    if (types.filter((t) => t === type).length > 1) problems.push(`more than one ${type} step`);
  }
  if (!types.includes('export')) problems.push('no export step');
  else if (types.at(-1) !== 'export') problems.push('export must be the last step');
  const ranks = types.map((t) => STEP_ORDER.indexOf(t));
  if (ranks.some((rank, i) => i > 0 && rank < ranks[i - 1]!)) {
    problems.push(`steps must run in the order ${STEP_ORDER.join(' → ')}`);
  }
  // Without a cut-out there is no product outline to cast a shadow from or to lift off its backdrop.
  for (const needsMatte of ['background', 'shadow'] as const) {
    if (types.includes(needsMatte) && !types.includes('background_removal')) {
      problems.push(`a ${needsMatte} step needs background_removal`);
    }
  }
  // A custom export the target would refuse is the seller's mistake: say so now, not after the work.
  const last = steps.at(-1);
  if (last?.type === 'export' && last.kind === 'custom') {
    const rules = UPLOAD_RULES[last.target];
    if (!rules.formats.includes(last.format)) problems.push(`${last.target} does not accept ${last.format}`);
    if (
      Math.max(last.width, last.height) > rules.maxPixels ||
      Math.min(last.width, last.height) < rules.minPixels
    ) {
      problems.push(`${last.target} accepts ${rules.minPixels}–${rules.maxPixels} px per side`);
    }
  }
  return problems;
}

export const Workflow = z
  .array(WorkflowStep)
  .min(1)
  .max(STEP_ORDER.length)
  .superRefine((steps, ctx) => {
    for (const message of workflowProblems(steps)) ctx.addIssue({ code: 'custom', message });
  });
export type Workflow = z.infer<typeof Workflow>;
