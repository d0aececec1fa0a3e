/** The "enhance" job handler: source image → pipeline → stored result → capture, or fail → release. */
import type { Tier } from '../../shared/api.js';
import { IMAGE_CDN_HOSTS, type Marketplace } from '../../shared/marketplaces.js';
import type { WorkflowPresetId } from '../../shared/presets.js';
import { stepsOfLook } from '../../shared/templates.js';
import type { Workflow } from '../../shared/workflow.js';
import type { Db } from '../db/knex.js';
import { Job, type ResultMeta, Seller } from '../db/models.js';
import type { Logger } from '../logger.js';
import { type SafeFetchPolicy, safeFetchImage } from '../net/safe-fetch.js';
import { ANSWER_STEPS, type AnswerMemo } from '../pipeline/index.js';
import { type JobHandler, PermanentJobError } from '../queue/index.js';
import {
  answerKey,
  completeJob,
  failJob,
  inputKey,
  reportProgress,
  resultKey,
  startProcessing,
} from '../services/jobs.js';
import type { Storage } from '../storage/index.js';
import { finalFailureCode, rethrowClassified } from './failure.js';

export interface Pipeline {
  inspectImage(input: Buffer): Promise<unknown>;
  enhance(
    input: Buffer,
    options: ({ presetId: WorkflowPresetId } | { workflow: Workflow }) & {
      /** Free: watermark and the 1024 px cap (SPEC §4). */
      tier: Tier;
      /** The listing the result goes to: its upload rules apply too. Exports for other platforms omit it. */
      marketplace?: Marketplace;
      onProgress?: (percent: number, stage: string) => void | Promise<void>;
      /** Hosted models' answers kept across the job's attempts. */
      answers?: AnswerMemo;
    },
  ): Promise<Omit<ResultMeta, 'format'> & { data: Buffer; format: string }>;
}

/** The job's hosted-model answers, in storage until the job ends (a retry reuses them, pipeline/answers.ts). */
function answerMemo(storage: Storage, jobId: string): AnswerMemo {
  return {
    get: (step) => storage.get(answerKey(jobId, step)),
    put: (step, answer) => storage.put(answerKey(jobId, step), answer),
  };
}

/** Deletes the job's kept answers: when it ends, however it ends. */
export async function forgetAnswers(storage: Storage, jobId: string): Promise<void> {
  await Promise.all(
    ANSWER_STEPS.map((step) => storage.delete(answerKey(jobId, step)).catch(() => undefined)),
  );
}

/** A template job runs the template's steps as a workflow; a preset job names its preset. */
function whatToRun(job: Job): { presetId: WorkflowPresetId } | { workflow: Workflow } {
  if (job.presetId) return { presetId: job.presetId };
  const steps = stepsOfLook(job);
  // A template removed after the job was created cannot run, and retrying won't bring it back.
  if (!steps) throw new PermanentJobError('NOT_FOUND');
  return { workflow: [...steps] };
}

/**
 * Problems retrying cannot fix: bad input, an AI step this worker has no provider for, a provider that
 * refused the request (key, quota, input) or answered nonsense. AI_PROVIDER_UNAVAILABLE (busy, down, too
 * slow, after the client's own retries) is left to the queue's attempts.
 */
const PERMANENT = new Set([
  'UNSUPPORTED_IMAGE',
  'IMAGE_INVALID',
  'IMAGE_URL_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'AI_NOT_ENABLED',
  'AI_PROVIDER_FAILED',
]);

/** Errors whose own code tells the seller more than PROCESSING_FAILED when the last attempt fails. */
const TOLD_AS_IS = new Set(['AI_PROVIDER_UNAVAILABLE']);

export function enhanceHandler(deps: {
  db: Db;
  storage: Storage;
  logger: Logger;
  pipeline: Pipeline;
  fetchPolicy: Omit<SafeFetchPolicy, 'allowedHosts'>;
}): JobHandler {
  const { db, storage, pipeline } = deps;

  async function loadInput(job: Job): Promise<Buffer> {
    if (job.inputKey) {
      const stored = await storage.get(job.inputKey);
      if (stored) return stored;
    }
    if (!job.sourceUrl) throw new PermanentJobError('IMAGE_FETCH_FAILED');
    const fetched = await safeFetchImage(job.sourceUrl, {
      ...deps.fetchPolicy,
      allowedHosts: IMAGE_CDN_HOSTS[job.marketplace],
    });
    await pipeline.inspectImage(fetched);
    await storage.put(inputKey(job.id), fetched);
    await Job.query(db)
      .patch({ inputKey: inputKey(job.id) })
      .where({ id: job.id });
    return fetched;
  }

  return {
    async run({ id }, ctx) {
      const job = await startProcessing(db, id, ctx.attempt);
      if (!job) return; // finished already (a duplicate delivery) or deleted
      try {
        // The tier as it is now, not at job creation: an upgrade before the job runs gets the paid output.
        const owner = await Seller.query(db).findById(job.sellerId);
        if (!owner) throw new PermanentJobError('NOT_FOUND');
        const input = await loadInput(job);
        await reportProgress(db, id, 10, 'decode');
        const output = await pipeline.enhance(input, {
          ...whatToRun(job),
          tier: owner.tier,
          marketplace: job.marketplace,
          answers: answerMemo(storage, id),
          onProgress: async (percent, stage) => {
            await reportProgress(db, id, Math.max(10, Math.min(95, percent)), stage);
            await ctx.updateProgress(percent);
          },
        });
        await storage.put(resultKey(id), output.data);
        await completeJob(db, id, {
          width: output.width,
          height: output.height,
          bytes: output.bytes,
          format: output.format,
          confidence: output.confidence,
          timingsMs: output.timingsMs,
          matteMethod: output.matteMethod,
          matteFallbackReason: output.matteFallbackReason,
        });
        await forgetAnswers(storage, id);
      } catch (error) {
        rethrowClassified(error, PERMANENT);
      }
    },
    async onFinalFailure({ id }, error) {
      const code = finalFailureCode(error, TOLD_AS_IS);
      if (await failJob(db, id, code)) deps.logger.info({ jobId: id, code }, 'job failed; hold released');
      await forgetAnswers(storage, id);
    },
  };
}
