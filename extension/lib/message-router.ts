/**
 * The guard in front of the handler map. Order matters: the sender is checked before the message is
 * read, the type before the payload, and nothing reaches a handler (so nothing reaches the API) unless
 * every check passed (security.md, "Extension (Chrome MV3)").
 */
import { pickLocale } from '../../shared/i18n';
import {
  isContentScriptMessage,
  MESSAGES,
  MessageEnvelope,
  type MessageRequest,
  type MessageResult,
  type MessageType,
} from '../../shared/messages';
import { createApiClient, type FetchFn } from './api-client';
import { apiError, CodedError } from './errors';
import {
  type DownloadRequest,
  handlers as defaultHandlers,
  type Handler,
  type HandlerContext,
  type HandlerMap,
} from './handlers';
import { classifySender, type MessageSenderInfo } from './sender';
import { readSession } from './session-store';

export interface MessageRouterOptions {
  /** `browser.runtime.id`: only our own contexts may talk to the background. */
  runtimeId: string;
  /** e.g. `chrome-extension://<id>`: senders whose URL starts with it are our popup/options pages. */
  extensionOrigin: string;
  apiUrl: string;
  fetch: FetchFn;
  handlers?: HandlerMap;
  /** Browser languages, used for error text when no seller is logged in. */
  languages?: readonly string[];
  /** `browser.runtime.openOptionsPage` (for "options.open"). */
  openOptionsPage: () => Promise<void>;
  /** `browser.downloads.download` (for "export.download"). */
  download: (options: DownloadRequest) => Promise<number>;
}

export function createMessageRouter(options: MessageRouterOptions) {
  const handlers = options.handlers ?? defaultHandlers;

  return async function route(raw: unknown, sender: MessageSenderInfo): Promise<MessageResult<unknown>> {
    // State is read per message: the service worker may have been restarted since the last one.
    const locale = (await readSession())?.seller.locale ?? pickLocale(options.languages);
    try {
      const trusted = classifySender(sender, options.runtimeId, options.extensionOrigin);
      if (!trusted) throw apiError('FORBIDDEN', locale);
      const envelope = MessageEnvelope.safeParse(raw);
      if (!envelope.success) throw apiError('VALIDATION_FAILED', locale);
      const { type, payload } = envelope.data;
      if (trusted.kind === 'content-script' && !isContentScriptMessage(type))
        throw apiError('FORBIDDEN', locale);
      const ctx: HandlerContext = {
        sender: trusted,
        locale,
        fetch: options.fetch,
        openOptionsPage: options.openOptionsPage,
        apiUrl: options.apiUrl,
        download: options.download,
        api: createApiClient({ baseUrl: options.apiUrl, fetch: options.fetch, locale }),
      };
      return { ok: true, data: await dispatch(handlers, type, payload, ctx) };
    } catch (error) {
      if (error instanceof CodedError)
        return { ok: false, error: { code: error.code, message: error.message } };
      console.error('[lumiku] message handler failed', error);
      const internal = apiError('INTERNAL', locale);
      return { ok: false, error: { code: internal.code, message: internal.message } };
    }
  };
}

async function dispatch<K extends MessageType>(
  handlers: HandlerMap,
  type: K,
  payload: unknown,
  ctx: HandlerContext,
): Promise<unknown> {
  const parsed = MESSAGES[type].request.safeParse(payload);
  if (!parsed.success) throw apiError('VALIDATION_FAILED', ctx.locale);
  // TypeScript cannot correlate MESSAGES[K] with HandlerMap[K] through a generic index; the schema of
  // this very type just produced the value.
  const handler = handlers[type] as Handler<K>;
  return handler(parsed.data as MessageRequest<K>, ctx);
}
