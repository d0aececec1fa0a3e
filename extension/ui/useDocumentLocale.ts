import { useEffect } from 'react';
import type { Locale } from '../../shared/errors';

/** Keeps <html lang> in step with the UI language (screen readers, hyphenation). */
export function useDocumentLocale(locale: Locale): void {
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
}
