/**
 * A product's shaded edge cut off inside its rim. Where a product's side turns from the light (a white
 * box's side, a sleeve's end, a sole's toe, a mug in the backdrop's own hue) its colour is the backdrop's
 * in shade, which the backdrop model explains as well as the product model does. The cut then runs where
 * the pairwise term is cheapest nearby: on a calm backdrop the contrast weights make the real rim a few
 * pixels further out nearly free while the smooth shading inside costs a little, and the product loses a
 * strip along its edge.
 *
 * Here, looking outward from each edge pixel of the cut (4 directions, at most `reach` pixels): when a step
 * into the lit backdrop is at least `ratio` times every step from inside the product up to it, the pixels
 * before it (each darker than the backdrop by `minStep` / 2) are the product's shaded edge and join it. A
 * rim spread over two pixels counts as two steps; a strip with the product beside it all along (the edge's
 * own mixed pixels) does not join; 1 px gaps between joined profiles are closed. A contact or cast shadow
 * fails: its outer edge is soft, or its step from the product is as large (a dark shoe on its shadow); a
 * shaded opening (a handle's) has product, not lit backdrop, on its far side.
 *
 * Not told apart: a hard cast shadow (a window's light, a bare flash off to the side) touching a side of
 * the product in the same shade; up to `reach` pixels of it join. Not found: a side that starts brighter
 * than the backdrop and darkens through its colour (the strip must be darker from the cut's edge out).
 */

export interface RimOptions {
  /** Most pixels beyond the cut's edge that may join. */
  reach: number;
  /** Least step (colour levels) into the lit backdrop that makes a rim. */
  minStep: number;
  /** The rim's step must be this many times every step from inside the product up to it. */
  ratio: number;
  /** Colour levels from the backdrop's mean within which a pixel is lit backdrop. */
  litLevels: number;
}

/**
 * Adds the shaded edge strips to `mask` (1 = product) in place; returns how many pixels joined. `colours`
 * are the grid's colours with the backdrop's lighting trend taken out (RGB, w × h), `backdrop` its mean.
 */
export function snapToRims(
  mask: Uint8Array,
  colours: Float32Array,
  w: number,
  h: number,
  backdrop: readonly number[],
  options: RimOptions,
): number {
  const { reach, minStep, ratio, litLevels } = options;
  const backdropLuma = luma(backdrop, 0);
  const step = (p: number, q: number): number =>
    Math.hypot(
      colours[p * 3]! - colours[q * 3]!,
      colours[p * 3 + 1]! - colours[q * 3 + 1]!,
      colours[p * 3 + 2]! - colours[q * 3 + 2]!,
    );
  const add = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (mask[p] !== 1) continue;
      for (const [dx, dy] of DIRECTIONS) {
        // The profile runs from the pixel inside (p − d) through p outward, up to the frame.
        if (!inside(x - dx, y - dy, w, h) || !inside(x + dx, y + dy, w, h)) continue;
        const d = dy * w + dx;
        if (mask[p + d] === 1 || mask[p - d] !== 1) continue;
        // Across the profile (a strip running along the edge's own mixed pixels, down a bottle's side,
        // has the product beside it all the way).
        const e = dx * w + dy;
        // The largest step from inside the product up to the candidate rim.
        let inner = step(p - d, p);
        // The strip is q1..qk, the rim between qk and the pixel beyond it.
        let rim = 0;
        for (let k = 1; k <= reach && inside(x + dx * (k + 1), y + dy * (k + 1), w, h); k++) {
          const q = p + k * d;
          inner = Math.max(inner, step(q - d, q));
          if (mask[q] === 1 || luma(colours, q * 3) >= backdropLuma - minStep / 2) break;
          // The rim may be spread over two pixels (a soft focus, the grid's averaging): the step is then
          // taken to the pixel past the mixed one, and counted as two steps against the inner ones (a soft
          // shadow's ramp makes two steps as large as twice one).
          for (let span = 1; span <= 2 && rim === 0; span++) {
            if (!inside(x + dx * (k + span), y + dy * (k + span), w, h)) break;
            const beyond = q + span * d;
            const rimStep = step(q, beyond);
            if (
              rimStep >= minStep &&
              rimStep >= ratio * span * inner &&
              // The mixed pixel is part of the rim, not the strip's last pixel.
              (span === 1 || step(q, q + d) >= rimStep / 4) &&
              mask[beyond] !== 1 &&
              Math.hypot(
                colours[beyond * 3]! - backdrop[0]!,
                colours[beyond * 3 + 1]! - backdrop[1]!,
                colours[beyond * 3 + 2]! - backdrop[2]!,
              ) <= litLevels
            ) {
              rim = k;
            }
          }
          if (rim > 0) break;
        }
        let beside = 0;
        for (let k = 1; k <= rim; k++) {
          const q = p + k * d;
          const qx = x + k * dx;
          const qy = y + k * dy;
          if (
            (inside(qx - dy, qy - dx, w, h) && mask[q - e] === 1) ||
            (inside(qx + dy, qy + dx, w, h) && mask[q + e] === 1)
          )
            beside++;
        }
        if (beside > 1 && beside * 2 > rim) rim = 0;
        for (let k = 1; k <= rim; k++) add[p + k * d] = 1;
      }
    }
  }
  // A profile that failed by a hair between ones that joined leaves a 1 px gap in the strip, which at full
  // size is a hole in the product (a speck of highlight on a sole's edge): close it.
  const joined = (q: number) => mask[q] === 1 || add[q] === 1;
  for (let y = 1; y + 1 < h; y++) {
    for (let x = 1; x + 1 < w; x++) {
      const p = y * w + x;
      if (joined(p) || luma(colours, p * 3) >= backdropLuma - minStep / 2) continue;
      const across = joined(p - 1) && joined(p + 1) && (add[p - 1] === 1 || add[p + 1] === 1);
      const down = joined(p - w) && joined(p + w) && (add[p - w] === 1 || add[p + w] === 1);
      if (across || down) add[p] = 2;
    }
  }
  let added = 0;
  for (let p = 0; p < mask.length; p++) {
    if (add[p]! > 0 && mask[p] === 0) {
      mask[p] = 1;
      added++;
    }
  }
  return added;
}

const DIRECTIONS: ReadonlyArray<readonly [number, number]> = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

function inside(x: number, y: number, w: number, h: number): boolean {
  return x >= 0 && y >= 0 && x < w && y < h;
}

function luma(c: ArrayLike<number>, i: number): number {
  return 0.299 * c[i]! + 0.587 * c[i + 1]! + 0.114 * c[i + 2]!;
}
