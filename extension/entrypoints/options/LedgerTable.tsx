import { useQuery } from '@tanstack/react-query';
import type { Locale } from '../../../shared/errors';
import { sendMessage } from '../../lib/messaging';
import { LEDGER_KIND_NAMES, type Text } from '../../lib/text';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { formatDateTime, formatSigned } from '../../ui/format';
import { queryKeys } from '../../ui/queries';

export function LedgerTable({ t, locale }: { t: Text; locale: Locale }) {
  const ledger = useQuery({ queryKey: queryKeys.ledger, queryFn: () => sendMessage('ledger.get', {}) });
  return (
    <section className="card">
      <h2>{t.ledger}</h2>
      {ledger.isPending && <p className="muted">{t.loading}</p>}
      {ledger.error && <ErrorMessage error={ledger.error} locale={locale} />}
      {ledger.data?.entries.length === 0 && <p className="muted">{t.noLedger}</p>}
      {ledger.data && ledger.data.entries.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t.date}</th>
              <th>{t.kind}</th>
              <th className="num">{t.change}</th>
              <th className="num">{t.balanceAfter}</th>
            </tr>
          </thead>
          <tbody>
            {ledger.data.entries.map((entry) => (
              <tr key={entry.id} data-testid="ledger-row" data-kind={entry.kind}>
                <td>{formatDateTime(entry.createdAt, locale)}</td>
                <td>
                  {LEDGER_KIND_NAMES[entry.kind][locale]}
                  {entry.note && <small className="muted"> · {entry.note}</small>}
                </td>
                <td className="num">{formatSigned(entry.amount)}</td>
                <td className="num">{entry.balanceAfter}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
