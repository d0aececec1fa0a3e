import { describe, expect, it } from 'vitest';
import { breaks, bridgeFragments } from './bridge.js';

const W = 60;
const H = 30;
const BACKDROP = 210;
const options = { maxGap: 8, minStep: 45 };

/** A w × h grid: `colours` RGB (backdrop grey except where `paint` says) and `mask` where `cut` says. */
function scene(paint: (x: number, y: number) => number | undefined, cut: (x: number, y: number) => boolean) {
  const colours = new Float32Array(W * H * 3).fill(BACKDROP);
  const mask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = paint(x, y);
      if (v !== undefined) colours.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3);
      if (cut(x, y)) mask[y * W + x] = 1;
    }
  }
  return { colours, mask };
}

const at = (mask: Uint8Array, x: number, y: number) => mask[y * W + x];
/** A cable three pixels thick along row 15, from x 5 to 55. */
const onCable = (x: number, y: number) => x >= 5 && x <= 55 && y >= 14 && y <= 16;

describe('bridgeFragments', () => {
  it('bridges a cable broken where its lit stretch fooled the cut', () => {
    // The cable is dark (60); its lit stretch (x 26..33) is lighter (130) but still far from the backdrop,
    // and the cut missed it.
    const { colours, mask } = scene(
      (x, y) => (onCable(x, y) ? (x >= 26 && x <= 33 ? 130 : 60) : undefined),
      (x, y) => onCable(x, y) && (x < 26 || x > 33),
    );
    bridgeFragments(mask, W, H, colours, options);
    expect(at(mask, 30, 15)).toBe(1);
    expect(at(mask, 30, 14)).toBe(1); // as thick as the cable
    expect(at(mask, 30, 10)).toBe(0);
  });

  it('leaves apart two things with the backdrop between them', () => {
    const { colours, mask } = scene(
      (x, y) => (onCable(x, y) && (x < 26 || x > 33) ? 60 : undefined),
      (x, y) => onCable(x, y) && (x < 26 || x > 33),
    );
    bridgeFragments(mask, W, H, colours, options);
    expect(at(mask, 30, 15)).toBe(0);
  });

  it('leaves gaps longer than maxGap open', () => {
    const { colours, mask } = scene(
      (x, y) => (onCable(x, y) ? (x >= 20 && x <= 39 ? 130 : 60) : undefined),
      (x, y) => onCable(x, y) && (x < 20 || x > 39),
    );
    bridgeFragments(mask, W, H, colours, options);
    expect(at(mask, 30, 15)).toBe(0);
  });
});

describe('breaks', () => {
  /** Row-major 0/1 grid of W × H from a predicate. */
  const grid = (f: (x: number, y: number) => boolean) => {
    const out = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = f(x, y) ? 1 : 0;
    return out;
  };
  const broken = (x: number, y: number) => onCable(x, y) && (x < 28 || x > 31);
  /** The earlier cut's cable: whole, with its edge band a pixel wider. */
  const whole = grid(onCable);
  const near = grid((x, y) => x >= 5 && x <= 55 && y >= 13 && y <= 17);

  it('closes a break the refinement opened in a piece the earlier cut had whole', () => {
    const gaps = breaks(grid(broken), whole, near, W, H, 4);
    expect(gaps).toBeDefined();
    for (let x = 28; x <= 31; x++) expect(at(gaps!, x, 15)).toBe(1);
    expect(at(gaps!, 20, 13)).toBe(0); // the band beside an unbroken stretch
    expect(at(gaps!, 29, 10)).toBe(0); // outside the earlier cut
  });

  it('leaves apart pieces the earlier cut had apart', () => {
    expect(breaks(grid(broken), grid(broken), near, W, H, 4)).toBeUndefined();
  });

  it('ignores specks', () => {
    const mask = grid((x, y) => onCable(x, y) || (x === 40 && y === 19));
    expect(
      breaks(
        mask,
        whole,
        grid(() => true),
        W,
        H,
        5,
      ),
    ).toBeUndefined();
  });
});
