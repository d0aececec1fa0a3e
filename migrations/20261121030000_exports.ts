import type { Knex } from 'knex';

/**
 * ZIP exports (seed 000 §2.2.7) are jobs too: a row in `jobs` with `kind = 'export'`, so the credit hold
 * (credit_holds.job_id → jobs.id), the ledger's job_id, the outbox relay, the reconciler and the
 * conditional status transitions serve them unchanged. What only an export has lives in `job_exports`
 * (one row per export job). The listing fields of `jobs` become nullable and are required by a CHECK
 * for enhance jobs only, as the preset/template rule was before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('jobs', (t) => {
    t.text('marketplace').nullable().alter();
    t.text('product_id').nullable().alter();
    t.integer('slot').nullable().alter();
  });
  await knex.raw(`
    ALTER TABLE jobs DROP CONSTRAINT jobs_preset_xor_template;
    ALTER TABLE jobs ADD CONSTRAINT jobs_kind CHECK (kind IN ('enhance', 'export'));
    ALTER TABLE jobs ADD CONSTRAINT jobs_enhance_fields CHECK (
      kind <> 'enhance' OR (
        marketplace IS NOT NULL AND product_id IS NOT NULL AND slot IS NOT NULL
        AND (preset_id IS NULL) <> (template_id IS NULL)
      )
    );
    ALTER TABLE jobs ADD CONSTRAINT jobs_export_fields CHECK (
      kind <> 'export' OR (marketplace IS NULL AND preset_id IS NULL AND template_id IS NULL)
    );
  `);
  await knex.schema.createTable('job_exports', (t) => {
    t.uuid('job_id').primary().references('jobs.id').onDelete('CASCADE');
    // The seller's finished enhance jobs, in the order asked for (the ZIP keeps it).
    t.specificType('source_job_ids', 'uuid[]').notNullable();
    // Empty: each result in the format it was made in. Otherwise re-encoded to each of these.
    t.specificType('formats', 'text[]').notNullable();
    // Output preset ids to re-render every item for (multi-platform); empty for none.
    t.specificType('platforms', 'text[]').notNullable();
    t.integer('file_count');
    t.bigInteger('zip_bytes');
    t.timestamp('expires_at', { useTz: true });
    // Set by the sweeper once the file is deleted.
    t.timestamp('expired_at', { useTz: true });
  });
  await knex.raw('CREATE INDEX job_exports_expiry_idx ON job_exports (expires_at) WHERE expired_at IS NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('job_exports');
  await knex('jobs').where({ kind: 'export' }).delete();
  await knex.raw(`
    ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_export_fields;
    ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_enhance_fields;
    ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_kind;
    ALTER TABLE jobs ADD CONSTRAINT jobs_preset_xor_template CHECK ((preset_id IS NULL) <> (template_id IS NULL));
  `);
  await knex.schema.alterTable('jobs', (t) => {
    t.text('marketplace').notNullable().alter();
    t.text('product_id').notNullable().alter();
    t.integer('slot').notNullable().alter();
  });
}
