import { describe, expect, it } from 'vitest';
import { EXPORT_PRICES, exportAllowed, exportKindOf, templateAllowed } from './plans.js';

describe('plans (seed 000 §2.3, §2.2.7)', () => {
  it('prices ZIP exports 5 / 10 / 15 by shape', () => {
    expect(EXPORT_PRICES[exportKindOf({})]).toBe(5);
    expect(EXPORT_PRICES[exportKindOf({ formats: ['png'] })]).toBe(5);
    expect(EXPORT_PRICES[exportKindOf({ formats: ['jpeg', 'png'] })]).toBe(10);
    expect(EXPORT_PRICES[exportKindOf({ platforms: ['tiktok-vertical'] })]).toBe(15);
    expect(EXPORT_PRICES[exportKindOf({ formats: ['jpeg', 'png'], platforms: ['instagram-square'] })]).toBe(
      15,
    );
  });

  it('follows the feature table: Free ❌, PAYG single, Professional multi-format, Premium multi-platform', () => {
    const table = (['free', 'payg', 'professional', 'premium'] as const).map((tier) =>
      (['single_format', 'multi_format', 'multi_platform'] as const).map((kind) => exportAllowed(tier, kind)),
    );
    expect(table).toEqual([
      [false, false, false],
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
    expect(templateAllowed('free', { premium: true })).toBe(false);
    expect(templateAllowed('payg', { premium: true })).toBe(false);
    expect(templateAllowed('professional', { premium: true })).toBe(true);
    expect(templateAllowed('premium', { premium: true })).toBe(true);
    expect(templateAllowed('free', { premium: false })).toBe(true);
  });
});
