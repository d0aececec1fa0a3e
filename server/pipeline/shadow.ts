import type { ShadowStep } from '../../shared/workflow.js';
import { parseHex } from './backdrop.js';
import { fromRaw, type RawImage, toRaw } from './sharp.js';

/**
 * A soft floor shadow rendered from the product's matte ("shadow: natural (floor)", SPEC §2). Two layers,
 * both separable so they cost O(width × rows) rather than a large 2-D blur:
 *  - contact: dark and tight, under the columns where the product actually touches the floor (its bottom
 *    footprint);
 *  - ambient: lighter and wider, under the product's whole silhouette squashed onto the floor line.
 * Each layer is a column profile blurred horizontally times a vertical falloff around the floor line.
 */

export interface ShadowOptions {
  /** Peak opacity of the contact layer. @defaultValue 0.3 */
  contactOpacity?: number;
  /** Peak opacity of the ambient layer. @defaultValue 0.16 */
  ambientOpacity?: number;
  /** Upper bound of the combined opacity. @defaultValue 0.35 */
  maxOpacity?: number;
  /** Multiplies both layers' softness (blur widths). @defaultValue 1 */
  spread?: number;
}

export interface ShadowLayer {
  /** Shadow opacity 0..1 for canvas rows top..top+rows−1 and columns left..left+width−1. */
  opacity: Float32Array;
  left: number;
  top: number;
  width: number;
  rows: number;
  /** What the shadow darkens towards. @defaultValue black */
  color?: [number, number, number];
}

/**
 * @param alpha the product matte as placed on the canvas (`width` × `height`, 0..255)
 * @param place where that matte sits on the canvas
 * @param canvas canvas size; the shadow scales with it and is clipped to it
 */
export function renderFloorShadow(
  alpha: Uint8Array,
  width: number,
  height: number,
  place: { left: number; top: number },
  canvas: { width: number; height: number },
  options: ShadowOptions = {},
): ShadowLayer {
  const contactOpacity = options.contactOpacity ?? 0.3;
  const ambientOpacity = options.ambientOpacity ?? 0.16;
  const maxOpacity = options.maxOpacity ?? 0.35;
  const size = Math.min(canvas.width, canvas.height);

  // Floor line: the lowest row that is mostly product somewhere.
  let floor = height - 1;
  while (floor > 0 && !rowHasProduct(alpha, width, floor)) floor--;
  const footprintRows = Math.max(2, Math.round(height * 0.04));
  const contact = new Float32Array(width);
  const silhouette = new Float32Array(width);
  for (let y = 0; y <= floor; y++) {
    const inFootprint = y > floor - footprintRows;
    for (let x = 0; x < width; x++) {
      const a = alpha[y * width + x]! / 255;
      if (a > silhouette[x]!) silhouette[x] = a;
      if (inFootprint && a > contact[x]!) contact[x] = a;
    }
  }

  const spread = options.spread ?? 1;
  const contactSigmaX = size * 0.008 * spread;
  const contactSigmaY = Math.max(0.5, size * 0.007 * spread);
  const ambientSigmaX = size * 0.03 * spread;
  const ambientSigmaY = Math.max(0.5, size * 0.022 * spread);
  const pad = Math.ceil(ambientSigmaX * 3);
  const layerWidth = width + 2 * pad;
  const contactProfile = blur1d(padded(contact, pad), contactSigmaX);
  const ambientProfile = blur1d(padded(silhouette, pad), ambientSigmaX);

  // Rows from a little above the floor line (rounded bottoms reveal the shadow there) to the fade-out.
  const floorY = place.top + floor;
  const top = Math.max(0, Math.round(floorY - 2 * contactSigmaY));
  const bottom = Math.min(canvas.height, Math.round(floorY + 3 * ambientSigmaY));
  const left = place.left - pad;
  const rows = Math.max(0, bottom - top);
  const opacity = new Float32Array(layerWidth * rows);
  for (let r = 0; r < rows; r++) {
    const dy = top + r - floorY;
    // Contact centred on the floor line; ambient centred slightly below it (light from above-front).
    const vc = Math.exp(-0.5 * (dy / contactSigmaY) ** 2) * contactOpacity;
    const va = Math.exp(-0.5 * ((dy - ambientSigmaY * 0.4) / ambientSigmaY) ** 2) * ambientOpacity;
    for (let x = 0; x < layerWidth; x++) {
      const o = 1 - (1 - contactProfile[x]! * vc) * (1 - ambientProfile[x]! * va);
      opacity[r * layerWidth + x] = Math.min(maxOpacity, o);
    }
  }
  return { opacity, left, top, width: layerWidth, rows };
}

