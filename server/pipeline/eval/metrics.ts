/** Matte quality metrics against a known truth alpha (both 1-channel, 0..255, same size). */

/** Intersection over union of the two alphas thresholded at 0.5 (≥ 128). Two empty masks agree: 1. */
export function iou(predicted: Uint8Array, truth: Uint8Array): number {
  if (predicted.length !== truth.length) throw new Error('iou: masks differ in size');
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < truth.length; i++) {
    const a = predicted[i]! >= 128;
    const b = truth[i]! >= 128;
    if (a && b) intersection++;
    if (a || b) union++;
  }
  return union === 0 ? 1 : intersection / union;
}

/** Mean absolute alpha error, 0..1. */
export function mae(predicted: Uint8Array, truth: Uint8Array): number {
  if (predicted.length !== truth.length) throw new Error('mae: masks differ in size');
  if (truth.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += Math.abs(predicted[i]! - truth[i]!);
  return sum / truth.length / 255;
}

/** Pearson correlation; 0 when either side has no variance. */
export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i]! - ma) * (b[i]! - mb);
    va += (a[i]! - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  }
  return va === 0 || vb === 0 ? 0 : cov / Math.sqrt(va * vb);
}
