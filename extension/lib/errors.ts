/**
 * Error codes the extension produces itself (the API's codes live in shared/errors.ts), and the one
 * function every UI uses to turn a code into text in the seller's language.
 */
import { ERRORS, type Locale } from '../../shared/errors';

export const CLIENT_ERRORS = {
  NETWORK: {
    en: 'Cannot reach Lumiku server. Check your internet connection and try again.',
    id: 'Tidak dapat terhubung ke server Lumiku. Periksa koneksi internet Anda lalu coba lagi.',
  },
  BAD_RESPONSE: {
    en: 'The Lumiku server sent an unexpected answer. Try again later.',
    id: 'Server Lumiku mengirim jawaban yang tidak terduga. Coba lagi nanti.',
  },
  EXTENSION_UNAVAILABLE: {
    en: 'Lumiku was updated or restarted. Reload this page.',
    id: 'Lumiku baru diperbarui atau dimulai ulang. Muat ulang halaman ini.',
  },
} as const satisfies Record<string, Record<Locale, string>>;

export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

export interface ErrorInfo {
  code: string;
  message: string;
}

/**
 * The seller-facing text for an error: our own translation when we know the code (so the UI language
 * wins over the server's), otherwise the server's message, which it already localised.
 */
export function errorText(error: ErrorInfo, locale: Locale): string {
  const known = (ERRORS as Record<string, Record<Locale, string> | undefined>)[error.code];
  if (known) return known[locale];
  const client = (CLIENT_ERRORS as Record<string, Record<Locale, string> | undefined>)[error.code];
  if (client) return client[locale];
  return error.message || ERRORS.INTERNAL[locale];
}

/** An error carrying a stable code; what the background's handlers throw and the UIs catch. */
export class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

/** Any thrown value → code and message; unknown throwables become INTERNAL. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof CodedError) return { code: error.code, message: error.message };
  if (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return { code: error.code, message: error.message };
  }
  return { code: 'INTERNAL', message: '' };
}

export function clientError(code: ClientErrorCode, locale: Locale): CodedError {
  return new CodedError(code, CLIENT_ERRORS[code][locale]);
}

export function apiError(code: keyof typeof ERRORS, locale: Locale): CodedError {
  return new CodedError(code, ERRORS[code][locale], ERRORS[code].status);
}
