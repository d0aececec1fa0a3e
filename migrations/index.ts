/**
 * Every migration, imported statically. knex's directory loader imports files by path at run time,
 * which breaks under loaders that transpile TypeScript on the fly (vitest's global setup); a static list
 * works everywhere. Add new migrations here in order.
 */
import type { Knex } from 'knex';
import * as initial from './20261121000000_initial.js';
import * as connectors from './20261121010000_connectors_and_revert.js';
import * as templates from './20261121020000_templates.js';
import * as exportsMigration from './20261121030000_exports.js';

const MIGRATIONS: Record<string, Knex.Migration> = {
  '20261121000000_initial': initial,
  '20261121010000_connectors_and_revert': connectors,
  '20261121020000_templates': templates,
  '20261121030000_exports': exportsMigration,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name]!,
};
