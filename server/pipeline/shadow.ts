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
}

export interface ShadowLayer {
  /** Shadow opacity 0..1 for canvas rows top..top+rows−1 and columns left..left+width−1. */
  opacity: Float32Array;
  left: number;
  top: number;
  width: number;
  rows: number;
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

  const contactSigmaX = size * 0.008;
  const contactSigmaY = size * 0.007;
  const ambientSigmaX = size * 0.03;
  const ambientSigmaY = size * 0.022;
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
