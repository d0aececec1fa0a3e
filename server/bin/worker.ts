/** The worker process: SIGTERM lets in-flight jobs finish (worker.close()) before exiting. */
import { loadConfigOrExit } from '../config.js';
import { createLogger } from '../logger.js';
import { createPipeline, createRuntime } from '../runtime.js';
import { startWorkerProcess } from '../worker/index.js';

const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL, 'worker');
const runtime = createRuntime(config, logger);
const pipeline = createPipeline(config, logger);
const worker = startWorkerProcess(runtime, pipeline);
logger.info(
  { concurrency: config.WORKER_CONCURRENCY, segmentThreads: config.SEGMENT_THREADS },
  'worker started',
);

async function shutdown(signal: string) {
  logger.info({ signal }, 'finishing in-flight jobs, then exiting');
  await worker.close();
  await pipeline.close();
  await runtime.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
