/** The one place errors become HTTP responses: `{ error: { code, message } }` in the seller's language. */
import type { Context, Next } from 'koa';
import { errorMessage, type Locale } from '../../shared/errors.js';
import { pickLocale } from '../../shared/i18n.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

export function requestLocale(ctx: Context): Locale {
  const seller = ctx.state.seller as { locale?: Locale } | undefined;
  return (
    seller?.locale ??
    pickLocale(
      ctx
        .get('accept-language')
        .split(',')
        .map((l) => l.split(';')[0]!.trim()),
    )
  );
}

/** Turns errors thrown by libraries (body parsing, multipart limits) into AppErrors. */
function normalise(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  const e = error as { name?: string; code?: string; status?: number; type?: string };
  if (e.name === 'MulterError') {
    if (e.code === 'LIMIT_UNEXPECTED_FILE' || e.code === 'LIMIT_PART_COUNT' || e.code === 'LIMIT_FIELD_KEY') {
      return new AppError('VALIDATION_FAILED', 'Unexpected multipart field.');
    }
    return new AppError('PAYLOAD_TOO_LARGE');
  }
  if (e.status === 413 || e.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE');
  if (e.status === 400 || e.status === 415)
    return new AppError('VALIDATION_FAILED', 'The request body could not be read.');
  return undefined;
}

export function errorHandler(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      const appError = normalise(error);
      const locale = requestLocale(ctx);
      if (!appError || appError.status >= 500) {
        logger.error({ err: error, method: ctx.method, path: ctx.path }, 'request failed');
      }
      const final = appError ?? new AppError('INTERNAL');
      ctx.status = final.status;
      // A specific English explanation is kept for developers only in English responses.
      const message =
        locale === 'en' &&
        appError &&
        appError.message !== errorMessage(final.code, 'en') &&
        final.status < 500
          ? appError.message
          : errorMessage(final.code, locale);
      ctx.body = {
        error: { code: final.code, message, ...(final.details ? { details: final.details } : {}) },
      };
    }
  };
}
