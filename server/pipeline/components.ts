/** Connected components of a binary mask, shared by the segmentation's steps. */

/**
 * 4-connected components of the pixels equal to `value` (labels −1 elsewhere), with their sizes and whether
 * each touches the frame or reaches the central box (`inset` of each side left out).
 */
export function components(mask: Uint8Array, w: number, h: number, value: 0 | 1, inset = 0.3) {
  const n = w * h;
  const labels = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const touchesBorder: boolean[] = [];
  const touchesCentre: boolean[] = [];
  const stack = new Int32Array(n);
  const cx0 = w * inset;
  const cx1 = w * (1 - inset);
  const cy0 = h * inset;
  const cy1 = h * (1 - inset);
  for (let start = 0; start < n; start++) {
    if (mask[start] !== value || labels[start]! >= 0) continue;
    const id = sizes.length;
    let size = 0;
    let border = false;
    let centre = false;
    let top = 0;
    stack[top++] = start;
    labels[start] = id;
    while (top > 0) {
      const p = stack[--top]!;
      size++;
      const x = p % w;
      const y = (p - x) / w;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) border = true;
      if (x >= cx0 && x <= cx1 && y >= cy0 && y <= cy1) centre = true;
      if (x > 0 && mask[p - 1] === value && labels[p - 1]! < 0) {
        labels[p - 1] = id;
        stack[top++] = p - 1;
      }
      if (x + 1 < w && mask[p + 1] === value && labels[p + 1]! < 0) {
        labels[p + 1] = id;
        stack[top++] = p + 1;
      }
      if (y > 0 && mask[p - w] === value && labels[p - w]! < 0) {
        labels[p - w] = id;
        stack[top++] = p - w;
      }
      if (y + 1 < h && mask[p + w] === value && labels[p + w]! < 0) {
        labels[p + w] = id;
        stack[top++] = p + w;
      }
    }
    sizes.push(size);
    touchesBorder.push(border);
    touchesCentre.push(centre);
  }
  return { labels, sizes, touchesBorder, touchesCentre };
}
