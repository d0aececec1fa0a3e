import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { browser } from 'wxt/browser';
import type { Locale } from '../../../shared/errors';
import { API_PROVIDER_NAMES, type ApiProvider } from '../../../shared/marketplaces';
import { sendMessage } from '../../lib/messaging';
import { CONNECTION_STATUS_NAMES, type Text } from '../../lib/text';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { formatDateTime } from '../../ui/format';
import { queryKeys } from '../../ui/queries';

export function Connections({ t, locale }: { t: Text; locale: Locale }) {
  const queryClient = useQueryClient();
  const connections = useQuery({
    queryKey: queryKeys.connections,
    queryFn: () => sendMessage('connections.list', {}),
    // The seller authorizes in another tab; coming back must show the new (or reconnected) shop.
    refetchOnWindowFocus: 'always',
  });

  // TanStack Query refetches on visibilitychange; a separate browser window regaining focus needs this.
  useEffect(() => {
    const refetch = () => void queryClient.invalidateQueries({ queryKey: queryKeys.connections });
    window.addEventListener('focus', refetch);
    return () => window.removeEventListener('focus', refetch);
  }, [queryClient]);

  // Connecting and reconnecting are the same authorization: the server updates the shop's connection.
  const connect = useMutation({
    mutationFn: (provider: ApiProvider) => sendMessage('connections.start', { provider }),
    onSuccess: ({ authorizeUrl }) => {
      void browser.tabs.create({ url: authorizeUrl });
    },
  });

  const disconnect = useMutation({
    mutationFn: (connectionId: string) => sendMessage('connections.delete', { connectionId }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.connections }),
  });

  return (
    <section className="card">
      <div className="section-head">
        <h2>{t.shops}</h2>
        <span className="actions">
          <button
            type="button"
            className="primary"
            disabled={connect.isPending}
            onClick={() => connect.mutate('shopee')}
            data-testid="connect-shopee"
          >
            {t.connectShopee}
          </button>
          <button
            type="button"
            className="primary"
            disabled={connect.isPending}
            onClick={() => connect.mutate('tiktok')}
            data-testid="connect-tiktok"
          >
            {t.connectTiktok}
          </button>
        </span>
      </div>
      <p className="muted">{t.connectHint}</p>
      {connect.error && <ErrorMessage error={connect.error} locale={locale} testId="connect-error" />}
      {connections.error && <ErrorMessage error={connections.error} locale={locale} />}
      {disconnect.error && <ErrorMessage error={disconnect.error} locale={locale} />}
      {connections.isPending && <p className="muted">{t.loading}</p>}
      {connections.data?.connections.length === 0 && <p className="muted">{t.noShops}</p>}
      <ul className="list">
        {connections.data?.connections.map((connection) => (
          <li
            key={connection.id}
            data-testid="connection-row"
            data-status={connection.status}
            data-provider={connection.marketplace}
          >
            <span>
              <strong data-testid="connection-shop">{connection.shopName ?? connection.shopId}</strong> ·{' '}
              {API_PROVIDER_NAMES[connection.marketplace]}
              <br />
              <small className="muted">
                {connection.shopName !== null && <>ID {connection.shopId} · </>}
                {formatDateTime(connection.createdAt, locale)}
              </small>
            </span>
            <span>
              <span className={`status-${connection.status}`} data-testid="connection-status">
                {CONNECTION_STATUS_NAMES[connection.status][locale]}
              </span>{' '}
              {connection.status === 'needs_reauth' && (
                <button
                  type="button"
                  className="primary"
                  disabled={connect.isPending}
                  onClick={() => connect.mutate(connection.marketplace)}
                  data-testid="connection-reconnect"
                >
                  {t.reconnect}
                </button>
              )}{' '}
              <button
                type="button"
                disabled={disconnect.isPending}
                onClick={() => disconnect.mutate(connection.id)}
                data-testid="disconnect"
              >
                {t.disconnect}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
