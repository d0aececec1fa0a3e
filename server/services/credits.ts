/**
 * Prepaid credits. The balance on `sellers` is a cache of the ledger's sum, updated in the same
 * transaction as each entry; the CHECK (balance >= 0) makes concurrent overdrafts fail in the database.
 * A charge is a hold (debited at once), later captured (kept) or released (refunded) — exactly once,
 * because resolving is a conditional UPDATE on the hold's status.
 */
import { randomUUID } from 'node:crypto';
import type { Db, Trx } from '../db/knex.js';
import { CreditHold, LedgerEntry, type LedgerKind, Seller } from '../db/models.js';
import { AppError } from '../errors.js';

type Executor = Db | Trx;

async function appendEntry(
  trx: Executor,
  entry: { sellerId: string; kind: LedgerKind; amount: number; jobId?: string | null; note?: string | null },
): Promise<LedgerEntry> {
  // Lock-free: the UPDATE … RETURNING serialises writers on the seller row.
  const updated = await Seller.query(trx)
    .patch({ balance: Seller.raw('balance + ?', [entry.amount]) as unknown as number })
    .where('id', entry.sellerId)
    .returning('balance')
    .first();
  if (!updated) throw new AppError('NOT_FOUND');
  // RETURNING *: the stored row without reading it back (one round trip inside the seller's row lock).
  return LedgerEntry.query(trx)
    .insert({
      id: randomUUID(),
      sellerId: entry.sellerId,
      kind: entry.kind,
      amount: entry.amount,
      balanceAfter: (updated as unknown as Seller).balance,
      jobId: entry.jobId ?? null,
      note: entry.note ?? null,
    })
    .returning('*');
}

function isBalanceCheckViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { constraint?: string }).constraint === 'sellers_balance_non_negative'
  );
}

/** Grants, admin top-ups and corrections (negative amounts). */
export async function addCredits(
  db: Db,
  input: { sellerId: string; amount: number; kind: 'grant' | 'topup' | 'adjustment'; note?: string },
): Promise<LedgerEntry> {
  try {
    return await db.transaction((trx) => appendEntry(trx, input));
  } catch (error) {
    if (isBalanceCheckViolation(error)) throw new AppError('INSUFFICIENT_CREDITS');
    throw error;
  }
}

/**
 * Places a hold for a job inside the caller's transaction (the job row commits with it).
 * Throws INSUFFICIENT_CREDITS when the balance does not cover it; the caller's transaction is then
 * aborted (no savepoint: the only caller rolls back the job with it, and a savepoint cost two more round
 * trips while holding the seller's row lock on every job submission).
 */
export async function placeHold(
  trx: Trx,
  input: { sellerId: string; jobId: string; amount: number; ttlMinutes: number },
): Promise<void> {
  try {
    await appendEntry(trx, {
      sellerId: input.sellerId,
      kind: 'hold',
      amount: -input.amount,
      jobId: input.jobId,
    });
  } catch (error) {
    if (isBalanceCheckViolation(error)) throw new AppError('INSUFFICIENT_CREDITS');
    throw error;
  }
  await CreditHold.query(trx).insert({
    id: randomUUID(),
    sellerId: input.sellerId,
    jobId: input.jobId,
    amount: input.amount,
    status: 'held',
    expiresAt: new Date(Date.now() + input.ttlMinutes * 60_000),
  });
}

async function resolveHold(trx: Trx, jobId: string, to: 'captured' | 'released'): Promise<boolean> {
  const resolved = (await CreditHold.query(trx)
    .patch({ status: to, resolvedAt: new Date() })
    .where({ jobId, status: 'held' })
    .returning('*')) as unknown as CreditHold[];
  const hold = resolved[0];
  if (!hold) return false; // already resolved: at-least-once delivery makes this normal
  await appendEntry(trx, {
    sellerId: hold.sellerId,
    kind: to === 'captured' ? 'capture' : 'release',
    amount: to === 'captured' ? 0 : hold.amount,
    jobId,
  });
  return true;
}

export const captureHold = (trx: Trx, jobId: string) => resolveHold(trx, jobId, 'captured');
export const releaseHold = (trx: Trx, jobId: string) => resolveHold(trx, jobId, 'released');

export async function balanceOf(db: Executor, sellerId: string): Promise<number> {
  const seller = await Seller.query(db).findById(sellerId).select('balance');
  if (!seller) throw new AppError('NOT_FOUND');
  return seller.balance;
}

/** Credits actually spent (captured) this calendar month, UTC. */
export async function monthUsage(db: Executor, sellerId: string, now = new Date()): Promise<number> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const row = (await CreditHold.query(db)
    .where({ sellerId, status: 'captured' })
    .where('resolvedAt', '>=', monthStart)
    .sum('amount as total')
    .first()) as unknown as { total: string | null } | undefined;
  return Number(row?.total ?? 0);
}

export async function ledgerOf(db: Executor, sellerId: string, limit = 100): Promise<LedgerEntry[]> {
  return LedgerEntry.query(db).where({ sellerId }).orderBy('seq', 'desc').limit(limit);
}
