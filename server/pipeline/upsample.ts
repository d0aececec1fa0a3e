/**
 * The small cut brought to full size as a ramp (segment.ts). sharp's `linear` resize did this, and took
 * ~25–35 ms of CPU for one band at 1200² (~320 ms at 24 MP), nearly all of it on the product's inside and the
 * backdrop, which stay 255 and 0; this gives the same ramp within 1 level in ~6 ms (~37 ms). (sharp's blur,
 * the feather after it, is cheaper than a JavaScript one: it stays.)
 */

/**
 * Bilinear upsampling of a 0/1 mask (`sw` × `sh`) to 0..255 at `width` × `height`, on libvips' grid: output
 * pixel X samples input X · sw / width − ½, clamped at the edges. Each mask row is interpolated across once;
 * an output row is a copy of the row above it, blended with the one below only where those two rows differ.
 */
export function upsampleMask(
  mask: Uint8Array,
  sw: number,
  sh: number,
  width: number,
  height: number,
): Buffer {
  const source = (i: number, from: number, to: number): [number, number] => {
    if (from === 1) return [0, 0];
    const s = Math.min(from - 1, Math.max(0, i * (from / to) - 0.5));
    const lo = Math.min(from - 2, Math.floor(s));
    return [lo, s - lo];
  };
  // Per output column, its left mask column and weight; per mask column, the first output column at or past it.
  const left = new Int32Array(width);
  const fx = new Float32Array(width);
  const firstAt = new Int32Array(sw + 1).fill(width);
  for (let x = 0, c = 0; x < width; x++) {
    [left[x], fx[x]] = source(x, sw, width);
    while (c <= left[x]!) firstAt[c++] = x;
  }
  // Each mask row interpolated across to the output width.
  const across = new Float32Array(sh * width);
  for (let y = 0; y < sh; y++) {
    const m = y * sw;
    for (let x = 0; x < width; x++) {
      const a = mask[m + left[x]!]!;
      const b = sw === 1 ? a : mask[m + left[x]! + 1]!;
      across[y * width + x] = (a + (b - a) * fx[x]!) * 255;
    }
  }
  const rounded = new Uint8ClampedArray(across);
  const out = Buffer.alloc(width * height);
  const clamped = new Uint8ClampedArray(out.buffer, out.byteOffset, out.length);
  for (let y = 0; y < height; y++) {
    const [lo, fy] = source(y, sh, height);
    const row = y * width;
    const top = lo * width;
    clamped.set(rounded.subarray(top, top + width), row);
    if (fy === 0 || sh === 1) continue;
    const bottom = top + width;
    // Output columns reading mask column c (as left or right neighbour) where rows lo and lo + 1 differ;
    // `done` keeps neighbouring columns' ranges from being blended twice.
    for (let c = 0, done = 0; c < sw; c++) {
      if (mask[lo * sw + c] === mask[(lo + 1) * sw + c]) continue;
      const to = firstAt[c + 1]!;
      for (let x = Math.max(done, firstAt[Math.max(0, c - 1)]!); x < to; x++) {
        const t = across[top + x]!;
        clamped[row + x] = t + (across[bottom + x]! - t) * fy;
      }
      done = to;
    }
  }
  return out;
}
