/**
 * Backdrops ("background replacement", SPEC §2, local default): solids, linear and radial gradients, a
 * seamless studio sweep and procedural textures. Plain JS over raw RGB; textures are generated at half
 * size and upscaled by sharp (they are smooth at that scale, and it halves the JS work). Everything is
 * deterministic: same step and size, same pixels.
 */
import type { BackgroundStep, Texture } from '../../shared/workflow.js';
import { fromRaw, type RawImage, toRaw } from './sharp.js';

export type Rgb = [number, number, number];

export function parseHex(hex: string): Rgb {
  const match = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  const value = Number.parseInt(match[1]!, 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

export async function renderBackdrop(step: BackgroundStep, width: number, height: number): Promise<RawImage> {
  switch (step.kind) {
    case 'solid':
      return solid(parseHex(step.color), width, height);
    case 'linear':
      return linear(parseHex(step.from), parseHex(step.to), step.angle, width, height);
    case 'radial':
      return radial(parseHex(step.inner), parseHex(step.outer), width, height);
    case 'studio_sweep':
      return studioSweep(parseHex(step.color), width, height);
    case 'texture':
      return texture(
        step.texture,
        step.tint ? parseHex(step.tint) : undefined,
        step.seed ?? 1,
        width,
        height,
      );
  }
}

export function solid(colour: Rgb, width: number, height: number): RawImage {
  const data = Buffer.allocUnsafe(width * height * 3);
  data[0] = colour[0];
  data[1] = colour[1];
  data[2] = colour[2];
  // Doubling copies: ~21 memcpy calls for a 1200² canvas instead of 1.4 M per-pixel writes.
  for (let filled = 3; filled < data.length; filled *= 2)
    data.copy(data, filled, 0, Math.min(filled, data.length - filled));
  return { data, width, height, channels: 3 };
}

/** Fills each pixel from a 0..1 position; the colour ramp is tabulated once (256 steps is below banding). */
function ramp(from: Rgb, to: Rgb, width: number, height: number, at: (x: number, y: number) => number) {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    for (let c = 0; c < 3; c++) table[i * 3 + c] = Math.round(from[c]! + ((to[c]! - from[c]!) * i) / 255);
  }
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = Math.round(Math.min(1, Math.max(0, at(x, y))) * 255) * 3;
      const o = (y * width + x) * 3;
      data[o] = table[i]!;
      data[o + 1] = table[i + 1]!;
      data[o + 2] = table[i + 2]!;
    }
  }
  return { data, width, height, channels: 3 as const };
}

/**
 * CSS `linear-gradient(angle, from, to)` semantics: the gradient line runs through the centre at `angle`
 * (0 = upwards, clockwise) and is just long enough that the corners get exactly `from` and `to`.
 */
function linear(from: Rgb, to: Rgb, angle: number, width: number, height: number): RawImage {
  const radians = (angle * Math.PI) / 180;
  const dx = Math.sin(radians);
  const dy = -Math.cos(radians);
  const half = Math.abs((width / 2) * dx) + Math.abs((height / 2) * dy);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  return ramp(from, to, width, height, (x, y) => 0.5 + ((x - cx) * dx + (y - cy) * dy) / (2 * half));
}

/** `inner` at the centre, `outer` at the corners (a spotlight on the product). */
function radial(inner: Rgb, outer: Rgb, width: number, height: number): RawImage {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const corner = Math.hypot(cx, cy);
  return ramp(inner, outer, width, height, (x, y) => Math.hypot(x - cx, y - cy) / corner);
}

/** Where the wall meets the floor, as a share of the height: behind the product's lower half. */
export const SWEEP_HORIZON = 0.62;

/**
 * A paper sweep lit from the front: the wall darkens slightly towards the curve, the curve is the darkest
 * band (the soft "horizon", a smoothstep over ±6 % of the height, so there is no line), and the floor
 * brightens towards the camera. A mild side vignette keeps the product the brightest thing in the frame.
 */
function studioSweep(colour: Rgb, width: number, height: number): RawImage {
  const horizon = SWEEP_HORIZON * height;
  const soft = 0.06 * height;
  const rowLight = new Float32Array(height);
  for (let y = 0; y < height; y++) {
    const wall = 1 - 0.08 * (y / horizon);
    const floor = 0.88 + 0.12 * Math.min(1, (y - horizon) / (height - horizon));
    const t = Math.min(1, Math.max(0, (y - horizon + soft) / (2 * soft)));
    const blend = t * t * (3 - 2 * t);
    // Both sides meet at 0.88–0.92 and the blend dips a little further: the shadowed curve of the paper.
    const dip = 0.035 * Math.exp(-0.5 * ((y - horizon) / soft) ** 2);
    rowLight[y] = wall * (1 - blend) + Math.max(floor, 0.88) * blend - dip;
  }
  const colLight = new Float32Array(width);
  for (let x = 0; x < width; x++) colLight[x] = 1 - 0.05 * ((2 * x) / (width - 1) - 1) ** 2;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = rowLight[y]! * colLight[x]!;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) data[o + c] = Math.min(255, Math.round(colour[c]! * light));
    }
  }
  return { data, width, height, channels: 3 };
}

