import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { browser } from 'wxt/browser';
import { sendMessage } from '../../lib/messaging';
import { JOB_STATUS_NAMES, TIER_NAMES, textFor } from '../../lib/text';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { formatDateTime } from '../../ui/format';
import { queryKeys, useAccount, useSellerLocale, useSession } from '../../ui/queries';
import { useDocumentLocale } from '../../ui/useDocumentLocale';
import { ExportPanel, useLastExport } from './ExportPanel';

function openOptions() {
  // The popup closes by itself when the options tab takes focus.
  void browser.runtime.openOptionsPage();
}

export function PopupApp() {
  const locale = useSellerLocale();
  const t = textFor(locale);
  useDocumentLocale(locale);
  const session = useSession();
  const loggedIn = session.data?.loggedIn === true;
  const account = useAccount(loggedIn);
  const connections = useQuery({
    queryKey: queryKeys.connections,
    queryFn: () => sendMessage('connections.list', {}),
    enabled: loggedIn,
  });
  const needsReauth = connections.data?.connections.some((c) => c.status === 'needs_reauth') === true;
  const [exportId, setExportId] = useLastExport();
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());

  // Photos can be ticked for a ZIP on a paid plan, while no export is being shown.
  const exportable = account.data?.recentJobs.filter((job) => job.status === 'succeeded') ?? [];
  const choosing = account.data !== undefined && account.data.seller.tier !== 'free' && exportId === null;
  // In list order, and only what is still listed and finished.
  const selected = exportable.filter((job) => ticked.has(job.id)).map((job) => job.id);
  const allTicked = exportable.length > 0 && selected.length === exportable.length;
  const toggle = (jobId: string, on: boolean) =>
    setTicked((current) => {
      const next = new Set(current);
      if (on) next.add(jobId);
      else next.delete(jobId);
      return next;
    });

  return (
    <main className="popup">
      <header>
        <h1>Lumiku Seller Studio</h1>
        {loggedIn && (
          <button type="button" onClick={openOptions} data-testid="open-options">
            {t.settings}
          </button>
        )}
      </header>

      {session.isPending && <p className="muted">{t.loading}</p>}
      {session.error && <ErrorMessage error={session.error} locale={locale} />}

      {session.data && !loggedIn && (
        <section>
          <p>{t.loggedOut}</p>
          <button type="button" className="primary" onClick={openOptions} data-testid="open-options">
            {t.openSettings}
          </button>
        </section>
      )}

      {loggedIn && needsReauth && (
        <p className="warning" role="alert" data-testid="popup-reauth">
          <span>{t.reauthWarning}</span>
          <button type="button" onClick={openOptions} data-testid="popup-reconnect">
            {t.reconnect}
          </button>
        </p>
      )}

      {loggedIn && account.isPending && <p className="muted">{t.loading}</p>}
      {loggedIn && account.error && <ErrorMessage error={account.error} locale={locale} />}

      {loggedIn && account.data && (
        <>
          <section className="stats">
            <div className="card wide">
              <div className="muted">{t.creditBalance}</div>
              <span className="stat" data-testid="balance">
                {account.data.balance}
              </span>
            </div>
            <div className="card">
              <div className="muted">{t.plan}</div>
              <strong data-testid="tier" data-tier={account.data.seller.tier}>
                {TIER_NAMES[account.data.seller.tier][locale]}
              </strong>
            </div>
            <div className="card">
              <div className="muted">{t.monthUsage}</div>
              <strong data-testid="month-usage">{t.credits(account.data.monthUsage)}</strong>
            </div>
          </section>

          <section>
            <div className="section-head">
              <h2>{t.recentJobs}</h2>
              {choosing && exportable.length > 0 && (
                <label className="check">
                  <input
                    type="checkbox"
                    checked={allTicked}
                    onChange={(event) =>
                      setTicked(new Set(event.currentTarget.checked ? exportable.map((job) => job.id) : []))
                    }
                    data-testid="select-all"
                  />
                  {t.selectAll}
                </label>
              )}
            </div>
            {account.data.recentJobs.length === 0 ? (
              <p className="muted">{t.noJobs}</p>
            ) : (
              <ul className="list">
                {account.data.recentJobs.map((job) => (
                  <li key={job.id} data-testid="job-row" data-status={job.status}>
                    {choosing && (
                      <input
                        type="checkbox"
                        className="pick"
                        aria-label={t.selectPhoto(job.slot)}
                        checked={ticked.has(job.id)}
                        disabled={job.status !== 'succeeded'}
                        onChange={(event) => toggle(job.id, event.currentTarget.checked)}
                        data-testid="job-select"
                      />
                    )}
                    <span className="grow">
                      <span className={`status-${job.status}`}>
                        {job.applied ? t.replaced : JOB_STATUS_NAMES[job.status][locale]}
                      </span>
                      <br />
                      <small className="muted">
                        {t.photoNumber(job.slot)} · {formatDateTime(job.createdAt, locale)}
                      </small>
                    </span>
                    <span data-testid="job-price">{t.credits(job.price)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>

          {exportId !== undefined && (
            <ExportPanel
              tier={account.data.seller.tier}
              locale={locale}
              selected={selected}
              exportId={exportId}
              onExportChange={(next) => {
                setExportId(next);
                if (next === null) setTicked(new Set());
              }}
            />
          )}
        </>
      )}
    </main>
  );
}
