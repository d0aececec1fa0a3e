/** Starts the worker side: job handlers, the BullMQ worker and the recovery loop. */

import { imageFetchPolicy } from '../net/safe-fetch.js';
import { transcodeImage, workflowForPlatform } from '../pipeline/index.js';
import { createRegistry, type RunningWorker, startWorker } from '../queue/index.js';
import type { Runtime } from '../runtime.js';
import { expireExports } from '../services/exports.js';
import { startRecoveryLoop } from '../services/recovery.js';
import { enhanceHandler, forgetAnswers, type Pipeline } from './enhance.js';
import { exportHandler } from './export.js';

export interface WorkerTuning {
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
  relayEveryMs?: number;
  reconcileEveryMs?: number;
  staleMs?: number;
  /** How often expired ZIP exports are deleted. @defaultValue 15 minutes */
  exportSweepEveryMs?: number;
}

export function startWorkerProcess(
  runtime: Runtime,
  pipeline: Pipeline,
  tuning: WorkerTuning = {},
): RunningWorker {
  const { db, storage, logger, config } = runtime;
  const registry = createRegistry([
    ['enhance', enhanceHandler({ db, storage, logger, pipeline, fetchPolicy: imageFetchPolicy(config) })],
    [
      'export',
      exportHandler({
        db,
        storage,
        logger,
        // Re-rendering for other platforms goes through the same pipeline (and background remover) as
        // enhance jobs; re-encoding needs no provider.
        pipeline: { enhance: pipeline.enhance, transcodeImage, workflowForPlatform },
        ttlDays: config.EXPORT_TTL_DAYS,
      }),
    ],
  ]);
  const worker = startWorker(
    registry,
    {
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: tuning.lockDuration,
      stalledInterval: tuning.stalledInterval,
      maxStalledCount: tuning.maxStalledCount,
    },
    logger,
  );
  const recovery = startRecoveryLoop(db, runtime.queue, logger, {
    relayEveryMs: tuning.relayEveryMs ?? 1000,
    reconcileEveryMs: tuning.reconcileEveryMs ?? 15_000,
    staleMs: tuning.staleMs ?? 60_000,
    maxAttempts: config.JOB_ATTEMPTS,
    // A job the reconciler fails (expired hold, lost queue entry) never reaches onFinalFailure.
    onFailed: (jobId) => forgetAnswers(storage, jobId),
  });
  const sweep = setInterval(
    () => {
      expireExports({ db, storage, logger }).catch((err: unknown) =>
        logger.error({ err }, 'export cleanup failed'),
      );
    },
    tuning.exportSweepEveryMs ?? 15 * 60_000,
  );
  sweep.unref();
  return {
    async close(force) {
      clearInterval(sweep);
      recovery.stop();
      await worker.close(force);
    },
  };
}
