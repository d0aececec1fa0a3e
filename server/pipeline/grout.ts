/**
 * Grout: the thin straight lines of a tiled floor or wall. To the segmentation they are the most unusual
 * pixels on the frame (so they seed the product model and the grid is cut out instead of the product),
 * they wall every tile off (so a tile a little lighter than the frame, under a lamp, is cut out whole),
 * and they make a plain floor look textured. Found as thin lines (darker, or lighter, than the pixels a
 * little way off on both sides) lying on long straight lines in at least two directions (a Hough
 * transform), and painted over with the tile colour around them, so the cut sees a plain floor. One
 * family of parallel lines (stripes, wood grain) or a product's straight edges are not grout.
 */

export interface GroutOptions {
  /** Lines up to about 2 × radius + 1 pixels wide are found (compared with pixels radius + 1 away). */
  radius: number;
  /** Least depth (luma levels) of a line below (or above) the tiles on both sides of it. */
  minContrast: number;
  /** Least length of line pixels on one straight line, as a share of the image's short side. */
  minLength: number;
  /** Least number of lines in each of two directions. */
  minLinesPerDirection: number;
  /** Least angle (degrees) between the two directions (perspective skews a square grid). */
  minAngle: number;
  /** Least share of all line pixels each direction's lines must carry. */
  minShare: number;
  /** Least share of its way across the frame a line must be seen along (the product hides the rest). */
  minCoverage: number;
}

/** The settings segment.ts uses on its 256 px grid. */
export const GROUT: GroutOptions = {
  radius: 2,
  minContrast: 12,
  minLength: 0.5,
  minLinesPerDirection: 2,
  minAngle: 30,
  minShare: 0.15,
  minCoverage: 0.5,
};

export interface Grout {
  /** 1 on grout pixels (the lines and the blended pixels along them). */
  mask: Uint8Array;
  /** The image (RGB) with the grout painted over with the tile colour around it. */
  filled: Uint8Array;
  /** The lines found, as Hough (angle in degrees, offset in pixels). */
  lines: { angle: number; offset: number }[];
}

const ANGLES = 180;
/** Near-parallel lines closer than this (pixels) somewhere in the frame are the same line. */
const SUPPRESS_OFFSET = 3;
/** Line pixels within this distance (pixels) of a found line are grout. */
const ON_LINE = 1.5;
/** Lines within this angle (degrees) of a direction's first line belong to it. */
const DIRECTION_SPREAD = 8;
/**
 * A line pixel is grout if its colour is the grout's median colour times a gain in this range (light
 * varies across a floor; the resize blends the line into the tiles) give or take
 * {@link GROUT_COLOUR_SLACK} levels: a green stem or a black cable crossing it is not.
 */
const GROUT_GAIN = [0.6, 1.6] as const;
const GROUT_COLOUR_SLACK = 24;
/** Furthest (pixels) a grout pixel looks along its line's normal for the tiles either side. */
const MAX_FILL = 6;
/** How far (pixels) either side a tilted line's place is searched for the line at its direction's angle. */
const SNAP_SEARCH = 8;
/**
 * A line the product hides most of may have this share of the votes and coverage a grout line needs, if
 * it lies where the grid's spacing (within {@link LATTICE_SLACK} pixels and {@link LATTICE_ANGLE}
 * degrees) puts a line.
 */
const HIDDEN_SHARE = 0.4;
const LATTICE_SLACK = 2;
const LATTICE_ANGLE = 1;
/** At most this many lines are taken (a grid of small tiles). */
const MAX_LINES = 48;

