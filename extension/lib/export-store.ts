/**
 * The ZIP export the seller last started. A popup closes as soon as it loses focus and a ZIP takes up to a
 * minute to build, so the background records the id when the export is created and the popup picks up its
 * progress when it opens again. Cleared on login and logout. Only an id: the export itself is read from the
 * API, through the background, every time.
 */
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';

const exportItem = storage.defineItem<string | null>('local:lastExport', { fallback: null, version: 1 });

export async function readLastExport(): Promise<string | null> {
  const parsed = z.uuid().safeParse(await exportItem.getValue());
  return parsed.success ? parsed.data : null;
}

export async function saveLastExport(exportId: string | null): Promise<void> {
  if (exportId) await exportItem.setValue(exportId);
  else await exportItem.removeValue();
}
