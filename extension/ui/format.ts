import type { Locale } from '../../shared/errors';

const DATE_LOCALES: Record<Locale, string> = { en: 'en-GB', id: 'id-ID' };

export function formatDateTime(iso: string, locale: Locale): string {
  return new Date(iso).toLocaleString(DATE_LOCALES[locale], { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatSigned(amount: number): string {
  return amount > 0 ? `+${amount}` : String(amount);
}

/** A file size for people: 1.2 MB, 840 KB. */
export function formatBytes(bytes: number, locale: Locale): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit >= 2 ? 1 : 0;
  return `${value.toLocaleString(DATE_LOCALES[locale], { maximumFractionDigits: digits })} ${units[unit]}`;
}
