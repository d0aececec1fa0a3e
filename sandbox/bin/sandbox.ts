/**
 * `npm run sandbox`: starts the marketplace sandboxes and the AI-provider sandboxes for the local demo and
 * prints how to point a browser and the server at them. Ports and credentials come from the environment;
 * the defaults are sandbox-only values that no real Shopee, TikTok Shop or AI provider account accepts.
 */
import { pino } from 'pino';
import { z } from 'zod';
import { startSandboxes, TIKTOK_SANDBOX_DEFAULTS } from '../index.js';
import { SANDBOX_PROVIDER_KEY, startProviderSandboxes } from '../providers/index.js';

const Env = z.object({
  SANDBOX_SHOPEE_API_PORT: z.coerce.number().int().min(0).max(65535).default(8790),
  SANDBOX_HTTPS_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  SHOPEE_PARTNER_ID: z.coerce.number().int().positive().default(1000001),
  SHOPEE_PARTNER_KEY: z.string().min(1).default('sandbox-only-partner-key-not-a-real-shopee-secret'),
  SANDBOX_TIKTOK_API_PORT: z.coerce.number().int().min(0).max(65535).default(8791),
  // The TikTok sandbox has its own https server (seller centers + CDN); both are mapped by the one flag printed below.
  SANDBOX_TIKTOK_HTTPS_PORT: z.coerce.number().int().min(0).max(65535).default(8444),
  TIKTOK_APP_KEY: z.string().min(1).default(TIKTOK_SANDBOX_DEFAULTS.appKey),
  TIKTOK_APP_SECRET: z.string().min(1).default(TIKTOK_SANDBOX_DEFAULTS.appSecret),
  TIKTOK_SERVICE_ID: z.string().min(1).default(TIKTOK_SANDBOX_DEFAULTS.serviceId),
  // Partner Center's fixed redirect URL: the local server's TikTok callback.
  TIKTOK_REDIRECT_URL: z.url().default(TIKTOK_SANDBOX_DEFAULTS.redirectUrl),
  // remove.bg, Photoroom, Segmind, fal, Replicate, ComfyUI on consecutive ports from here.
  SANDBOX_PROVIDERS_PORT: z.coerce.number().int().min(0).max(65529).default(8800),
  SANDBOX_PROVIDER_KEY: z.string().min(8).default(SANDBOX_PROVIDER_KEY),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}
const env = parsed.data;
if (env.SANDBOX_HTTPS_PORT !== 0 && env.SANDBOX_HTTPS_PORT === env.SANDBOX_TIKTOK_HTTPS_PORT) {
  console.error(
    'SANDBOX_HTTPS_PORT and SANDBOX_TIKTOK_HTTPS_PORT must differ: each sandbox has its own https server',
  );
  process.exit(1);
}
const logger = pino({ level: env.LOG_LEVEL });

const sandboxes = await startSandboxes({
  logger,
  shopee: {
    apiPort: env.SANDBOX_SHOPEE_API_PORT,
    httpsPort: env.SANDBOX_HTTPS_PORT,
    host: env.SANDBOX_HOST,
    partnerId: env.SHOPEE_PARTNER_ID,
    partnerKey: env.SHOPEE_PARTNER_KEY,
  },
  tiktok: {
    apiPort: env.SANDBOX_TIKTOK_API_PORT,
    httpsPort: env.SANDBOX_TIKTOK_HTTPS_PORT,
    host: env.SANDBOX_HOST,
    appKey: env.TIKTOK_APP_KEY,
    appSecret: env.TIKTOK_APP_SECRET,
    serviceId: env.TIKTOK_SERVICE_ID,
    redirectUrl: env.TIKTOK_REDIRECT_URL,
  },
});
const { shopee, tiktok } = sandboxes;
const providers = await startProviderSandboxes({
  apiKey: env.SANDBOX_PROVIDER_KEY,
  basePort: env.SANDBOX_PROVIDERS_PORT,
}).catch(async (err: unknown) => {
  await sandboxes.close();
  throw err;
});

logger.info(
  {
    shopeeApiBaseUrl: shopee.apiBaseUrl,
    httpsPort: shopee.httpsPort,
    sellerCenter: shopee.sellerCenterOrigin,
    cdn: shopee.cdnOrigin,
    partnerId: env.SHOPEE_PARTNER_ID,
    tiktokBaseUrl: tiktok.baseUrl,
    tiktokHttpsPort: tiktok.httpsPort,
    tiktokAppKey: env.TIKTOK_APP_KEY,
    tiktokServiceId: env.TIKTOK_SERVICE_ID,
    providers: Object.fromEntries(Object.entries(providers.env).filter(([name]) => name.endsWith('_URL'))),
  },
  'sandboxes started',
);

// Human-readable instructions on stdout (never the partner key or the app secret).
const lines = [
  '',
  `Shopee Open Platform API:  ${shopee.apiBaseUrl}   (partner_id ${env.SHOPEE_PARTNER_ID})`,
  `Seller center + CDN:       https://127.0.0.1:${shopee.httpsPort}  (by Host: ${shopee.sellerCenterOrigin}, ${shopee.cdnOrigin})`,
  '',
  'Seller-center product pages:',
  ...shopee.shops.flatMap((shop) => [
    `  ${shop.name} (shop_id ${shop.shopId})`,
    `    ${shopee.sellerCenterOrigin}/portal/product/list/all`,
    ...shop.items.map(
      (item) => `    ${shopee.sellerCenterOrigin}/portal/product/${item.itemId}   ${item.name}`,
    ),
  ]),
  '',
  `TikTok Shop Partner API:   ${tiktok.baseUrl}   (app_key ${env.TIKTOK_APP_KEY}, service_id ${env.TIKTOK_SERVICE_ID})`,
  `  server env: TIKTOK_API_BASE=${tiktok.baseUrl} TIKTOK_AUTH_BASE=${tiktok.baseUrl} TIKTOK_SERVICES_BASE=${tiktok.baseUrl}`,
  `  authorize redirects to:  ${env.TIKTOK_REDIRECT_URL}?code=…&state=…`,
  `Seller centers + CDN:      https://127.0.0.1:${tiktok.httpsPort}  (by Host: ${tiktok.sellerCenters.tokopedia}, ${tiktok.sellerCenters.tiktok}, ${tiktok.sellerCenters.tiktokGlobal}, ${tiktok.cdnOrigins.join(', ')})`,
  '',
  'Tokopedia / TikTok Shop product pages:',
  ...tiktok.shops.flatMap((shop) => [
    `  ${shop.name} (shop id ${shop.id}, ${shop.region})`,
    `    ${tiktok.sellerCenters.tokopedia}/product/manage`,
    ...shop.products.flatMap((product) => [
      `    ${product.title}`,
      `      Tokopedia:    ${tiktok.sellerCenters.tokopedia}/product/edit/${product.id}`,
      `      TikTok Shop:  ${tiktok.sellerCenters.tiktok}/product/edit/${product.id}`,
    ]),
  ]),
  '',
  "AI provider sandboxes (deterministic stand-in images, the providers' real wire protocols):",
  `  remove.bg ${providers.removebg.baseUrl}   Photoroom ${providers.photoroom.baseUrl}   Segmind ${providers.segmind.baseUrl}`,
  `  fal ${providers.fal.baseUrl}   Replicate ${providers.replicate.baseUrl}   ComfyUI ${providers.comfyui.baseUrl}`,
  '  server env (pick the providers you want):',
  ...Object.entries(providers.env).map(([name, value]) =>
    // Only the public default key is printed; a key of your own stays in your environment.
    /_KEY$|_TOKEN$/.test(name) && value !== SANDBOX_PROVIDER_KEY
      ? `    ${name}=$SANDBOX_PROVIDER_KEY`
      : `    ${name}=${value}`,
  ),
  '    AI_SCENE_PROVIDER=fal|replicate|comfyui  RELIGHT_PROVIDER=fal|replicate  BG_REMOVAL_PROVIDER=removebg|photoroom|segmind|fal',
  '',
  'Start Chromium with:',
  `  --host-resolver-rules="${sandboxes.hostResolverRules}" --ignore-certificate-errors`,
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping sandboxes');
  try {
    await Promise.all([sandboxes.close(), providers.close()]);
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'sandboxes did not close cleanly');
    process.exit(1);
  }
}
process.once('SIGINT', (signal) => void stop(signal));
process.once('SIGTERM', (signal) => void stop(signal));
