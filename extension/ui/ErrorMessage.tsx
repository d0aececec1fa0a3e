import type { Locale } from '../../shared/errors';
import { errorText, toErrorInfo } from '../lib/errors';

/** An error in the seller's language, chosen by code. */
export function ErrorMessage({ error, locale, testId }: { error: unknown; locale: Locale; testId?: string }) {
  const info = toErrorInfo(error);
  return (
    <p className="error" role="alert" data-testid={testId ?? 'error'} data-code={info.code}>
      {errorText(info, locale)}
    </p>
  );
}
