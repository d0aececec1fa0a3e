/**
 * Realistic-enough listing photos with a known answer: a shaded product (bottle or box, lighting gradient,
 * specular highlight, a soft shadow on the surface it stands on) on a textured background, plus camera
 * noise, JPEG-encoded. The truth alpha is the product's anti-aliased coverage. Used by the pipeline tests
 * and by the marketplace sandbox for demo listings. Same options + seed → same bytes.
 */
import { mulberry32 } from '../gmm.js';
import { sharp } from '../sharp.js';

export type SyntheticBackground = 'wood' | 'fabric' | 'plain' | 'gradient';

export interface SyntheticPhotoOptions {
  /** @defaultValue 1200 */
  width?: number;
  /** @defaultValue 1200 */
  height?: number;
  /** @defaultValue 1 */
  seed?: number;
  /** @defaultValue 'wood' */
  background?: SyntheticBackground;
  /** `#rrggbb`. @defaultValue '#2f6fd0' */
  objectColor?: string;
  /** @defaultValue 'bottle' */
  shape?: 'bottle' | 'box';
}

export interface SyntheticPhoto {
  /** JPEG bytes (quality 92, no metadata). */
  image: Buffer;
  /** 1-channel truth coverage of the product, 0..255, width × height. */
  alpha: Buffer;
  width: number;
  height: number;
  /** Bounding box of alpha > 0. */
  box: { left: number; top: number; width: number; height: number };
}

type Rgb = [number, number, number];

export async function makeProductPhoto(options: SyntheticPhotoOptions = {}): Promise<SyntheticPhoto> {
  const { pixels, alpha, width, height } = renderProductPhoto(options);
  const image = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
  return { image, alpha, width, height, box: boundingBox(alpha, width, height) };
}

/** The raw RGB pixels behind {@link makeProductPhoto}, for tests that need other encodings. */
export function renderProductPhoto(options: SyntheticPhotoOptions = {}): {
  pixels: Buffer;
  alpha: Buffer;
  width: number;
  height: number;
} {
  const width = options.width ?? 1200;
  const height = options.height ?? 1200;
  const seed = options.seed ?? 1;
  const background = options.background ?? 'wood';
  const colour = parseHex(options.objectColor ?? '#2f6fd0');
  const shape = options.shape ?? 'bottle';
  const random = mulberry32(seed * 7919 + 17);
  const noise = valueNoise(seed);
  const m = Math.min(width, height);

  // Product geometry in pixels, jittered a little by the seed.
  const cx = width / 2 + (random() - 0.5) * 0.08 * m;
  const cy = height / 2 + (random() - 0.5) * 0.06 * m;
  const product = shape === 'bottle' ? bottle(cx, cy, m, colour, random) : box(cx, cy, m, colour, random);
  const plankOffset = random();
  const fabricTint: Rgb = random() < 0.5 ? [196, 186, 168] : [150, 160, 178];

  const pixels = Buffer.alloc(width * height * 3);
  const alpha = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bg = backgroundAt(background, x, y, width, height, m, noise, plankOffset, fabricTint);
      // Soft contact shadow of the product on the surface, offset towards the light's far side.
      const sx = (x - product.shadowX) / product.shadowRx;
      const sy = (y - product.shadowY) / product.shadowRy;
      const shade = 1 - 0.38 * Math.exp(-(sx * sx + sy * sy) * 1.6);
      let r = bg[0] * shade;
      let g = bg[1] * shade;
      let b = bg[2] * shade;
      const { bounds } = product;
      const inside = x >= bounds.x0 && x < bounds.x1 && y >= bounds.y0 && y < bounds.y1;
      const coverage = inside ? product.coverage(x + 0.5, y + 0.5) : 0;
      if (coverage > 0) {
        const fg = product.colourAt(x + 0.5, y + 0.5);
        r = r * (1 - coverage) + fg[0] * coverage;
        g = g * (1 - coverage) + fg[1] * coverage;
        b = b * (1 - coverage) + fg[2] * coverage;
        alpha[y * width + x] = Math.round(coverage * 255);
      }
      // Sensor noise: sum of three uniforms ≈ Gaussian, σ ≈ 2.5 levels.
      const o = (y * width + x) * 3;
      pixels[o] = clampByte(r + (random() + random() + random() - 1.5) * 5);
      pixels[o + 1] = clampByte(g + (random() + random() + random() - 1.5) * 5);
      pixels[o + 2] = clampByte(b + (random() + random() + random() - 1.5) * 5);
    }
  }
  return { pixels, alpha, width, height };
}

