/**
 * npm start: the whole product on one machine. Brings up PostgreSQL and Redis (unless DATABASE_URL /
 * REDIS_URL are set), migrates, seeds a demo seller, starts the marketplace sandboxes, the fal sandbox for
 * AI scenes and relighting, the API and the worker (separate processes, as in production), builds the
 * extension against this API, and prints how to load it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSandboxes } from '../../sandbox/index.js';
import { startFalSandbox } from '../../sandbox/providers/fal/index.js';
import { createDb, migrateLatest } from '../db/knex.js';
import { Seller } from '../db/models.js';
import { type Service, startEmbeddedPostgres, startLocalRedis } from '../dev/services.js';
import { signUp } from '../services/accounts.js';
import { addCredits } from '../services/credits.js';

const DATA = resolve(process.env.LUMIKU_DATA_DIR ?? '.data');
const API_PORT = Number(process.env.PORT ?? 8787);
const PG_PORT = Number(process.env.LUMIKU_PG_PORT ?? 54329);
const REDIS_PORT = Number(process.env.LUMIKU_REDIS_PORT ?? 63790);
const SANDBOX_API_PORT = Number(process.env.SANDBOX_SHOPEE_API_PORT ?? 8790);
const SANDBOX_HTTPS_PORT = Number(process.env.SANDBOX_HTTPS_PORT ?? 8443);
const SANDBOX_TIKTOK_API_PORT = Number(process.env.SANDBOX_TIKTOK_API_PORT ?? 8791);
const SANDBOX_TIKTOK_HTTPS_PORT = Number(process.env.SANDBOX_TIKTOK_HTTPS_PORT ?? 8444);
const DEMO_EMAIL = 'demo@lumiku.local';

interface Secrets {
  tokenKeys: string;
  adminToken: string;
  sandboxPartnerKey: string;
  sandboxTiktokSecret?: string;
  sandboxProviderKey?: string;
  demoPassword: string;
}

/** Secrets for the local install: generated once into .data (git-ignored), never into the repo. */
function localSecrets(): Secrets {
  const file = resolve(DATA, 'secrets.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Secrets;
    // Older .data folders predate the TikTok sandbox.
    // …and the AI provider sandbox.
    if (!saved.sandboxTiktokSecret || !saved.sandboxProviderKey) {
      saved.sandboxTiktokSecret ??= randomBytes(16).toString('hex');
      saved.sandboxProviderKey ??= randomBytes(16).toString('hex');
      writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
    }
    return saved;
  }
  const secrets: Secrets = {
    tokenKeys: `k1:${randomBytes(32).toString('base64')}`,
    adminToken: randomBytes(24).toString('base64url'),
    sandboxPartnerKey: randomBytes(32).toString('hex'),
    sandboxTiktokSecret: randomBytes(16).toString('hex'),
    sandboxProviderKey: randomBytes(16).toString('hex'),
    demoPassword: randomBytes(6).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function run(label: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`[${label}] exited (${signal ?? code}); stopping everything`);
    if (!stopping) void stop(1);
  });
  return child;
}

