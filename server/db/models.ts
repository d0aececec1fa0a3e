/**
 * objection models: one per table, plain data. Queries always pass the knex/transaction explicitly
 * (`Job.query(db)`), so tests can run each file against its own database.
 */
import { Model } from 'objection';
import type { JobStatus } from '../../shared/api.js';
import type { Locale } from '../../shared/errors.js';
import type { ApiProvider, Marketplace } from '../../shared/marketplaces.js';
import type { WorkflowPresetId } from '../../shared/presets.js';

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

export class Job extends Model {
  static override tableName = 'jobs';
  id!: string;
  sellerId!: string;
  kind!: 'enhance';
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