/** Finds a grout grid in an RGB image (see the module comment); undefined when there is none. */
export function findGrout(
  data: Uint8Array,
  w: number,
  h: number,
  options: GroutOptions = GROUT,
): Grout | undefined {
  const n = w * h;
  const luma = new Float32Array(n);
  for (let p = 0; p < n; p++)
    luma[p] = 0.299 * data[p * 3]! + 0.587 * data[p * 3 + 1]! + 0.114 * data[p * 3 + 2]!;
  // Dark grout on light tiles, or light grout on dark ones: try the darker lines first.
  for (const sign of [1, -1] as const) {
    const onLine = new Uint8Array(n);
    let count = 0;
    for (let p = 0; p < n; p++) {
      if (lineDepth(luma, w, h, p, options.radius + 1, sign) >= options.minContrast) {
        onLine[p] = 1;
        count++;
      }
    }
    // Lines are a small share of a tiled floor; a third or more is a busy pattern, not grout.
    if (count === 0 || count > n / 3) continue;
    const lines = straightLines(onLine, w, h, options);
    if (!lines) continue;
    // Each grout pixel with the line it is on; the blended pixels along the lines (the resize mixes
    // grout into its neighbours) go too. A thin part of the product crossing a line (a stem) is dark
    // there as well, but not grout-coloured: it stays.
    const nearest = new Int16Array(n).fill(-1);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        if (onLine[p] === 1)
          nearest[p] = lines.findIndex((l) => Math.abs(signedDistance(l, x, y)) <= ON_LINE);
      }
    }
    const grout = medianColour(data, nearest);
    const owner = new Int16Array(n).fill(-1);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        const i = nearest[p]!;
        if (i < 0) continue;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            if (xx >= 0 && yy >= 0 && xx < w && yy < h && groutColoured(data, yy * w + xx, grout)) {
              owner[yy * w + xx] = i;
            }
          }
        }
      }
    }
    const mask = new Uint8Array(n);
    for (let p = 0; p < n; p++) mask[p] = owner[p]! >= 0 ? 1 : 0;
    return { mask, filled: paintOver(data, w, h, owner, lines), lines };
  }
  return undefined;
}

/** Per-channel median of the pixels with `which` ≥ 0. */
function medianColour(data: Uint8Array, which: Int16Array): [number, number, number] {
  const counts = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  let total = 0;
  for (let p = 0; p < which.length; p++) {
    if (which[p]! < 0) continue;
    total++;
    for (let c = 0; c < 3; c++) counts[c]![data[p * 3 + c]!]!++;
  }
  return counts.map((histogram) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v]!;
      if (seen * 2 >= total) return v;
    }
    return 255;
  }) as [number, number, number];
}

/**
 * Whether pixel p has the grout's colour in more or less light (a lamp's hotspot, a vignette): the
 * grout's colour times a gain in range, give or take a little.
 */
function groutColoured(data: Uint8Array, p: number, grout: [number, number, number]): boolean {
  const [r, g, b] = [data[p * 3]!, data[p * 3 + 1]!, data[p * 3 + 2]!];
  const norm = grout[0] ** 2 + grout[1] ** 2 + grout[2] ** 2;
  if (norm === 0) return r + g + b === 0;
  const gain = (r * grout[0] + g * grout[1] + b * grout[2]) / norm;
  if (gain < GROUT_GAIN[0] || gain > GROUT_GAIN[1]) return false;
  return Math.hypot(r - gain * grout[0], g - gain * grout[1], b - gain * grout[2]) <= GROUT_COLOUR_SLACK;
}

/**
 * How far pixel p lies below (`sign` 1) or above (−1) the pixels `d` away on both sides of it, across
 * whichever of the rows or columns it is deeper in: a line of any angle is crossed by one of them.
 */
function lineDepth(luma: Float32Array, w: number, h: number, p: number, d: number, sign: 1 | -1): number {
  const x = p % w;
  const y = (p - x) / w;
  const v = sign * luma[p]!;
  let depth = 0;
  if (x >= d && x + d < w) depth = Math.min(sign * luma[p - d]!, sign * luma[p + d]!) - v;
  if (y >= d && y + d < h)
    depth = Math.max(depth, Math.min(sign * luma[p - d * w]!, sign * luma[p + d * w]!) - v);
  return depth;
}

