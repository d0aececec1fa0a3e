/**
 * How content scripts, the popup and the options page talk to the background: typed by the shared
 * message map, answers parsed with its schemas, failures thrown as CodedError (TanStack Query friendly).
 */
import { browser } from 'wxt/browser';
import type { Locale } from '../../shared/errors';
import {
  MESSAGES,
  type MessageData,
  type MessageInput,
  type MessageType,
  messageResultSchema,
} from '../../shared/messages';
import { CodedError, clientError } from './errors';

export async function sendMessage<K extends MessageType>(
  type: K,
  payload: MessageInput<K>,
  locale: Locale = 'en',
): Promise<MessageData<K>> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage({ type, payload });
  } catch {
    // The extension was reloaded or updated under this page: its runtime is gone until a reload.
    throw clientError('EXTENSION_UNAVAILABLE', locale);
  }
  const parsed = messageResultSchema(MESSAGES[type].response).safeParse(raw);
  if (!parsed.success) throw clientError('BAD_RESPONSE', locale);
  if (!parsed.data.ok) throw new CodedError(parsed.data.error.code, parsed.data.error.message);
  return parsed.data.data as MessageData<K>;
}
