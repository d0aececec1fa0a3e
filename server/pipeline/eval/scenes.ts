/**
 * The matte evaluation set: seller-style photos with a known alpha. Each product is a signed distance field
 * (so coverage, and with it the truth alpha, is anti-aliased and optionally defocused), shaded and given a
 * material (coloured, white, dark, glossy), composited over a background of one category, then lit
 * (vignette / flash hotspot), given sensor noise and JPEG-compressed like a phone upload.
 *
 * Everything is drawn from a seeded PRNG: the same category + index always gives the same pixels, so the
 * set is regenerated on the fly instead of stored (nothing large is committed).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../gmm.js';
import { sharp } from '../sharp.js';
import { mix, valueNoise } from '../testing/synthetic.js';

export const CATEGORIES = [
  'plain',
  'gradient',
  'wood',
  'fabric',
  'tiles',
  'paper',
  'clutter',
  'shadows',
  'white-on-white',
  'uneven-light',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SHAPES = ['bottle', 'box', 'shirt', 'bag', 'shoe', 'mug', 'plant', 'cable'] as const;
export type Shape = (typeof SHAPES)[number];
export type Material = 'colour' | 'white' | 'dark' | 'glossy' | 'dark-same-hue';

export interface SceneSpec {
  category: Category;
  index: number;
  seed: number;
  width: number;
  height: number;
  shape: Shape;
  material: Material;
  /** The product runs off the left or right edge of the frame. */
  cutOff: boolean;
}

export interface Scene {
  spec: SceneSpec;
  /** JPEG bytes, as a seller would upload them. */
  jpeg: Buffer;
  /** Truth coverage, 1 channel, 0..255. */
  alpha: Buffer;
}

type Rgb = [number, number, number];

/** Images per category. @defaultValue 6 */
export const PER_CATEGORY = 6;

/** The specs of the whole set (cheap; the pixels are made by {@link renderScene}). */
export function sceneSpecs(perCategory = PER_CATEGORY, baseSeed = 1): SceneSpec[] {
  const specs: SceneSpec[] = [];
  CATEGORIES.forEach((category, c) => {
    for (let index = 0; index < perCategory; index++) {
      const seed = baseSeed * 100_003 + c * 1009 + index * 31 + 7;
      const random = mulberry32(seed);
      // Shapes rotate per category with an offset, so every category sees most shapes.
      const shape = SHAPES[(index + c * 3) % SHAPES.length]!;
      let material: Material =
        category === 'white-on-white'
          ? 'white'
          : (['colour', 'glossy', 'dark', 'colour', 'white', 'dark-same-hue'] as const)[(index + c) % 6]!;
      // A white product on a white-ish backdrop belongs to its own category; elsewhere keep it on darker ones.
      if (material === 'white' && (category === 'paper' || category === 'plain')) material = 'colour';
      const landscape = random() < 0.5;
      const long = 800 + Math.round(random() * 8) * 100;
      const short = Math.round((long * (0.75 + random() * 0.25)) / 2) * 2;
      specs.push({
        category,
        index,
        seed,
        width: landscape ? long : short,
        height: landscape ? short : long,
        shape,
        material,
        cutOff: index === perCategory - 1,
      });
    }
  });
  return specs;
}

/**
 * {@link renderScene} through a cache under `dir` (JPEG + truth PNG). Rendering the whole set in JS takes
 * ~20 s; the cache key hashes this file's source, so any change to the generator invalidates it.
 */
export async function loadScene(spec: SceneSpec, dir = path.resolve('.tmp/matte-eval-set')): Promise<Scene> {
  const key = `${await generatorHash()}-${spec.seed}-${spec.width}x${spec.height}-${spec.shape}-${spec.material}-${spec.cutOff ? 1 : 0}`;
  const jpegPath = path.join(dir, `${key}.jpg`);
  const alphaPath = path.join(dir, `${key}.png`);
  try {
    const [jpeg, png] = await Promise.all([readFile(jpegPath), readFile(alphaPath)]);
    const alpha = await sharp(png).extractChannel(0).raw().toBuffer();
    if (alpha.length === spec.width * spec.height) return { spec, jpeg, alpha };
  } catch {
    // Not cached yet: render below.
  }
  const scene = await renderScene(spec);
  await mkdir(dir, { recursive: true });
  const png = await sharp(scene.alpha, { raw: { width: spec.width, height: spec.height, channels: 1 } })
    .png()
    .toBuffer();
  await Promise.all([writeFile(jpegPath, scene.jpeg), writeFile(alphaPath, png)]);
  return scene;
}

