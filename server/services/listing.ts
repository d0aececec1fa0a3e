/**
 * "Replace on listing" and "Revert", for every marketplace: upload the result through the seller API and
 * write the full ordered image list with only that slot changed; revert writes the replaced image back.
 * Each is idempotent per job and slot (an advisory lock per job, then the recorded change is returned), so
 * double clicks and retries never upload twice.
 */
import { randomUUID } from 'node:crypto';
import type { JobView, ListingChangeView } from '../../shared/api.js';
import type { Locale } from '../../shared/errors.js';
import { API_PROVIDER_OF, type Marketplace } from '../../shared/marketplaces.js';
import type { Trx } from '../db/knex.js';
import { type Job, ListingImageChange } from '../db/models.js';
import { AppError } from '../errors.js';
import { presentJob } from '../presenters.js';
import type { Storage } from '../storage/index.js';
import { activeConnection, type ConnectionsDeps, connectorFor, withShopAuth } from './connections.js';
import { changesOf, findOwnJob } from './jobs.js';

export interface ListingDeps extends ConnectionsDeps {
  storage: Storage;
}

/** Serialises apply/revert of one job; the loser of a race waits, then finds the recorded change. */
async function lockJob(trx: Trx, jobId: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`listing:${jobId}`]);
}

export async function applyJob(
  deps: ListingDeps,
  input: { sellerId: string; jobId: string; locale: Locale },
): Promise<JobView> {
  const job = await findOwnJob(deps.db, input.sellerId, input.jobId);
  if (job.status !== 'succeeded' || !job.resultKey) throw new AppError('JOB_NOT_READY');
  const provider = API_PROVIDER_OF[job.marketplace];
  const connector = connectorFor(deps, provider);

  return deps.db.transaction(async (trx) => {
    await lockJob(trx, job.id);
    const recorded = await changesOf(trx, job.id);
    if (recorded.some((c) => c.kind === 'replace')) return presentJob(job, input.locale, recorded);

    const connection = await activeConnection(deps.db, input.sellerId, provider);
    const result = await deps.storage.get(job.resultKey!);
    if (!result) throw new AppError('NOT_FOUND');

    const listing = await withShopAuth(deps, connection, (auth) => connector.getListing(auth, job.productId));
    if (!listing) throw new AppError('NOT_FOUND', 'This product is not in the connected shop.');
    const previous = listing.images[job.slot];
    // The seller clicked on a specific image; if the slot holds another one now, replacing would clobber it.
    if (!previous || (job.sourceImageId && previous.id !== job.sourceImageId))
      throw new AppError('LISTING_CHANGED');

    const uploaded = await withShopAuth(deps, connection, (auth) =>
      connector.uploadImage(auth, result, `${job.id}.jpg`),
    );
    const imageIds = listing.images.map((image, index) => (index === job.slot ? uploaded.id : image.id));
    const { auditStatus } = await withShopAuth(deps, connection, (auth) =>
      connector.setImages(auth, job.productId, imageIds, listing),
    );

    const change = await ListingImageChange.query(trx).insertAndFetch({
      id: randomUUID(),
      sellerId: input.sellerId,
      connectionId: connection.id,
      marketplace: job.marketplace,
      productId: job.productId,
      slot: job.slot,
      jobId: job.id,
      kind: 'replace',
      previousImageId: previous.id,
      previousImageUrl: previous.url || null,
      newImageId: uploaded.id,
      newImageUrl: uploaded.url,
      auditStatus,
    });
    return presentJob(job, input.locale, [change]);
  });
}

export async function revertJob(
  deps: ListingDeps,
  input: { sellerId: string; jobId: string; locale: Locale },
): Promise<JobView> {
  const job: Job = await findOwnJob(deps.db, input.sellerId, input.jobId);
  const provider = API_PROVIDER_OF[job.marketplace];
  const connector = connectorFor(deps, provider);

  return deps.db.transaction(async (trx) => {
    await lockJob(trx, job.id);
    const recorded = await changesOf(trx, job.id);
    const replaced = recorded.find((c) => c.kind === 'replace');
    if (!replaced?.previousImageId) throw new AppError('NOTHING_TO_REVERT');
    if (recorded.some((c) => c.kind === 'revert')) return presentJob(job, input.locale, recorded);

    const connection = await activeConnection(deps.db, input.sellerId, provider);
    const listing = await withShopAuth(deps, connection, (auth) => connector.getListing(auth, job.productId));
    if (!listing) throw new AppError('NOT_FOUND', 'This product is not in the connected shop.');
    // Only put the old image back over our own image: anything else in the slot is the seller's newer choice.
    if (listing.images[job.slot]?.id !== replaced.newImageId) throw new AppError('LISTING_CHANGED');

    const imageIds = listing.images.map((image, index) =>
      index === job.slot ? replaced.previousImageId! : image.id,
    );
    const { auditStatus } = await withShopAuth(deps, connection, (auth) =>
      connector.setImages(auth, job.productId, imageIds, listing),
    );
    const revert = await ListingImageChange.query(trx).insertAndFetch({
      id: randomUUID(),
      sellerId: input.sellerId,
      connectionId: connection.id,
      marketplace: job.marketplace,
      productId: job.productId,
      slot: job.slot,
      jobId: job.id,
      kind: 'revert',
      previousImageId: replaced.newImageId,
      previousImageUrl: replaced.newImageUrl,
      newImageId: replaced.previousImageId,
      newImageUrl: replaced.previousImageUrl ?? '',
      auditStatus,
    });
    return presentJob(job, input.locale, [...recorded, revert]);
  });
}

/** Every replacement and revert on one listing, newest first (the seller's own only). */
export async function listingHistory(
  deps: Pick<ListingDeps, 'db'>,
  input: { sellerId: string; marketplace: Marketplace; productId: string },
): Promise<ListingChangeView[]> {
  const changes = await ListingImageChange.query(deps.db)
    .where({ sellerId: input.sellerId, marketplace: input.marketplace, productId: input.productId })
    .orderBy('createdAt', 'desc');
  return changes.map((c) => ({
    id: c.id,
    marketplace: c.marketplace,
    productId: c.productId,
    slot: c.slot,
    jobId: c.jobId,
    kind: c.kind,
    previousImageId: c.previousImageId,
    previousImageUrl: c.previousImageUrl,
    newImageId: c.newImageId,
    newImageUrl: c.newImageUrl,
    auditStatus: c.auditStatus,
    createdAt: new Date(c.createdAt).toISOString(),
  }));
}
