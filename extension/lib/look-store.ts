/**
 * The look (preset or template) the seller last chose, remembered per marketplace so the next "Enhance
 * photo" on that seller center starts from it. Not a secret: content scripts read and write it directly.
 */
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { PresetId, TemplateId } from '../../shared/api';
import type { Marketplace } from '../../shared/marketplaces';
import type { Look } from '../../shared/messages';
import { DEFAULT_PRESET } from '../../shared/presets';

const StoredLook = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('preset'), presetId: PresetId }),
  z.strictObject({ kind: z.literal('template'), templateId: TemplateId }),
]);

const lookItem = storage.defineItem<Partial<Record<Marketplace, Look>>>('local:look', {
  fallback: {},
  version: 1,
});

export function defaultLook(marketplace: Marketplace): Look {
  return { kind: 'preset', presetId: DEFAULT_PRESET[marketplace] };
}

/** The remembered look, or the marketplace's default preset (also for a value an older version wrote). */
export async function readLook(marketplace: Marketplace): Promise<Look> {
  const parsed = StoredLook.safeParse((await lookItem.getValue())[marketplace]);
  return parsed.success ? parsed.data : defaultLook(marketplace);
}

export async function saveLook(marketplace: Marketplace, look: Look): Promise<void> {
  const all = await lookItem.getValue();
  await lookItem.setValue({ ...all, [marketplace]: look });
}

/** Stable string form, for query keys and comparisons. */
export function lookKey(look: Look): string {
  return look.kind === 'preset' ? `preset:${look.presetId}` : `template:${look.templateId}`;
}
