/** Query keys and the queries every extension UI shares (popup, options page, content-script widgets). */
import { useQuery } from '@tanstack/react-query';
import type { Locale } from '../../shared/errors';
import { pickLocale } from '../../shared/i18n';
import { sendMessage } from '../lib/messaging';

export const queryKeys = {
  session: ['session'],
  account: ['account'],
  /** Keyed by look (`preset:…` / `template:…`, see look-store.ts). */
  quote: (look: string) => ['quote', look],
  presets: ['presets'],
  templates: ['templates'],
  templatePreview: (templateId: string) => ['template-preview', templateId],
  look: (marketplace: string) => ['look', marketplace],
  job: (jobId: string) => ['job', jobId],
  export: (exportId: string) => ['export', exportId],
  ledger: ['ledger'],
  connections: ['connections'],
} as const;

export function useSession() {
  return useQuery({ queryKey: queryKeys.session, queryFn: () => sendMessage('session.get', {}) });
}

export function useAccount(enabled: boolean) {
  return useQuery({ queryKey: queryKeys.account, queryFn: () => sendMessage('account.get', {}), enabled });
}

/** The seller's language setting when logged in, else the browser's (Bahasa Indonesia by default). */
export function useSellerLocale(): Locale {
  const session = useSession();
  const account = useAccount(session.data?.loggedIn === true);
  return account.data?.seller.locale ?? session.data?.seller?.locale ?? pickLocale(navigator.languages);
}
