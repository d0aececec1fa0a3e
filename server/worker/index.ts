/** Starts the worker side: job handlers, the BullMQ worker and the recovery loop. */

import { imageFetchPolicy } from '../net/safe-fetch.js';
import { createRegistry, type RunningWorker, startWorker } from '../queue/index.js';
import type { Runtime } from '../runtime.js';
import { startRecoveryLoop } from '../services/recovery.js';
import { enhanceHandler, type Pipeline } from './enhance.js';

export interface WorkerTuning {
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
  relayEveryMs?: number;
  reconcileEveryMs?: number;
  staleMs?: number;
}

export function startWorkerProcess(
  runtime: Runtime,
  pipeline: Pipeline,
  tuning: WorkerTuning = {},
): RunningWorker {
  const { db, storage, logger, config } = runtime;
  const registry = createRegistry([
    ['enhance', enhanceHandler({ db, storage, logger, pipeline, fetchPolicy: imageFetchPolicy(config) })],
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
  });
  return {
    async close(force) {
      recovery.stop();
      await worker.close(force);
    },
  };
}