interface Product {
  /** Pixels outside [x0, x1) × [y0, y1) have zero coverage (skips the SDF for most of the frame). */
  bounds: { x0: number; y0: number; x1: number; y1: number };
  coverage(x: number, y: number): number;
  colourAt(x: number, y: number): Rgb;
  shadowX: number;
  shadowY: number;
  shadowRx: number;
  shadowRy: number;
}

function bottle(cx: number, cy: number, m: number, colour: Rgb, random: () => number): Product {
  const bodyHalfW = (0.14 + random() * 0.03) * m;
  const bodyHalfH = 0.21 * m;
  const neckHalfW = 0.065 * m;
  const neckHalfH = 0.07 * m;
  const capHalfW = 0.075 * m;
  const capHalfH = 0.035 * m;
  const total = 2 * (bodyHalfH + neckHalfH + capHalfH);
  const bottom = cy + total / 2;
  const bodyCy = bottom - bodyHalfH;
  const neckCy = bodyCy - bodyHalfH - neckHalfH + 0.02 * m;
  const capCy = neckCy - neckHalfH - capHalfH + 0.005 * m;
  const sdf = (x: number, y: number): number =>
    Math.min(
      roundRect(x, y, cx, bodyCy, bodyHalfW, bodyHalfH, 0.05 * m),
      roundRect(x, y, cx, neckCy, neckHalfW, neckHalfH, 0.02 * m),
      roundRect(x, y, cx, capCy, capHalfW, capHalfH, 0.01 * m),
    );
  const cap: Rgb = [58, 58, 64];
  const top = capCy - capHalfH;
  return {
    bounds: {
      x0: Math.floor(cx - bodyHalfW - 2),
      y0: Math.floor(top - 2),
      x1: Math.ceil(cx + bodyHalfW + 2),
      y1: Math.ceil(bottom + 2),
    },
    coverage: (x, y) => clamp01(0.5 - sdf(x, y)),
    colourAt: (x, y) => {
      const isCap = y < capCy + capHalfH - 0.002 * m;
      const halfW = isCap ? capHalfW : y < bodyCy - bodyHalfH + 0.03 * m ? neckHalfW : bodyHalfW;
      return cylinderShade(isCap ? cap : colour, (x - cx) / halfW, (y - (bottom - total)) / total);
    },
    shadowX: cx + 0.05 * m,
    shadowY: bottom + 0.005 * m,
    shadowRx: bodyHalfW * 1.6,
    shadowRy: 0.045 * m,
  };
}

function box(cx: number, cy: number, m: number, colour: Rgb, random: () => number): Product {
  const halfW = (0.24 + random() * 0.04) * m;
  const halfH = 0.2 * m;
  const top = cy - halfH;
  const lid = top + 0.07 * m;
  const lidColour: Rgb = [
    Math.min(255, colour[0] * 1.15 + 20),
    Math.min(255, colour[1] * 1.15 + 20),
    Math.min(255, colour[2] * 1.15 + 20),
  ];
  return {
    bounds: {
      x0: Math.floor(cx - halfW - 2),
      y0: Math.floor(cy - halfH - 2),
      x1: Math.ceil(cx + halfW + 2),
      y1: Math.ceil(cy + halfH + 2),
    },
    coverage: (x, y) => clamp01(0.5 - roundRect(x, y, cx, cy, halfW, halfH, 0.015 * m)),
    colourAt: (x, y) => {
      const u = (x - cx) / halfW;
      const v = (y - top) / (2 * halfH);
      const base = y < lid ? lidColour : colour;
      // Flat faces: a gentle left-to-right light falloff and a highlight along the lid edge.
      const light = 1.05 - 0.2 * (u + 1) * 0.5 - 0.1 * v;
      const spec = Math.exp(-(((y - lid) / (0.006 * m)) ** 2)) * 0.5;
      return [
        mix(base[0] * light, 255, spec),
        mix(base[1] * light, 255, spec),
        mix(base[2] * light, 255, spec),
      ];
    },
    shadowX: cx + 0.05 * m,
    shadowY: cy + halfH + 0.005 * m,
    shadowRx: halfW * 1.2,
    shadowRy: 0.05 * m,
  };
}

