/** Shared fixtures for the extension's unit tests (never imported by product code). */
import type { AuthResponse, ExportView, JobView, Quote } from '../../shared/api';
import type { PickerTemplate } from '../../shared/messages';
import { priceOfSteps } from '../../shared/pricing';
import { findTemplate } from '../../shared/templates';
import { aiStepsOf } from '../../shared/workflow';

export const SELLER_ID = '6f1c5a0e-2b7d-4c1e-9a43-0d5e2f8b7c61';
export const JOB_ID = '3d2b1a9e-8f7c-4b6a-9e5d-4c3b2a1f0e9d';

export function authResponse(overrides: Partial<AuthResponse> = {}): AuthResponse {
  return {
    token: 'secret-session-token',
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    seller: { id: SELLER_ID, email: 'toko@example.com', locale: 'id', tier: 'free' },
    ...overrides,
  };
}

export function jobView(overrides: Partial<JobView> = {}): JobView {
  return {
    id: JOB_ID,
    kind: 'enhance',
    status: 'queued',
    progress: 0,
    marketplace: 'shopee',
    productId: '1234567890',
    slot: 1,
    presetId: 'shopee-white-studio',
    templateId: null,
    price: 28,
    createdAt: '2025-01-02T03:04:05.000Z',
    finishedAt: null,
    error: null,
    result: null,
    applied: null,
    ...overrides,
  };
}

export const QUOTE: Quote = {
  presetId: 'shopee-white-studio',
  templateId: null,
  name: { en: 'Shopee white studio', id: 'Shopee putih studio' },
  price: 28,
  balance: 50,
};

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A gallery item as GET /v1/templates sends it, from the shared template data (so prices are real). */
export function pickerTemplate(overrides: Partial<PickerTemplate> & { id?: string } = {}): PickerTemplate {
  const template = findTemplate(overrides.id ?? 'studio-black');
  if (!template) throw new Error(`no template ${overrides.id}`);
  return {
    id: template.id,
    name: template.name,
    category: template.category,
    occasion: template.occasion,
    platform: template.platform,
    aspect: template.aspect,
    premium: template.premium,
    tags: [...template.tags],
    price: priceOfSteps(template.steps),
    usageCount: 0,
    previewUrl: `/v1/templates/${template.id}/preview`,
    aiSteps: aiStepsOf(template.steps),
    ...overrides,
  };
}

export const EXPORT_ID = '7e6d5c4b-3a29-4187-9f6e-5d4c3b2a1908';

export function exportView(overrides: Partial<ExportView> = {}): ExportView {
  return {
    id: EXPORT_ID,
    status: 'queued',
    progress: 0,
    kind: 'single_format',
    formats: ['jpeg'],
    platforms: [],
    price: 5,
    itemCount: 1,
    fileCount: null,
    bytes: null,
    createdAt: '2025-01-02T03:04:05.000Z',
    finishedAt: null,
    expiresAt: null,
    error: null,
    downloadUrl: null,
    ...overrides,
  };
}
