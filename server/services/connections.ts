/**
 * Shop connections, for every marketplace API: the seller-authorization round trip with a one-time
 * `state` bound to the seller, tokens encrypted at rest, access tokens refreshed one caller at a time (row
 * lock) with the new pair saved before anything uses it (Shopee refresh tokens are single-use), and a dead
 * grant turning the connection into `needs_reauth`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiProvider } from '../../shared/marketplaces.js';
import type { TokenCipher } from '../crypto/token-cipher.js';
import type { Db } from '../db/knex.js';
import { ShopConnection } from '../db/models.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Connectors, MarketplaceConnector, ShopAuth, TokenSet } from '../marketplaces/connector.js';

export interface ConnectionsDeps {
  db: Db;
  cipher: TokenCipher;
  logger: Logger;
  publicUrl: string;
  /** Only the providers the operator configured credentials for. */
  connectors: Connectors;
}

const STATE_TTL_MS = 10 * 60_000;
const REFRESH_EARLY_MS = 5 * 60_000;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function connectorFor(
  deps: Pick<ConnectionsDeps, 'connectors'>,
  provider: ApiProvider,
): MarketplaceConnector {
  const connector = deps.connectors[provider];
  if (!connector) throw new AppError('FEATURE_UNAVAILABLE', `${provider} is not configured on this server.`);
  return connector;
}

export const callbackUrl = (publicUrl: string, provider: ApiProvider) =>
  new URL(`/v1/connections/${provider}/callback`, publicUrl).toString();

export async function startConnection(
  deps: ConnectionsDeps,
  sellerId: string,
  provider: ApiProvider,
): Promise<string> {
  const connector = connectorFor(deps, provider);
  const state = randomBytes(24).toString('base64url');
  await deps.db('oauth_states').insert({
    stateHash: sha256(state),
    sellerId,
    marketplace: provider,
    expiresAt: new Date(Date.now() + STATE_TTL_MS),
  });
  return connector.authorizationUrl(state, callbackUrl(deps.publicUrl, provider));
}

function encryptTokens(cipher: TokenCipher, connectionId: string, provider: ApiProvider, tokens: TokenSet) {
  const ctx = { connectionId, marketplace: provider };
  const access = cipher.encrypt(tokens.accessToken, ctx);
  const refresh = cipher.encrypt(tokens.refreshToken, ctx);
  return {
    accessTokenCt: access.ciphertext,
    refreshTokenCt: refresh.ciphertext,
    keyId: access.keyId,
    accessExpiresAt: tokens.accessExpiresAt,
    refreshExpiresAt: tokens.refreshExpiresAt,
  };
}

/** Consumes the state exactly once; wrong, expired or replayed → OAUTH_STATE_INVALID and nothing stored. */
export async function completeConnection(
  deps: ConnectionsDeps,
  provider: ApiProvider,
  query: Record<string, unknown>,
): Promise<ShopConnection[]> {
  const connector = connectorFor(deps, provider);
  const callback = connector.parseCallback(query);
  if (!callback) throw new AppError('OAUTH_STATE_INVALID');
  const [claimed] = await deps
    .db('oauth_states')
    .where({ stateHash: sha256(callback.state), marketplace: provider })
    .whereNull('usedAt')
    .where('expiresAt', '>', new Date())
    .update({ usedAt: new Date() })
    .returning('sellerId');
  if (!claimed) throw new AppError('OAUTH_STATE_INVALID');

  const shops = await connector.exchangeCode(callback.code, callback.shopId);
  return deps.db.transaction(async (trx) => {
    const saved: ShopConnection[] = [];
    for (const shop of shops) {
      const existing = await ShopConnection.query(trx)
        .findOne({ sellerId: claimed.sellerId, marketplace: provider, shopId: shop.shopId })
        .forUpdate();
      const id = existing?.id ?? randomUUID();
      const fields = {
        ...encryptTokens(deps.cipher, id, provider, shop.tokens),
        shopName: shop.shopName,
        shopCipher: shop.shopCipher,
      };
      saved.push(
        existing
          ? await ShopConnection.query(trx).patchAndFetchById(id, {
              ...fields,
              status: 'active',
              updatedAt: new Date(),
            })
          : await ShopConnection.query(trx).insertAndFetch({
              id,
              sellerId: claimed.sellerId,
              marketplace: provider,
              shopId: shop.shopId,
              status: 'active',
              ...fields,
            }),
      );
    }
    return saved;
  });
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
  provider: ApiProvider,
): Promise<ShopConnection> {
  const connections = await ShopConnection.query(db)
    .where({ sellerId, marketplace: provider })
    .orderBy('createdAt', 'asc');
  const active = connections.find((c) => c.status === 'active');
  if (active) return active;
  throw new AppError(connections.length > 0 ? 'CONNECTION_NEEDS_REAUTH' : 'CONNECTION_REQUIRED');
}

/**
 * What a shop call needs. `force` refreshes even if the stored token looks valid (the marketplace said it
 * is not). Concurrent callers serialise on the row lock; the second one finds the fresh token saved.
 */
