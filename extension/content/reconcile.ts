/**
 * Which widgets to keep, drop or add after a scan. Pure, so the "never two buttons for one slot" rule is
 * unit-tested without a browser: a slot keeps its widget only while the page still shows the same item
 * node there; a replaced, moved or detached node loses it and the new node gets a fresh one.
 */
import type { ListingImage } from './types';

export interface MountedSlot {
  slot: number;
  anchor: Element;
}

export interface MountPlan<M extends MountedSlot> {
  remove: M[];
  keep: Array<{ mounted: M; image: ListingImage }>;
  add: ListingImage[];
}

export function planMounts<M extends MountedSlot>(
  mounted: readonly M[],
  found: readonly ListingImage[],
): MountPlan<M> {
  const foundBySlot = new Map(found.map((image) => [image.slot, image]));
  const plan: MountPlan<M> = { remove: [], keep: [], add: [] };
  const keptSlots = new Set<number>();
  for (const entry of mounted) {
    const image = foundBySlot.get(entry.slot);
    if (image && image.anchor === entry.anchor && entry.anchor.isConnected && !keptSlots.has(entry.slot)) {
      plan.keep.push({ mounted: entry, image });
      keptSlots.add(entry.slot);
    } else {
      plan.remove.push(entry);
    }
  }
  for (const image of found) {
    if (!keptSlots.has(image.slot)) plan.add.push(image);
  }
  return plan;
}
