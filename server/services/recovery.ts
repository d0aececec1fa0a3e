/**
 * Nothing lost (SPEC §6): the outbox relay hands committed jobs to the queue, and the reconciler repairs
 * what Redis forgot (restart without persistence) or what a dead process never recorded.
 */
import type { Db } from '../db/knex.js';
import { CreditHold, Job } from '../db/models.js';
import type { Logger } from '../logger.js';
import { type Enqueuer, failJob } from './jobs.js';

export async function relayOutbox(db: Db, queue: Enqueuer, limit = 200): Promise<number> {
  const pending = await Job.query(db)
    .select('id', 'kind')
    .where({ status: 'queued' })
    .whereNull('enqueuedAt')
    .limit(limit);
  for (const { id, kind } of pending) {
    await queue.enqueue(kind, { id });
    await Job.query(db).patch({ enqueuedAt: new Date() }).where({ id });
  }
  return pending.length;
}

export interface ReconcileResult {
  requeued: string[];
  failed: string[];
}

export interface ReconcileOptions {
  staleMs: number;
  maxAttempts: number;
  /** Called (best effort) for each job this pass failed, e.g. to delete files the job kept. */
  onFailed?: (jobId: string) => Promise<void>;
}

/**
 * Active jobs untouched for `staleMs`: if the queue has no record of them (Redis restarted), enqueue them
 * again; if the queue says failed or completed but the row is still active (the final write was lost),
 * fail them so their hold is released. Holds past their expiry fail their job the same way.
 */
export async function reconcile(
  db: Db,
  queue: Enqueuer,
  logger: Logger,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const result: ReconcileResult = { requeued: [], failed: [] };
  const stale = await Job.query(db)
    .select('id', 'kind', 'attempts')
    .whereIn('status', ['queued', 'processing'])
    .whereNotNull('enqueuedAt')
    .where('updatedAt', '<', new Date(Date.now() - options.staleMs))
    .limit(500);
  for (const job of stale) {
    const state = await queue.state(job.id);
    if (state === 'missing') {
      if (job.attempts >= options.maxAttempts) {
        if (await failJob(db, job.id, 'PROCESSING_FAILED')) result.failed.push(job.id);
      } else {
        await queue.enqueue(job.kind, { id: job.id });
        await Job.query(db).patch({ updatedAt: new Date() }).where({ id: job.id });
        result.requeued.push(job.id);
      }
    } else if (state === 'failed' || state === 'completed') {
      if (await failJob(db, job.id, 'PROCESSING_FAILED')) result.failed.push(job.id);
    }
  }

  const expired = await CreditHold.query(db)
    .select('jobId')
    .where({ status: 'held' })
    .where('expiresAt', '<', new Date());
  for (const { jobId } of expired) {
    if (await failJob(db, jobId, 'PROCESSING_FAILED')) result.failed.push(jobId);
  }
  if (result.requeued.length || result.failed.length) logger.warn(result, 'recovery repaired jobs');
  for (const jobId of result.failed) await options.onFailed?.(jobId).catch(() => undefined);
  return result;
}

/** Runs relay and reconcile on timers until stopped; errors are logged and retried on the next tick. */
export function startRecoveryLoop(
  db: Db,
  queue: Enqueuer,
  logger: Logger,
  options: ReconcileOptions & { relayEveryMs: number; reconcileEveryMs: number },
): { stop(): void } {
  const relay = setInterval(() => {
    relayOutbox(db, queue).catch((err: unknown) => logger.error({ err }, 'outbox relay failed'));
  }, options.relayEveryMs);
  const repair = setInterval(() => {
    reconcile(db, queue, logger, options).catch((err: unknown) => logger.error({ err }, 'reconcile failed'));
  }, options.reconcileEveryMs);
  relay.unref();
  repair.unref();
  return {
    stop() {
      clearInterval(relay);
      clearInterval(repair);
    },
  };
}
