/**
 * Operator commands against DATABASE_URL.
 *   npm run admin -- topup --email seller@example.com --amount 100 [--note "bank transfer 123"]
 *   npm run admin -- adjust --email seller@example.com --amount -20 --note "refund correction"
 *   npm run admin -- balance --email seller@example.com
 */
import { parseArgs } from 'node:util';
import { createDb } from '../db/knex.js';
import { Seller } from '../db/models.js';
import { addCredits, balanceOf } from '../services/credits.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { email: { type: 'string' }, amount: { type: 'string' }, note: { type: 'string' } },
});
const [command] = positionals;
const usage = 'usage: npm run admin -- <topup|adjust|balance> --email E [--amount N] [--note T]';
if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is required');
  process.exit(78);
}
if (!command || !values.email) {
  console.error(usage);
  process.exit(64);
}
const db = createDb(process.env.DATABASE_URL);
try {
  const seller = await Seller.query(db).findOne({ email: values.email.toLowerCase() });
  if (!seller) throw new Error(`no seller with email ${values.email}`);
  if (command === 'balance') {
    console.log(`${seller.email}: ${await balanceOf(db, seller.id)} credits`);
  } else if (command === 'topup' || command === 'adjust') {
    const amount = Number(values.amount);
    if (!Number.isInteger(amount) || amount === 0 || (command === 'topup' && amount < 0))
      throw new Error('--amount must be a non-zero integer (positive for topup)');
    const entry = await addCredits(db, {
      sellerId: seller.id,
      amount,
      kind: command === 'topup' ? 'topup' : 'adjustment',
      note: values.note,
    });
    console.log(`${command}: ${amount > 0 ? '+' : ''}${amount} → balance ${entry.balanceAfter}`);
  } else {
    throw new Error(usage);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
