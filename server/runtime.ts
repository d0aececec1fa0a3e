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
import { enhance, inspectImage } from './pipeline/index.js';
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
    connectors: createConnectors(config),
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
