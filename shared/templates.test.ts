import { describe, expect, it } from 'vitest';
import { outputOf } from './presets.js';
import { priceOfSteps, STEP_PRICES } from './pricing.js';
import { TEMPLATE_OCCASIONS, TEMPLATES } from './templates.js';
import { Workflow } from './workflow.js';

describe('template library', () => {
  it('has 55+ templates with the seed’s category counts and all four occasions', () => {
    expect(TEMPLATES.length).toBeGreaterThanOrEqual(55);
    const count = (c: string) => TEMPLATES.filter((t) => t.category === c).length;
    expect(count('studio')).toBeGreaterThanOrEqual(15);
    expect(count('lifestyle')).toBeGreaterThanOrEqual(15);
    expect(count('ecommerce')).toBeGreaterThanOrEqual(15);
    expect(count('seasonal')).toBeGreaterThanOrEqual(10);
    const occasions = new Set(TEMPLATES.map((t) => t.occasion).filter(Boolean));
    expect([...occasions].sort()).toEqual([...TEMPLATE_OCCASIONS].sort());
    for (const t of TEMPLATES) expect(t.occasion !== null).toBe(t.category === 'seasonal');
  });

  it('has unique URL-safe ids and English and Indonesian names', () => {
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
    for (const t of TEMPLATES) {
      expect(t.id).toMatch(/^[a-z0-9-]{1,64}$/);
      expect(t.name.en.length).toBeGreaterThan(2);
      expect(t.name.id.length).toBeGreaterThan(2);
      expect(t.tags.length).toBeGreaterThan(0);
    }
  });

  it('every workflow is valid, exports at its aspect ratio and is priced', () => {
    const ratio = { '1:1': 1, '4:5': 4 / 5, '9:16': 9 / 16 } as const;
    for (const t of TEMPLATES) {
      const parsed = Workflow.safeParse(t.steps);
      expect(parsed.success, `${t.id}: ${parsed.error?.message}`).toBe(true);
      const out = outputOf(t.steps);
      expect(out.width / out.height, t.id).toBeCloseTo(ratio[t.aspect], 2);
      const price = priceOfSteps(t.steps);
      // Cut-out + backdrop + lighting at least; never more than every step at its dearest, undiscounted.
      expect(price, t.id).toBeGreaterThanOrEqual(20);
      expect(price, t.id).toBeLessThanOrEqual(
        STEP_PRICES.background_removal + STEP_PRICES.background_template + STEP_PRICES.lighting + 10,
      );
    }
  });

  it('premium templates cost at least what the cheapest standard one does', () => {
    const premium = TEMPLATES.filter((t) => t.premium).map((t) => priceOfSteps(t.steps));
    const standard = TEMPLATES.filter((t) => !t.premium).map((t) => priceOfSteps(t.steps));
    expect(premium.length).toBeGreaterThanOrEqual(10);
    expect(Math.min(...premium)).toBeGreaterThanOrEqual(Math.min(...standard));
  });
});
