/**
 * Geodesic distance from the trusted backdrop (the "background prior" of Wei et al., "Geodesic saliency
 * using background priors", ECCV 2012): the cheapest path from a source pixel, where each step costs the
 * colour difference above the backdrop's own texture level. A smooth backdrop — gradient, vignette, a
 * flash hotspot — stays near 0 however much its colour drifts from the border's; the product sits behind
 * its edge, which every path has to pay to cross. Colour models can't tell a bright hotspot from a light
 * product; this can.
 */

/**
 * Distances on a w × h RGB grid from the pixels where `sources[p] === 1`, 4-connected, step cost
 * max(0, ‖c_p − c_q‖ − tau). Solved with alternating raster sweeps (exact after enough sweeps; 3 pairs
 * handle all but very winding paths, which only makes those distances overestimates).
 */
export function geodesicDistance(
  data: Uint8Array,
  w: number,
  h: number,
  sources: Uint8Array,
  tau: number,
): Float32Array {
  const n = w * h;
  const right = new Float32Array(n);
  const down = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const i = p * 3;
      if (x + 1 < w) right[p] = Math.max(0, step(data, i, i + 3) - tau);
      if (y + 1 < h) down[p] = Math.max(0, step(data, i, i + w * 3) - tau);
    }
  }
  const dist = new Float32Array(n).fill(Number.POSITIVE_INFINITY);
  for (let p = 0; p < n; p++) if (sources[p] === 1) dist[p] = 0;
  for (let pass = 0; pass < 3; pass++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        let d = dist[p]!;
        if (x > 0) d = Math.min(d, dist[p - 1]! + right[p - 1]!);
        if (y > 0) d = Math.min(d, dist[p - w]! + down[p - w]!);
        dist[p] = d;
      }
    }
    for (let y = h - 1; y >= 0; y--) {
      for (let x = w - 1; x >= 0; x--) {
        const p = y * w + x;
        let d = dist[p]!;
        if (x + 1 < w) d = Math.min(d, dist[p + 1]! + right[p]!);
        if (y + 1 < h) d = Math.min(d, dist[p + w]! + down[p]!);
        dist[p] = d;
      }
    }
  }
  return dist;
}

/** The q-quantile of neighbour colour steps among pixels where `where[p] === 1`: the texture level. */
export function stepQuantile(data: Uint8Array, w: number, h: number, where: Uint8Array, q: number): number {
  const steps: number[] = [];
  for (let y = 0; y + 1 < h; y++) {
    for (let x = 0; x + 1 < w; x++) {
      const p = y * w + x;
      if (where[p] !== 1 || where[p + 1] !== 1) continue;
      steps.push(step(data, p * 3, p * 3 + 3));
    }
  }
  if (steps.length === 0) return 0;
  steps.sort((a, b) => a - b);
  return steps[Math.min(steps.length - 1, Math.floor(steps.length * q))]!;
}

function step(data: Uint8Array, i: number, j: number): number {
  return Math.sqrt(
    (data[i]! - data[j]!) ** 2 + (data[i + 1]! - data[j + 1]!) ** 2 + (data[i + 2]! - data[j + 2]!) ** 2,
  );
}
