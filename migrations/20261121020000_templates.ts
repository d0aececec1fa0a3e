import type { Knex } from 'knex';

/**
 * Templates (SPEC §2): a job runs either a preset or a template, so `preset_id` becomes nullable next to
 * the new `template_id`; `template_usage` counts successful jobs per template (the gallery's popularity).
 * Templates themselves are code (shared/templates.ts), so there is no foreign key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('jobs', (t) => {
    t.text('preset_id').nullable().alter();
    t.text('template_id');
  });
  await knex.raw(
    'ALTER TABLE jobs ADD CONSTRAINT jobs_preset_xor_template CHECK ((preset_id IS NULL) <> (template_id IS NULL))',
  );
  await knex.schema.createTable('template_usage', (t) => {
    t.text('template_id').primary();
    t.integer('uses').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('template_usage');
  await knex.raw('ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_preset_xor_template');
  await knex('jobs').whereNotNull('template_id').delete();
  await knex.schema.alterTable('jobs', (t) => {
    t.dropColumn('template_id');
    t.text('preset_id').notNullable().alter();
  });
}