/** A cylinder lit from the upper left: Lambert on the curved surface plus a vertical specular stripe. */
function cylinderShade(colour: Rgb, u: number, v: number): Rgb {
  const nx = Math.max(-1, Math.min(1, u));
  const nz = Math.sqrt(1 - nx * nx);
  const lambert = Math.max(0, -0.45 * nx + 0.89 * nz);
  const light = (0.38 + 0.72 * lambert) * (1 - 0.12 * v);
  const spec = Math.exp(-(((nx + 0.42) / 0.1) ** 2)) * 0.7;
  return [
    mix(colour[0] * light, 255, spec),
    mix(colour[1] * light, 255, spec),
    mix(colour[2] * light, 255, spec),
  ];
}

function backgroundAt(
  kind: SyntheticBackground,
  x: number,
  y: number,
  width: number,
  height: number,
  m: number,
  noise: (x: number, y: number) => number,
  plankOffset: number,
  fabricTint: Rgb,
): Rgb {
  const X = (x / m) * 10;
  const Y = (y / m) * 10;
  switch (kind) {
    case 'wood': {
      // Grain: bands along x, warped by low-frequency noise; fibres; plank seams.
      const t = 0.5 + 0.5 * Math.sin(2 * Math.PI * (Y * 0.9 + 1.6 * fbm(noise, X * 0.25, Y * 0.6)));
      const fibre = (noise(X * 6, Y * 40) - 0.5) * 22;
      const seam = ((Y / 10) * 4.5 + plankOffset) % 1 < 0.012 ? 0.55 : 1;
      const k = t ** 0.7;
      return [
        (mix(118, 178, k) + fibre) * seam,
        (mix(76, 124, k) + fibre * 0.7) * seam,
        (mix(44, 78, k) + fibre * 0.45) * seam,
      ];
    }
    case 'fabric': {
      // Plain weave: over/under threads alternating per cell, with slow dye variation.
      const period = Math.max(3, m / 160);
      const cellX = Math.floor(x / period);
      const cellY = Math.floor(y / period);
      const fx = (x % period) / period;
      const fy = (y % period) / period;
      const thread = ((cellX + cellY) & 1) === 0 ? Math.sin(Math.PI * fy) : Math.sin(Math.PI * fx);
      const k = (0.8 + 0.2 * thread) * (0.94 + 0.12 * fbm(noise, X * 0.4, Y * 0.4));
      return [fabricTint[0] * k, fabricTint[1] * k, fabricTint[2] * k];
    }
    case 'plain': {
      const dx = x / width - 0.5;
      const dy = y / height - 0.5;
      const k = 1 - 0.25 * (dx * dx + dy * dy) + (noise(X * 2, Y * 2) - 0.5) * 0.02;
      return [232 * k, 230 * k, 226 * k];
    }
    case 'gradient': {
      const t = y / height;
      return [mix(238, 190, t), mix(236, 200, t), mix(232, 216, t)];
    }
  }
}

function roundRect(x: number, y: number, cx: number, cy: number, hw: number, hh: number, r: number): number {
  const qx = Math.abs(x - cx) - (hw - r);
  const qy = Math.abs(y - cy) - (hh - r);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - r;
}

/** Smooth value noise in [0, 1): hashed lattice values with quintic interpolation. */
export function valueNoise(seed: number): (x: number, y: number) => number {
  const hash = (ix: number, iy: number): number => {
    let h = Math.imul(ix, 374761393) ^ Math.imul(iy, 668265263) ^ Math.imul(seed, 2246822519);
    h = Math.imul(h ^ (h >>> 13), 1274126177);
    return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
  };
  const fade = (t: number): number => t * t * t * (t * (t * 6 - 15) + 10);
  return (x, y) => {
    const ix = Math.floor(x);
    const iy = Math.floor(y);
    const fx = fade(x - ix);
    const fy = fade(y - iy);
    const top = mix(hash(ix, iy), hash(ix + 1, iy), fx);
    const bottom = mix(hash(ix, iy + 1), hash(ix + 1, iy + 1), fx);
    return mix(top, bottom, fy);
  };
}

function fbm(noise: (x: number, y: number) => number, x: number, y: number): number {
  return (noise(x, y) * 4 + noise(x * 2.03, y * 2.03) * 2 + noise(x * 4.01, y * 4.01)) / 7;
}

function boundingBox(alpha: Buffer, width: number, height: number): SyntheticPhoto['box'] {
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (alpha[y * width + x]! > 0) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  return right < 0
    ? { left: 0, top: 0, width: 0, height: 0 }
    : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

export function parseHex(hex: string): Rgb {
  const match = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  const value = Number.parseInt(match[1]!, 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

export function mix(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
