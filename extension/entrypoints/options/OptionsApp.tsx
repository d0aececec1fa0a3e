import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Locale as LocaleSchema } from '../../../shared/api';
import { LOCALES } from '../../../shared/errors';
import { sendMessage } from '../../lib/messaging';
import { LOCALE_NAMES, TIER_NAMES, textFor } from '../../lib/text';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { queryKeys, useAccount, useSellerLocale, useSession } from '../../ui/queries';
import { useDocumentLocale } from '../../ui/useDocumentLocale';
import { LoginForm, SignupForm } from './AuthForms';
import { Connections } from './Connections';
import { LedgerTable } from './LedgerTable';

export function OptionsApp() {
  const queryClient = useQueryClient();
  const locale = useSellerLocale();
  const t = textFor(locale);
  useDocumentLocale(locale);
  const session = useSession();
  const loggedIn = session.data?.loggedIn === true;
  const account = useAccount(loggedIn);

  const logout = useMutation({
    mutationFn: () => sendMessage('auth.logout', {}),
    onSuccess: (view) => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
      queryClient.setQueryData(queryKeys.session, view);
    },
  });

  const updateLocale = useMutation({
    mutationFn: (next: (typeof LOCALES)[number]) => sendMessage('settings.update', { locale: next }),
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.account, updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.session });
    },
  });

  return (
    <main className="options">
      <header>
        <h1>{t.settingsTitle}</h1>
      </header>

      {session.isPending && <p className="muted">{t.loading}</p>}
      {session.error && <ErrorMessage error={session.error} locale={locale} />}

      {session.data && !loggedIn && (
        <div className="forms">
          <SignupForm t={t} locale={locale} />
          <LoginForm t={t} locale={locale} />
        </div>
      )}

      {loggedIn && session.data?.seller && (
        <>
          <section className="card account">
            <div>
              <div data-testid="account-email">{t.loggedInAs(session.data.seller.email)}</div>
              {account.data && (
                <small className="muted">
                  {TIER_NAMES[account.data.seller.tier][locale]} · {t.creditBalance}:{' '}
                  <span data-testid="balance">{account.data.balance}</span>
                </small>
              )}
            </div>
            <label className="language">
              {t.language}
              <select
                value={locale}
                disabled={updateLocale.isPending}
                onChange={(event) => {
                  const next = LocaleSchema.safeParse(event.target.value);
                  if (next.success) updateLocale.mutate(next.data);
                }}
                data-testid="locale-select"
              >
                {LOCALES.map((option) => (
                  <option key={option} value={option}>
                    {LOCALE_NAMES[option]}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              onClick={() => logout.mutate()}
              disabled={logout.isPending}
              data-testid="logout"
            >
              {t.logout}
            </button>
          </section>
          {updateLocale.error && <ErrorMessage error={updateLocale.error} locale={locale} />}
          {account.error && <ErrorMessage error={account.error} locale={locale} />}
          <Connections t={t} locale={locale} />
          <LedgerTable t={t} locale={locale} />
        </>
      )}
    </main>
  );
}
