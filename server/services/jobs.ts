/**
 * Enhance jobs: creation (idempotent, hold + row + idempotency record in one transaction, outbox for the
 * queue), reads scoped to the seller, and the state transitions the worker makes. Every transition is a
 * conditional UPDATE, so a job delivered twice (BullMQ is at-least-once) cannot be finished twice.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { CreateJobBody, JobView } from '../../shared/api.js';
import type { Locale } from '../../shared/errors.js';
import { IMAGE_CDN_HOSTS } from '../../shared/marketplaces.js';
import { priceOfPreset, priceOfSteps } from '../../shared/pricing.js';
import { findTemplate } from '../../shared/templates.js';
import type { Db, Trx } from '../db/knex.js';
import { Job, ListingImageChange, type ResultMeta } from '../db/models.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { assertResolvesPublic, checkImageUrl, type SafeFetchPolicy } from '../net/safe-fetch.js';
import { presentJob } from '../presenters.js';
import type { JobQueue } from '../queue/index.js';
import type { Storage } from '../storage/index.js';
import { captureHold, placeHold, releaseHold } from './credits.js';

export type Enqueuer = Pick<JobQueue, 'enqueue' | 'state'>;

export interface JobsDeps {
  db: Db;
  queue: Enqueuer;
  storage: Storage;
  logger: Logger;
  holdTtlMinutes: number;
  fetchPolicy: Omit<SafeFetchPolicy, 'allowedHosts'>;
  inspectImage: (input: Buffer) => Promise<unknown>;
}

export const inputKey = (jobId: string) => `inputs/${jobId}`;
export const resultKey = (jobId: string) => `results/${jobId}.jpg`;
const ACTIVE = ['queued', 'processing'] as const;

function requestHash(body: CreateJobBody, upload: Buffer | undefined): string {
  const canonical = JSON.stringify(Object.entries(body).sort(([a], [b]) => a.localeCompare(b)));
  const hash = createHash('sha256').update(canonical);
  if (upload) hash.update(createHash('sha256').update(upload).digest());
  return hash.digest('hex');
}

interface StoredResponse {
  status: number;
  body: JobView;
}

async function replay(
  db: Db | Trx,
  sellerId: string,
  key: string,
  hash: string,
): Promise<StoredResponse | undefined> {
  const row = await db('idempotency_keys').where({ sellerId, key }).first();
  if (!row) return undefined;
  if (row.requestHash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  if (row.responseStatus == null) throw new AppError('IDEMPOTENCY_IN_FLIGHT');
  return { status: row.responseStatus, body: row.responseBody };
}

/** The price of what the body asks to run; an unknown template is the client's mistake (400). */
function priceOf(body: CreateJobBody): number {
  if (body.presetId) return priceOfPreset(body.presetId);
  const template = body.templateId ? findTemplate(body.templateId) : undefined;
  if (!template) throw new AppError('VALIDATION_FAILED', `Unknown template: ${body.templateId}`);
  return priceOfSteps(template.steps);
}

export async function createJob(
  deps: JobsDeps,
  input: { sellerId: string; locale: Locale; body: CreateJobBody; upload?: Buffer; idempotencyKey: string },
): Promise<StoredResponse> {
  const { db } = deps;
  const { body, sellerId, idempotencyKey } = input;
  const hash = requestHash(body, input.upload);
  const earlier = await replay(db, sellerId, idempotencyKey, hash);
  if (earlier) return earlier;

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

  const price = priceOf(body);
  const jobId = randomUUID();
  if (input.upload) await deps.storage.put(inputKey(jobId), input.upload);

  let response: StoredResponse | undefined;
  try {
    response = await db.transaction(async (trx) => {
      // Blocks on a concurrent insert of the same key until that transaction ends; then we replay it.
      const inserted = await trx('idempotency_keys')
        .insert({ sellerId, key: idempotencyKey, scope: 'POST /v1/jobs', requestHash: hash })
        .onConflict(['seller_id', 'key'])
        .ignore()
        .returning('key');
      if (inserted.length === 0) return undefined;

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
      // Same transaction: no job without its hold, no hold without its job.
      await placeHold(trx, { sellerId, jobId, amount: price, ttlMinutes: deps.holdTtlMinutes });
      const stored = { status: 202, body: presentJob(job, input.locale) };
      await trx('idempotency_keys')
        .where({ sellerId, key: idempotencyKey })
        .update({ responseStatus: stored.status, responseBody: JSON.stringify(stored.body) });
      return stored;
    });
  } catch (error) {
    if (input.upload) await deps.storage.delete(inputKey(jobId));
    throw error;
  }

  if (!response) {
    if (input.upload) await deps.storage.delete(inputKey(jobId));
    const winner = await replay(db, sellerId, idempotencyKey, hash);
    if (!winner) throw new AppError('IDEMPOTENCY_IN_FLIGHT');
    return winner;
  }

  // Fast path to the queue; if this fails or the process dies here, the outbox relay enqueues it.
  try {
    await deps.queue.enqueue('enhance', { id: jobId });
    await Job.query(db).patch({ enqueuedAt: new Date() }).where({ id: jobId }).whereNull('enqueuedAt');
  } catch (error) {
    deps.logger.warn({ jobId, err: error }, 'enqueue after commit failed; the outbox relay will retry');
  }
  return response;
}

/** Every lookup by a client-supplied id is scoped to the seller: another seller's job is simply not found. */
export async function findOwnJob(db: Db | Trx, sellerId: string, jobId: string): Promise<Job> {
  const job = await Job.query(db).findOne({ id: jobId, sellerId });
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
  const jobs = await Job.query(db).where({ sellerId }).orderBy('createdAt', 'desc').limit(limit);
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

export async function completeJob(db: Db, jobId: string, meta: ResultMeta): Promise<boolean> {
  return db.transaction(async (trx) => {
    const rows = (await Job.query(trx)
      .patch({
        status: 'succeeded',
        progress: 100,
        stage: 'done',
        resultKey: resultKey(jobId),
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
