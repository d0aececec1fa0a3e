/**
 * Seed listing photos for the sandbox shops: a shaded product on a textured backdrop, different per seed.
 * Drawn as SVG and rasterised by sharp so start-up stays fast (~10 images well under a second) and the
 * output is deterministic for a seed (no sharp noise, which is unseeded).
 *
 * Deliberately self-contained: the sandboxes stand in for the marketplaces and must not depend on product code
 * (server/pipeline has its own generator for pipeline tests).
 */
import sharp from 'sharp';

/** mulberry32: tiny seeded PRNG, good enough for picking colours and shapes. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PRODUCT_SHAPES = ['bottle', 'box', 'shirt', 'mug', 'bag'] as const;
export type ProductShape = (typeof PRODUCT_SHAPES)[number];

export interface SandboxPhotoOptions {
  seed: number;
  /** Square edge in pixels. @defaultValue 800 */
  size?: number;
  /** Which object to draw; picked from the seed when omitted. */
  shape?: ProductShape;
}

const hsl = (h: number, s: number, l: number): string =>
  `hsl(${Math.round(h) % 360} ${Math.round(s)}% ${Math.round(l)}%)`;

/** The product silhouette in a 0..100 box centred at (50, 50); shading comes from the fill gradient. */
function shapePath(shape: ProductShape): string {
  switch (shape) {
    case 'bottle':
      return 'M44 8h12v10c0 4 10 8 10 18v52c0 4-3 6-6 6H40c-3 0-6-2-6-6V36c0-10 10-14 10-18z';
    case 'box':
      return 'M18 34l32-14 32 14v42L50 92 18 76zM18 34l32 14 32-14M50 48v44';
    case 'shirt':
      return 'M34 12l-22 12 8 18 8-4v52h44V38l8 4 8-18-22-12c-2 6-8 10-16 10s-14-4-16-10z';
    case 'mug':
      return 'M22 26h44v50c0 8-6 12-14 12H36c-8 0-14-4-14-12zM66 38c14 0 16 6 16 12s-4 14-16 14v-7c6 0 9-3 9-7s-2-5-9-5z';
    case 'bag':
      return 'M20 36h60l-6 54H26zM36 36c0-14 6-22 14-22s14 8 14 22h-6c0-10-3-16-8-16s-8 6-8 16z';
  }
}

function photoSvg(seed: number, size: number, shape: ProductShape): string {
  const rnd = seededRandom(seed);
  const hue = rnd() * 360;
  const backHue = (hue + 150 + rnd() * 60) % 360;
  const wallTop = hsl(backHue, 20 + rnd() * 20, 86 + rnd() * 8);
  const wallBottom = hsl(backHue, 18 + rnd() * 18, 74 + rnd() * 8);
  const table = hsl(backHue + 20, 15 + rnd() * 15, 62 + rnd() * 10);
  const horizon = 62 + rnd() * 10;
  const motifScale = 3 + rnd() * 4;
  const objScale = 0.5 + rnd() * 0.15;
  const objX = 50 + (rnd() - 0.5) * 12;
  const base = horizon + 12 + rnd() * 6; // where the object stands on the table
  const objY = base - 92 * objScale; // the silhouettes end at y≈92 in their 0..100 box
  const light = rnd() < 0.5 ? 0 : 100; // which side the key light comes from
  const body = hsl(hue, 45 + rnd() * 35, 38 + rnd() * 18);
  const bodyDark = hsl(hue, 50, 18 + rnd() * 8);
  const bodyLight = hsl(hue, 55, 68 + rnd() * 12);
  // Batik-like motif: the "texture" a real photo's fabric or wall would give the background model.
  const motif = `<pattern id="m" width="${motifScale}" height="${motifScale}" patternUnits="userSpaceOnUse">
    <circle cx="${motifScale / 2}" cy="${motifScale / 2}" r="${motifScale * 0.18}" fill="${hsl(backHue + 30, 30, 50)}" opacity="0.18"/>
    <path d="M0 0L${motifScale / 2} ${motifScale * 0.15}L${motifScale} 0" stroke="${hsl(backHue - 30, 25, 45)}" stroke-width="0.15" fill="none" opacity="0.25"/>
  </pattern>`;
  // Table grain as one path of faint wavy lines (a fine SVG pattern costs ~100 ms per image in librsvg).
  let grain = '';
  for (let y = horizon + 1; y < 100; y += 0.8 + rnd() * 1.6) {
    grain += `M0 ${y.toFixed(1)}Q50 ${(y + (rnd() - 0.5) * 3).toFixed(1)} 100 ${(y + (rnd() - 0.5) * 2).toFixed(1)}`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">
  <defs>
    <linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${wallTop}"/><stop offset="1" stop-color="${wallBottom}"/></linearGradient>
    <linearGradient id="body" x1="${light}%" y1="0" x2="${100 - light}%" y2="0.3">
      <stop offset="0" stop-color="${bodyLight}"/><stop offset="0.45" stop-color="${body}"/><stop offset="1" stop-color="${bodyDark}"/>
    </linearGradient>
    <radialGradient id="shadow"><stop offset="0" stop-color="#000" stop-opacity="0.45"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>
    <radialGradient id="vignette" r="0.75"><stop offset="0.6" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.22"/></radialGradient>
    ${motif}
  </defs>
  <rect width="100" height="100" fill="url(#wall)"/>
  <rect width="100" height="${horizon}" fill="url(#m)"/>
  <rect y="${horizon}" width="100" height="${100 - horizon}" fill="${table}"/>
  <path d="${grain}" stroke="#000" stroke-width="0.12" fill="none" opacity="0.12"/>
  <ellipse cx="${objX + (light === 0 ? 4 : -4)}" cy="${base - 1}" rx="${objScale * 38}" ry="${objScale * 7}" fill="url(#shadow)"/>
  <g transform="translate(${objX - 50 * objScale} ${objY}) scale(${objScale})">
    <path d="${shapePath(shape)}" fill="url(#body)" stroke="${bodyDark}" stroke-width="0.6"/>
    <path d="M${light === 0 ? 38 : 58} 40h4v36h-4z" fill="#fff" opacity="0.22"/>
  </g>
  <rect width="100" height="100" fill="url(#vignette)"/>
</svg>`;
}

/** A JPEG product photo (size × size) for a seed. */
export async function makeSandboxProductPhoto(options: SandboxPhotoOptions): Promise<Buffer> {
  const size = options.size ?? 800;
  const rnd = seededRandom(options.seed ^ 0x5eed);
  const shape = options.shape ?? PRODUCT_SHAPES[Math.floor(rnd() * PRODUCT_SHAPES.length)]!;
  return sharp(Buffer.from(photoSvg(options.seed, size, shape)))
    .jpeg({ quality: 85, mozjpeg: false })
    .toBuffer();
}
