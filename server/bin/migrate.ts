/** npm run migrate: applies pending migrations to DATABASE_URL. */
import { createDb, migrateLatest } from '../db/knex.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(78);
}
const db = createDb(url);
await migrateLatest(db);
console.log('migrations applied');
await db.destroy();
