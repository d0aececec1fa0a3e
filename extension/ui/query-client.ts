import { QueryCache, QueryClient } from '@tanstack/react-query';
import { CodedError } from '../lib/errors';
import { queryKeys } from './queries';

// Only failures that can heal by themselves are worth retrying; FORBIDDEN or VALIDATION_FAILED never do.
const RETRYABLE = new Set(['NETWORK', 'INTERNAL', 'MARKETPLACE_UNAVAILABLE', 'BAD_RESPONSE', 'RATE_LIMITED']);

export function isRetryable(error: unknown): boolean {
  return error instanceof CodedError && RETRYABLE.has(error.code);
}

/** One client per extension context (a page, or one content script shared by all its widgets). */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        // A dead token anywhere means the session is gone: let every view fall back to "log in".
        if (error instanceof CodedError && error.code === 'UNAUTHENTICATED') {
          void client.invalidateQueries({ queryKey: queryKeys.session });
        }
      },
    }),
    defaultOptions: {
      queries: { retry: (failures, error) => failures < 2 && isRetryable(error), staleTime: 15_000 },
      mutations: { retry: false },
    },
  });
  return client;
}
