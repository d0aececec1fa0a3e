/**
 * The one module that imports bullmq. Services see `JobQueue` (enqueue / state) and handlers see
 * `JobContext`; job options (id = database id, attempts, backoff, retention) are decided here only.
 * Jobs carry `{ id }` — never secrets or image bytes, because BullMQ stores data in clear text in Redis.
 */
import { type Job as BullJob, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** One per `jobs.kind`: the relay and the reconciler enqueue a row under its kind. */
export const JOB_NAMES = ['enhance', 'export'] as const;
export type JobName = (typeof JOB_NAMES)[number];
export interface JobData {
  id: string;
}

export type QueueState =
  | 'waiting'
  | 'active'
  | 'delayed'
  | 'completed'
  | 'failed'
  | 'prioritized'
  | 'missing';

export interface JobContext {
  attempt: number;
  maxAttempts: number;
  /** Reports progress to BullMQ (keeps the lock fresh); the database row is the source of truth. */
  updateProgress(percent: number): Promise<void>;
}

export interface JobHandler {
  run(data: JobData, ctx: JobContext): Promise<void>;
  /** Called once the queue gives up on the job (retries exhausted, unrecoverable error, stalled too often). */
  onFinalFailure(data: JobData, error: Error): Promise<void>;
}

/** Thrown by a handler when retrying cannot help (bad input); the adapter turns it into UnrecoverableError. */
export class PermanentJobError extends Error {
  constructor(
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(code, options);
    this.name = 'PermanentJobError';
  }
}

export function createRegistry(
  entries: ReadonlyArray<readonly [JobName, JobHandler]>,
): ReadonlyMap<JobName, JobHandler> {
  const map = new Map<JobName, JobHandler>();
  for (const [name, handler] of entries) {
    if (map.has(name)) throw new Error(`two handlers registered for job "${name}"`);
    map.set(name, handler);
  }
  const missing = JOB_NAMES.filter((name) => !map.has(name));
  if (missing.length > 0) throw new Error(`no handler registered for job(s): ${missing.join(', ')}`);
  return map;
}

export interface QueueOptions {
  redisUrl: string;
  prefix: string;
  attempts: number;
}

const QUEUE_NAME = 'jobs';

export function redisConnection(url: string): Redis {
  // BullMQ requires maxRetriesPerRequest: null for blocking commands on worker connections.
  return new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: true });
}

export class JobQueue {
  private readonly connection: Redis;
  private readonly queue: Queue<JobData, void, JobName>;

  constructor(private readonly options: QueueOptions) {
    this.connection = redisConnection(options.redisUrl);
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection, prefix: options.prefix });
  }

  /** Idempotent: BullMQ ignores an add whose jobId already exists. */
  async enqueue(name: JobName, data: JobData, opts: { priority?: number } = {}): Promise<void> {
    await this.queue.add(name, data, {
      jobId: data.id,
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: 1000 },
      priority: opts.priority,
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  async state(id: string): Promise<QueueState> {
    const state = await this.queue.getJobState(id);
    return state === 'unknown' || state === 'waiting-children' ? 'missing' : state;
  }

  async remove(id: string): Promise<void> {
    await this.queue.remove(id);
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}

export interface WorkerOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  /** Shorter values in tests make stalled-job recovery quick. */
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
}

export interface RunningWorker {
  /** Waits for in-flight jobs (graceful); `force` abandons them to stalled-job recovery. */
  close(force?: boolean): Promise<void>;
}

export function startWorker(
  registry: ReadonlyMap<JobName, JobHandler>,
  options: WorkerOptions,
  logger: Logger,
): RunningWorker {
  const connection = redisConnection(options.redisUrl);
  const worker = new Worker<JobData, void, JobName>(
    QUEUE_NAME,
    async (job: BullJob<JobData, void, JobName>) => {
      const handler = registry.get(job.name)!;
      try {
        await handler.run(job.data, {
          attempt: job.attemptsMade + 1,
          maxAttempts: job.opts.attempts ?? 1,
          updateProgress: (percent) => job.updateProgress(percent),
        });
      } catch (error) {
        if (error instanceof PermanentJobError) throw new UnrecoverableError(error.code);
        throw error;
      }
    },
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      // BullMQ validates explicit undefined as a value; pass only what is tuned.
      ...(options.lockDuration !== undefined && { lockDuration: options.lockDuration }),
      ...(options.stalledInterval !== undefined && { stalledInterval: options.stalledInterval }),
      ...(options.maxStalledCount !== undefined && { maxStalledCount: options.maxStalledCount }),
    },
  );

  worker.on('failed', (job, error) => {
    if (!job) return;
    const final =
      error.name === 'UnrecoverableError' ||
      job.attemptsMade >= (job.opts.attempts ?? 1) ||
      /stalled/i.test(error.message);
    logger.warn(
      { jobId: job.id, name: job.name, attempt: job.attemptsMade, final, err: error.message },
      'job failed',
    );
    if (!final) return;
    // If this write is lost (process dies, database down), the recovery sweeper finds the job later.
    registry
      .get(job.name)!
      .onFinalFailure(job.data, error)
      .catch((err: unknown) => logger.error({ jobId: job.id, err }, 'final-failure handler failed'));
  });
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));

  return {
    async close(force = false) {
      await worker.close(force);
      connection.disconnect();
    },
  };
}
