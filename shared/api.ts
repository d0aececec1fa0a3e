/**
 * The HTTP API's request and response shapes. The server validates with these, the extension parses
 * responses with them, and /openapi.json is generated from them.
 */
import { z } from 'zod';
import { LOCALES } from './errors.js';
import { API_PROVIDERS, MARKETPLACES } from './marketplaces.js';
import { EXPORT_KINDS } from './plans.js';
import { OUTPUT_PRESET_IDS, OUTPUT_TARGETS, WORKFLOW_PRESET_IDS } from './presets.js';
import {
  TEMPLATE_ASPECTS,
  TEMPLATE_CATEGORIES,
  TEMPLATE_OCCASIONS,
  TEMPLATE_PLATFORMS,
} from './templates.js';

export const Locale = z.enum(LOCALES);
export const Marketplace = z.enum(MARKETPLACES);
export const ApiProvider = z.enum(API_PROVIDERS);
export const PresetId = z.enum(WORKFLOW_PRESET_IDS);
/** Shape only: whether the template exists is the server's lookup (404 / 400). */
export const TemplateId = z.string().regex(/^[a-z0-9-]{1,64}$/);
export const Tier = z.enum(['free', 'payg', 'professional', 'premium']);
export type Tier = z.infer<typeof Tier>;

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---- accounts
export const SignupBody = z.strictObject({
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: z.string().min(8).max(200),
  locale: Locale.default('id'),
});
export const LoginBody = z.strictObject({
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(200),
});
export const SellerView = z.object({ id: z.uuid(), email: z.string(), locale: Locale, tier: Tier });
export const AuthResponse = z.object({ token: z.string(), expiresAt: z.iso.datetime(), seller: SellerView });
export type SellerView = z.infer<typeof SellerView>;
export type AuthResponse = z.infer<typeof AuthResponse>;

// ---- jobs
export const JobStatus = z.enum(['queued', 'processing', 'succeeded', 'failed']);
export type JobStatus = z.infer<typeof JobStatus>;

/** Fields of POST /v1/jobs: JSON, or multipart/form-data with these as fields plus an `image` file. */
export const CreateJobBody = z
  .strictObject({
    kind: z.literal('enhance'),
    marketplace: Marketplace,
    /** The marketplace's product id (Shopee item_id, TikTok Shop product id). */
    productId: z.string().regex(/^\d{1,24}$/),
    /** 0-based index of the image slot on the listing. */
    slot: z.coerce.number().int().min(0).max(8),
    /** Marketplace CDN URL of the source image; omit when uploading the bytes as `image`. */
    imageUrl: z.url().max(2048).optional(),
    /** What to run: a preset, or (instead) a template from GET /v1/templates. Exactly one of the two. */
    presetId: PresetId.optional(),
    templateId: TemplateId.optional(),
    /** The marketplace image id the slot held when the seller clicked (used to detect a changed listing). */
    sourceImageId: z.string().max(200).optional(),
  })
  .refine((b) => (b.presetId === undefined) !== (b.templateId === undefined), {
    message: 'Give exactly one of presetId and templateId.',
    path: ['presetId'],
  });
export type CreateJobBody = z.infer<typeof CreateJobBody>;

/** A cut-out trusted less than this is shown with a "check the result" note (segment.ts confidence). */
export const LOW_CONFIDENCE = 0.5;

