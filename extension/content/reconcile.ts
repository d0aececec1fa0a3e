/**
 * Which widgets to keep, move, drop or add after a scan. Pure, so the "never two buttons for one slot" rule
 * is unit-tested without a browser. A slot's widget stays while the page shows the same image in it: on the
 * same item node it is kept; on a fresh node (SPA pages re-render their lists) it moves there with its state
 * (an open panel, a running job). A different image, or no image, in the slot drops it.
 */
import type { ListingImage } from './types';

export interface MountedSlot {
  slot: number;
  anchor: Element;
  placement: ListingImage['placement'];
  sourceImageId: string;
}

export interface MountPlan<M extends MountedSlot> {
  remove: M[];
  keep: Array<{ mounted: M; image: ListingImage }>;
  /** Same slot, same image, new item node: re-attach the widget there. */
  move: Array<{ mounted: M; image: ListingImage }>;
  add: ListingImage[];
}

export function planMounts<M extends MountedSlot>(
  mounted: readonly M[],
  found: readonly ListingImage[],
): MountPlan<M> {
  const foundBySlot = new Map(found.map((image) => [image.slot, image]));
  const plan: MountPlan<M> = { remove: [], keep: [], move: [], add: [] };
  const taken = new Set<number>();
  for (const entry of mounted) {
    const image = foundBySlot.get(entry.slot);
    if (!image || taken.has(entry.slot)) {
      plan.remove.push(entry);
    } else if (image.anchor === entry.anchor && entry.anchor.isConnected) {
      plan.keep.push({ mounted: entry, image });
      taken.add(entry.slot);
    } else if (image.sourceImageId === entry.sourceImageId && image.placement === entry.placement) {
      plan.move.push({ mounted: entry, image });
      taken.add(entry.slot);
    } else {
      plan.remove.push(entry);
    }
  }
  for (const image of found) {
    if (!taken.has(image.slot)) plan.add.push(image);
  }
  return plan;
}
