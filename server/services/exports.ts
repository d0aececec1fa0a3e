/**
 * ZIP exports (seed 000 §2.2.7): a seller's finished photos in one archive with metadata.json, built by the
 * worker. An export is a job of kind `export`, so it is charged exactly like an enhance job (submitJob:
 * idempotency + hold + rows in one transaction, outbox, capture on success, release on final failure).
 * The plan decides what may be exported (shared/plans.ts); every id is looked up within the seller's own.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { CreateExportBody, ExportView, Tier } from '../../shared/api.js';
import type { ErrorCode, Locale } from '../../shared/errors.js';
import { EXPORT_PRICES, type ExportKind, exportAllowed, exportKindOf } from '../../shared/plans.js';
import type { Db, Trx } from '../db/knex.js';
import { Job, JobExport } from '../db/models.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { presentExport } from '../presenters.js';
import type { Storage } from '../storage/index.js';
import { type JobsDeps, replay, type StoredResponse, submitJob } from './jobs.js';

export type ExportsDeps = Pick<JobsDeps, 'db' | 'queue' | 'logger' | 'holdTtlMinutes'>;

export const zipKey = (exportId: string) => `exports/${exportId}.zip`;

const REFUSED_BY_PLAN: Record<ExportKind, ErrorCode> = {
  single_format: 'EXPORT_NOT_IN_PLAN',
  multi_format: 'EXPORT_MULTI_FORMAT_NOT_IN_PLAN',
  multi_platform: 'EXPORT_MULTI_PLATFORM_NOT_IN_PLAN',
};

function requestHash(body: CreateExportBody): string {
  const canonical = JSON.stringify([body.jobIds, body.formats ?? null, body.platforms ?? null]);
  return createHash('sha256').update(canonical).digest('hex');
}

export async function createExport(
  deps: ExportsDeps,
  input: {
    seller: { id: string; tier: Tier; locale: Locale };
    body: CreateExportBody;
    idempotencyKey: string;
  },
): Promise<StoredResponse<ExportView>> {
  const { db } = deps;
  const { seller, body, idempotencyKey } = input;
  const hash = requestHash(body);
  const earlier = await replay<ExportView>(db, seller.id, idempotencyKey, hash);
  if (earlier) return earlier;

  const kind = exportKindOf(body);
  // Free has no ZIP export at all, whatever the shape; otherwise the shape needs its tier.
  if (seller.tier === 'free') throw new AppError('EXPORT_NOT_IN_PLAN');
  if (!exportAllowed(seller.tier, kind)) throw new AppError(REFUSED_BY_PLAN[kind]);

  // Scoped to the seller: another seller's id is missing here, exactly like an id that never existed.
  const sources = await Job.query(db)
    .select('id', 'status')
    .whereIn('id', body.jobIds)
    .where({ sellerId: seller.id, kind: 'enhance' });
  const found = new Map(sources.map((s) => [s.id, s.status]));
  const missing = body.jobIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new AppError('NOT_FOUND', undefined, { details: { jobIds: missing } });
  const unfinished = body.jobIds.filter((id) => found.get(id) !== 'succeeded');
  if (unfinished.length > 0) {
    throw new AppError('EXPORT_ITEMS_NOT_READY', undefined, { details: { jobIds: unfinished } });
  }

  const price = EXPORT_PRICES[kind];
  const exportId = randomUUID();
  const { response } = await submitJob<ExportView>(deps, {
    sellerId: seller.id,
    idempotencyKey,
    hash,
    scope: 'POST /v1/exports',
    jobId: exportId,
    kind: 'export',
    price,
    insert: async (trx) => {
      const job = await Job.query(trx).insertAndFetch({
        id: exportId,
        sellerId: seller.id,
        kind: 'export',
        status: 'queued',
        progress: 0,
        price,
      });
      const spec = await JobExport.query(trx).insertAndFetch({
        jobId: exportId,
        sourceJobIds: body.jobIds,
        formats: body.formats ?? [],
        platforms: body.platforms ?? [],
      });
      return { status: 202, body: presentExport(job, spec, seller.locale) };
    },
  });
  return response;
}

/** The seller's export (404 for anyone else's, as for an id that does not exist). */
export async function findOwnExport(
  db: Db | Trx,
  sellerId: string,
  exportId: string,
): Promise<{ job: Job; spec: JobExport }> {
  const job = await Job.query(db).findOne({ id: exportId, sellerId, kind: 'export' });
  const spec = job ? await JobExport.query(db).findById(exportId) : undefined;
  if (!job || !spec) throw new AppError('NOT_FOUND');
  return { job, spec };
}

export async function viewExport(
  db: Db,
  sellerId: string,
  exportId: string,
  locale: Locale,
): Promise<ExportView> {
  const { job, spec } = await findOwnExport(db, sellerId, exportId);
  return presentExport(job, spec, locale);
}

/** The ZIP as a stream, for its owner, while it exists: not ready 409, failed 409, expired 410. */
export async function openDownload(
  deps: { db: Db; storage: Storage; logger: Logger },
  sellerId: string,
  exportId: string,
  now = new Date(),
): Promise<{ stream: Readable; bytes: number; filename: string }> {
  const { job, spec } = await findOwnExport(deps.db, sellerId, exportId);
  const view = presentExport(job, spec, 'en', now);
  if (view.status === 'expired') throw new AppError('EXPORT_EXPIRED');
  if (view.status === 'failed') throw new AppError('EXPORT_FAILED');
  if (view.status !== 'succeeded') throw new AppError('EXPORT_NOT_READY');
  const file = await deps.storage.getStream(zipKey(exportId));
  if (!file) {
    deps.logger.error({ exportId }, 'export succeeded but its ZIP file is missing');
    throw new AppError('NOT_FOUND');
  }
  const date = new Date(job.createdAt).toISOString().slice(0, 10);
  return { ...file, filename: `lumiku-export-${date}.zip` };
}

/**
 * Auto-cleanup (seed 000 §2.2.7: "ZIP auto-cleanup after 7 days"): deletes the files of exports past their
 * expiry and marks them expired. File first, mark second: a crash in between only repeats an idempotent
 * delete on the next sweep, and downloads already answer 410 from `expires_at` alone.
 */
export async function expireExports(
  deps: { db: Db; storage: Storage; logger: Logger },
  now = new Date(),
  limit = 500,
): Promise<string[]> {
  const due = await JobExport.query(deps.db)
    .select('jobId')
    .whereNull('expiredAt')
    .where('expiresAt', '<=', now)
    .limit(limit);
  const expired: string[] = [];
  for (const { jobId } of due) {
    await deps.storage.delete(zipKey(jobId));
    const marked = await JobExport.query(deps.db)
      .patch({ expiredAt: now })
      .where({ jobId })
      .whereNull('expiredAt');
    if (marked > 0) expired.push(jobId);
  }
  if (expired.length > 0) deps.logger.info({ count: expired.length }, 'expired ZIP exports deleted');
  return expired;
}
