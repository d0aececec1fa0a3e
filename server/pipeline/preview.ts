/**
 * Gallery thumbnails: a workflow rendered on one fixed synthetic product photo, so every template's preview
 * shows the same product and only the look differs (seed §2.2.6 "Preview template with sample product").
 */
import { createHash } from 'node:crypto';
import { outputOf } from '../../shared/presets.js';
import type { Workflow, WorkflowStep } from '../../shared/workflow.js';
import { enhance } from './enhance.js';
import { sharp } from './sharp.js';
import { makeProductPhoto } from './testing/synthetic.js';

/** Thumbnail width in px; the height follows the workflow's aspect ratio. */
export const PREVIEW_WIDTH = 240;
/** Custom exports start at 300 px (the marketplaces' minimum), so we render there and scale down. */
const RENDER_WIDTH = 300;

let sample: Promise<Buffer> | undefined;
function sampleProduct(): Promise<Buffer> {
  // Deterministic (fixed seed), so made once per process.
  sample ??= makeProductPhoto({ width: 640, height: 640, seed: 7, background: 'plain' }).then((p) => p.image);
  return sample;
}

/**
 * Thumbnails are free and rendered for every visitor of the gallery, so they never call a paid model: an
 * AI scene shows as a soft gradient in colours taken from its prompt, a relight as the auto correction.
 * The gallery labels such templates as AI (the real scene is generated when the job runs).
 */
function withoutHostedModels(step: WorkflowStep): WorkflowStep {
  if (step.type === 'background' && step.kind === 'ai_scene') {
    const hash = createHash('sha256').update(step.prompt).digest('hex');
    const tone = (hex: string) =>
      `#${[0, 2, 4].map((i) => (128 + (Number.parseInt(hex.slice(i, i + 2), 16) >> 1)).toString(16)).join('')}`;
    return {
      type: 'background',
      kind: 'linear',
      from: tone(hash.slice(0, 6)),
      to: tone(hash.slice(6, 12)),
      angle: 180,
    };
  }
  if (step.type === 'lighting' && step.kind === 'relight') return { type: 'lighting', kind: 'auto' };
  return step;
}

/** WebP thumbnail of `steps` on the sample product, {@link PREVIEW_WIDTH} px wide. */
export async function renderWorkflowPreview(steps: readonly WorkflowStep[]): Promise<Buffer> {
  const output = outputOf(steps);
  const height = Math.round((RENDER_WIDTH * output.height) / output.width);
  const workflow: Workflow = [
    ...steps.slice(0, -1).map(withoutHostedModels),
    {
      type: 'export',
      kind: 'custom',
      target: 'tokopedia',
      width: RENDER_WIDTH,
      height,
      format: 'webp',
      quality: 85,
      padding: output.padding,
      background: output.background,
    },
  ];
  const rendered = await enhance(await sampleProduct(), { workflow });
  // Exact size from the nominal aspect, not from the rounded 300 px render (533 → 426.4 would drift).
  return sharp(rendered.data)
    .resize({
      width: PREVIEW_WIDTH,
      height: Math.round((PREVIEW_WIDTH * output.height) / output.width),
      fit: 'fill',
    })
    .webp({ quality: 80 })
    .toBuffer();
}