function rowHasProduct(alpha: Uint8Array, width: number, y: number): boolean {
  for (let x = 0; x < width; x++) if (alpha[y * width + x]! >= 128) return true;
  return false;
}

function padded(values: Float32Array, pad: number): Float32Array {
  const out = new Float32Array(values.length + 2 * pad);
  out.set(values, pad);
  return out;
}

/** Gaussian blur of a 1-D profile as three box passes (within a few % of a true Gaussian). */
function blur1d(values: Float32Array, sigma: number): Float32Array {
  // Box width for three passes: w = sqrt(12σ²/3 + 1) (Kovesi, "Fast almost-Gaussian filtering").
  const radius = Math.max(0, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  let current = values;
  for (let pass = 0; pass < 3; pass++) current = boxBlur(current, radius);
  return current;
}

function boxBlur(values: Float32Array, radius: number): Float32Array {
  if (radius === 0) return values;
  const n = values.length;
  const out = new Float32Array(n);
  const windowSize = 2 * radius + 1;
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += i >= 0 && i < n ? values[i]! : 0;
  for (let i = 0; i < n; i++) {
    out[i] = sum / windowSize;
    const leaving = i - radius;
    const entering = i + radius + 1;
    if (leaving >= 0) sum -= values[leaving]!;
    if (entering < n) sum += values[entering]!;
  }
  return out;
}

/** Ambient softness of the built-in floor shadow, as a share of the canvas side (see renderFloorShadow). */
const FLOOR_BLUR_SHARE = 0.03;
/** Built-in peak opacities of the floor shadow at its built-in maximum of 0.35. */
const FLOOR_OPACITY = { contact: 0.3, ambient: 0.16, max: 0.35 };

/**
 * The shadow step's layer under the product. `pxScale` converts the step's px (at the output preset's
 * nominal size) to this canvas (smaller under the free-tier cap). Reflections are not a darkening layer:
 * see {@link renderReflection}.
 */
export async function renderShadow(
  step: ShadowStep & { kind: 'natural' | 'drop' },
  alpha: Uint8Array,
  width: number,
  height: number,
  place: { left: number; top: number },
  canvas: { width: number; height: number },
  pxScale: number,
): Promise<ShadowLayer> {
  const color = parseHex(step.color);
  if (step.kind === 'natural') {
    // Opacity scales the built-in layers proportionally; blur is the ambient softness in px.
    const k = step.opacity / FLOOR_OPACITY.max;
    const size = Math.min(canvas.width, canvas.height);
    const layer = renderFloorShadow(alpha, width, height, place, canvas, {
      contactOpacity: FLOOR_OPACITY.contact * k,
      ambientOpacity: FLOOR_OPACITY.ambient * k,
      maxOpacity: step.opacity,
      spread: (step.blur * pxScale) / (size * FLOOR_BLUR_SHARE),
    });
    return { ...layer, color };
  }
  return { ...(await renderDropShadow(step, alpha, width, height, place, pxScale)), color };
}

/**
 * A drop shadow: the matte, blurred (σ = blur / 2 px), moved `distance` px in the direction `angle`
 * (clockwise from up), at `opacity`. libvips does the 2-D blur; the layer covers the blurred extent only.
 */
export async function renderDropShadow(
  step: Pick<ShadowStep, 'opacity' | 'blur' | 'angle' | 'distance'>,
  alpha: Uint8Array,
  width: number,
  height: number,
  place: { left: number; top: number },
  pxScale: number,
): Promise<ShadowLayer> {
  const sigma = (step.blur * pxScale) / 2;
  const pad = Math.ceil(sigma * 3);
  const radians = (step.angle * Math.PI) / 180;
  const dx = Math.round(Math.sin(radians) * step.distance * pxScale);
  const dy = Math.round(-Math.cos(radians) * step.distance * pxScale);
  let pipeline = fromRaw({
    data: Buffer.from(alpha.buffer, alpha.byteOffset, alpha.byteLength),
    width,
    height,
    channels: 1,
  }).extend({ top: pad, bottom: pad, left: pad, right: pad, background: '#000000' });
  // sharp's Gaussian needs σ ≥ 0.3; below that the edge is hard anyway.
  if (sigma >= 0.3) pipeline = pipeline.blur(sigma);
  const blurred = await toRaw(pipeline, 1);
  const opacity = new Float32Array(blurred.width * blurred.height);
  for (let i = 0; i < opacity.length; i++) opacity[i] = (blurred.data[i]! / 255) * step.opacity;
  return {
    opacity,
    left: place.left + dx - pad,
    top: place.top + dy - pad,
    width: blurred.width,
    rows: blurred.height,
  };
}

export interface ReflectionLayer {
  /** The mirrored product, RGB, and its coverage 0..1 (matte × fade × opacity). */
  image: RawImage;
  coverage: Float32Array;
  place: { left: number; top: number };
}

/** How far below the product the reflection fades to nothing, as a share of the product's height. */
const REFLECTION_LENGTH = 0.4;

/**
 * A glossy-floor reflection: the product mirrored about its lowest row, `distance` px below it, fading
 * from `opacity` to 0 over 40 % of the product's height, optionally softened (σ = blur / 2 px).
 */
export async function renderReflection(
  step: Pick<ShadowStep, 'opacity' | 'blur' | 'distance'>,
  product: RawImage,
  alpha: Uint8Array,
  place: { left: number; top: number },
  pxScale: number,
): Promise<ReflectionLayer | undefined> {
  const { width, height } = product;
  let floor = height - 1;
  while (floor > 0 && !rowHasProduct(alpha, width, floor)) floor--;
  const rows = Math.min(floor + 1, Math.max(1, Math.round((floor + 1) * REFLECTION_LENGTH)));
  const rgba = Buffer.alloc(width * rows * 4);
  for (let r = 0; r < rows; r++) {
    const source = floor - r; // row r of the reflection mirrors row floor − r of the product
    for (let x = 0; x < width; x++) {
      const from = (source * width + x) * product.channels;
      const to = (r * width + x) * 4;
      rgba[to] = product.data[from]!;
      rgba[to + 1] = product.data[from + 1]!;
      rgba[to + 2] = product.data[from + 2]!;
      rgba[to + 3] = alpha[source * width + x]!;
    }
  }
  const sigma = (step.blur * pxScale) / 2;
  let pixels: RawImage = { data: rgba, width, height: rows, channels: 4 };
  if (sigma >= 0.3) pixels = await toRaw(fromRaw(pixels).blur(sigma), 4);
  const rgb = Buffer.alloc(width * rows * 3);
  const coverage = new Float32Array(width * rows);
  for (let r = 0; r < rows; r++) {
    const fade = (1 - r / rows) ** 2 * step.opacity;
    for (let x = 0; x < width; x++) {
      const p = r * width + x;
      rgb[p * 3] = pixels.data[p * 4]!;
      rgb[p * 3 + 1] = pixels.data[p * 4 + 1]!;
      rgb[p * 3 + 2] = pixels.data[p * 4 + 2]!;
      coverage[p] = (pixels.data[p * 4 + 3]! / 255) * fade;
    }
  }
  if (step.opacity === 0) return undefined;
  return {
    image: { data: rgb, width, height: rows, channels: 3 },
    coverage,
    place: { left: place.left, top: place.top + floor + 1 + Math.round(step.distance * pxScale) },
  };
}