/**
 * Each grout pixel gets the colour of the tiles on either side of its line, found along the line's
 * normal and mixed by distance: the tile colour carries on under the grout, lighting and all.
 */
function paintOver(data: Uint8Array, w: number, h: number, owner: Int16Array, lines: Line[]): Uint8Array {
  // A copy (a Buffer's slice would share its memory).
  const filled = new Uint8Array(data);
  const crossings: number[] = [];
  const side = (x: number, y: number, nx: number, ny: number): { p: number; t: number } | undefined => {
    for (let t = 1; t <= MAX_FILL; t++) {
      const xx = Math.round(x + t * nx);
      const yy = Math.round(y + t * ny);
      if (xx < 0 || yy < 0 || xx >= w || yy >= h) return undefined;
      if (owner[yy * w + xx]! < 0) return { p: yy * w + xx, t };
    }
    return undefined;
  };
  for (let p = 0; p < owner.length; p++) {
    const i = owner[p]!;
    if (i < 0) continue;
    const x = p % w;
    const y = (p - x) / w;
    const { cos, sin } = lines[i]!;
    const a = side(x, y, cos, sin);
    const b = side(x, y, -cos, -sin);
    if (!a && !b) {
      // Where lines cross, the normal runs along the other line: filled from around, below.
      crossings.push(p);
      continue;
    }
    for (let c = 0; c < 3; c++) {
      const va = a ? data[a.p * 3 + c]! : data[b!.p * 3 + c]!;
      const vb = b ? data[b.p * 3 + c]! : va;
      const ta = a?.t ?? 1;
      const tb = b?.t ?? 1;
      filled[p * 3 + c] = Math.round((va * tb + vb * ta) / (ta + tb));
    }
  }
  // The mean of the tiles (not grout, or grout already filled) in a widening square around each crossing.
  const done = owner.map((o) => (o < 0 ? 1 : 0));
  for (const p of crossings) done[p] = 0;
  for (const p of crossings) {
    const x = p % w;
    const y = (p - x) / w;
    for (let r = 1; r <= 2 * MAX_FILL; r++) {
      const sum = [0, 0, 0];
      let count = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
          const q = yy * w + xx;
          if (done[q] !== 1) continue;
          for (let c = 0; c < 3; c++) sum[c]! += filled[q * 3 + c]!;
          count++;
        }
      }
      if (count === 0) continue;
      for (let c = 0; c < 3; c++) filled[p * 3 + c] = Math.round(sum[c]! / count);
      break;
    }
  }
  return filled;
}

interface Line {
  /** Of the line's normal, degrees 0..179. */
  angle: number;
  offset: number;
  cos: number;
  sin: number;
}

function line(angle: number, offset: number): Line {
  const t = (angle * Math.PI) / 180;
  return { angle, offset, cos: Math.cos(t), sin: Math.sin(t) };
}

