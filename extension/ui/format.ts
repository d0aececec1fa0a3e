import type { Locale } from '../../shared/errors';

const DATE_LOCALES: Record<Locale, string> = { en: 'en-GB', id: 'id-ID' };

export function formatDateTime(iso: string, locale: Locale): string {
  return new Date(iso).toLocaleString(DATE_LOCALES[locale], { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatSigned(amount: number): string {
  return amount > 0 ? `+${amount}` : String(amount);
}
