/**
 * Enhance jobs: creation (idempotent, hold + row + idempotency record in one transaction, outbox for the
 * queue), reads scoped to the seller, and the state transitions the worker makes. Every transition is a
 * conditional UPDATE, so a job delivered twice (BullMQ is at-least-once) cannot be finished twice.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { CreateJobBody, JobView, Quote, QuoteQuery, Tier } from '../../shared/api.js';
import type { Locale } from '../../shared/errors.js';
import { IMAGE_CDN_HOSTS } from '../../shared/marketplaces.js';
import { templateAllowed } from '../../shared/plans.js';
import { WORKFLOW_PRESETS } from '../../shared/presets.js';
import { priceOfSteps } from '../../shared/pricing.js';
import { findTemplate } from '../../shared/templates.js';
import { aiStepsOf, type WorkflowStep } from '../../shared/workflow.js';
import type { Db, Trx } from '../db/knex.js';
import { Job, type JobKind, ListingImageChange, type ResultMeta } from '../db/models.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { assertResolvesPublic, checkImageUrl, type SafeFetchPolicy } from '../net/safe-fetch.js';
import { presentJob } from '../presenters.js';
import type { JobQueue } from '../queue/index.js';
import type { Storage } from '../storage/index.js';
import { balanceOf, captureHold, placeHold, releaseHold } from './credits.js';

export type Enqueuer = Pick<JobQueue, 'enqueue' | 'state'>;

export interface JobsDeps {
  db: Db;
  queue: Enqueuer;
  storage: Storage;
  logger: Logger;
  holdTtlMinutes: number;
  fetchPolicy: Omit<SafeFetchPolicy, 'allowedHosts'>;
  inspectImage: (input: Buffer) => Promise<unknown>;
  /** Which hosted-model steps this server has a provider for (providers/generative `aiCapabilities`). */
  aiEnabled: { ai_scene: boolean; relight: boolean };
}

export const inputKey = (jobId: string) => `inputs/${jobId}`;
export const resultKey = (jobId: string) => `results/${jobId}.jpg`;
/** A hosted model's answer kept across the job's attempts (pipeline/answers.ts). */
export const answerKey = (jobId: string, step: string) => `answers/${jobId}/${step}`;
const ACTIVE = ['queued', 'processing'] as const;

function requestHash(body: CreateJobBody, upload: Buffer | undefined): string {
  const canonical = JSON.stringify(Object.entries(body).sort(([a], [b]) => a.localeCompare(b)));
  const hash = createHash('sha256').update(canonical);
  if (upload) hash.update(createHash('sha256').update(upload).digest());
  return hash.digest('hex');
}

export interface StoredResponse<T = JobView> {
  status: number;
  body: T;
}

