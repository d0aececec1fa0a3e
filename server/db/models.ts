/**
 * objection models: one per table, plain data. Queries always pass the knex/transaction explicitly
 * (`Job.query(db)`), so tests can run each file against its own database.
 */
import { Model } from 'objection';
import type { JobStatus } from '../../shared/api.js';
import type { Locale } from '../../shared/errors.js';
import type { ApiProvider, Marketplace } from '../../shared/marketplaces.js';
import type { OutputPresetId, WorkflowPresetId } from '../../shared/presets.js';
import type { JobName } from '../queue/index.js';

export type Tier = 'free' | 'payg' | 'professional' | 'premium';

export class Seller extends Model {
  static override tableName = 'sellers';
  id!: string;
  email!: string;
  passwordHash!: string;
  locale!: Locale;
  tier!: Tier;
  balance!: number;
  createdAt!: Date;
  updatedAt!: Date;
}

export class ApiToken extends Model {
  static override tableName = 'api_tokens';
  id!: string;
  sellerId!: string;
  tokenHash!: string;
  expiresAt!: Date;
  revokedAt!: Date | null;
  createdAt!: Date;
}

/** What the worker records about an enhance job's result. */
export interface ResultMeta {
  width: number;
  height: number;
  bytes: number;
  format: string;
  confidence: number;
  timingsMs: Record<string, number>;
  /** Which method produced the matte ('local', a provider name, 'cutout', 'none'), for operators. */
  matteMethod?: string;
  /** Why a configured provider was not used (its failure), when the pipeline fell back to local. */
  matteFallbackReason?: string;
}

/** A job row's kind is the name of its queue job (server/queue), so the relay can enqueue any row. */
export type JobKind = JobName;

/**
 * One row per job of any kind. The listing fields (marketplace, productId, slot, presetId/templateId) are
 * required by a CHECK for `enhance` jobs and null for `export` jobs; lookups that hand a row to enhance
 * code filter on `kind = 'enhance'` (services/jobs.ts), export code reads only the lifecycle fields.
 */
export class Job extends Model {
  static override tableName = 'jobs';
  id!: string;
  sellerId!: string;
  kind!: JobKind;
  status!: JobStatus;
  progress!: number;
  stage!: string | null;
  marketplace!: Marketplace;
  productId!: string;
  slot!: number;
  /** Exactly one of presetId and templateId is set. */
  presetId!: WorkflowPresetId | null;
  templateId!: string | null;
  price!: number;
  sourceUrl!: string | null;
  sourceImageId!: string | null;
  inputKey!: string | null;
  resultKey!: string | null;
  resultMeta!: ResultMeta | null;
  errorCode!: string | null;
  attempts!: number;
  enqueuedAt!: Date | null;
  startedAt!: Date | null;
  finishedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}

/** What only an export job has (`jobs.kind = 'export'`, one row each). */
export class JobExport extends Model {
  static override tableName = 'job_exports';
  static override idColumn = 'jobId';
  jobId!: string;
  sourceJobIds!: string[];
  /** Empty: every result in the format it was made in. */
  formats!: ('jpeg' | 'png')[];
  /** Output preset ids each item is re-rendered for. */
  platforms!: OutputPresetId[];
  fileCount!: number | null;
  /** bigint: pg returns a string. */
  zipBytes!: string | number | null;
  expiresAt!: Date | null;
  expiredAt!: Date | null;
}

export class CreditHold extends Model {
  static override tableName = 'credit_holds';
  id!: string;
  sellerId!: string;
  jobId!: string;
  amount!: number;
  status!: 'held' | 'captured' | 'released';
  expiresAt!: Date;
  resolvedAt!: Date | null;
  createdAt!: Date;
}

export type LedgerKind = 'grant' | 'topup' | 'adjustment' | 'hold' | 'capture' | 'release';

export class LedgerEntry extends Model {
  static override tableName = 'credit_ledger';
  id!: string;
  seq!: string;
  sellerId!: string;
  kind!: LedgerKind;
  amount!: number;
  balanceAfter!: number;
  jobId!: string | null;
  note!: string | null;
  createdAt!: Date;
}

export class ShopConnection extends Model {
  static override tableName = 'shop_connections';
  id!: string;
  sellerId!: string;
  /** The seller API provider ('shopee' | 'tiktok'); one TikTok connection serves TikTok Shop and Tokopedia. */
  marketplace!: ApiProvider;
  shopId!: string;
  shopName!: string | null;
  shopCipher!: string | null;
  status!: 'active' | 'needs_reauth';
  accessTokenCt!: string | null;
  refreshTokenCt!: string | null;
  keyId!: string | null;
  accessExpiresAt!: Date | null;
  refreshExpiresAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export class ListingImageChange extends Model {
  static override tableName = 'listing_image_changes';
  id!: string;
  sellerId!: string;
  connectionId!: string;
  marketplace!: Marketplace;
  productId!: string;
  slot!: number;
  jobId!: string | null;
  kind!: 'replace' | 'revert';
  previousImageId!: string | null;
  previousImageUrl!: string | null;
  newImageId!: string;
  newImageUrl!: string;
  auditStatus!: string | null;
  createdAt!: Date;
}
