/**
 * The one error type that drives HTTP responses. Anything else that reaches the error middleware is a bug
 * and becomes INTERNAL (logged, never sent to the client).
 */
import { ERRORS, type ErrorCode } from '../shared/errors.js';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Safe-to-show details (e.g. which fields failed validation). Never secrets or SQL. */
  readonly details?: unknown;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: unknown }) {
    super(message ?? ERRORS[code].en, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = options?.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
