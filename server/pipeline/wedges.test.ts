import { describe, expect, it } from 'vitest';
import { reopenWedges } from './wedges.js';

/** Parses a picture: '#' product, '+' product the closing added that looks like backdrop, '.' backdrop. */
function grid(rows: string[]) {
  const w = rows[0]!.length;
  const h = rows.length;
  const mask = new Uint8Array(w * h);
  const candidates = new Uint8Array(w * h);
  rows.forEach((row, y) => {
    [...row].forEach((c, x) => {
      mask[y * w + x] = c === '.' ? 0 : 1;
      candidates[y * w + x] = c === '+' ? 1 : 0;
    });
  });
  const picture = () =>
    rows.map((_, y) => [...rows[0]!].map((_, x) => (mask[y * w + x] === 1 ? '#' : '.')).join(''));
  return { mask, candidates, w, h, picture };
}

describe('reopenWedges', () => {
  it('opens the wedge between two stems onto the backdrop', () => {
    const g = grid([
      '##.......##',
      '.##.....##.',
      '..##+++##..',
      '...##+##...',
      '....###....',
      '..#######..',
    ]);
    reopenWedges(g.mask, g.w, g.h, g.candidates);
    expect(g.picture()).toEqual([
      '##.......##',
      '.##.....##.',
      '..##...##..',
      '...##.##...',
      '....###....',
      '..#######..',
    ]);
  });

  it('keeps a pocket enclosed by product (a small highlight)', () => {
    const g = grid(['.......', '.#####.', '.#++##.', '.#####.', '.......']);
    reopenWedges(g.mask, g.w, g.h, g.candidates);
    expect(g.picture()).toEqual(['.......', '.#####.', '.#####.', '.#####.', '.......']);
  });

  it('keeps a crack that would part the product in two (a highlight down a mug)', () => {
    const g = grid(['.........', '.##+####.', '.##+####.', '.##+####.', '.........']);
    reopenWedges(g.mask, g.w, g.h, g.candidates);
    expect(g.picture()).toEqual(['.........', '.#######.', '.#######.', '.#######.', '.........']);
  });

  it('leaves product the colour models call product alone', () => {
    const g = grid(['.....', '.###.', '.###.', '.....']);
    reopenWedges(g.mask, g.w, g.h, g.candidates);
    expect(g.picture()).toEqual(['.....', '.###.', '.###.', '.....']);
  });
});