/** The stored answer to an earlier request with this key, if any (idempotency: replay, 422, 409). */
export async function replay<T = JobView>(
  db: Db | Trx,
  sellerId: string,
  key: string,
  hash: string,
): Promise<StoredResponse<T> | undefined> {
  const row = await db('idempotency_keys').where({ sellerId, key }).first();
  if (!row) return undefined;
  if (row.requestHash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  if (row.responseStatus == null) throw new AppError('IDEMPOTENCY_IN_FLIGHT');
  return { status: row.responseStatus, body: row.responseBody };
}

/**
 * The charging half of every job submission (enhance and export): in one transaction the idempotency
 * record, the caller's job row(s) (`insert`), the credit hold and the stored response; after commit the
 * fast path to the queue, with the outbox relay as the fallback. `created` is false when another request
 * with the same key won the race and its stored response is returned instead.
 */
export async function submitJob<T>(
  deps: Pick<JobsDeps, 'db' | 'queue' | 'logger' | 'holdTtlMinutes'>,
  input: {
    sellerId: string;
    idempotencyKey: string;
    hash: string;
    scope: string;
    jobId: string;
    kind: JobKind;
    price: number;
    insert: (trx: Trx) => Promise<StoredResponse<T>>;
  },
): Promise<{ response: StoredResponse<T>; created: boolean }> {
  const { db } = deps;
  const { sellerId, idempotencyKey, jobId } = input;
  const response = await db.transaction(async (trx) => {
    // Blocks on a concurrent insert of the same key until that transaction ends; then we replay it.
    const inserted = await trx('idempotency_keys')
      .insert({ sellerId, key: idempotencyKey, scope: input.scope, requestHash: input.hash })
      .onConflict(['seller_id', 'key'])
      .ignore()
      .returning('key');
    if (inserted.length === 0) return undefined;
    const stored = await input.insert(trx);
    // Same transaction: no job without its hold, no hold without its job.
    await placeHold(trx, { sellerId, jobId, amount: input.price, ttlMinutes: deps.holdTtlMinutes });
    await trx('idempotency_keys')
      .where({ sellerId, key: idempotencyKey })
      .update({ responseStatus: stored.status, responseBody: JSON.stringify(stored.body) });
    return stored;
  });

  if (!response) {
    const winner = await replay<T>(db, sellerId, idempotencyKey, input.hash);
    if (!winner) throw new AppError('IDEMPOTENCY_IN_FLIGHT');
    return { response: winner, created: false };
  }

  // Fast path to the queue; if this fails or the process dies here, the outbox relay enqueues it.
  try {
    await deps.queue.enqueue(input.kind, { id: jobId });
    await Job.query(db).patch({ enqueuedAt: new Date() }).where({ id: jobId }).whereNull('enqueuedAt');
  } catch (error) {
    deps.logger.warn({ jobId, err: error }, 'enqueue after commit failed; the outbox relay will retry');
  }
  return { response, created: true };
}

/**
 * The steps the body asks to run. An unknown template is the client's mistake (400); a premium template
 * needs a subscription tier (seed 000 §2.2.6 "Mark as premium (subscription required)").
 */
function stepsOf(body: Pick<CreateJobBody, 'presetId' | 'templateId'>, tier: Tier): readonly WorkflowStep[] {
  if (body.presetId) return WORKFLOW_PRESETS[body.presetId].steps;
  const template = body.templateId ? findTemplate(body.templateId) : undefined;
  if (!template) throw new AppError('VALIDATION_FAILED', `Unknown template: ${body.templateId}`);
  if (!templateAllowed(tier, template)) throw new AppError('TEMPLATE_NOT_IN_PLAN');
  return template.steps;
}

/**
 * What the steps cost, refusing up front (before any hold) a workflow whose AI steps this server cannot
 * run: the seller is told now and charged nothing, instead of a job that fails later or, worse, a plain
 * backdrop billed at the AI price.
 */
function priceOf(
  deps: Pick<JobsDeps, 'aiEnabled'>,
  body: Pick<CreateJobBody, 'presetId' | 'templateId'>,
  tier: Tier,
): number {
  const steps = stepsOf(body, tier);
  const missing = aiStepsOf(steps).filter((step) => !deps.aiEnabled[step]);
  if (missing.length > 0) throw new AppError('AI_NOT_ENABLED', undefined, { details: { steps: missing } });
  return priceOfSteps(steps);
}

/**
 * What POST /v1/jobs would charge for this look, with the same refusals (unknown template, a premium
 * template outside the plan, an AI step this server cannot run), so the extension can say so before the
 * seller clicks rather than after.
 */
export async function quote(
  deps: Pick<JobsDeps, 'db' | 'aiEnabled'>,
  input: { sellerId: string; tier: Tier; look: QuoteQuery },
): Promise<Quote> {
  const { presetId, templateId } = input.look;
  const template = templateId ? findTemplate(templateId) : undefined;
  // A GET names the template in its URL: an unknown one is not found (POST /v1/jobs says 400 for its body).
  if (templateId && !template) throw new AppError('NOT_FOUND');
  const price = priceOf(deps, input.look, input.tier);
  const balance = await balanceOf(deps.db, input.sellerId);
  if (template) return { presetId: null, templateId: template.id, name: template.name, price, balance };
  // The query schema gives exactly one of the two ids.
  const preset = WORKFLOW_PRESETS[presetId!];
  return { presetId: preset.id, templateId: null, name: preset.name, price, balance };
}

export async function createJob(
  deps: JobsDeps,
  input: {
    sellerId: string;
    locale: Locale;
    tier: Tier;
    body: CreateJobBody;
    upload?: Buffer;
    idempotencyKey: string;
  },
): Promise<StoredResponse> {
  const { db } = deps;
  const { body, sellerId, idempotencyKey } = input;
  const hash = requestHash(body, input.upload);
  const earlier = await replay(db, sellerId, idempotencyKey, hash);
  if (earlier) return earlier;
  // Before any work or storage: a refused request leaves nothing behind.
  const price = priceOf(deps, body, input.tier);

  if (input.upload) {
    await deps.inspectImage(input.upload);
  } else if (body.imageUrl) {
    const checked = checkImageUrl(body.imageUrl, {
      ...deps.fetchPolicy,
      allowedHosts: IMAGE_CDN_HOSTS[body.marketplace],
    });
    await assertResolvesPublic(checked);
  } else {
    throw new AppError('VALIDATION_FAILED', 'Send the image as `image` or give `imageUrl`.');
  }

  const jobId = randomUUID();
  if (input.upload) await deps.storage.put(inputKey(jobId), input.upload);

  try {
    const { response, created } = await submitJob(deps, {
      sellerId,
      idempotencyKey,
      hash,
      scope: 'POST /v1/jobs',
      jobId,
      kind: 'enhance',
      price,
      insert: async (trx) => {
        // RETURNING * gives the stored row; insertAndFetch would read it back with a second query.
        const job = await Job.query(trx)
          .insert({
            id: jobId,
            sellerId,
            kind: 'enhance',
            status: 'queued',
            progress: 0,
            marketplace: body.marketplace,
            productId: body.productId,
            slot: body.slot,
            presetId: body.presetId ?? null,
            templateId: body.templateId ?? null,
            price,
            sourceUrl: input.upload ? null : (body.imageUrl ?? null),
            sourceImageId: body.sourceImageId ?? null,
            inputKey: input.upload ? inputKey(jobId) : null,
          })
          .returning('*');
        return { status: 202, body: presentJob(job, input.locale) };
      },
    });
    if (!created && input.upload) await deps.storage.delete(inputKey(jobId));
    return response;
  } catch (error) {
    if (input.upload) await deps.storage.delete(inputKey(jobId));
    throw error;
  }
}

/** Every lookup by a client-supplied id is scoped to the seller: another seller's job is simply not found. */
export async function findOwnJob(db: Db | Trx, sellerId: string, jobId: string): Promise<Job> {
  // Export jobs live in the same table but are not photos: they are reached through /v1/exports only.
  const job = await Job.query(db).findOne({ id: jobId, sellerId, kind: 'enhance' });
  if (!job) throw new AppError('NOT_FOUND');
  return job;
}

/** The job's listing changes (its replacement, and its revert if any), oldest first. */
export async function changesOf(db: Db | Trx, jobId: string): Promise<ListingImageChange[]> {
  return ListingImageChange.query(db).where({ jobId }).orderBy('createdAt', 'asc');
}

export async function viewJob(db: Db, sellerId: string, jobId: string, locale: Locale): Promise<JobView> {
  const job = await findOwnJob(db, sellerId, jobId);
  return presentJob(job, locale, await changesOf(db, job.id));
}

export async function listJobs(db: Db, sellerId: string, locale: Locale, limit: number): Promise<JobView[]> {
  const jobs = await Job.query(db)
    .where({ sellerId, kind: 'enhance' })
    .orderBy('createdAt', 'desc')
    .limit(limit);
  const changes = await ListingImageChange.query(db)
    .whereIn(
      'jobId',
      jobs.map((j) => j.id),
    )
    .orderBy('createdAt', 'asc');
  return jobs.map((job) =>
    presentJob(
      job,
      locale,
      changes.filter((c) => c.jobId === job.id),
    ),
  );
}

// ---- transitions used by the worker and the recovery sweeper

/** Returns the job if it may run now (not finished), marking it processing. */
export async function startProcessing(db: Db, jobId: string, attempt: number): Promise<Job | undefined> {
  const rows = (await Job.query(db)
    .patch({ status: 'processing', attempts: attempt, startedAt: new Date(), updatedAt: new Date() })
    .where({ id: jobId })
    .whereIn('status', ACTIVE)
    .returning('*')) as unknown as Job[];
  return rows[0];
}

export async function reportProgress(db: Db, jobId: string, progress: number, stage: string): Promise<void> {
  await Job.query(db)
    .patch({ progress: Math.round(progress), stage, updatedAt: new Date() })
    .where({ id: jobId, status: 'processing' });
}

/**
 * Marks the job succeeded and captures its hold, once. `withinTransaction` lets a kind record what only it
 * has (an export's size and expiry) in the same commit, and only when this call is the one that finished it.
 */
export async function completeJob(
  db: Db,
  jobId: string,
  meta: ResultMeta | null,
  options: { resultKey?: string; withinTransaction?: (trx: Trx) => Promise<void> } = {},
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const rows = (await Job.query(trx)
      .patch({
        status: 'succeeded',
        progress: 100,
        stage: 'done',
        resultKey: options.resultKey ?? resultKey(jobId),
        resultMeta: meta,
        finishedAt: new Date(),
        updatedAt: new Date(),
      })
      .where({ id: jobId })
      .whereIn('status', ACTIVE)
      .returning('*')) as unknown as Job[];
    const job = rows[0];
    if (!job) return false;
    await captureHold(trx, jobId);
    await options.withinTransaction?.(trx);
    // Counted with the capture: only paid-for results count, and the conditional UPDATE above means a
    // job delivered twice counts once.
    if (job.templateId) {
      await trx('template_usage')
        .insert({ templateId: job.templateId, uses: 1 })
        .onConflict('template_id')
        .merge({ uses: trx.raw('template_usage.uses + 1') });
    }
    return true;
  });
}

export async function failJob(db: Db, jobId: string, errorCode: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const rows = await Job.query(trx)
      .patch({ status: 'failed', errorCode, stage: 'failed', finishedAt: new Date(), updatedAt: new Date() })
      .where({ id: jobId })
      .whereIn('status', ACTIVE);
    if (rows === 0) return false;
    await releaseHold(trx, jobId);
    return true;
  });
}
