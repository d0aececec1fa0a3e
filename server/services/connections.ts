/**
 * Shop connections: the seller-authorization round trip with a one-time `state` bound to the seller,
 * tokens encrypted at rest, and access tokens refreshed one caller at a time (row lock), saving Shopee's
 * single-use refresh token before anything uses the new access token.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Marketplace } from '../../shared/marketplaces.js';
import type { TokenCipher } from '../crypto/token-cipher.js';
import type { Db } from '../db/knex.js';
import { ShopConnection } from '../db/models.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { isShopeeError } from '../marketplaces/shopee/client.js';

/** The part of the Shopee client this service needs (server/marketplaces/shopee/client.ts). */
export interface ShopeeAuthApi {
  authorizationUrl(redirectUrl: string): string;
  getAccessToken(input: { code: string; shopId: number }): Promise<ShopeeTokenSet>;
  refreshAccessToken(input: { refreshToken: string; shopId: number }): Promise<ShopeeTokenSet>;
}
export interface ShopeeTokenSet {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

export interface ConnectionsDeps {
  db: Db;
  cipher: TokenCipher;
  logger: Logger;
  publicUrl: string;
  /** Undefined when the operator configured no Shopee partner credentials. */
  shopee?: ShopeeAuthApi;
}

const STATE_TTL_MS = 10 * 60_000;
// Shopee refresh tokens live 30 days (marketplaces.md); refresh the access token 5 minutes early.
const REFRESH_TTL_MS = 30 * 86_400_000;
const REFRESH_EARLY_MS = 5 * 60_000;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function requireShopee(deps: ConnectionsDeps): ShopeeAuthApi {
  if (!deps.shopee)
    throw new AppError(
      'FEATURE_UNAVAILABLE',
      'Shopee is not configured on this server (SHOPEE_PARTNER_ID / SHOPEE_PARTNER_KEY).',
    );
  return deps.shopee;
}

export async function startConnection(
  deps: ConnectionsDeps,
  sellerId: string,
  marketplace: Marketplace,
): Promise<string> {
  const shopee = requireShopee(deps);
  const state = randomBytes(24).toString('base64url');
  await deps.db('oauth_states').insert({
    stateHash: sha256(state),
    sellerId,
    marketplace,
    expiresAt: new Date(Date.now() + STATE_TTL_MS),
  });
  const redirect = new URL(`/v1/connections/${marketplace}/callback`, deps.publicUrl);
  redirect.searchParams.set('state', state);
  return shopee.authorizationUrl(redirect.toString());
}

/** Consumes the state exactly once; wrong, expired or replayed → OAUTH_STATE_INVALID and nothing stored. */
export async function completeConnection(
  deps: ConnectionsDeps,
  input: { marketplace: Marketplace; state: string; code: string; shopId: string },
): Promise<ShopConnection> {
  const shopee = requireShopee(deps);
  const [claimed] = await deps
    .db('oauth_states')
    .where({ stateHash: sha256(input.state), marketplace: input.marketplace })
    .whereNull('usedAt')
    .where('expiresAt', '>', new Date())
    .update({ usedAt: new Date() })
    .returning('sellerId');
  if (!claimed) throw new AppError('OAUTH_STATE_INVALID');

  const tokens = await shopee.getAccessToken({ code: input.code, shopId: Number(input.shopId) });
  return deps.db.transaction(async (trx) => {
    const existing = await ShopConnection.query(trx)
      .findOne({ sellerId: claimed.sellerId, marketplace: input.marketplace, shopId: input.shopId })
      .forUpdate();
    const id = existing?.id ?? randomUUID();
    const fields = encryptTokens(deps.cipher, id, input.marketplace, tokens);
    if (existing)
      return ShopConnection.query(trx).patchAndFetchById(id, {
        ...fields,
        status: 'active',
        updatedAt: new Date(),
      });
    return ShopConnection.query(trx).insertAndFetch({
      id,
      sellerId: claimed.sellerId,
      marketplace: input.marketplace,
      shopId: input.shopId,
      status: 'active',
      ...fields,
    });
  });
}

function encryptTokens(
  cipher: TokenCipher,
  connectionId: string,
  marketplace: Marketplace,
  tokens: ShopeeTokenSet,
) {
  const ctx = { connectionId, marketplace };
  const access = cipher.encrypt(tokens.accessToken, ctx);
  const refresh = cipher.encrypt(tokens.refreshToken, ctx);
  return {
    accessTokenCt: access.ciphertext,
    refreshTokenCt: refresh.ciphertext,
    keyId: access.keyId,
    accessExpiresAt: new Date(Date.now() + tokens.expiresInSeconds * 1000),
    refreshExpiresAt: new Date(Date.now() + REFRESH_TTL_MS),
  };
}

export async function listConnections(db: Db, sellerId: string): Promise<ShopConnection[]> {
  return ShopConnection.query(db).where({ sellerId }).orderBy('createdAt', 'asc');
}

/** Disconnect deletes the tokens with the row. */
export async function deleteConnection(db: Db, sellerId: string, connectionId: string): Promise<void> {
  const deleted = await ShopConnection.query(db).delete().where({ id: connectionId, sellerId });
  if (deleted === 0) throw new AppError('NOT_FOUND');
}

export async function activeConnection(
  db: Db,
  sellerId: string,
  marketplace: Marketplace,
): Promise<ShopConnection> {
  const connections = await ShopConnection.query(db)
    .where({ sellerId, marketplace })
    .orderBy('createdAt', 'asc');
  const active = connections.find((c) => c.status === 'active');
  if (active) return active;
  throw new AppError(connections.length > 0 ? 'CONNECTION_NEEDS_REAUTH' : 'CONNECTION_REQUIRED');
}

export async function markNeedsReauth(db: Db, connectionId: string): Promise<void> {
  await ShopConnection.query(db)
    .patch({ status: 'needs_reauth', updatedAt: new Date() })
    .where({ id: connectionId });
}

/** The refresh token is dead (expired, revoked, already used): the seller must authorize again. */
export function isDeadGrant(error: unknown): boolean {
  return isShopeeError(error) && (error.kind === 'refresh_expired' || error.kind === 'auth');
}

/**
 * A usable access token. `force` refreshes even if the stored one looks valid (the marketplace said it
 * is not). Concurrent callers serialise on the row lock; the second one finds the fresh token saved.
 */
export async function accessTokenFor(
  deps: ConnectionsDeps,
  connectionId: string,
  force = false,
): Promise<string> {
  const shopee = requireShopee(deps);
  const ctxFor = (c: ShopConnection) => ({ connectionId: c.id, marketplace: c.marketplace });
  const current = await ShopConnection.query(deps.db).findById(connectionId);
  if (current?.status !== 'active' || !current.accessTokenCt || !current.keyId) {
    throw new AppError('CONNECTION_NEEDS_REAUTH');
  }
  const fresh = (c: ShopConnection) =>
    c.accessExpiresAt && new Date(c.accessExpiresAt).getTime() - Date.now() > REFRESH_EARLY_MS;
  if (!force && fresh(current))
    return deps.cipher.decrypt(current.accessTokenCt, current.keyId, ctxFor(current));

  const seenToken = current.accessTokenCt;
  const token = await deps.db.transaction(async (trx): Promise<string | null> => {
    const locked = await ShopConnection.query(trx).findById(connectionId).forUpdate();
    if (locked?.status !== 'active' || !locked.refreshTokenCt || !locked.keyId) {
      throw new AppError('CONNECTION_NEEDS_REAUTH');
    }
    // Someone refreshed while we waited for the lock: use theirs.
    if (locked.accessTokenCt !== seenToken && fresh(locked)) {
      return deps.cipher.decrypt(locked.accessTokenCt!, locked.keyId, ctxFor(locked));
    }
    const refreshToken = deps.cipher.decrypt(locked.refreshTokenCt, locked.keyId, ctxFor(locked));
    let tokens: ShopeeTokenSet;
    try {
      tokens = await shopee.refreshAccessToken({ refreshToken, shopId: Number(locked.shopId) });
    } catch (error) {
      if (isDeadGrant(error)) {
        await ShopConnection.query(trx)
          .patch({ status: 'needs_reauth', updatedAt: new Date() })
          .where({ id: connectionId });
        deps.logger.warn({ connectionId }, 'refresh refused; connection needs reauthorization');
        return null; // commit the status change, then tell the seller
      }
      throw error;
    }
    await ShopConnection.query(trx)
      .patch({ ...encryptTokens(deps.cipher, locked.id, locked.marketplace, tokens), updatedAt: new Date() })
      .where({ id: connectionId });
    return tokens.accessToken;
  });
  if (token === null) throw new AppError('CONNECTION_NEEDS_REAUTH');
  return token;
}
