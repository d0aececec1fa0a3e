/**
 * Each test file gets its own database, cloned from a migrated template (CREATE DATABASE … TEMPLATE is
 * ~100 ms), so files never share rows and run in parallel.
 */
import { randomBytes } from 'node:crypto';
import { createDb, type Db, migrateLatest } from '../db/knex.js';

/**
 * Each run (a vitest invocation, a bench) builds its own template, named in the environment so the test
 * processes it forks find it: two runs on one machine never clone each other's half-built template.
 */
function templateDb(): string {
  process.env.LUMIKU_TEST_TEMPLATE ??= `lumiku_tpl_${randomBytes(5).toString('hex')}`;
  return process.env.LUMIKU_TEST_TEMPLATE;
}

export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Run once per test run (vitest globalSetup): build this run's template from the migrations. */
export async function prepareTemplate(): Promise<void> {
  const name = templateDb();
  const admin = createDb(adminUrl(), { max: 1 });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.raw(`CREATE DATABASE ${name}`);
  } finally {
    await admin.destroy();
  }
  const template = createDb(withDatabase(adminUrl(), name), { max: 1 });
  try {
    await migrateLatest(template);
  } finally {
    await template.destroy();
  }
}

/** Run at the end of a test run (vitest globalSetup teardown). */
export async function dropTemplate(): Promise<void> {
  const admin = createDb(adminUrl(), { max: 1 });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS ${templateDb()} WITH (FORCE)`);
  } finally {
    await admin.destroy();
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
    await admin.raw(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`);
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
