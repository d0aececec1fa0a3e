import { describe, expect, it } from 'vitest';
import { outputOf } from './presets.js';
import { priceOfSteps, STEP_PRICES } from './pricing.js';
import { TEMPLATE_OCCASIONS, TEMPLATES } from './templates.js';
import { aiStepsOf, Workflow } from './workflow.js';

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
      const ai = aiStepsOf(t.steps);
      expect(price, t.id).toBeLessThanOrEqual(
        STEP_PRICES.background_removal +
          (ai.includes('ai_scene') ? STEP_PRICES.background_ai : STEP_PRICES.background_template) +
          (ai.includes('relight') ? STEP_PRICES.lighting_ai : STEP_PRICES.lighting) +
          10,
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

describe('AI scene templates', () => {
  it('are premium, priced with the AI steps, and the rest of the library needs no AI provider', () => {
    const ai = TEMPLATES.filter((t) => aiStepsOf(t.steps).length > 0);
    expect(ai.map((t) => t.id)).toEqual([
      'ai-scene-marble-kitchen',
      'ai-scene-tropical-terrace',
      'ai-scene-golden-hour-relit',
    ]);
    for (const t of ai) expect(t.premium, t.id).toBe(true);
    // 5 + 15 (AI scene) + 10 (lighting preset) + 8 (floor) = 38 → 34.2 → 35
    expect(priceOfSteps(ai[0]!.steps)).toBe(35);
    // 5 + 15 (AI scene) + 15 (relight) = 35 → 31.5 → 32
    expect(priceOfSteps(ai[2]!.steps)).toBe(32);
  });
});
