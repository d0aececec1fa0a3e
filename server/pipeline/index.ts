/** The image pipeline ("Enhance photo", SPEC §2). The only product module that touches sharp. */
export { ANSWER_STEPS, type AnswerMemo, type AnswerStep } from './answers.js';
export { type EnhanceOptions, type EnhanceOutput, enhance } from './enhance.js';
export {
  type EncodedFile,
  EXPORT_JPEG_QUALITY,
  type ExportFileFormat,
  transcodeImage,
  workflowForPlatform,
} from './export.js';
export { type InputFormat, type InspectLimits, type InspectResult, inspectImage } from './inspect.js';
export { computeMatte, type MatteOutput } from './matte.js';
export { PREVIEW_WIDTH, renderWorkflowPreview } from './preview.js';
export { SegmentPool } from './segment-pool.js';
export { MAX_INPUT_PIXELS, type RawImage } from './sharp.js';
export { checkUploadRules, type EncodedImageFacts } from './upload-rules.js';
