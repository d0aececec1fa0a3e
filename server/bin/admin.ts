/**
 * Operator commands against DATABASE_URL.
 *   npm run admin -- topup --email seller@example.com --amount 100 [--note "bank transfer 123"]
 *   npm run admin -- adjust --email seller@example.com --amount -20 --note "refund correction"
 *   npm run admin -- balance --email seller@example.com
 *   npm run admin -- set-tier --email seller@example.com --tier professional
 *     Plans are set by an operator until a payment gateway exists (free, payg, professional, premium).
 *   npm run admin -- rotate-keys
 *     After putting a new key FIRST in TOKEN_ENCRYPTION_KEYS (keeping the old ones after it), re-encrypts
 *     every stored marketplace token with it; then the old keys can be removed from the environment.
 */
import { parseArgs } from 'node:util';
import { Tier } from '../../shared/api.js';
import { parseConfig } from '../config.js';
import { TokenCipher } from '../crypto/token-cipher.js';
import { createDb } from '../db/knex.js';
import { Seller } from '../db/models.js';
import { reencryptAllTokens } from '../services/connections.js';
import { addCredits, balanceOf } from '../services/credits.js';
import { commandLine } from './cli.js';

const usage =
  'usage: npm run admin -- <topup|adjust|balance> --email E [--amount N] [--note T] | set-tier --email E --tier T | rotate-keys';
const cli = commandLine(usage, () =>
  parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      email: { type: 'string' },
      amount: { type: 'string' },
      note: { type: 'string' },
      tier: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }),
);
const { positionals, values } = cli;
const [command] = positionals;
const COMMANDS = ['topup', 'adjust', 'balance', 'set-tier', 'rotate-keys'];
if (!command || !COMMANDS.includes(command)) cli.usageError(`Name one command: ${COMMANDS.join(', ')}.`);
if (command !== 'rotate-keys' && !values.email) cli.usageError(`${command} needs --email.`);
if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is required');
  process.exit(78);
}
const db = createDb(process.env.DATABASE_URL);

async function rotateKeys(): Promise<void> {
  // Only the key list matters here; the other required settings are not used by this command.
  const config = parseConfig({ ...process.env, REDIS_URL: process.env.REDIS_URL ?? 'redis://unused' });
  const count = await reencryptAllTokens(db, new TokenCipher(config.TOKEN_ENCRYPTION_KEYS));
  console.log(
    `re-encrypted the tokens of ${count} connection(s) with key ${config.TOKEN_ENCRYPTION_KEYS[0]!.id}`,
  );
}

async function credits(): Promise<void> {
  const seller = await Seller.query(db).findOne({ email: values.email!.toLowerCase() });
  if (!seller) throw new Error(`no seller with email ${values.email}`);
  if (command === 'set-tier') {
    const tier = Tier.safeParse(values.tier);
    if (!tier.success) throw new Error(`--tier must be one of ${Tier.options.join(', ')}`);
    await Seller.query(db).patch({ tier: tier.data }).where({ id: seller.id });
    console.log(`${seller.email}: tier ${seller.tier} → ${tier.data}`);
  } else if (command === 'balance') {
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
}

try {
  await (command === 'rotate-keys' ? rotateKeys() : credits());
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
