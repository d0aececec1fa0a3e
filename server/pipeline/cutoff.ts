/**
 * Where the frame cuts the product off. A seller's photo often has the product running off one side (a
 * bottle at the right edge, a plant pot at the left); there the frame's outermost pixels are the
 * product's, and a background model learnt from them calls that colour backdrop, so the product is lost
 * (or, worse, the backdrop taken instead). Such a stretch stands out from the rest of the frame as one
 * or two runs of a different colour, not explained by more or less light (a vignette's dark corners, a
 * cast shadow), with a few short gaps (a label lighter than the product's body); other things on the
 * table cut by the frame make more runs, and then nothing is marked.
 */

export interface CutOffOptions {
  /** Depth (pixels) of the frame's band read across each position of the frame. */
  thickness: number;
  /** Colour distance (8-bit levels) beyond the frame's typical one that makes a position an outlier. */
  minDeparture: number;
  /** Least and most light (gain on the baseline colour) the backdrop may be in along the frame. */
  minGain: number;
  maxGain: number;
  /** Half-width of the stretch of frame each position is compared with, as a share of the frame's length. */
  baselineShare: number;
  /** Half-width of the box the frame's colour profile is smoothed with, as a share of the long side. */
  smoothing: number;
  /** Longest gap between two outlier runs joined into one, as a share of the short side. */
  maxGap: number;
  /** Shortest run that counts (specks of noise do not), as a share of the short side. */
  minRun: number;
  /** More runs than this is other things on the table, not one product cut off. */
  maxRuns: number;
  /** Most of the frame's perimeter the runs may cover together (beyond it the "backdrop" is the product). */
  maxShare: number;
  /** Depth (pixels) of {@link CutOff.reach} behind the stretches. */
  reachDepth: number;
}

export interface CutOff {
  /** 1 on the frame band's pixels (depth < thickness) along a cut-off stretch. */
  stretch: Uint8Array;
  /** 1 on pixels within `reachDepth` of the frame behind a cut-off stretch: a part reaching it runs off the frame. */
  reach: Uint8Array;
  /** Number of stretches found. */
  runs: number;
}

/** The settings segment.ts uses on its 256 px grid (it adds the band's thickness and the reach's depth). */
export const CUT_OFF = {
  minDeparture: 40,
  minGain: 0.7,
  maxGain: 1.25,
  baselineShare: 0.25,
  smoothing: 0.02,
  maxGap: 0.12,
  minRun: 0.04,
  maxRuns: 2,
  maxShare: 0.3,
} as const satisfies Omit<CutOffOptions, 'thickness' | 'reachDepth'>;

