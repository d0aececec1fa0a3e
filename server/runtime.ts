/**
 * Builds the real adapters from a validated config. The web and worker processes, the dev launcher and
 * the integration tests all go through here, so they run the same wiring.
 */

import type { AppDeps } from './app.js';
import type { Config } from './config.js';
import { TokenCipher } from './crypto/token-cipher.js';
import { createDb, type Db } from './db/knex.js';
import type { Logger } from './logger.js';
import { ShopeeClient } from './marketplaces/shopee/client.js';
import { enhance, inspectImage } from './pipeline/index.js';
import { JobQueue } from './queue/index.js';
import type { ShopeeListingApi } from './services/listing.js';
import { LocalStorage } from './storage/index.js';

export interface Runtime extends AppDeps {
  queue: JobQueue;
  close(): Promise<void>;
}

export function createShopee(config: Config): ShopeeListingApi | undefined {
  if (!config.SHOPEE_PARTNER_ID || !config.SHOPEE_PARTNER_KEY) return undefined;
  return new ShopeeClient({
    baseUrl: config.SHOPEE_API_BASE,
    partnerId: config.SHOPEE_PARTNER_ID,
    partnerKey: config.SHOPEE_PARTNER_KEY,
  });
}

export function createRuntime(config: Config, logger: Logger, options: { db?: Db } = {}): Runtime {
  const db = options.db ?? createDb(config.DATABASE_URL);
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
    shopee: createShopee(config),
    pipeline: { inspectImage },
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
