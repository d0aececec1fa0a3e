/**
 * Who sent a runtime message. Content scripts run inside seller-center pages and are less trusted than our
 * own pages (developer.chrome.com/docs/extensions/develop/concepts/messaging#security-considerations), so
 * the background decides the sender's kind before it looks at the message.
 */
import { type Marketplace, marketplaceOfSellerCenter } from '../../shared/marketplaces';

/** The fields of runtime.MessageSender we rely on. */
export interface MessageSenderInfo {
  id?: string;
  url?: string;
  origin?: string;
}

export type TrustedSender = { kind: 'extension-page' } | { kind: 'content-script'; marketplace: Marketplace };

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * `undefined` means "refuse": another extension, a page we do not support, or a sender we cannot place.
 * @param extensionOrigin e.g. `chrome-extension://<id>`
 */
export function classifySender(
  sender: MessageSenderInfo,
  runtimeId: string,
  extensionOrigin: string,
): TrustedSender | undefined {
  if (!sender.id || sender.id !== runtimeId) return undefined;
  if (sender.url?.startsWith(`${extensionOrigin}/`)) {
    return sender.origin === undefined || sender.origin === extensionOrigin
      ? { kind: 'extension-page' }
      : undefined;
  }
  // A content script: every origin Chrome reports (document origin and frame URL) must be the same
  // supported seller center.
  const origins = [sender.origin, sender.url === undefined ? undefined : (originOf(sender.url) ?? 'invalid')];
  const reported = origins.filter((origin): origin is string => origin !== undefined);
  if (reported.length === 0) return undefined;
  const marketplaces = reported.map(marketplaceOfSellerCenter);
  const first = marketplaces[0];
  if (!first || marketplaces.some((m) => m !== first)) return undefined;
  return { kind: 'content-script', marketplace: first };
}
