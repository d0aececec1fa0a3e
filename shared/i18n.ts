/** UI text in English and Bahasa Indonesia. Keys are shared so both languages always cover the same UI. */
import type { Locale } from './errors.js';

export const UI_TEXT = {
  enhance: { en: 'Enhance photo', id: 'Percantik foto' },
  generatePoses: { en: 'Generate poses', id: 'Buat pose' },
} as const satisfies Record<string, Record<Locale, string>>;

export function pickLocale(languages: readonly string[] | string | undefined): Locale {
  const list = typeof languages === 'string' ? [languages] : (languages ?? []);
  for (const lang of list) {
    const base = lang.toLowerCase().split(/[-_]/)[0];
    if (base === 'id' || base === 'in' || base === 'ms') return 'id';
    if (base === 'en') return 'en';
  }
  return 'id';
}