let stopping = false;
const cleanups: Array<() => Promise<void> | void> = [];
async function stop(code = 0) {
  stopping = true;
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  process.exit(code);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

async function main() {
  mkdirSync(DATA, { recursive: true });
  const secrets = localSecrets();

  let databaseUrl = process.env.DATABASE_URL;
  let redisUrl = process.env.REDIS_URL;
  const services: Service[] = [];
  if (!databaseUrl) {
    console.log(`Starting embedded PostgreSQL on 127.0.0.1:${PG_PORT} (data in ${DATA}/postgres)…`);
    const pg = await startEmbeddedPostgres(DATA, PG_PORT, 'lumiku');
    services.push(pg);
    databaseUrl = pg.url;
  }
  if (!redisUrl) {
    console.log(`Starting redis-server on 127.0.0.1:${REDIS_PORT}…`);
    const redis = await startLocalRedis(DATA, REDIS_PORT);
    services.push(redis);
    redisUrl = redis.url;
  }
  cleanups.push(async () => {
    for (const service of services) await service.stop();
  });

  const db = createDb(databaseUrl);
  await migrateLatest(db);
  if (!(await Seller.query(db).findOne({ email: DEMO_EMAIL }))) {
    const session = await signUp(db, {
      email: DEMO_EMAIL,
      password: secrets.demoPassword,
      locale: 'id',
      signupCredits: 50,
      sessionTtlDays: 1,
    });
    await addCredits(db, { sellerId: session.seller.id, amount: 450, kind: 'topup', note: 'demo credits' });
    // Professional, so the demo shows premium templates, AI scenes and multi-format exports too.
    await Seller.query(db).patch({ tier: 'professional' }).where({ id: session.seller.id });
  }
  await db.destroy();

  const publicUrl = `http://127.0.0.1:${API_PORT}`;
  const partnerId = Number(process.env.SHOPEE_PARTNER_ID ?? 1000001);
  const partnerKey = process.env.SHOPEE_PARTNER_KEY ?? secrets.sandboxPartnerKey;
  const tiktokApp = {
    appKey: process.env.TIKTOK_APP_KEY ?? 'lumiku-sandbox-app',
    appSecret: process.env.TIKTOK_APP_SECRET ?? secrets.sandboxTiktokSecret!,
    serviceId: process.env.TIKTOK_SERVICE_ID ?? '7000000000000001',
  };
  const sandboxes = await startSandboxes({
    shopee: { apiPort: SANDBOX_API_PORT, httpsPort: SANDBOX_HTTPS_PORT, partnerId, partnerKey },
    tiktok: {
      apiPort: SANDBOX_TIKTOK_API_PORT,
      httpsPort: SANDBOX_TIKTOK_HTTPS_PORT,
      ...tiktokApp,
      // As registered in TikTok Partner Center: sellers come back to our callback.
      redirectUrl: `${publicUrl}/v1/connections/tiktok/callback`,
    },
  });
  cleanups.push(() => sandboxes.close());
  const sandbox = sandboxes.shopee;

  // AI scenes and IC-Light relighting through the fal sandbox (deterministic stand-in images), unless the
  // operator configured AI or fal themselves: then their settings win and nothing is overridden.
  const ownAiSettings = ['AI_SCENE_PROVIDER', 'RELIGHT_PROVIDER', 'FAL_KEY', 'FAL_BASE_URL'].some(
    (name) => process.env[name],
  );
  const fal = ownAiSettings ? undefined : await startFalSandbox({ apiKey: secrets.sandboxProviderKey! });
  if (fal) cleanups.push(() => fal.close());

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    PORT: String(API_PORT),
    PUBLIC_URL: publicUrl,
    STORAGE_DIR: resolve(DATA, 'storage'),
    TOKEN_ENCRYPTION_KEYS: process.env.TOKEN_ENCRYPTION_KEYS ?? secrets.tokenKeys,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN ?? secrets.adminToken,
    SHOPEE_API_BASE: sandbox.apiBaseUrl,
    SHOPEE_PARTNER_ID: String(partnerId),
    SHOPEE_PARTNER_KEY: partnerKey,
    TIKTOK_API_BASE: sandboxes.tiktok.baseUrl,
    TIKTOK_AUTH_BASE: sandboxes.tiktok.baseUrl,
    TIKTOK_SERVICES_BASE: sandboxes.tiktok.baseUrl,
    TIKTOK_APP_KEY: tiktokApp.appKey,
    TIKTOK_APP_SECRET: tiktokApp.appSecret,
    TIKTOK_SERVICE_ID: tiktokApp.serviceId,
    ...(fal && {
      AI_SCENE_PROVIDER: 'fal',
      RELIGHT_PROVIDER: 'fal',
      FAL_KEY: secrets.sandboxProviderKey,
      FAL_BASE_URL: fal.baseUrl,
      // The sandbox serves its result images from its own loopback origin: allowed by name, no other.
      SANDBOX_MODE: 'true',
      SANDBOX_IMAGE_ORIGINS: new URL(fal.baseUrl).origin,
    }),
    // Lets libvips use more than one thread on small machines (toolchain.md: ~185 → ~116 ms per image).
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
  };
  const web = run('web', ['server/bin/web.ts'], env);
  const worker = run('worker', ['server/bin/worker.ts'], env);
  cleanups.push(() => {
    web.kill('SIGTERM');
    worker.kill('SIGTERM');
  });

  console.log('Building the extension…');
  const build = spawn(process.execPath, ['node_modules/wxt/bin/wxt.mjs', 'build'], {
    env: { ...process.env, NODE_ENV: 'production', WXT_API_URL: publicUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The bundler is chatty (warnings about third-party comments); show its output only if it fails.
  let buildLog = '';
  build.stdout?.on('data', (chunk) => (buildLog += chunk));
  build.stderr?.on('data', (chunk) => (buildLog += chunk));
  const built = await new Promise<number>((r) => build.on('exit', (code) => r(code ?? 1)));
  if (built !== 0) throw new Error(`the extension build failed:\n${buildLog}`);

  const item = sandbox.shops[0]!.items[0]!;
  const tiktokProduct = sandboxes.tiktok.shops[0]!.products[0]!;
  console.log(`
Lumiku Seller Studio is running.

  API            ${publicUrl}  (OpenAPI: ${publicUrl}/openapi.json)
  Shopee sandbox ${sandbox.apiBaseUrl}  (seller center and CDN on https port ${sandbox.httpsPort})
  TikTok Shop / Tokopedia sandbox ${sandboxes.tiktok.baseUrl}  (seller centers and CDN on https port ${sandboxes.tiktok.httpsPort})
  AI scenes      ${fal ? `fal sandbox ${fal.baseUrl} (stand-in images; templates "AI scene: …")` : 'as configured in your environment'}
  Demo seller    ${DEMO_EMAIL} / ${secrets.demoPassword}   (500 credits, Professional plan)
  Admin token    in ${DATA}/secrets.json  (npm run admin -- topup --email … --amount …)

Load the extension: ${resolve('.output/chrome-mv3')}
  Chromium/Chrome → chrome://extensions → Developer mode → "Load unpacked" → choose that folder.

Open the sandbox seller center with the real hostnames mapped to the sandbox:
  chromium --host-resolver-rules="${sandboxes.hostResolverRules}" --ignore-certificate-errors \\
    --user-data-dir=${DATA}/chromium --load-extension=${resolve('.output/chrome-mv3')} \\
    https://seller.shopee.co.id/portal/product/${item.itemId}

  Tokopedia:   https://seller-id.tokopedia.com/product/edit/${tiktokProduct.id}
  TikTok Shop: https://seller-id.tiktok.com/product/edit/${tiktokProduct.id}

Then: extension options → log in as the demo seller → connect the Shopee and TikTok Shop / Tokopedia shops →
authorize → on a product page click "Percantik foto" / "Enhance photo" under an image. Ctrl+C stops everything.
`);
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
});
