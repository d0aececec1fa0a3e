import type { Knex } from 'knex';

/**
 * TikTok Shop / Tokopedia connections need the shop's `shop_cipher` and name; listing changes become a
 * history of replacements and reverts, with the replaced image's URL and the marketplace's audit state.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('shop_connections', (t) => {
    t.text('shop_name');
    // Not a secret (TikTok returns it from /authorization/202309/shops), but bound to this authorization.
    t.text('shop_cipher');
  });
  await knex.schema.alterTable('listing_image_changes', (t) => {
    t.text('kind').notNullable().defaultTo('replace'); // replace | revert
    t.text('previous_image_url');
    t.text('audit_status');
    t.dropUnique(['job_id', 'slot']);
    // One replacement and at most one revert per job and slot: repeats return the recorded change.
    t.unique(['job_id', 'slot', 'kind']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('listing_image_changes', (t) => {
    t.dropUnique(['job_id', 'slot', 'kind']);
    t.unique(['job_id', 'slot']);
    t.dropColumn('audit_status');
    t.dropColumn('previous_image_url');
    t.dropColumn('kind');
  });
  await knex.schema.alterTable('shop_connections', (t) => {
    t.dropColumn('shop_cipher');
    t.dropColumn('shop_name');
  });
}
