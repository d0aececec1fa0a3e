/**
 * What each tier may use (seed 000 §2.3 feature table) and the ZIP export prices (seed 000 §2.2.7 and
 * §4.1: 5 single format, 10 multi-format, 15 multi-platform). Shared so the extension can show a lock
 * before the seller clicks and the server refuses the same things.
 */
import type { Tier } from './api.js';

/** ZIP export row: Free ❌, PAYG single format, Professional multi-format, Premium + multi-platform. */
export const EXPORT_KINDS = ['single_format', 'multi_format', 'multi_platform'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_PRICES: Record<ExportKind, number> = {
  single_format: 5,
  multi_format: 10,
  multi_platform: 15,
};

/** Several platforms outrank several formats: a multi-platform export may also carry both formats. */
export function exportKindOf(request: {
  formats?: readonly string[] | null;
  platforms?: readonly string[] | null;
}): ExportKind {
  if ((request.platforms?.length ?? 0) > 0) return 'multi_platform';
  if ((request.formats?.length ?? 0) > 1) return 'multi_format';
  return 'single_format';
}

const EXPORTS_BY_TIER: Record<Tier, readonly ExportKind[]> = {
  free: [],
  payg: ['single_format'],
  professional: ['single_format', 'multi_format'],
  premium: ['single_format', 'multi_format', 'multi_platform'],
};

export function exportAllowed(tier: Tier, kind: ExportKind): boolean {
  return EXPORTS_BY_TIER[tier].includes(kind);
}

/** Templates flagged premium ("Mark as premium (subscription required)") need a subscription tier. */
export function templateAllowed(tier: Tier, template: { premium: boolean }): boolean {
  return !template.premium || tier === 'professional' || tier === 'premium';
}
