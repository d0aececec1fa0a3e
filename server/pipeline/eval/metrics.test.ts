import { describe, expect, it } from 'vitest';
import { iou, mae, pearson } from './metrics.js';

const mask = (values: number[]) => Uint8Array.from(values);

describe('matte metrics', () => {
  it('scores identical masks as perfect', () => {
    const a = mask([0, 255, 255, 0, 128, 10]);
    expect(iou(a, a)).toBe(1);
    expect(mae(a, a)).toBe(0);
  });

  it('scores disjoint masks as IoU 0 and MAE the share of pixels that differ', () => {
    const a = mask([255, 255, 0, 0]);
    const b = mask([0, 0, 255, 0]);
    expect(iou(a, b)).toBe(0);
    expect(mae(a, b)).toBeCloseTo(3 / 4);
  });

  it('scores half-overlapping masks as IoU 1/3', () => {
    // a covers pixels 0–3, b covers 2–5: intersection 2, union 6.
    const a = mask([255, 255, 255, 255, 0, 0, 0, 0]);
    const b = mask([0, 0, 255, 255, 255, 255, 0, 0]);
    expect(iou(a, b)).toBeCloseTo(1 / 3);
    expect(mae(a, b)).toBeCloseTo(4 / 8);
  });

  it('thresholds at 0.5 for IoU but counts soft differences in MAE', () => {
    const a = mask([127, 128]);
    const b = mask([0, 255]);
    expect(iou(a, b)).toBe(1);
    expect(mae(a, b)).toBeCloseTo((127 + 127) / 2 / 255);
  });

  it('treats two empty masks as agreeing', () => {
    expect(iou(mask([0, 0]), mask([0, 0]))).toBe(1);
  });

  it('correlates', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
  });
});
