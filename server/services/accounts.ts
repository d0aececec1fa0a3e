/** Sign-up, log-in and opaque bearer sessions. Passwords: scrypt. Tokens: random, stored as sha256. */
import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { UniqueViolationError } from 'objection';
import type { Locale } from '../../shared/errors.js';
import type { Db } from '../db/knex.js';
import { ApiToken, Seller } from '../db/models.js';
import { AppError } from '../errors.js';
import { addCredits } from './credits.js';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;
// OWASP's scrypt baseline (N=2^17, r=8, p=1) needs 128 MiB per hash; 2^15 keeps login fast on 2 cores.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface Session {
  token: string;
  expiresAt: Date;
  seller: Seller;
}

async function issueSession(db: Db, seller: Seller, ttlDays: number): Promise<Session> {
  const token = `lmk_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + ttlDays * 86_400_000);
  await ApiToken.query(db).insert({
    id: randomUUID(),
    sellerId: seller.id,
    tokenHash: hashToken(token),
    expiresAt,
  });
  return { token, expiresAt, seller };
}

export async function signUp(
  db: Db,
  input: { email: string; password: string; locale: Locale; signupCredits: number; sessionTtlDays: number },
): Promise<Session> {
  const passwordHash = await hashPassword(input.password);
  let seller: Seller;
  try {
    seller = await Seller.query(db).insertAndFetch({
      id: randomUUID(),
      email: input.email,
      passwordHash,
      locale: input.locale,
      tier: 'free',
    });
  } catch (error) {
    if (error instanceof UniqueViolationError) throw new AppError('EMAIL_TAKEN');
    throw error;
  }
  if (input.signupCredits > 0) {
    await addCredits(db, {
      sellerId: seller.id,
      amount: input.signupCredits,
      kind: 'grant',
      note: 'welcome credits',
    });
    seller.balance = input.signupCredits;
  }
  return issueSession(db, seller, input.sessionTtlDays);
}

// A real hash to compare against when the email is unknown, so timing does not reveal which emails exist.
const dummyHash = hashPassword(randomBytes(16).toString('hex'));

export async function logIn(
  db: Db,
  input: { email: string; password: string; sessionTtlDays: number },
): Promise<Session> {
  const seller = await Seller.query(db).findOne({ email: input.email });
  const ok = await verifyPassword(input.password, seller?.passwordHash ?? (await dummyHash));
  if (!seller || !ok) throw new AppError('INVALID_CREDENTIALS');
  return issueSession(db, seller, input.sessionTtlDays);
}

export async function authenticate(db: Db, token: string): Promise<Seller | undefined> {
  // One round trip: this runs on every authenticated request (the job-submission bench's hot path).
  return Seller.query(db)
    .select('sellers.*')
    .join('api_tokens', 'api_tokens.seller_id', 'sellers.id')
    .where('api_tokens.token_hash', hashToken(token))
    .whereNull('api_tokens.revoked_at')
    .where('api_tokens.expires_at', '>', new Date())
    .first();
}

export async function logOut(db: Db, token: string): Promise<void> {
  await ApiToken.query(db)
    .patch({ revokedAt: new Date() })
    .where({ tokenHash: hashToken(token) })
    .whereNull('revokedAt');
}

export async function updateLocale(db: Db, sellerId: string, locale: Locale): Promise<Seller> {
  const seller = await Seller.query(db).patchAndFetchById(sellerId, { locale, updatedAt: new Date() });
  if (!seller) throw new AppError('NOT_FOUND');
  return seller;
}
