/**
 * The template gallery: filters over the template data, usage counts from the database, and preview
 * thumbnails rendered on first request and kept in storage.
 */
import type { TemplateQuery, TemplateView, Tier } from '../../shared/api.js';
import { templateAllowed } from '../../shared/plans.js';
import { priceOfSteps } from '../../shared/pricing.js';
import { findTemplate, TEMPLATES, type Template } from '../../shared/templates.js';
import { aiStepsOf, type WorkflowStep } from '../../shared/workflow.js';
import type { Db } from '../db/knex.js';
import { AppError } from '../errors.js';
import type { Storage } from '../storage/index.js';

export const previewKey = (id: string) => `templates/${id}.webp`;

export function templateOrNotFound(id: string): Template {
  const template = findTemplate(id);
  if (!template) throw new AppError('NOT_FOUND');
  return template;
}

async function usageCounts(db: Db): Promise<Map<string, number>> {
  const rows: { templateId: string; uses: number }[] = await db('template_usage').select(
    'templateId',
    'uses',
  );
  return new Map(rows.map((r) => [r.templateId, r.uses]));
}

/** `tier` is the caller's; an anonymous caller sees what a Free seller would (premium ones locked). */
export function presentTemplate(t: Template, usageCount: number, tier: Tier = 'free'): TemplateView {
  return {
    id: t.id,
    name: t.name,
    category: t.category,
    occasion: t.occasion,
    platform: t.platform,
    aspect: t.aspect,
    premium: t.premium,
    tags: [...t.tags],
    price: priceOfSteps(t.steps),
    usageCount,
    previewUrl: `/v1/templates/${t.id}/preview`,
    locked: !templateAllowed(tier, t),
    aiSteps: aiStepsOf(t.steps),
  };
}

function matches(t: Template, q: TemplateQuery): boolean {
  if (q.category && t.category !== q.category) return false;
  if (q.platform && t.platform !== q.platform) return false;
  if (q.aspect && t.aspect !== q.aspect) return false;
  if (q.premium !== undefined && t.premium !== q.premium) return false;
  if (q.q) {
    const needle = q.q.toLowerCase();
    const haystack = [t.id, t.name.en, t.name.id, ...t.tags].join(' ').toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}

/** Matching templates, most used first, then by English name. */
export async function listTemplates(db: Db, query: TemplateQuery, tier?: Tier): Promise<TemplateView[]> {
  const uses = await usageCounts(db);
  return TEMPLATES.filter((t) => matches(t, query))
    .map((t) => presentTemplate(t, uses.get(t.id) ?? 0, tier))
    .sort((a, b) => b.usageCount - a.usageCount || a.name.en.localeCompare(b.name.en));
}

export async function viewTemplate(db: Db, id: string, tier?: Tier): Promise<TemplateView> {
  const template = templateOrNotFound(id);
  const row = await db('template_usage').where({ templateId: id }).first();
  return presentTemplate(template, row?.uses ?? 0, tier);
}

// Concurrent first requests for one thumbnail share a single render.
const rendering = new Map<string, Promise<Buffer>>();

export async function templatePreview(
  deps: { storage: Storage; render: (steps: readonly WorkflowStep[]) => Promise<Buffer> },
  id: string,
): Promise<Buffer> {
  const template = templateOrNotFound(id);
  const key = previewKey(template.id);
  const stored = await deps.storage.get(key);
  if (stored) return stored;
  let pending = rendering.get(key);
  if (!pending) {
    pending = (async () => {
      const image = await deps.render(template.steps);
      await deps.storage.put(key, image);
      return image;
    })().finally(() => rendering.delete(key));
    rendering.set(key, pending);
  }
  return pending;
}