export async function shopAuthFor(
  deps: ConnectionsDeps,
  connectionId: string,
  force = false,
): Promise<ShopAuth> {
  const current = await ShopConnection.query(deps.db).findById(connectionId);
  if (current?.status !== 'active' || !current.accessTokenCt || !current.keyId)
    throw new AppError('CONNECTION_NEEDS_REAUTH');
  const connector = connectorFor(deps, current.marketplace);
  const ctxFor = (c: ShopConnection) => ({ connectionId: c.id, marketplace: c.marketplace });
  const auth = (c: ShopConnection, accessToken: string): ShopAuth => ({
    accessToken,
    shopId: c.shopId,
    shopCipher: c.shopCipher,
  });
  const fresh = (c: ShopConnection) =>
    c.accessExpiresAt !== null && new Date(c.accessExpiresAt).getTime() - Date.now() > REFRESH_EARLY_MS;
  if (!force && fresh(current))
    return auth(current, deps.cipher.decrypt(current.accessTokenCt, current.keyId, ctxFor(current)));

  const seenToken = current.accessTokenCt;
  const token = await deps.db.transaction(async (trx): Promise<string | null> => {
    const locked = await ShopConnection.query(trx).findById(connectionId).forUpdate();
    if (locked?.status !== 'active' || !locked.refreshTokenCt || !locked.keyId)
      throw new AppError('CONNECTION_NEEDS_REAUTH');
    // Someone refreshed while we waited for the lock: use theirs.
    if (locked.accessTokenCt !== seenToken && fresh(locked)) {
      return deps.cipher.decrypt(locked.accessTokenCt!, locked.keyId, ctxFor(locked));
    }
    const refreshToken = deps.cipher.decrypt(locked.refreshTokenCt, locked.keyId, ctxFor(locked));
    let tokens: TokenSet;
    try {
      tokens = await connector.refresh(refreshToken, locked.shopId);
    } catch (error) {
      if (connector.classify(error) === 'dead_grant' || connector.classify(error) === 'auth') {
        await ShopConnection.query(trx)
          .patch({ status: 'needs_reauth', updatedAt: new Date() })
          .where({ id: connectionId });
        deps.logger.warn({ connectionId }, 'refresh refused; connection needs reauthorization');
        return null; // commit the status change, then tell the seller
      }
      throw new AppError('MARKETPLACE_UNAVAILABLE', undefined, { cause: error });
    }
    // The old refresh token may be spent now: the new pair is written (and committed just below) before
    // any caller uses it.
    await ShopConnection.query(trx)
      .patch({ ...encryptTokens(deps.cipher, locked.id, locked.marketplace, tokens), updatedAt: new Date() })
      .where({ id: connectionId });
    return tokens.accessToken;
  });
  if (token === null) throw new AppError('CONNECTION_NEEDS_REAUTH');
  return auth(current, token);
}

/**
 * Runs a shop call: a refused access token gets one forced refresh and one more try (marketplaces.md:
 * "refresh and retry once"); every other failure becomes what the seller is told.
 */
export async function withShopAuth<T>(
  deps: ConnectionsDeps,
  connection: ShopConnection,
  call: (auth: ShopAuth) => Promise<T>,
): Promise<T> {
  const connector = connectorFor(deps, connection.marketplace);
  const attempt = async (force: boolean) => call(await shopAuthFor(deps, connection.id, force));
  try {
    try {
      return await attempt(false);
    } catch (error) {
      if (connector.classify(error) !== 'auth') throw error;
      return await attempt(true);
    }
  } catch (error) {
    throw await failureToAppError(deps, connection, connector, error);
  }
}

async function failureToAppError(
  deps: ConnectionsDeps,
  connection: ShopConnection,
  connector: MarketplaceConnector,
  error: unknown,
): Promise<AppError> {
  if (error instanceof AppError) return error;
  switch (connector.classify(error)) {
    case 'auth':
    case 'dead_grant':
      await ShopConnection.query(deps.db)
        .patch({ status: 'needs_reauth', updatedAt: new Date() })
        .where({ id: connection.id });
      return new AppError('CONNECTION_NEEDS_REAUTH', undefined, { cause: error });
    case 'promotion_locked':
      return new AppError('LISTING_IN_PROMOTION', undefined, { cause: error });
    case 'unavailable':
      return new AppError('MARKETPLACE_UNAVAILABLE', undefined, { cause: error });
    default:
      return new AppError('MARKETPLACE_REJECTED', undefined, { cause: error });
  }
}

/** Re-encrypts every stored token with the current (first) key, for key rotation. Returns how many rows. */
export async function reencryptAllTokens(db: Db, cipher: TokenCipher): Promise<number> {
  let count = 0;
  const rows = await ShopConnection.query(db).whereNot('keyId', cipher.currentKeyId).whereNotNull('keyId');
  for (const row of rows) {
    await db.transaction(async (trx) => {
      const locked = await ShopConnection.query(trx).findById(row.id).forUpdate();
      if (!locked?.keyId || locked.keyId === cipher.currentKeyId) return;
      const ctx = { connectionId: locked.id, marketplace: locked.marketplace };
      const reencrypt = (ct: string | null) =>
        ct ? cipher.encrypt(cipher.decrypt(ct, locked.keyId!, ctx), ctx).ciphertext : null;
      await ShopConnection.query(trx)
        .patch({
          accessTokenCt: reencrypt(locked.accessTokenCt),
          refreshTokenCt: reencrypt(locked.refreshTokenCt),
          keyId: cipher.currentKeyId,
          updatedAt: new Date(),
        })
        .where({ id: locked.id });
      count += 1;
    });
  }
  return count;
}