export const JobView = z.object({
  id: z.uuid(),
  kind: z.literal('enhance'),
  status: JobStatus,
  /** 0–100. */
  progress: z.number().int(),
  marketplace: Marketplace,
  productId: z.string(),
  slot: z.number().int(),
  /** Exactly one of presetId and templateId is set. */
  presetId: PresetId.nullable(),
  templateId: TemplateId.nullable(),
  price: z.number().int(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  result: z
    .object({
      width: z.number().int(),
      height: z.number().int(),
      bytes: z.number().int(),
      format: z.string(),
      /**
       * 0..1 trust in the cut-out (1 when none was needed). Below {@link LOW_CONFIDENCE} the seller is asked
       * to check the result before replacing: busy backgrounds, white on white.
       */
      confidence: z.number().min(0).max(1),
    })
    .nullable(),
  /** Set once the result was pushed onto the listing. */
  applied: z
    .object({
      imageId: z.string(),
      imageUrl: z.string(),
      replacedImageId: z.string().nullable(),
      /** Where the replaced image can be shown (for revert previews and swapping it back into the page). */
      replacedImageUrl: z.string().nullable(),
      appliedAt: z.iso.datetime(),
      /** Set when the seller reverted the slot to the replaced image. */
      revertedAt: z.iso.datetime().nullable(),
      /** The marketplace's review state after the edit (TikTok Shop / Tokopedia: "AUDITING" → under review). */
      auditStatus: z.string().nullable(),
    })
    .nullable(),
});
export type JobView = z.infer<typeof JobView>;
export const JobList = z.object({ jobs: z.array(JobView) });

/** GET /v1/quote: the price of a preset or (instead) a template, like POST /v1/jobs takes them. */
export const QuoteQuery = z
  .strictObject({ presetId: PresetId.optional(), templateId: TemplateId.optional() })
  .refine((q) => (q.presetId === undefined) !== (q.templateId === undefined), {
    message: 'Give exactly one of presetId and templateId.',
    path: ['presetId'],
  });
export const Quote = z.object({
  /** Exactly one of presetId and templateId is set, whichever the query named. */
  presetId: PresetId.nullable(),
  templateId: TemplateId.nullable(),
  name: z.object({ en: z.string(), id: z.string() }),
  price: z.number().int(),
  balance: z.number().int(),
});
export type Quote = z.infer<typeof Quote>;
export type QuoteQuery = z.infer<typeof QuoteQuery>;

/** GET /v1/presets: what a seller can pick, at the price the server will charge. Public. */
export const PresetView = z.object({
  id: PresetId,
  name: z.object({ en: z.string(), id: z.string() }),
  /** Where the output is meant to go: a marketplace, or Instagram (posted by hand). */
  marketplace: z.enum(OUTPUT_TARGETS),
  price: z.number().int(),
  output: z.object({
    width: z.number().int(),
    height: z.number().int(),
    format: z.enum(['jpeg', 'png', 'webp']),
  }),
});
export type PresetView = z.infer<typeof PresetView>;
export const PresetList = z.object({ presets: z.array(PresetView) });

// ---- templates (SPEC §2)
const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');
/** GET /v1/templates filters; all optional, combined with AND. `q` matches names and tags. */
export const TemplateQuery = z.strictObject({
  category: z.enum(TEMPLATE_CATEGORIES).optional(),
  platform: z.enum(TEMPLATE_PLATFORMS).optional(),
  aspect: z.enum(TEMPLATE_ASPECTS).optional(),
  premium: booleanParam.optional(),
  q: z.string().trim().min(1).max(100).optional(),
});
export type TemplateQuery = z.infer<typeof TemplateQuery>;
export const TemplateView = z.object({
  id: TemplateId,
  name: z.object({ en: z.string(), id: z.string() }),
  category: z.enum(TEMPLATE_CATEGORIES),
  occasion: z.enum(TEMPLATE_OCCASIONS).nullable(),
  platform: z.enum(TEMPLATE_PLATFORMS),
  aspect: z.enum(TEMPLATE_ASPECTS),
  premium: z.boolean(),
  tags: z.array(z.string()),
  price: z.number().int(),
  /** Jobs that succeeded with this template. */
  usageCount: z.number().int(),
  /** Path of the preview thumbnail (GET, public). */
  previewUrl: z.string(),
  /**
   * True when the caller's plan cannot run it (a premium template for a Free or Pay-as-you-go seller, or
   * for an anonymous caller); POST /v1/jobs with it answers 403 TEMPLATE_NOT_IN_PLAN.
   */
  locked: z.boolean(),
  /**
   * Hosted-model steps the template runs (`ai_scene`, `relight`); a server without those providers refuses
   * its jobs (AI_NOT_ENABLED), so a client may grey it out. Its preview only suggests the AI scene.
   */
  aiSteps: z.array(z.enum(['ai_scene', 'relight'])),
});
export type TemplateView = z.infer<typeof TemplateView>;
export const TemplateList = z.object({ templates: z.array(TemplateView) });

// ---- ZIP exports (seed 000 §2.2.7)
const unique = <T>(items: readonly T[]) => new Set(items).size === items.length;
export const ExportFormat = z.enum(['jpeg', 'png']);
export type ExportFormat = z.infer<typeof ExportFormat>;
export const OutputPresetId = z.enum(OUTPUT_PRESET_IDS);
/** POST /v1/exports. Price and plan follow from the shape: see shared/plans.ts. */
export const CreateExportBody = z.strictObject({
  /** The seller's own succeeded enhance jobs, in the order the ZIP lists them. */
  jobIds: z.array(z.uuid()).min(1).max(100).refine(unique, 'jobIds must not repeat'),
  /** Omitted: each result as it was made (single format). Two formats = multi-format. */
  formats: z.array(ExportFormat).min(1).max(2).refine(unique, 'formats must not repeat').optional(),
  /** Output presets to re-render every photo for (multi-platform), e.g. tiktok-vertical. */
  platforms: z
    .array(OutputPresetId)
    .min(1)
    .max(OUTPUT_PRESET_IDS.length)
    .refine(unique, 'platforms must not repeat')
    .optional(),
});
export type CreateExportBody = z.infer<typeof CreateExportBody>;
export const ExportStatus = z.enum(['queued', 'processing', 'succeeded', 'failed', 'expired']);
export const ExportView = z.object({
  id: z.uuid(),
  status: ExportStatus,
  /** 0–100. */
  progress: z.number().int(),
  kind: z.enum(EXPORT_KINDS),
  /** Empty: each photo in the format it was made in. */
  formats: z.array(ExportFormat),
  platforms: z.array(OutputPresetId),
  price: z.number().int(),
  /** Photos in the export. */
  itemCount: z.number().int(),
  /** Image files in the ZIP (photos × formats × platforms), once it is built. */
  fileCount: z.number().int().nullable(),
  /** Size of the ZIP in bytes, once it is built. */
  bytes: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  /** When the ZIP file is deleted. */
  expiresAt: z.iso.datetime().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Path of the download (GET, owner only) while it can be downloaded. */
  downloadUrl: z.string().nullable(),
});
export type ExportView = z.infer<typeof ExportView>;

// ---- account / credits
export const LedgerEntryView = z.object({
  id: z.uuid(),
  kind: z.enum(['grant', 'topup', 'adjustment', 'hold', 'capture', 'release']),
  amount: z.number().int(),
  balanceAfter: z.number().int(),
  jobId: z.uuid().nullable(),
  note: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type LedgerEntryView = z.infer<typeof LedgerEntryView>;
export const Ledger = z.object({ entries: z.array(LedgerEntryView) });

export const AccountView = z.object({
  seller: SellerView,
  balance: z.number().int(),
  /** Credits captured this calendar month (UTC). */
  monthUsage: z.number().int(),
  recentJobs: z.array(JobView),
});
export type AccountView = z.infer<typeof AccountView>;

export const UpdateSettingsBody = z.strictObject({ locale: Locale });

export const AdminCreditBody = z.strictObject({
  email: z.email().transform((e) => e.toLowerCase()),
  amount: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .refine((n) => n !== 0),
  note: z.string().max(500).optional(),
});

// ---- shop connections
export const ConnectionStatus = z.enum(['active', 'needs_reauth']);
export const ConnectionView = z.object({
  id: z.uuid(),
  /** The seller API the connection is for: 'shopee', or 'tiktok' (TikTok Shop and Tokopedia). */
  marketplace: ApiProvider,
  shopName: z.string().nullable(),
  shopId: z.string(),
  status: ConnectionStatus,
  createdAt: z.iso.datetime(),
});
export type ConnectionView = z.infer<typeof ConnectionView>;
export const ConnectionList = z.object({ connections: z.array(ConnectionView) });
export const StartConnectionResponse = z.object({ authorizeUrl: z.url() });

// ---- listing image history
export const ListingHistoryQuery = z.strictObject({
  marketplace: Marketplace,
  productId: z.string().regex(/^\d{1,24}$/),
});
export const ListingChangeView = z.object({
  id: z.uuid(),
  marketplace: Marketplace,
  productId: z.string(),
  slot: z.number().int(),
  jobId: z.uuid().nullable(),
  kind: z.enum(['replace', 'revert']),
  previousImageId: z.string().nullable(),
  previousImageUrl: z.string().nullable(),
  newImageId: z.string(),
  newImageUrl: z.string(),
  auditStatus: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type ListingChangeView = z.infer<typeof ListingChangeView>;
export const ListingHistory = z.object({ changes: z.array(ListingChangeView) });

// ---- applying a result to the listing
export const ApplyResponse = z.object({ job: JobView });
