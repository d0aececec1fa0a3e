/**
 * The cut's closing (segment.ts) seals cracks a few grid pixels wide, such as a highlight across a cap.
 * It also bridges the wedge of backdrop where two of a plant's stems meet at an angle, which shows in
 * the cut-out as a web between them. This opens those wedges again.
 */
import { components } from './components.js';

/**
 * Sets to 0 the `candidates` (product pixels the closing added, whose colour the models call backdrop)
 * that open onto the backdrop around the product. Two kinds stay product:
 * - a pocket enclosed by product: a hole, which the cut's hole filling judges;
 * - a group that would part the product in two: a crack running right across it (a highlight down a
 *   mug), where a wedge parts nothing.
 */
export function reopenWedges(mask: Uint8Array, w: number, h: number, candidates: Uint8Array): void {
  const n = mask.length;
  const reopened = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    if (mask[p] === 1 && candidates[p] === 1) {
      mask[p] = 0;
      reopened[p] = 1;
    }
  }
  const gaps = components(mask, w, h, 0);
  const opensOut = new Uint8Array(gaps.sizes.length);
  for (let p = 0; p < n; p++) if (mask[p] === 0 && reopened[p] === 0) opensOut[gaps.labels[p]!] = 1;
  for (let p = 0; p < n; p++) {
    if (reopened[p] === 1 && opensOut[gaps.labels[p]!] === 0) {
      mask[p] = 1;
      reopened[p] = 0;
    }
  }
  const groups = components(reopened, w, h, 1);
  const pieces = components(mask, w, h, 1);
  const touched = groups.sizes.map(() => -1);
  const parts = new Uint8Array(groups.sizes.length);
  for (let p = 0; p < n; p++) {
    const id = groups.labels[p]!;
    if (id < 0) continue;
    const x = p % w;
    for (const q of [x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, p - w, p + w]) {
      if (q < 0 || q >= n || mask[q] !== 1) continue;
      const piece = pieces.labels[q]!;
      if (touched[id]! < 0) touched[id] = piece;
      else if (touched[id] !== piece) parts[id] = 1;
    }
  }
  for (let p = 0; p < n; p++) if (groups.labels[p]! >= 0 && parts[groups.labels[p]!] === 1) mask[p] = 1;
}
