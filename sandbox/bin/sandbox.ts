/**
 * `npm run sandbox`: starts the marketplace sandboxes for the local demo and prints how to point a
 * browser at them. Ports and Shopee partner credentials come from the environment; the defaults are
 * sandbox-only values that no real Shopee account accepts.
 */
import { pino } from 'pino';
import { z } from 'zod';
import { startSandboxes } from '../index.js';

const Env = z.object({
  SANDBOX_SHOPEE_API_PORT: z.coerce.number().int().min(0).max(65535).default(8790),
  SANDBOX_HTTPS_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  SHOPEE_PARTNER_ID: z.coerce.number().int().positive().default(1000001),
  SHOPEE_PARTNER_KEY: z.string().min(1).default('sandbox-only-partner-key-not-a-real-shopee-secret'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}
const env = parsed.data;
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
});
const { shopee } = sandboxes;

logger.info(
  {
    shopeeApiBaseUrl: shopee.apiBaseUrl,
    httpsPort: shopee.httpsPort,
    sellerCenter: shopee.sellerCenterOrigin,
    cdn: shopee.cdnOrigin,
    partnerId: env.SHOPEE_PARTNER_ID,
  },
  'sandboxes started',
);

// Human-readable instructions on stdout (never the partner key).
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
    await sandboxes.close();
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'sandboxes did not close cleanly');
    process.exit(1);
  }
}
process.once('SIGINT', (signal) => void stop(signal));
process.once('SIGTERM', (signal) => void stop(signal));