/** Hough transform of the line pixels: the long straight lines, if they make a grid of two directions. */
function straightLines(onLine: Uint8Array, w: number, h: number, options: GroutOptions): Line[] | undefined {
  const diagonal = Math.ceil(Math.hypot(w, h));
  const bins = 2 * diagonal + 1;
  const votes = new Int32Array(ANGLES * bins);
  const cos = new Float64Array(ANGLES);
  const sin = new Float64Array(ANGLES);
  for (let a = 0; a < ANGLES; a++) {
    cos[a] = Math.cos((a * Math.PI) / 180);
    sin[a] = Math.sin((a * Math.PI) / 180);
  }
  let total = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (onLine[y * w + x] !== 1) continue;
      total++;
      for (let a = 0; a < ANGLES; a++) votes[a * bins + Math.round(x * cos[a]! + y * sin[a]!) + diagonal]!++;
    }
  }
  // A line one pixel wide falls into one or two neighbouring offsets: score pairs of them. Lines the
  // product hides much of are looked for too, but only taken where the grid's spacing puts a line.
  const least = options.minLength * Math.min(w, h);
  const leastHidden = least * HIDDEN_SHARE;
  const candidates: { angle: number; offset: number; score: number }[] = [];
  for (let a = 0; a < ANGLES; a++) {
    for (let r = 0; r + 1 < bins; r++) {
      const score = votes[a * bins + r]! + votes[a * bins + r + 1]!;
      if (score >= leastHidden) candidates.push({ angle: a, offset: r - diagonal + 0.5, score });
    }
  }
  candidates.sort((x, y) => y.score - x.score);
  // The strongest of each bundle of near-identical lines (a line scores at neighbouring angles too),
  // if it runs along most of its way across the frame: grout does, a product's straight edge does not.
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const found: Line[] = [];
  const rejected: Line[] = [];
  // Near-parallel lines that meet inside the frame, or run within a few pixels of each other there, are
  // one line seen twice: a grid's lines of one direction never cross.
  const sameAs = (f: Line, c: Line) => {
    if (angleBetween(f.angle, c.angle) > DIRECTION_SPREAD) return false;
    const ends = chord(c, w, h);
    if (!ends) return false;
    const a = signedDistance(f, ends[0], ends[1]);
    const b = signedDistance(f, ends[2], ends[3]);
    return Math.sign(a) !== Math.sign(b) || Math.min(Math.abs(a), Math.abs(b)) <= SUPPRESS_OFFSET;
  };
  for (const { angle, offset, score } of candidates) {
    if (found.length >= MAX_LINES || score < least) break;
    const c = line(angle, offset);
    if (found.some((f) => sameAs(f, c)) || rejected.some((f) => sameAs(f, c))) continue;
    (coverage(onLine, w, h, c) >= options.minCoverage ? found : rejected).push(c);
  }
  // Directions: bundles of parallel lines. Grout needs two crossing ones, each with several lines that
  // together carry a fair share of the line pixels (stripes plus one stray line are not a grid).
  const directions: Line[][] = [];
  for (const f of found) {
    const group = directions.find((d) => angleBetween(d[0]!.angle, f.angle) <= DIRECTION_SPREAD);
    if (group) group.push(f);
    else directions.push([f]);
  }
  const strong = directions.filter((d) => {
    if (d.length < options.minLinesPerDirection) return false;
    let carried = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (onLine[y * w + x] === 1 && d.some((l) => Math.abs(signedDistance(l, x, y)) <= ON_LINE)) carried++;
      }
    }
    return carried >= options.minShare * total;
  });
  const crossing = strong.find((a) =>
    strong.some((b) => angleBetween(a[0]!.angle, b[0]!.angle) >= options.minAngle),
  );
  if (!crossing) return undefined;
  // A line that is one of a direction's but at another angle took in something along it (a stem):
  // the line at the direction's angle through the same place is used if the pixels follow it as well.
  for (const d of strong) {
    const counts = new Map<number, number>();
    for (const l of d) counts.set(l.angle, (counts.get(l.angle) ?? 0) + 1);
    const usual = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    for (const [i, l] of d.entries()) {
      if (l.angle === usual) continue;
      const flip = Math.cos(((l.angle - usual) * Math.PI) / 180) < 0 ? -1 : 1;
      const straight = line(usual, 0);
      const through = cx * straight.cos + cy * straight.sin - flip * signedDistance(l, cx, cy);
      let best = l;
      let bestCoverage = coverage(onLine, w, h, l);
      // The tilted line crosses the real one somewhere, not necessarily at the centre.
      for (let shift = -SNAP_SEARCH; shift <= SNAP_SEARCH; shift++) {
        const snapped = line(usual, through + shift);
        const c = coverage(onLine, w, h, snapped);
        if (c >= bestCoverage) {
          best = snapped;
          bestCoverage = c;
        }
      }
      d[i] = best;
    }
  }
  // Tiles are evenly spaced: a line the product hides most of is taken where the spacing puts one.
  const lines = strong.flat();
  for (const d of strong) {
    const first = d[0]!;
    const at = (l: Line) => (first.cos * l.cos + first.sin * l.sin < 0 ? -1 : 1) * signedDistance(l, cx, cy);
    const positions = d.map(at).sort((a, b) => a - b);
    let spacing = Number.POSITIVE_INFINITY;
    for (let i = 1; i < positions.length; i++) spacing = Math.min(spacing, positions[i]! - positions[i - 1]!);
    for (const { angle, offset } of candidates) {
      if (lines.length >= MAX_LINES) break;
      if (angleBetween(angle, first.angle) > LATTICE_ANGLE) continue;
      const c = line(angle, offset);
      const position = at(c);
      const steps = (position - positions[0]!) / spacing;
      if (Math.abs(steps - Math.round(steps)) * spacing > LATTICE_SLACK) continue;
      // Grid lines are a spacing apart: anything nearer a line already taken is that line again.
      if (positions.some((q) => Math.abs(q - position) < spacing / 2)) continue;
      if (coverage(onLine, w, h, c) < options.minCoverage * HIDDEN_SHARE) continue;
      lines.push(c);
      positions.push(position);
    }
  }
  return lines;
}

