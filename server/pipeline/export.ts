/**
 * ZIP export helpers (seed 000 §2.2.7): a finished result in another format, and a job's workflow aimed at
 * another platform's output preset. The worker streams what these return into the archive one file at a
 * time; nothing here holds more than one image.
 */
import { OUTPUT_PRESETS, type OutputPresetId } from '../../shared/presets.js';
import type { WorkflowStep } from '../../shared/workflow.js';
import { inspectImage } from './inspect.js';
import { MAX_INPUT_PIXELS, PIPELINE_TIMEOUT_SECONDS, sharp } from './sharp.js';

export type ExportFileFormat = 'jpeg' | 'png';

export interface EncodedFile {
  data: Buffer;
  format: ExportFileFormat;
  width: number;
  height: number;
}

/** JPEG quality for re-encoded results: the marketplace presets' own range (90–95). */
export const EXPORT_JPEG_QUALITY = 92;

/**
 * Re-encodes one of our own results (already oriented, already stripped) into `format`, without metadata.
 * PNG has no alpha to carry: results are flattened onto their backdrop. Same pixel limit and strict
 * decoder as uploads, because the bytes come back from storage.
 */
export async function transcodeImage(input: Buffer, format: ExportFileFormat): Promise<EncodedFile> {
  const facts = await inspectImage(input);
  if (facts.format === format) return { data: input, format, width: facts.width, height: facts.height };
  const decoded = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning' }).timeout({
    seconds: PIPELINE_TIMEOUT_SECONDS,
  });
  const encoded =
    format === 'jpeg'
      ? decoded
          .flatten({ background: '#ffffff' })
          .jpeg({ quality: EXPORT_JPEG_QUALITY, chromaSubsampling: '4:2:0' })
      : decoded.png({ compressionLevel: 6 });
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  return { data, format, width: info.width, height: info.height };
}

/**
 * The job's workflow with its export step replaced by `platform`'s output preset, in `format`. Everything
 * before the export (cut-out, backdrop, light, shadow) stays, so the photo looks the same on every platform.
 * A custom export carries the preset's size, padding and quality with the format changed; the target's
 * upload rules are still checked by enhance().
 */
export function workflowForPlatform(
  steps: readonly WorkflowStep[],
  platform: OutputPresetId,
  format: ExportFileFormat,
): WorkflowStep[] {
  const preset = OUTPUT_PRESETS[platform];
  const body = steps.filter((step) => step.type !== 'export');
  if (format === preset.format) return [...body, { type: 'export', kind: 'preset', preset: platform }];
  return [
    ...body,
    {
      type: 'export',
      kind: 'custom',
      target: preset.target,
      width: preset.width,
      height: preset.height,
      format,
      quality: preset.quality,
      padding: preset.padding,
      background: preset.background,
    },
  ];
}
