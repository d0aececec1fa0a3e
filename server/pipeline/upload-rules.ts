import { type OutputTarget, UPLOAD_RULES } from '../../shared/presets.js';
import { AppError } from '../errors.js';

export interface EncodedImageFacts {
  format: 'jpeg' | 'png' | 'webp';
  width: number;
  height: number;
  bytes: number;
}

/**
 * Throws unless the output satisfies the marketplace's upload rules (SPEC §2: "check it, don't hope").
 * A violation is our bug, not the seller's, hence PROCESSING_FAILED (credits are returned).
 */
export function checkUploadRules(output: EncodedImageFacts, marketplace: OutputTarget): void {
  const rules = UPLOAD_RULES[marketplace];
  const problems: string[] = [];
  if (!rules.formats.includes(output.format))
    problems.push(`format ${output.format} not in ${rules.formats.join('/')}`);
  if (!(Math.min(output.width, output.height) >= rules.minPixels)) {
    problems.push(`${output.width}×${output.height} is below ${rules.minPixels} px`);
  }
  if (!(Math.max(output.width, output.height) <= rules.maxPixels)) {
    problems.push(`${output.width}×${output.height} is above ${rules.maxPixels} px`);
  }
  if (!(output.bytes > 0 && output.bytes <= rules.maxBytes)) {
    problems.push(`${output.bytes} bytes is outside 1..${rules.maxBytes}`);
  }
  if (problems.length > 0) {
    throw new AppError(
      'PROCESSING_FAILED',
      `Output breaks the ${marketplace} upload rules: ${problems.join('; ')}`,
      {
        details: { marketplace, problems },
      },
    );
  }
}
