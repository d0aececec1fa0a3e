/**
 * The API session. Read and written only by the background worker: content scripts, the popup and the
 * options page get a SessionView (never the token) through the message map. storage.local rather than
 * storage.session so the seller stays logged in across browser restarts (security.md allows either).
 */
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { type AuthResponse, SellerView } from '../../shared/api';
import type { SessionView } from '../../shared/messages';

const StoredSession = z.object({ token: z.string().min(1), expiresAt: z.iso.datetime(), seller: SellerView });
type StoredSession = z.infer<typeof StoredSession>;

// Defined once; every read goes through readSession so an expired or malformed value counts as logged out.
const sessionItem = storage.defineItem<StoredSession | null>('local:session', { fallback: null, version: 1 });

export async function readSession(now: number = Date.now()): Promise<StoredSession | null> {
  const parsed = StoredSession.safeParse(await sessionItem.getValue());
  if (!parsed.success) return null;
  if (Date.parse(parsed.data.expiresAt) <= now) {
    await sessionItem.removeValue();
    return null;
  }
  return parsed.data;
}

export async function saveSession(auth: AuthResponse): Promise<void> {
  await sessionItem.setValue({ token: auth.token, expiresAt: auth.expiresAt, seller: auth.seller });
}

export async function updateSessionSeller(seller: SellerView): Promise<void> {
  const current = await readSession();
  if (current) await sessionItem.setValue({ ...current, seller });
}

export async function clearSession(): Promise<void> {
  await sessionItem.removeValue();
}

export function toSessionView(session: StoredSession | null): SessionView {
  return session ? { loggedIn: true, seller: session.seller } : { loggedIn: false, seller: null };
}
