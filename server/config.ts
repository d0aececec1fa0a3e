/**
 * Environment configuration, validated once at boot. A bad environment prints every problem and exits
 * (Outline/Immich practice) instead of failing later on first use.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import {
  NON_COMMERCIAL_MESSAGE,
  NON_COMMERCIAL_MODEL,
  ONNX_MODEL_KINDS,
  type OnnxModelKind,
} from './providers/background-removal/onnx-models.js';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/** Comma-separated host names (`*.example.com` for subdomains). */
const hostList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^(\*\.)?[a-z0-9.-]+$/, 'a host name or *.domain')));

const replicateModel = z
  .string()
  .regex(/^[\w.-]+\/[\w.-]+(:[0-9a-f]{8,64})?$/, 'owner/name or owner/name:version');

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
    /**
     * Worker threads for the local segmentation in each worker process (0: on the job's own thread).
     * Match WORKER_CONCURRENCY so concurrent jobs segment in parallel.
     */
    SEGMENT_THREADS: z.coerce.number().int().min(0).max(32).default(2),
    JOB_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    /** A hold not resolved after this long is released by the sweeper (its job is failed). */
    HOLD_TTL_MINUTES: z.coerce.number().int().min(1).default(30),
    /** ZIP exports are deleted this long after they are built (seed 000 §2.2.7: 7 days). */
    EXPORT_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(7),
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
     * Who removes backgrounds: our local segmentation, a hosted provider (providers.md) or a local ONNX
     * model, with the local segmentation as fallback when the provider fails. A hosted provider needs its
     * `<NAME>_API_KEY`, `onnx` needs `ONNX_MODEL_PATH`.
     */
    BG_REMOVAL_PROVIDER: z
      .enum(['local', 'removebg', 'photoroom', 'segmind', 'fal', 'onnx'])
      .default('local'),
    REMOVEBG_API_KEY: z.string().min(1).optional(),
    REMOVEBG_BASE_URL: z.url().default('https://api.remove.bg'),
    PHOTOROOM_API_KEY: z.string().min(1).optional(),
    PHOTOROOM_BASE_URL: z.url().default('https://sdk.photoroom.com'),
    SEGMIND_API_KEY: z.string().min(1).optional(),
    SEGMIND_BASE_URL: z.url().default('https://api.segmind.com'),
    /** fal's own name for it (providers.md "fal.ai": `Authorization: Key $FAL_KEY`). */
    FAL_KEY: z.string().min(1).optional(),
    FAL_BASE_URL: z.url().default('https://queue.fal.run'),
    /** The model file for `onnx` (`npm run models:fetch`); checked to exist and be readable at boot. */
    ONNX_MODEL_PATH: z.string().min(1).optional(),
    /** Which model the file holds: decides its input normalisation and output handling. */
    ONNX_MODEL_KIND: z
      .string()
      .default('isnet')
      .transform((value, ctx): OnnxModelKind => {
        if (NON_COMMERCIAL_MODEL.test(value)) {
          ctx.addIssue({ code: 'custom', message: NON_COMMERCIAL_MESSAGE });
          return z.NEVER;
        }
        if (!(ONNX_MODEL_KINDS as readonly string[]).includes(value)) {
          ctx.addIssue({ code: 'custom', message: `must be one of ${ONNX_MODEL_KINDS.join(', ')}` });
          return z.NEVER;
        }
        return value as OnnxModelKind;
      }),
    /** onnxruntime intra-op threads; unset: all cores, at most 4 (providers/background-removal/onnx.ts). */
    ONNX_THREADS: z.coerce.number().int().min(1).max(64).optional(),
    /** Per hosted provider attempt; past it the pipeline falls back to local segmentation. */
    BG_REMOVAL_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(20_000),
    /**
     * Hosted image generation (SPEC §2): who makes AI scenes (`ai_scene` backdrops) and IC-Light relights.
     * `none` (the default): jobs asking for them are refused at submission, nothing charged. There is no
     * local fallback: a plain backdrop is not what the seller paid 15 credits for.
     */
    AI_SCENE_PROVIDER: z.enum(['none', 'fal', 'replicate', 'comfyui']).default('none'),
    RELIGHT_PROVIDER: z.enum(['none', 'fal', 'replicate']).default('none'),
    /** fal model ids (providers.md): text-to-image SDXL for scenes, IC-Light v2 for relighting. */
    FAL_SCENE_MODEL: z
      .string()
      .regex(/^[\w.-]+(\/[\w.-]+)+$/)
      .default('fal-ai/fast-sdxl'),
    FAL_RELIGHT_MODEL: z
      .string()
      .regex(/^[\w.-]+(\/[\w.-]+)+$/)
      .default('fal-ai/iclight-v2'),
    /** Hosts fal serves result files from; `*.` for subdomains. */
    FAL_RESULT_HOSTS: hostList.default(['fal.media', '*.fal.media']),
    /** Replicate (providers.md): `Authorization: Bearer $REPLICATE_API_TOKEN`. */
    REPLICATE_API_TOKEN: z.string().min(1).optional(),
    REPLICATE_BASE_URL: z.url().default('https://api.replicate.com'),
    /** `owner/name` (an official model) or `owner/name:version` (pinned; community models need one). */
    REPLICATE_SCENE_MODEL: replicateModel.default(
      'stability-ai/sdxl:7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc',
    ),
    REPLICATE_RELIGHT_MODEL: replicateModel.default('zsxkib/ic-light'),
    REPLICATE_RESULT_HOSTS: hostList.default(['replicate.delivery', '*.replicate.delivery']),
    /** A self-hosted ComfyUI (e.g. http://gpu-box:8188); it has no key, keep it on a private network. */
    COMFYUI_URL: z.url().optional(),
    COMFYUI_CHECKPOINT: z.string().min(1).default('sd_xl_base_1.0.safetensors'),
    /** Per HTTP attempt to a generation provider (Replicate's `Prefer: wait` is held a little shorter). */
    AI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(30_000),
    /** Whole generation, queue and polls included; past it the request is cancelled and the job fails. */
    AI_DEADLINE_MS: z.coerce.number().int().min(1000).max(600_000).default(180_000),
    /** Between status polls. */
    AI_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(10_000).default(1000),
    /**
     * Sandbox mode: image URLs and provider result files may also come from these exact origins (a local
     * CDN or provider sandbox), which are allowed to resolve to loopback. Ignored unless SANDBOX_MODE is true.
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
      onnx: undefined,
    } as const;
    const key = keyOf[env.BG_REMOVAL_PROVIDER];
    if (key && !env[key]) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `required when BG_REMOVAL_PROVIDER=${env.BG_REMOVAL_PROVIDER}`,
      });
    }
    if (env.BG_REMOVAL_PROVIDER === 'onnx') {
      const problem = modelFileProblem(env.ONNX_MODEL_PATH);
      if (problem) ctx.addIssue({ code: 'custom', path: ['ONNX_MODEL_PATH'], message: problem });
    }
    const generativeKeyOf = {
      none: undefined,
      fal: 'FAL_KEY',
      replicate: 'REPLICATE_API_TOKEN',
      comfyui: 'COMFYUI_URL',
    } as const;
    for (const setting of ['AI_SCENE_PROVIDER', 'RELIGHT_PROVIDER'] as const) {
      const needed = generativeKeyOf[env[setting]];
      if (needed && !env[needed]) {
        ctx.addIssue({ code: 'custom', path: [needed], message: `required when ${setting}=${env[setting]}` });
      }
    }
  });

/**
 * What is wrong with the configured model file, if anything. Only presence and access are checked here
 * (a corrupt file is found when the worker loads it, and falls back then): a missing file is a deploy
 * mistake that should stop the boot, not quietly lower every cut-out's quality.
 */
function modelFileProblem(path: string | undefined): string | undefined {
  if (!path) return 'required when BG_REMOVAL_PROVIDER=onnx (fetch one with npm run models:fetch)';
  if (NON_COMMERCIAL_MODEL.test(basename(path))) return NON_COMMERCIAL_MESSAGE;
  try {
    if (!statSync(path).isFile()) return `${path} is not a file`;
    accessSync(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `${path} does not exist (fetch one with npm run models:fetch)`;
    return `${path} cannot be read (${code ?? 'error'})`;
  }
  return undefined;
}

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