/** Finds the stretches of the frame where a product is cut off by it (see the module comment). */
export function cutOffStretches(data: Uint8Array, w: number, h: number, options: CutOffOptions): CutOff {
  const n = w * h;
  const t = Math.max(1, Math.min(options.thickness, Math.floor(Math.min(w, h) / 2)));
  // The frame as a closed walk: top (left to right), right (top down), bottom (right to left), left (bottom up).
  const positions: { side: number; at: number }[] = [];
  for (let x = 0; x < w; x++) positions.push({ side: 0, at: x });
  for (let y = 0; y < h; y++) positions.push({ side: 1, at: y });
  for (let x = w - 1; x >= 0; x--) positions.push({ side: 2, at: x });
  for (let y = h - 1; y >= 0; y--) positions.push({ side: 3, at: y });
  const length = positions.length;
  const pixelAt = (side: number, at: number, depth: number): number => {
    if (side === 0) return depth * w + at;
    if (side === 1) return at * w + (w - 1 - depth);
    if (side === 2) return (h - 1 - depth) * w + at;
    return at * w + depth;
  };
  // Mean colour across the band at each position, smoothed along the walk below: the backdrop's colour
  // there, texture averaged out.
  const profile = new Float64Array(length * 3);
  positions.forEach(({ side, at }, i) => {
    for (let d = 0; d < t; d++) {
      const p = pixelAt(side, at, d) * 3;
      for (let c = 0; c < 3; c++) profile[i * 3 + c] = profile[i * 3 + c]! + data[p + c]! / t;
    }
  });
  const k = Math.max(1, Math.round(options.smoothing * Math.max(w, h)));
  const smooth = boxAround(profile, 3, k);
  // Each position against the median of the frame around it (half the walk): a gradient or light falloff
  // drifts slowly along the frame, a product cut off by it departs from both sides. Read every `step`
  // positions and held between them.
  const half = Math.round(options.baselineShare * length);
  const step = Math.max(1, Math.round(length / 256));
  const baseline = new Float64Array(length * 3);
  for (let c = 0; c < 3; c++) {
    const at = (i: number) => smooth[(((i % length) + length) % length) * 3 + c]!;
    // The window kept sorted as it slides (one value out, one in, per position): the same medians as
    // sorting each window afresh, which was most of this function's time.
    const window: number[] = [];
    for (let j = -half; j <= half; j++) window.push(at(j));
    window.sort((a, b) => a - b);
    for (let i = 0; i < length; i += step) {
      for (let q = Math.max(1, i - step + 1); q <= i; q++) {
        window.splice(lowerBound(window, at(q - half - 1)), 1);
        const incoming = at(q + half);
        window.splice(lowerBound(window, incoming), 0, incoming);
      }
      for (let q = i; q < Math.min(length, i + step); q++) baseline[q * 3 + c] = window[half]!;
    }
  }
  // Departure: the mean distance of the band's pixels from that baseline in more or less light (a
  // vignette's dark corner, a cast shadow or a hotspot is the backdrop still), smoothed along the walk.
  // Per pixel, not of the mean colour: a bottle's dark body and light highlight average to a
  // backdrop-like colour, but each is far from it.
  const departure = new Float64Array(length);
  positions.forEach(({ side, at }, i) => {
    const b0 = baseline[i * 3]!;
    const b1 = baseline[i * 3 + 1]!;
    const b2 = baseline[i * 3 + 2]!;
    const norm = Math.max(1, b0 * b0 + b1 * b1 + b2 * b2);
    for (let d = 0; d < t; d++) {
      const p = pixelAt(side, at, d) * 3;
      const r = data[p]!;
      const g = data[p + 1]!;
      const b = data[p + 2]!;
      const gain = Math.min(options.maxGain, Math.max(options.minGain, (r * b0 + g * b1 + b * b2) / norm));
      departure[i] = departure[i]! + Math.hypot(r - gain * b0, g - gain * b1, b - gain * b2) / t;
    }
  });
  const distances = boxAround(departure, 1, k);
  // The backdrop's own departure (texture, noise) is the typical one; a cut-off product departs well beyond it.
  const spread = Float64Array.from(distances).sort()[length >> 1]!;
  const limit = spread + options.minDeparture;
  const out = Array.from(distances, (d) => d > limit);
  const none: CutOff = { stretch: new Uint8Array(n), reach: new Uint8Array(n), runs: 0 };
  const start = out.indexOf(false);
  if (start < 0) return none;
  // Runs along the walk, starting just after an inlier so a run wrapping past the start is one run; gaps
  // up to maxGap between runs are joined.
  const shortSide = Math.min(w, h);
  const maxGap = Math.round(options.maxGap * shortSide);
  const minRun = Math.max(2, Math.round(options.minRun * shortSide));
  const runs: [number, number][] = [];
  for (let i = 1; i <= length; i++) {
    const at = (start + i) % length;
    if (!out[at]) continue;
    const last = runs[runs.length - 1];
    if (last && i - last[1] - 1 <= maxGap) last[1] = i;
    else runs.push([i, i]);
  }
  const kept = runs.filter(([a, b]) => b - a + 1 >= minRun);
  const covered = kept.reduce((sum, [a, b]) => sum + b - a + 1, 0);
  if (kept.length === 0 || kept.length > options.maxRuns || covered > options.maxShare * length) return none;
  const stretch = new Uint8Array(n);
  const reach = new Uint8Array(n);
  const depth = Math.min(options.reachDepth, Math.floor(shortSide / 2));
  for (const [a, b] of kept) {
    for (let offset = a; offset <= b; offset++) {
      const { side, at } = positions[(start + offset) % length]!;
      for (let d = 0; d < depth; d++) {
        const p = pixelAt(side, at, d);
        reach[p] = 1;
        if (d < t) stretch[p] = 1;
      }
    }
  }
  return { stretch, reach, runs: kept.length };
}

/** Mean over a box of ±`k` positions along a closed walk, per channel (`channels` values per position). */
function boxAround(values: Float64Array, channels: number, k: number): Float64Array {
  const length = values.length / channels;
  const out = new Float64Array(values.length);
  for (let i = 0; i < length; i++) {
    for (let j = -k; j <= k; j++) {
      const q = (((i + j) % length) + length) % length;
      for (let c = 0; c < channels; c++)
        out[i * channels + c] = out[i * channels + c]! + values[q * channels + c]!;
    }
  }
  for (let v = 0; v < out.length; v++) out[v] = out[v]! / (2 * k + 1);
  return out;
}

/** First index of a sorted array whose value is not below `value`. */
function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