/** Angle between two line directions (degrees, 0..90): lines at 0° and 179° are 1° apart. */
function angleBetween(a: number, b: number): number {
  const d = Math.abs(a - b) % 180;
  return Math.min(d, 180 - d);
}

/** Signed distance of (x, y) from the line, positive on the side its normal points to. */
function signedDistance(line: Line, x: number, y: number): number {
  return x * line.cos + y * line.sin - line.offset;
}

/** The ends (x1, y1, x2, y2) of the part of the line inside the frame; undefined when it misses it. */
function chord(l: Line, w: number, h: number): [number, number, number, number] | undefined {
  // Points (x0 − t·sin, y0 + t·cos): the range of t that keeps both coordinates inside.
  const x0 = l.offset * l.cos;
  const y0 = l.offset * l.sin;
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  const clip = (start: number, step: number, size: number) => {
    if (Math.abs(step) < 1e-9) {
      if (start < 0 || start > size - 1) hi = lo - 1;
      return;
    }
    const t1 = (0 - start) / step;
    const t2 = (size - 1 - start) / step;
    lo = Math.max(lo, Math.min(t1, t2));
    hi = Math.min(hi, Math.max(t1, t2));
  };
  clip(x0, -l.sin, w);
  clip(y0, l.cos, h);
  if (!(hi >= lo)) return undefined;
  return [x0 - lo * l.sin, y0 + lo * l.cos, x0 - hi * l.sin, y0 + hi * l.cos];
}

/** Share of the line's way across the frame (pixel steps) with a line pixel on or next to it. */
function coverage(onLine: Uint8Array, w: number, h: number, l: Line): number {
  const reach = Math.hypot(w, h);
  // The foot of the normal from the origin, and the line's direction.
  const x0 = l.offset * l.cos;
  const y0 = l.offset * l.sin;
  let inside = 0;
  let covered = 0;
  for (let t = -reach; t <= reach; t++) {
    const x = Math.round(x0 - t * l.sin);
    const y = Math.round(y0 + t * l.cos);
    if (x < 0 || y < 0 || x >= w || y >= h) continue;
    inside++;
    let hit = false;
    for (let dy = -1; dy <= 1 && !hit; dy++) {
      for (let dx = -1; dx <= 1 && !hit; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < w && yy < h && onLine[yy * w + xx] === 1) hit = true;
      }
    }
    if (hit) covered++;
  }
  return inside === 0 ? 0 : covered / inside;
}
