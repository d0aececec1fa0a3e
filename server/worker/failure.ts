/** How a handler's errors become the queue's retry decision and the failed job's code (shared by all jobs). */
import { isAppError } from '../errors.js';
import { PermanentJobError } from '../queue/index.js';

/** Rethrows `error`, as a PermanentJobError (no more attempts) when its code is one retrying cannot fix. */
export function rethrowClassified(error: unknown, permanent: ReadonlySet<string>): never {
  if (isAppError(error) && permanent.has(error.code))
    throw new PermanentJobError(error.code, { cause: error });
  throw error;
}

/**
 * The code a finally failed job records: a permanent error's own code, an error whose code tells the seller
 * more than PROCESSING_FAILED (`toldAsIs`), else PROCESSING_FAILED.
 */
export function finalFailureCode(error: Error, toldAsIs: ReadonlySet<string> = new Set()): string {
  if (error.name === 'UnrecoverableError' && /^[A-Z_]+$/.test(error.message)) return error.message;
  if (isAppError(error) && toldAsIs.has(error.code)) return error.code;
  return 'PROCESSING_FAILED';
}
