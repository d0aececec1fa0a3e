import { describe, expect, it } from 'vitest';
import { renderFloorShadow } from './shadow.js';

describe('renderFloorShadow', () => {
  // A 200×300 solid product placed at (500, 400) on a 1200² canvas: floor line at canvas y = 699.
  const width = 200;
  const height = 300;
  const alpha = new Uint8Array(width * height).fill(255);
  const layer = renderFloorShadow(
    alpha,
    width,
    height,
    { left: 500, top: 400 },
    { width: 1200, height: 1200 },
  );
  const at = (x: number, y: number) => {
    const row = y - layer.top;
    const column = x - layer.left;
    if (row < 0 || row >= layer.rows || column < 0 || column >= layer.width) return 0;
    return layer.opacity[row * layer.width + column]!;
  };

  it('is darkest just under the product and within the opacity cap', () => {
    const peak = Math.max(...layer.opacity);
    expect(peak).toBeLessThanOrEqual(0.35);
    expect(peak).toBeGreaterThan(0.25);
    expect(at(600, 702)).toBeGreaterThan(0.2);
  });

  it('fades out downwards and sideways', () => {
    expect(at(600, 720)).toBeLessThan(at(600, 702));
    expect(at(600, 780)).toBeLessThan(0.03);
    expect(at(420, 702)).toBeLessThan(0.05);
    expect(at(600, 702)).toBeGreaterThan(at(690, 702));
  });
});
