import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sellers', (t) => {
    t.uuid('id').primary();
    t.text('email').notNullable().unique();
    t.text('password_hash').notNullable();
    t.text('locale').notNullable().defaultTo('id');
    t.text('tier').notNullable().defaultTo('free');
    // Cached sum of the ledger; the CHECK makes an overdraft impossible even under races.
    t.integer('balance').notNullable().defaultTo(0);
    t.timestamps(true, true);
  });
  await knex.raw('ALTER TABLE sellers ADD CONSTRAINT sellers_balance_non_negative CHECK (balance >= 0)');

  await knex.schema.createTable('api_tokens', (t) => {
    t.uuid('id').primary();
    t.uuid('seller_id').notNullable().references('sellers.id').onDelete('CASCADE');
    t.text('token_hash').notNullable().unique(); // sha256 of the bearer token; the token itself is never stored
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('shop_connections', (t) => {
    t.uuid('id').primary();
    t.uuid('seller_id').notNullable().references('sellers.id').onDelete('CASCADE');
    t.text('marketplace').notNullable();
    t.text('shop_id').notNullable();
    t.text('status').notNullable().defaultTo('active');
    // AES-256-GCM ciphertexts (nonce|ciphertext|tag, base64) and the id of the key that made them.
    t.text('access_token_ct');
    t.text('refresh_token_ct');
    t.text('key_id');
    t.timestamp('access_expires_at', { useTz: true });
    t.timestamp('refresh_expires_at', { useTz: true });
    t.timestamps(true, true);
    t.unique(['seller_id', 'marketplace', 'shop_id']);
  });

  await knex.schema.createTable('oauth_states', (t) => {
    t.text('state_hash').primary();
    t.uuid('seller_id').notNullable().references('sellers.id').onDelete('CASCADE');
    t.text('marketplace').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('jobs', (t) => {
    t.uuid('id').primary();
    t.uuid('seller_id').notNullable().references('sellers.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.text('status').notNullable();
    t.integer('progress').notNullable().defaultTo(0);
    t.text('stage');
    t.text('marketplace').notNullable();
    t.text('product_id').notNullable();
    t.integer('slot').notNullable();
    t.text('preset_id').notNullable();
    t.integer('price').notNullable();
    t.text('source_url');
    t.text('source_image_id');
    t.text('input_key');
    t.text('result_key');
    t.jsonb('result_meta');
    t.text('error_code');
    t.integer('attempts').notNullable().defaultTo(0);
    // Outbox: null until the job has been handed to the queue; the relay enqueues rows where it is null.
    t.timestamp('enqueued_at', { useTz: true });
    t.timestamp('started_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.timestamps(true, true);
    t.index(['seller_id', 'created_at']);
  });
  await knex.raw(
    "CREATE INDEX jobs_active_idx ON jobs (updated_at) WHERE status IN ('queued', 'processing')",
  );

  await knex.schema.createTable('credit_holds', (t) => {
    t.uuid('id').primary();
    t.uuid('seller_id').notNullable().references('sellers.id').onDelete('CASCADE');
    t.uuid('job_id').notNullable().unique().references('jobs.id').onDelete('CASCADE');
    t.integer('amount').notNullable();
    t.text('status').notNullable().defaultTo('held'); // held → captured | released, exactly once
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('resolved_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('credit_ledger', (t) => {
    t.uuid('id').primary();
    t.bigIncrements('seq', { primaryKey: false }); // total order for "balance after"
    t.uuid('seller_id').notNullable().references('sellers.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.integer('amount').notNullable();
    t.integer('balance_after').notNullable();
    t.uuid('job_id');
    t.text('note');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['seller_id', 'seq']);
  });
  // Append-only: corrections are new (reversing) entries, never edits.
  await knex.raw(`
    CREATE FUNCTION credit_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'credit_ledger is append-only'; END $$;
    CREATE TRIGGER credit_ledger_no_update BEFORE UPDATE OR DELETE ON credit_ledger
      FOR EACH ROW EXECUTE FUNCTION credit_ledger_append_only();
  `);

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.uuid('seller_id').notNullable().references('sellers.id').onDelete('CASCADE');
    t.text('key').notNullable();
    t.text('scope').notNullable();
    t.text('request_hash').notNullable();
    t.integer('response_status');
    t.jsonb('response_body');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['seller_id', 'key']);
  });

  await knex.schema.createTable('listing_image_changes', (t) => {
    t.uuid('id').primary();
    t.uuid('seller_id').notNullable().references('sellers.id').onDelete('CASCADE');
    t.uuid('connection_id').notNullable().references('shop_connections.id').onDelete('CASCADE');
    t.text('marketplace').notNullable();
    t.text('product_id').notNullable();
    t.integer('slot').notNullable();
    t.uuid('job_id').references('jobs.id').onDelete('SET NULL');
    t.text('previous_image_id');
    t.text('new_image_id').notNullable();
    t.text('new_image_url').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['job_id', 'slot']);
    t.index(['connection_id', 'product_id', 'slot']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'listing_image_changes',
    'idempotency_keys',
    'credit_ledger',
    'credit_holds',
    'jobs',
    'oauth_states',
    'shop_connections',
    'api_tokens',
    'sellers',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.raw('DROP FUNCTION IF EXISTS credit_ledger_append_only()');
}
