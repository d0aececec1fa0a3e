/**
 * Builds the real adapters from a validated config. The web and worker processes, the dev launcher and
 * the integration tests all go through here, so they run the same wiring.
 */

import type { AppDeps } from './app.js';
import type { Config } from './config.js';
import { TokenCipher } from './crypto/token-cipher.js';
import { createDb, type Db } from './db/knex.js';
import type { Logger } from './logger.js';
import type { Connectors } from './marketplaces/connector.js';
import { ShopeeClient } from './marketplaces/shopee/client.js';
import { shopeeConnector } from './marketplaces/shopee/connector.js';
import { TikTokClient } from './marketplaces/tiktok/client.js';
import { tiktokConnector } from './marketplaces/tiktok/connector.js';
import {
  type EnhanceOptions,
  enhance,
  inspectImage,
  type RawImage,
  renderWorkflowPreview,
  SegmentPool,
} from './pipeline/index.js';
import { createBackgroundRemover, OnnxMatteModel } from './providers/background-removal/index.js';
import { createGenerators, GenerativeError } from './providers/generative/index.js';
import { JobQueue } from './queue/index.js';
import { LocalStorage } from './storage/index.js';

export interface Runtime extends AppDeps {
  queue: JobQueue;
  close(): Promise<void>;
}

/** A connector per marketplace API the operator configured credentials for; the others answer 501. */
export function createConnectors(config: Config): Connectors {
  const connectors: Connectors = {};
  if (config.SHOPEE_PARTNER_ID && config.SHOPEE_PARTNER_KEY) {
    connectors.shopee = shopeeConnector(
      new ShopeeClient({
        baseUrl: config.SHOPEE_API_BASE,
        partnerId: config.SHOPEE_PARTNER_ID,
        partnerKey: config.SHOPEE_PARTNER_KEY,
      }),
    );
  }
  if (config.TIKTOK_APP_KEY && config.TIKTOK_APP_SECRET && config.TIKTOK_SERVICE_ID) {
    connectors.tiktok = tiktokConnector(
      new TikTokClient({
        apiBaseUrl: config.TIKTOK_API_BASE,
        authBaseUrl: config.TIKTOK_AUTH_BASE,
        servicesBaseUrl: config.TIKTOK_SERVICES_BASE,
        appKey: config.TIKTOK_APP_KEY,
        appSecret: config.TIKTOK_APP_SECRET,
        serviceId: config.TIKTOK_SERVICE_ID,
      }),
    );
  }
  return connectors;
}

export function createRuntime(config: Config, logger: Logger, options: { db?: Db } = {}): Runtime {
  const db = options.db ?? createDb(config.DATABASE_URL, { max: config.DB_POOL_MAX });
  const queue = new JobQueue({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    attempts: config.JOB_ATTEMPTS,
  });
  return {
    config,
    db,
    queue,
    logger,
    storage: new LocalStorage(config.STORAGE_DIR),
    cipher: new TokenCipher(config.TOKEN_ENCRYPTION_KEYS),
    connectors: createConnectors(config),
    pipeline: { inspectImage, renderWorkflowPreview },
    pingRedis: async () => {
      await queue.state('readiness-probe');
    },
    async close() {
      await queue.close();
      if (!options.db) await db.destroy();
    },
  };
}

export const pipeline = { enhance, inspectImage };

/** {@link pipeline} as a worker runs it; `close` stops its segmentation threads. */
export type ConfiguredPipeline = typeof pipeline & { close(): Promise<void> };

/**
 * The pipeline with the configured providers (background remover, scene generator, relighter) and the
 * segmentation threads (SEGMENT_THREADS) bound in, so the worker passes nothing new: the providers' keys
 * stay in this process's config, never in a job payload (security.md "Queue").
 */
export function createPipeline(config: Config, logger: Logger): ConfiguredPipeline {
  const backgroundRemover = createBackgroundRemover(config);
  const generators = createGenerators(config);
  const threads = config.SEGMENT_THREADS > 0 ? new SegmentPool(config.SEGMENT_THREADS) : undefined;
  const segmenter = threads ? { segmenter: (image: RawImage) => threads.segment(image) } : {};
  if (backgroundRemover instanceof OnnxMatteModel) {
    // Load the model now rather than in the first job, so a corrupt file shows in the log at start-up
    // (photos still succeed on the local segmentation; the missing-file case never got this far).
    const started = performance.now();
    backgroundRemover.inputSize().then(
      (inputSize) =>
        logger.info(
          {
            kind: backgroundRemover.kind,
            inputSize,
            threads: backgroundRemover.threads,
            loadMs: Math.round(performance.now() - started),
          },
          'ONNX background-removal model loaded',
        ),
      (error: unknown) =>
        logger.error(
          { kind: backgroundRemover.kind, err: error },
          'ONNX background-removal model could not be loaded; every photo uses local segmentation until the file is fixed and the worker restarted',
        ),
    );
  }
  return {
    inspectImage,
    async enhance(input: Buffer, options: EnhanceOptions) {
      const output = await enhance(input, {
        ...options,
        ...(backgroundRemover ? { backgroundRemover } : {}),
        ...generators,
        ...segmenter,
      }).catch((error: unknown) => {
        // The seller reads AI_PROVIDER_…; the operator needs which provider and why (redacted: no key).
        const cause = error instanceof Error ? error.cause : undefined;
        if (cause instanceof GenerativeError) {
          logger.warn(
            { provider: cause.provider, kind: cause.kind, status: cause.httpStatus, reason: cause.message },
            'image generation provider failed',
          );
        }
        throw error;
      });
      if (backgroundRemover && output.matteFallbackReason) {
        logger.warn(
          { provider: backgroundRemover.provider, reason: output.matteFallbackReason },
          'background removal provider failed; used local segmentation',
        );
      }
      return output;
    },
    async close() {
      await threads?.close();
    },
  };
}
