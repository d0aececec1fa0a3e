/**
 * Each test file gets its own database, cloned from a migrated template (CREATE DATABASE … TEMPLATE is
 * ~100 ms), so files never share rows and run in parallel.
 */
import { randomBytes } from 'node:crypto';
import { createDb, type Db, migrateLatest } from '../db/knex.js';

export const TEMPLATE_DB = 'lumiku_test_template';

export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Run once per test run (vitest globalSetup): (re)build the template from the migrations. */
export async function prepareTemplate(): Promise<void> {
  const admin = createDb(adminUrl(), { max: 1 });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.raw(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.destroy();
  }
  const template = createDb(withDatabase(adminUrl(), TEMPLATE_DB), { max: 1 });
  try {
    await migrateLatest(template);
  } finally {
    await template.destroy();
  }
}

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `lumiku_t_${randomBytes(6).toString('hex')}`;
  const admin = createDb(adminUrl(), { max: 1 });
  try {
    await admin.raw(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  } finally {
    await admin.destroy();
  }
  const url = withDatabase(adminUrl(), name);
  const db = createDb(url, { max: 20 });
  return {
    url,
    db,
    async drop() {
      await db.destroy();
      const again = createDb(adminUrl(), { max: 1 });
      try {
        await again.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.destroy();
      }
    },
  };
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

export function freshQueuePrefix(): string {
  return `lumiku-test-${randomBytes(6).toString('hex')}`;
}
