/** Builds the Koa app from its dependencies; process wiring lives in server/bin. */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { WorkflowStep } from '../shared/workflow.js';
import type { Config } from './config.js';
import type { TokenCipher } from './crypto/token-cipher.js';
import type { Db } from './db/knex.js';
import { errorHandler } from './http/errors.js';
import { mountRoutes, openApiDocument } from './http/routes.js';
import type { Logger } from './logger.js';
import type { Connectors } from './marketplaces/connector.js';
import type { Enqueuer } from './services/jobs.js';
import type { Storage } from './storage/index.js';

export interface AppDeps {
  config: Config;
  db: Db;
  queue: Enqueuer;
  storage: Storage;
  logger: Logger;
  cipher: TokenCipher;
  /** Marketplace APIs with configured credentials. */
  connectors: Connectors;
  pipeline: {
    inspectImage(input: Buffer): Promise<unknown>;
    /** Template gallery thumbnails (WebP). */
    renderWorkflowPreview(steps: readonly WorkflowStep[]): Promise<Buffer>;
  };
  /** Readiness probe of the queue's Redis. */
  pingRedis(): Promise<void>;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: false });
  const router = new Router();
  const openapi = openApiDocument();

  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true };
  });
  router.get('/readyz', async (ctx) => {
    try {
      await deps.db.raw('select 1');
      await deps.pingRedis();
      ctx.body = { ok: true };
    } catch (error) {
      deps.logger.warn({ err: error }, 'not ready');
      ctx.status = 503;
      ctx.body = { ok: false };
    }
  });
  router.get('/openapi.json', (ctx) => {
    ctx.body = openapi;
  });
  mountRoutes(router, deps);

  app.use(errorHandler(deps.logger));
  app.use(async (ctx, next) => {
    // The API is only called by the extension's background worker; no page should frame or sniff it.
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('x-frame-options', 'DENY');
    await next();
  });
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