/** Natural colours of the textures: [light, dark]. */
const TEXTURE_COLOURS: Record<Texture, [Rgb, Rgb]> = {
  marble: [
    [242, 240, 237],
    [150, 148, 150],
  ],
  wood: [
    [196, 152, 108],
    [132, 88, 56],
  ],
  linen: [
    [236, 229, 216],
    [200, 190, 172],
  ],
  concrete: [
    [190, 188, 184],
    [140, 138, 134],
  ],
};

async function texture(
  kind: Texture,
  tint: Rgb | undefined,
  seed: number,
  width: number,
  height: number,
): Promise<RawImage> {
  // Generated at half size: the patterns are smooth at that scale, and it halves the JS work.
  const w = Math.max(1, Math.ceil(width / 2));
  const h = Math.max(1, Math.ceil(height / 2));
  const noise = new ValueNoise(seed);
  const [light, dark] = TEXTURE_COLOURS[kind];
  const scale = 1 / Math.max(w, h);
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // u, v in 0..1 of the longer side, so the pattern keeps its size whatever the aspect ratio.
      const u = x * scale;
      const v = y * scale;
      let t: number; // 0 = light, 1 = dark
      switch (kind) {
        case 'marble': {
          // Veins: a sine across the slab, bent by turbulence; sharp and dark only near its zero crossings.
          const turbulence = noise.fractal(u * 4, v * 4, 5);
          const vein = Math.abs(Math.sin((u * 2.2 + v * 1.2) * Math.PI + turbulence * 4));
          t = 0.6 * (1 - vein) ** 6 + 0.15 * noise.fractal(u * 10 + 50, v * 10, 3);
          break;
        }
        case 'wood': {
          // Planks along x: rings are stripes in v, stretched along u and warped by low-frequency noise.
          const warp = noise.fractal(u * 2, v * 10, 3);
          const ring = (v * 28 + warp * 3) % 1;
          const grain = noise.fractal(u * 40, v * 200, 2);
          t = 0.55 * ring ** 3 + 0.3 * grain + 0.15 * noise.fractal(u * 3, v * 3, 2);
          break;
        }
        case 'linen': {
          // A fine weave: two crossing thread patterns, each thread's thickness jittered by noise.
          const warpThread = 0.5 + 0.5 * Math.sin(x * 1.9 + noise.fractal(u * 30, v * 30, 2) * 2);
          const weftThread = 0.5 + 0.5 * Math.sin(y * 1.9 + noise.fractal(u * 30 + 9, v * 30, 2) * 2);
          t = 0.35 * warpThread * weftThread + 0.35 * noise.fractal(u * 60, v * 6, 2);
          break;
        }
        case 'concrete': {
          // Cloudy unevenness plus pores: fine noise pushed through a high threshold.
          const cloud = noise.fractal(u * 6, v * 6, 5);
          const pore = noise.fractal(u * 120, v * 120, 1) > 0.78 ? 0.35 : 0;
          t = 0.6 * cloud + pore;
          break;
        }
      }
      t = Math.min(1, Math.max(0, t));
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) {
        const natural = light[c]! + (dark[c]! - light[c]!) * t;
        data[o + c] = Math.round(tint ? (natural * tint[c]!) / 255 : natural);
      }
    }
  }
  return toRaw(fromRaw({ data, width: w, height: h, channels: 3 }).resize(width, height, { fit: 'fill' }), 3);
}

/**
 * Seeded 2-D value noise (integer lattice, hashed corner values, smoothstep interpolation) with octaves.
 * Our own few lines instead of a package: the output must never change under us (deterministic backdrops).
 */
class ValueNoise {
  constructor(private readonly seed: number) {}

  private corner(ix: number, iy: number): number {
    // A 32-bit integer hash (Wang-style mix) of lattice point and seed, to 0..1.
    let h = (ix * 374_761_393 + iy * 668_265_263 + this.seed * 2_147_483_647) | 0;
    h = Math.imul(h ^ (h >>> 13), 1_274_126_177);
    h ^= h >>> 16;
    return (h >>> 0) / 4_294_967_295;
  }

  at(x: number, y: number): number {
    const ix = Math.floor(x);
    const iy = Math.floor(y);
    const fx = x - ix;
    const fy = y - iy;
    const sx = fx * fx * (3 - 2 * fx);
    const sy = fy * fy * (3 - 2 * fy);
    const top = this.corner(ix, iy) + (this.corner(ix + 1, iy) - this.corner(ix, iy)) * sx;
    const bottom = this.corner(ix, iy + 1) + (this.corner(ix + 1, iy + 1) - this.corner(ix, iy + 1)) * sx;
    return top + (bottom - top) * sy;
  }

  /** Sum of `octaves` layers, each twice the frequency and half the weight; 0..1. */
  fractal(x: number, y: number, octaves: number): number {
    let sum = 0;
    let weight = 1;
    let total = 0;
    for (let o = 0; o < octaves; o++) {
      sum += this.at(x * 2 ** o, y * 2 ** o) * weight;
      total += weight;
      weight /= 2;
    }
    return sum / total;
  }
}
