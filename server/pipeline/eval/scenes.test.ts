import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, renderPixels, type SceneSpec, sceneSpecs } from './scenes.js';

const hash = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');
const small = (spec: SceneSpec): SceneSpec => ({ ...spec, width: 240, height: 200 });

describe('matte evaluation set', () => {
  it('covers every category with several images of varied shapes and materials', () => {
    const specs = sceneSpecs();
    for (const category of CATEGORIES) {
      const rows = specs.filter((s) => s.category === category);
      expect(rows.length).toBeGreaterThanOrEqual(6);
      expect(new Set(rows.map((r) => r.shape)).size).toBeGreaterThanOrEqual(5);
      for (const r of rows) expect(Math.max(r.width, r.height)).toBeGreaterThanOrEqual(800);
    }
  });

  it('is deterministic: same spec, same pixels and truth', () => {
    const spec = small(sceneSpecs()[13]!);
    const a = renderPixels(spec);
    const b = renderPixels(spec);
    expect(hash(a.pixels)).toBe(hash(b.pixels));
    expect(hash(a.alpha)).toBe(hash(b.alpha));
    expect(sceneSpecs()).toEqual(sceneSpecs());
  });

  it('changes with the seed', () => {
    const spec = small(sceneSpecs()[13]!);
    expect(hash(renderPixels({ ...spec, seed: spec.seed + 1 }).pixels)).not.toBe(
      hash(renderPixels(spec).pixels),
    );
  });

  it('has a soft-edged truth alpha with a product in it', () => {
    const { alpha } = renderPixels(small(sceneSpecs()[0]!));
    let inside = 0;
    let partial = 0;
    for (const a of alpha) {
      if (a === 255) inside++;
      else if (a > 0) partial++;
    }
    expect(inside).toBeGreaterThan(alpha.length * 0.05);
    expect(partial).toBeGreaterThan(0);
  });
});
