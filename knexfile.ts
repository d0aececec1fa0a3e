// For the knex CLI (NODE_OPTIONS="--import tsx" npx knex migrate:latest); `npm run migrate` is the usual way.
import { knexSnakeCaseMappers } from 'objection';
import { migrationSource } from './migrations/index.js';

export default {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  migrations: { migrationSource },
  ...knexSnakeCaseMappers(),
};