let hash: Promise<string> | undefined;
function generatorHash(): Promise<string> {
  hash ??= readFile(fileURLToPath(import.meta.url)).then((source) =>
    createHash('sha256').update(source).digest('hex').slice(0, 12),
  );
  return hash;
}

export async function renderScene(spec: SceneSpec): Promise<Scene> {
  const { pixels, alpha } = renderPixels(spec);
  const random = mulberry32(spec.seed ^ 0x5bd1e995);
  const jpeg = await sharp(pixels, { raw: { width: spec.width, height: spec.height, channels: 3 } })
    .jpeg({ quality: 78 + Math.round(random() * 14) })
    .toBuffer();
  return { spec, jpeg, alpha };
}

// ───────────────────────────── products ─────────────────────────────

interface Product {
  bounds: { x0: number; y0: number; x1: number; y1: number };
  /** Signed distance in pixels, negative inside. */
  sdf(x: number, y: number): number;
  /** Unlit base colour at a point inside (labels, caps, soles…). */
  baseAt(x: number, y: number): Rgb;
  /** Bottom centre, where the contact shadow goes. */
  footX: number;
  footY: number;
  footRx: number;
}

function roundRect(x: number, y: number, cx: number, cy: number, hw: number, hh: number, r: number): number {
  const qx = Math.abs(x - cx) - (hw - r);
  const qy = Math.abs(y - cy) - (hh - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function ellipse(x: number, y: number, cx: number, cy: number, rx: number, ry: number): number {
  const k = Math.hypot((x - cx) / rx, (y - cy) / ry);
  return (k - 1) * Math.min(rx, ry);
}

/** Distance to the segment a–b minus a radius (a capsule). */
function capsule(x: number, y: number, ax: number, ay: number, bx: number, by: number, r: number): number {
  const px = x - ax;
  const py = y - ay;
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - dx * t, py - dy * t) - r;
}

/** A ring of radius `r` and half-thickness `t`. */
function ring(x: number, y: number, cx: number, cy: number, r: number, t: number): number {
  return Math.abs(Math.hypot(x - cx, y - cy) - r) - t;
}

function makeProduct(shape: Shape, cx: number, cy: number, m: number, colour: Rgb, random: () => number) {
  const accent: Rgb = [
    (colour[0] * 0.4 + 235 * 0.6) | 0,
    (colour[1] * 0.4 + 225 * 0.6) | 0,
    (colour[2] * 0.4 + 210 * 0.6) | 0,
  ];
  const dark: Rgb = [52, 50, 56];
  const s = 0.9 + random() * 0.2;
  let sdf: (x: number, y: number) => number;
  let baseAt: (x: number, y: number) => Rgb = () => colour;
  let half: [number, number];
  switch (shape) {
    case 'bottle': {
      const bw = 0.13 * m * s;
      const bh = 0.2 * m;
      const top = cy - 0.285 * m;
      sdf = (x, y) =>
        Math.min(
          roundRect(x, y, cx, cy + 0.09 * m, bw, bh, 0.05 * m),
          roundRect(x, y, cx, cy - 0.15 * m, 0.055 * m, 0.07 * m, 0.02 * m),
          roundRect(x, y, cx, top + 0.035 * m, 0.065 * m, 0.035 * m, 0.008 * m),
        );
      baseAt = (_x, y) =>
        y < top + 0.07 * m ? dark : Math.abs(y - cy - 0.1 * m) < 0.07 * m ? accent : colour;
      half = [bw, 0.31 * m];
      break;
    }
    case 'box': {
      const hw = 0.25 * m * s;
      const hh = 0.19 * m;
      sdf = (x, y) => roundRect(x, y, cx, cy, hw, hh, 0.01 * m);
      baseAt = (_x, y) => (y < cy - hh + 0.06 * m ? accent : colour);
      half = [hw, hh];
      break;
    }
    case 'shirt': {
      const hw = 0.17 * m * s;
      const hh = 0.25 * m;
      sdf = (x, y) => {
        const body = roundRect(x, y, cx, cy + 0.03 * m, hw, hh - 0.03 * m, 0.02 * m);
        const sleeves = Math.min(
          capsule(x, y, cx - hw * 0.7, cy - 0.17 * m, cx - hw - 0.14 * m, cy - 0.02 * m, 0.065 * m),
          capsule(x, y, cx + hw * 0.7, cy - 0.17 * m, cx + hw + 0.14 * m, cy - 0.02 * m, 0.065 * m),
        );
        const neck = ellipse(x, y, cx, cy - hh, 0.07 * m, 0.05 * m);
        return Math.max(Math.min(body, sleeves), -neck);
      };
      baseAt = (x, y) => (Math.abs(x - cx) < 0.05 * m && Math.abs(y - cy) < 0.05 * m ? accent : colour);
      half = [hw + 0.21 * m, hh];
      break;
    }
    case 'bag': {
      const hw = 0.2 * m * s;
      const hh = 0.16 * m;
      const bodyCy = cy + 0.08 * m;
      sdf = (x, y) => {
        const body = roundRect(x, y, cx, bodyCy, hw, hh, 0.03 * m);
        // The strap is a ring over the top: the opening between strap and body is background (a hole).
        const strap = Math.max(
          ring(x, y, cx, bodyCy - hh, 0.13 * m, 0.014 * m),
          y - (bodyCy - hh) - 0.01 * m,
        );
        return Math.min(body, strap);
      };
      baseAt = (_x, y) => (Math.abs(y - bodyCy + 0.02 * m) < 0.012 * m ? accent : colour);
      half = [hw, 0.3 * m];
      break;
    }
    case 'shoe': {
      const hw = 0.26 * m * s;
      sdf = (x, y) => {
        const sole = capsule(
          x,
          y,
          cx - hw + 0.05 * m,
          cy + 0.07 * m,
          cx + hw - 0.05 * m,
          cy + 0.07 * m,
          0.05 * m,
        );
        const upper = ellipse(x, y, cx - 0.06 * m, cy - 0.01 * m, hw * 0.8, 0.11 * m);
        const toe = ellipse(x, y, cx + hw * 0.55, cy + 0.03 * m, hw * 0.45, 0.07 * m);
        return Math.min(sole, upper, toe);
      };
      baseAt = (_x, y) => (y > cy + 0.075 * m ? accent : colour);
      half = [hw, 0.14 * m];
      break;
    }
    case 'mug': {
      const hw = 0.15 * m * s;
      const hh = 0.17 * m;
      const mx = cx - 0.05 * m;
      sdf = (x, y) =>
        Math.min(
          roundRect(x, y, mx, cy, hw, hh, 0.02 * m),
          Math.max(ring(x, y, mx + hw, cy, 0.085 * m, 0.022 * m), mx + hw - x),
        );
      half = [hw + 0.16 * m, hh];
      break;
    }
    case 'plant': {
      // A pot with thin stems and leaves: the thin parts a coarse grid loses.
      const potTop = cy + 0.08 * m;
      const stems = Array.from({ length: 5 }, (_, i) => {
        const angle = -Math.PI / 2 + (i - 2) * 0.38 + (random() - 0.5) * 0.2;
        const length = (0.22 + random() * 0.1) * m;
        return [cx, potTop, cx + Math.cos(angle) * length, potTop + Math.sin(angle) * length] as const;
      });
      const leaf: Rgb = [54, 128, 62];
      sdf = (x, y) => {
        let d = roundRect(x, y, cx, potTop + 0.11 * m, 0.12 * m, 0.11 * m, 0.015 * m);
        for (const [ax, ay, bx, by] of stems) {
          d = Math.min(d, capsule(x, y, ax, ay, bx, by, 0.004 * m + 1.2));
          d = Math.min(d, ellipse(x, y, bx, by, 0.045 * m, 0.022 * m));
        }
        return d;
      };
      baseAt = (_x, y) => (y < potTop ? leaf : colour);
      half = [0.2 * m, 0.3 * m];
      break;
    }
    case 'cable': {
      // A charger brick with a looped cable (a few px thick) and a plug.
      const points = Array.from({ length: 9 }, (_, i) => {
        const t = (i / 8) * Math.PI * 1.6;
        return [cx + Math.sin(t) * 0.22 * m, cy - 0.05 * m + Math.cos(t * 0.8) * 0.15 * m] as const;
      });
      const thick = 0.006 * m + 1.5;
      sdf = (x, y) => {
        let d = roundRect(x, y, cx - 0.02 * m, cy + 0.16 * m, 0.08 * m, 0.06 * m, 0.01 * m);
        for (let i = 0; i + 1 < points.length; i++) {
          const a = points[i]!;
          const b = points[i + 1]!;
          d = Math.min(d, capsule(x, y, a[0], a[1], b[0], b[1], thick));
        }
        const end = points[points.length - 1]!;
        return Math.min(d, roundRect(x, y, end[0], end[1], 0.02 * m, 0.03 * m, 0.005 * m));
      };
      half = [0.26 * m, 0.26 * m];
      break;
    }
  }
  const pad = 4;
  const product: Product = {
    bounds: {
      x0: Math.floor(cx - half[0] - pad),
      y0: Math.floor(cy - half[1] - 0.05 * m - pad),
      x1: Math.ceil(cx + half[0] + pad),
      y1: Math.ceil(cy + half[1] + 0.08 * m + pad),
    },
    sdf,
    baseAt,
    footX: cx,
    footY: cy + half[1],
    footRx: half[0],
  };
  return product;
}

// ─────────────────────────── backgrounds ────────────────────────────

type Background = (x: number, y: number, out: Float32Array) => void;

function makeBackground(
  category: Category,
  w: number,
  h: number,
  m: number,
  random: () => number,
): Background {
  const noise = valueNoise(Math.floor(random() * 1e9));
  const fbm = (x: number, y: number) =>
    (noise(x, y) * 4 + noise(x * 2.03, y * 2.03) * 2 + noise(x * 4.1, y * 4.1)) / 7;
  const pastel = (): Rgb => {
    const base = 200 + random() * 40;
    return [base + (random() - 0.5) * 30, base + (random() - 0.5) * 30, base + (random() - 0.5) * 30];
  };
  switch (category) {
    case 'plain':
    case 'shadows':
    case 'uneven-light': {
      const c = pastel();
      return (x, y, out) => {
        const k = 1 + (noise((x / m) * 3, (y / m) * 3) - 0.5) * 0.03;
        out[0] = c[0] * k;
        out[1] = c[1] * k;
        out[2] = c[2] * k;
      };
    }
    case 'gradient': {
      const a = pastel();
      const b: Rgb = [
        a[0] * (0.6 + random() * 0.25),
        a[1] * (0.6 + random() * 0.25),
        a[2] * (0.65 + random() * 0.3),
      ];
      const angle = (random() - 0.5) * 1.2;
      const ux = Math.sin(angle);
      const uy = Math.cos(angle);
      return (x, y, out) => {
        const t = Math.min(1, Math.max(0, ((x / w - 0.5) * ux + (y / h - 0.5) * uy) * 1.2 + 0.5));
        out[0] = mix(a[0], b[0], t);
        out[1] = mix(a[1], b[1], t);
        out[2] = mix(a[2], b[2], t);
      };
    }
    case 'wood': {
      const light = random() < 0.5;
      const lo: Rgb = light ? [170, 128, 86] : [96, 60, 34];
      const hi: Rgb = light ? [214, 172, 122] : [150, 100, 60];
      const plank = random();
      return (x, y, out) => {
        const X = (x / m) * 10;
        const Y = (y / m) * 10;
        const t = 0.5 + 0.5 * Math.sin(2 * Math.PI * (Y * 0.9 + 1.6 * fbm(X * 0.25, Y * 0.6)));
        const fibre = (noise(X * 6, Y * 40) - 0.5) * 20;
        const seam = ((Y / 10) * 4 + plank) % 1 < 0.01 ? 0.55 : 1;
        out[0] = (mix(lo[0], hi[0], t) + fibre) * seam;
        out[1] = (mix(lo[1], hi[1], t) + fibre * 0.7) * seam;
        out[2] = (mix(lo[2], hi[2], t) + fibre * 0.45) * seam;
      };
    }
    case 'fabric': {
      // A bedsheet: weave, soft folds, and (half the time) a printed stripe or check pattern.
      const tint = pastel();
      const print: Rgb = [tint[0] * 0.7, tint[1] * 0.75, tint[2] * 0.9];
      const pattern = Math.floor(random() * 3);
      const period = Math.max(3, m / 180);
      const stripe = m * (0.04 + random() * 0.04);
      return (x, y, out) => {
        const cx = Math.floor(x / period);
        const cy = Math.floor(y / period);
        const fx = (x % period) / period;
        const fy = (y % period) / period;
        const thread = ((cx + cy) & 1) === 0 ? Math.sin(Math.PI * fy) : Math.sin(Math.PI * fx);
        const fold = 0.85 + 0.25 * fbm((x / m) * 2.5, (y / m) * 1.2);
        const k = (0.88 + 0.12 * thread) * fold;
        let on = false;
        if (pattern === 1) on = (x + y * 0.3) % stripe < stripe * 0.35;
        else if (pattern === 2) on = ((Math.floor(x / stripe) + Math.floor(y / stripe)) & 1) === 0;
        const c = on ? print : tint;
        out[0] = c[0] * k;
        out[1] = c[1] * k;
        out[2] = c[2] * k;
      };
    }
    case 'tiles': {
      const size = m * (0.18 + random() * 0.15);
      const base = pastel();
      const grout: Rgb = [base[0] * 0.7, base[1] * 0.7, base[2] * 0.68];
      const offX = random() * size;
      const offY = random() * size;
      return (x, y, out) => {
        const u = (x + offX) / size;
        const v = (y + offY) / (size * 0.8);
        const fu = u - Math.floor(u);
        const fv = v - Math.floor(v);
        if (fu < 0.02 || fv < 0.025) {
          out[0] = grout[0];
          out[1] = grout[1];
          out[2] = grout[2];
          return;
        }
        const tile = noise(Math.floor(u) * 7.3, Math.floor(v) * 3.1) * 0.08 + 0.96;
        const marble = 1 + (fbm((x / m) * 6, (y / m) * 6) - 0.5) * 0.12;
        // Floor sheen: a soft reflection band.
        const sheen = 1 + 0.08 * Math.exp(-(((x / w - 0.6) * 3) ** 2));
        const k = tile * marble * sheen;
        out[0] = base[0] * k;
        out[1] = base[1] * k;
        out[2] = base[2] * k;
      };
    }
    case 'paper': {
      const kraft = random() < 0.4;
      const c: Rgb = kraft ? [196, 164, 122] : [236, 234, 228];
      const crease = random() * w;
      return (x, y, out) => {
        const fibre = (noise((x / m) * 60, (y / m) * 60) - 0.5) * (kraft ? 14 : 6);
        const creaseShade = 1 - 0.06 * Math.exp(-(((x - crease - 0.2 * y) / (0.01 * m)) ** 2));
        const k = (1 + (fbm((x / m) * 3, (y / m) * 3) - 0.5) * 0.06) * creaseShade;
        out[0] = c[0] * k + fibre;
        out[1] = c[1] * k + fibre;
        out[2] = c[2] * k + fibre;
      };
    }
    case 'clutter': {
      // A table with other things on it: coloured blobs and boxes, mostly away from the centre.
      const table: Rgb = [150 + random() * 60, 130 + random() * 50, 110 + random() * 50];
      const things = Array.from({ length: 14 }, () => {
        let x = random() * w;
        let y = random() * h;
        // Keep most of the clutter off the product area in the centre.
        if (Math.abs(x / w - 0.5) < 0.3 && Math.abs(y / h - 0.5) < 0.3)
          x = x < w / 2 ? x * 0.4 : w - (w - x) * 0.4;
        y = Math.max(0, Math.min(h, y));
        return {
          x,
          y,
          rx: m * (0.05 + random() * 0.12),
          ry: m * (0.05 + random() * 0.12),
          round: random() < 0.5,
          c: [random() * 255, random() * 255, random() * 255] as Rgb,
        };
      });
      return (x, y, out) => {
        const k = 0.95 + 0.1 * noise((x / m) * 8, (y / m) * 8);
        out[0] = table[0] * k;
        out[1] = table[1] * k;
        out[2] = table[2] * k;
        for (const t of things) {
          const dx = (x - t.x) / t.rx;
          const dy = (y - t.y) / t.ry;
          const inside = t.round ? dx * dx + dy * dy < 1 : Math.abs(dx) < 1 && Math.abs(dy) < 1;
          if (inside) {
            const shade = 1 - 0.25 * (dy + 1) * 0.5;
            out[0] = t.c[0] * shade;
            out[1] = t.c[1] * shade;
            out[2] = t.c[2] * shade;
          }
        }
      };
    }
    case 'white-on-white': {
      const c = 238 + random() * 12;
      return (x, y, out) => {
        const k = 1 - 0.05 * ((x / w - 0.5) ** 2 + (y / h - 0.5) ** 2);
        out[0] = c * k;
        out[1] = c * k;
        out[2] = (c - 2) * k;
      };
    }
  }
}

// ───────────────────────────── render ───────────────────────────────

function productColour(material: Material, background: Rgb, random: () => number): Rgb {
  switch (material) {
    case 'white':
      return [240 + random() * 12, 240 + random() * 12, 236 + random() * 12];
    case 'dark':
      return [24 + random() * 20, 24 + random() * 20, 28 + random() * 20];
    case 'dark-same-hue':
      // The backdrop's hue at a third of its brightness: separable by lightness only.
      return [background[0] * 0.38, background[1] * 0.38, background[2] * 0.38];
    default: {
      const hue = random() * 6;
      const f = hue - Math.floor(hue);
      const sector = Math.floor(hue);
      const hi = 200;
      const lo = 40;
      const mid = lo + (hi - lo) * (sector % 2 === 0 ? f : 1 - f);
      const table: Rgb[] = [
        [hi, mid, lo],
        [mid, hi, lo],
        [lo, hi, mid],
        [lo, mid, hi],
        [mid, lo, hi],
        [hi, lo, mid],
      ];
      return table[sector]!;
    }
  }
}

export function renderPixels(spec: SceneSpec): { pixels: Buffer; alpha: Buffer } {
  const { width: w, height: h, category, material } = spec;
  const random = mulberry32(spec.seed);
  const m = Math.min(w, h);
  const background = makeBackground(category, w, h, m, random);
  const probe = new Float32Array(3);
  background(w / 2, h / 2, probe);
  const colour = productColour(material, [probe[0]!, probe[1]!, probe[2]!], random);
  let cx = w / 2 + (random() - 0.5) * 0.1 * m;
  const cy = h / 2 + (random() - 0.5) * 0.08 * m;
  if (spec.cutOff) cx = random() < 0.5 ? 0.12 * m : w - 0.12 * m;
  const product = makeProduct(spec.shape, cx, cy, m, colour, random);
  const glossy = material === 'glossy' || material === 'white';
  const specular = material === 'glossy' ? 0.85 : material === 'white' ? 0.3 : 0.25;
  const soft = 0.8 + random() * 1.4;
  const lightX = random() < 0.5 ? -0.45 : 0.45;

  // Cast shadow: the product's own SDF shifted away from the light, very soft, only in 'shadows'.
  const cast = category === 'shadows';
  const castDx = -lightX * 0.25 * m;
  const castDy = 0.06 * m;
  const castStrength = 0.35 + random() * 0.2;
  // Window-blind stripes of shade across the backdrop, half the time in 'shadows'.
  const blinds = cast && random() < 0.5 ? 0.07 * m : 0;
  const uneven = category === 'uneven-light';
  const hotX = (0.3 + random() * 0.4) * w;
  const hotY = (0.25 + random() * 0.3) * h;
  const vignette = uneven ? 0.45 : 0.12;

  const { bounds } = product;
  const pixels = Buffer.alloc(w * h * 3);
  const alpha = Buffer.alloc(w * h);
  const bg = new Float32Array(3);
  const noiseSeed = mulberry32(spec.seed + 99);
  const noiseLevel = 1.5 + random() * 2.5;
  const pw = bounds.x1 - bounds.x0;
  const ph = bounds.y1 - bounds.y0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      background(x + 0.5, y + 0.5, bg);
      // Contact shadow under the product, on the surface.
      const sx = (x - product.footX) / (product.footRx * 1.3);
      const sy = (y - product.footY) / (0.04 * m);
      let shade = 1 - 0.35 * Math.exp(-(sx * sx + sy * sy) * 1.5);
      if (
        cast &&
        x >= bounds.x0 + castDx - 60 &&
        x < bounds.x1 + castDx + 60 &&
        y >= bounds.y0 + castDy - 60 &&
        y < bounds.y1 + castDy + 60
      ) {
        const d = product.sdf(x - castDx, y - castDy);
        shade *= 1 - castStrength * clamp01(0.5 - d / (0.03 * m));
      }
      if (blinds > 0 && (y + x * 0.4) % blinds < blinds * 0.4) shade *= 0.78;
      let r = bg[0]! * shade;
      let g = bg[1]! * shade;
      let b = bg[2]! * shade;
      if (x >= bounds.x0 && x < bounds.x1 && y >= bounds.y0 && y < bounds.y1) {
        const a = clamp01(0.5 - product.sdf(x + 0.5, y + 0.5) / soft);
        if (a > 0) {
          const base = product.baseAt(x + 0.5, y + 0.5);
          const u = ((x - bounds.x0) / pw) * 2 - 1;
          const v = (y - bounds.y0) / ph;
          const nz = Math.sqrt(Math.max(0, 1 - u * u));
          const lambert = Math.max(0, lightX * -u + 0.89 * nz);
          const light = (0.5 + 0.6 * lambert) * (1 - 0.12 * v);
          let spec = Math.exp(-(((u + lightX) / 0.09) ** 2)) * specular;
          if (glossy)
            spec += Math.exp(-(((u - lightX * 0.3) / 0.04) ** 2 + ((v - 0.3) / 0.08) ** 2)) * specular;
          spec = Math.min(1, spec);
          const fr = mix(base[0] * light, 255, spec);
          const fg = mix(base[1] * light, 255, spec);
          const fb = mix(base[2] * light, 255, spec);
          r = r * (1 - a) + fr * a;
          g = g * (1 - a) + fg * a;
          b = b * (1 - a) + fb * a;
          alpha[y * w + x] = Math.round(a * 255);
        }
      }
      // Lighting of the whole scene: vignette, and a flash hotspot for 'uneven-light'.
      const dx = x / w - 0.5;
      const dy = y / h - 0.5;
      let lit = 1 - vignette * (dx * dx + dy * dy) * 2;
      if (uneven) lit += 0.28 * Math.exp(-(((x - hotX) / (0.3 * m)) ** 2 + ((y - hotY) / (0.3 * m)) ** 2));
      const n = noiseLevel;
      const o = (y * w + x) * 3;
      const luma = (noiseSeed() + noiseSeed() - 1) * n;
      pixels[o] = clampByte(r * lit + luma + (noiseSeed() - 0.5) * n);
      pixels[o + 1] = clampByte(g * lit + luma + (noiseSeed() - 0.5) * n);
      pixels[o + 2] = clampByte(b * lit + luma + (noiseSeed() - 0.5) * n);
    }
  }
  return { pixels, alpha };
}

function clamp01(v: number): number {
  return Math.max(0, Math.min(1, v));
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
