/** Response shapes come only from here: explicit fields, never internals (keys, token ciphertext). */
import type {
  ConnectionView,
  ExportView,
  JobView,
  LedgerEntryView,
  PresetView,
  SellerView,
} from '../shared/api.js';
import { errorMessage, type Locale } from '../shared/errors.js';
import { exportKindOf } from '../shared/plans.js';
import { outputOf, WORKFLOW_PRESETS, type WorkflowPresetId } from '../shared/presets.js';
import { priceOfPreset } from '../shared/pricing.js';
import type { Job, JobExport, LedgerEntry, ListingImageChange, Seller, ShopConnection } from './db/models.js';

export function presentSeller(seller: Seller): SellerView {
  return { id: seller.id, email: seller.email, locale: seller.locale, tier: seller.tier };
}

export function presentJob(job: Job, locale: Locale, changes: readonly ListingImageChange[] = []): JobView {
  const meta = job.resultMeta;
  const change = changes.find((c) => c.kind === 'replace');
  const revert = changes.find((c) => c.kind === 'revert');
  return {
    id: job.id,
    // Only enhance jobs reach here (services/jobs.ts scopes its lookups to them).
    kind: 'enhance',
    status: job.status,
    progress: job.progress,
    marketplace: job.marketplace,
    productId: job.productId,
    slot: job.slot,
    presetId: job.presetId,
    templateId: job.templateId,
    price: job.price,
    createdAt: new Date(job.createdAt).toISOString(),
    finishedAt: job.finishedAt ? new Date(job.finishedAt).toISOString() : null,
    error: job.errorCode ? { code: job.errorCode, message: errorMessage(job.errorCode, locale) } : null,
    result: meta
      ? {
          width: meta.width,
          height: meta.height,
          bytes: meta.bytes,
          format: meta.format,
          // Older rows may lack it; rounding keeps the view stable and small.
          confidence: Math.round((meta.confidence ?? 1) * 100) / 100,
        }
      : null,
    applied: change
      ? {
          imageId: change.newImageId,
          imageUrl: change.newImageUrl,
          replacedImageId: change.previousImageId,
          replacedImageUrl: change.previousImageUrl,
          appliedAt: new Date(change.createdAt).toISOString(),
          revertedAt: revert ? new Date(revert.createdAt).toISOString() : null,
          auditStatus: (revert ?? change).auditStatus,
        }
      : null,
  };
}

export function presentLedgerEntry(entry: LedgerEntry): LedgerEntryView {
  return {
    id: entry.id,
    kind: entry.kind,
    amount: entry.amount,
    balanceAfter: entry.balanceAfter,
    jobId: entry.jobId,
    note: entry.note,
    createdAt: new Date(entry.createdAt).toISOString(),
  };
}

export function presentConnection(connection: ShopConnection): ConnectionView {
  return {
    id: connection.id,
    marketplace: connection.marketplace,
    shopId: connection.shopId,
    shopName: connection.shopName,
    status: connection.status,
    createdAt: new Date(connection.createdAt).toISOString(),
  };
}

export function presentPreset(id: WorkflowPresetId): PresetView {
  const preset = WORKFLOW_PRESETS[id];
  const output = outputOf(preset.steps);
  return {
    id,
    name: preset.name,
    marketplace: preset.marketplace,
    price: priceOfPreset(id),
    output: { width: output.width, height: output.height, format: output.format },
  };
}

/**
 * An export job and its export row. "expired" is the job's succeeded state past its expiry (or swept):
 * the ZIP is gone, the credits stay spent.
 */
export function presentExport(job: Job, spec: JobExport, locale: Locale, now = new Date()): ExportView {
  const expiresAt = spec.expiresAt ? new Date(spec.expiresAt) : null;
  const expired =
    job.status === 'succeeded' && (spec.expiredAt !== null || (expiresAt !== null && expiresAt <= now));
  const status = expired ? 'expired' : job.status;
  return {
    id: job.id,
    status,
    progress: job.progress,
    kind: exportKindOf(spec),
    formats: [...spec.formats],
    platforms: [...spec.platforms],
    price: job.price,
    itemCount: spec.sourceJobIds.length,
    fileCount: spec.fileCount,
    bytes: spec.zipBytes === null ? null : Number(spec.zipBytes),
    createdAt: new Date(job.createdAt).toISOString(),
    finishedAt: job.finishedAt ? new Date(job.finishedAt).toISOString() : null,
    expiresAt: expiresAt ? expiresAt.toISOString() : null,
    error: job.errorCode ? { code: job.errorCode, message: errorMessage(job.errorCode, locale) } : null,
    downloadUrl: status === 'succeeded' ? `/v1/exports/${job.id}/download` : null,
  };
}
