/**
 * Environment configuration, validated once at boot. A bad environment prints every problem and exits
 * (Outline/Immich practice) instead of failing later on first use.
 */
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    /** Public base URL of the API (OAuth callbacks are built from it). */
    PUBLIC_URL: z.url().default('http://127.0.0.1:8787'),
    DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (postgres://…)'),
    REDIS_URL: z.string().min(1, 'REDIS_URL is required (redis://…)'),
    /** BullMQ key prefix; tests use a fresh one per file. */
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9:_-]+$/)
      .default('lumiku'),
    STORAGE_DIR: z.string().default('.data/storage'),
    /**
     * Keys that encrypt marketplace tokens at rest: `keyId:base64(32 bytes)` entries separated by commas.
     * The first one encrypts; all of them decrypt (rotation).
     */
    TOKEN_ENCRYPTION_KEYS: z
      .string()
      .min(1, 'TOKEN_ENCRYPTION_KEYS is required: keyId:base64(32 random bytes)[,…]')
      .transform((value, ctx) => {
        const keys: Array<{ id: string; key: Buffer }> = [];
        for (const part of value.split(',')) {
          const [id, b64] = part.trim().split(':');
          const key = Buffer.from(b64 ?? '', 'base64');
          if (!id || !/^[a-zA-Z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
            ctx.addIssue({ code: 'custom', message: 'each entry must be keyId:base64 of exactly 32 bytes' });
            return z.NEVER;
          }
          keys.push({ id, key });
        }
        return keys;
      }),
    /** Bearer token for admin routes (top-ups). Unset: admin routes answer 403. */
    ADMIN_TOKEN: z.string().min(24).optional(),
    SIGNUP_CREDITS: z.coerce.number().int().min(0).default(50),
    /**
     * PostgreSQL connections per process. A job submission holds one for its transaction's round trips,
     * so under many concurrent submissions a small pool is where requests queue.
     * @defaultValue 10
     */
    DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(15 * 1024 * 1024),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
    JOB_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    /** A hold not resolved after this long is released by the sweeper (its job is failed). */
    HOLD_TTL_MINUTES: z.coerce.number().int().min(1).default(30),
    SHOPEE_API_BASE: z.url().default('https://partner.shopeemobile.com'),
    SHOPEE_PARTNER_ID: z.coerce.number().int().positive().optional(),
    SHOPEE_PARTNER_KEY: z.string().min(1).optional(),
    /** TikTok Shop Partner API (also serves Tokopedia listings). Hosts per marketplaces.md. */
    TIKTOK_API_BASE: z.url().default('https://open-api.tiktokglobalshop.com'),
    TIKTOK_AUTH_BASE: z.url().default('https://auth.tiktok-shops.com'),
    TIKTOK_SERVICES_BASE: z.url().default('https://services.tiktokshop.com'),
    TIKTOK_APP_KEY: z.string().min(1).optional(),
    TIKTOK_APP_SECRET: z.string().min(1).optional(),
    TIKTOK_SERVICE_ID: z.string().min(1).optional(),
    /**
     * Who removes backgrounds: our local segmentation, or a hosted provider (providers.md) with the local
     * one as fallback when the provider fails. A provider needs its `<NAME>_API_KEY`.
     */
    BG_REMOVAL_PROVIDER: z.enum(['local', 'removebg', 'photoroom', 'segmind', 'fal']).default('local'),
    REMOVEBG_API_KEY: z.string().min(1).optional(),
    REMOVEBG_BASE_URL: z.url().default('https://api.remove.bg'),
    PHOTOROOM_API_KEY: z.string().min(1).optional(),
    PHOTOROOM_BASE_URL: z.url().default('https://sdk.photoroom.com'),
    SEGMIND_API_KEY: z.string().min(1).optional(),
    SEGMIND_BASE_URL: z.url().default('https://api.segmind.com'),
    /** fal's own name for it (providers.md "fal.ai": `Authorization: Key $FAL_KEY`). */
    FAL_KEY: z.string().min(1).optional(),
    FAL_BASE_URL: z.url().default('https://queue.fal.run'),
    /** Per provider attempt; past it the pipeline falls back to local segmentation. */
    BG_REMOVAL_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(20_000),
    /**
     * Sandbox mode: image URLs may also come from these exact origins (the local CDN sandbox), which are
     * allowed to resolve to loopback. Ignored unless SANDBOX_MODE is true.
     */
    SANDBOX_MODE: bool,
    SANDBOX_IMAGE_ORIGINS: z
      .string()
      .optional()
      .transform((v) => (v ? v.split(',').map((o) => new URL(o.trim()).origin) : [])),
  })
  .superRefine((env, ctx) => {
    const keyOf = {
      local: undefined,
      removebg: 'REMOVEBG_API_KEY',
      photoroom: 'PHOTOROOM_API_KEY',
      segmind: 'SEGMIND_API_KEY',
      fal: 'FAL_KEY',
    } as const;
    const key = keyOf[env.BG_REMOVAL_PROVIDER];
    if (key && !env[key]) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `required when BG_REMOVAL_PROVIDER=${env.BG_REMOVAL_PROVIDER}`,
      });
    }
  });

export type Config = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return result.data;
}

/** For process entry points: print every problem and exit instead of throwing a stack trace. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
