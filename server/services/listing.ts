/**
 * "Replace on listing": upload the result through the marketplace API and put it in the same slot,
 * other slots untouched, recording what it replaced (for revert). Idempotent per job and slot: a second
 * apply (double click, retry, replay) returns the first outcome without uploading again.
 */
import { randomUUID } from 'node:crypto';
import type { JobView } from '../../shared/api.js';
import type { Locale } from '../../shared/errors.js';
import { ListingImageChange } from '../db/models.js';
import { AppError } from '../errors.js';
import { isShopeeError } from '../marketplaces/shopee/client.js';
import { presentJob } from '../presenters.js';
import type { Storage } from '../storage/index.js';
import { accessTokenFor, activeConnection, type ConnectionsDeps, type ShopeeAuthApi } from './connections.js';
import { findOwnJob, latestChange } from './jobs.js';

/** The listing part of the Shopee client (server/marketplaces/shopee/client.ts). */
export interface ShopeeListingApi extends ShopeeAuthApi {
  uploadImage(input: { data: Buffer; filename?: string }): Promise<{ imageId: string; imageUrl: string }>;
  getItemBaseInfo(input: {
    accessToken: string;
    shopId: number;
    itemIds: string[];
  }): Promise<Array<{ itemId: string; imageIds: string[]; imageUrls: string[] }>>;
  updateItemImages(input: {
    accessToken: string;
    shopId: number;
    itemId: string;
    imageIds: string[];
  }): Promise<void>;
}

export interface ListingDeps extends ConnectionsDeps {
  shopee?: ShopeeListingApi;
  storage: Storage;
}

/** Maps a marketplace API failure (classified by the client) to what the seller is told. */
function marketplaceError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (!isShopeeError(error)) return new AppError('MARKETPLACE_UNAVAILABLE', undefined, { cause: error });
  switch (error.kind) {
    case 'promotion_locked':
      return new AppError('LISTING_IN_PROMOTION', undefined, { cause: error });
    case 'rate_limit':
    case 'server':
    case 'network':
      return new AppError('MARKETPLACE_UNAVAILABLE', undefined, { cause: error });
    case 'refresh_expired':
      return new AppError('CONNECTION_NEEDS_REAUTH', undefined, { cause: error });
    default:
      return new AppError('MARKETPLACE_REJECTED', undefined, { cause: error });
  }
}

const isAuthError = (error: unknown) => isShopeeError(error) && error.kind === 'auth';

export async function applyJob(
  deps: ListingDeps,
  input: { sellerId: string; jobId: string; locale: Locale },
): Promise<JobView> {
  const { db } = deps;
  const job = await findOwnJob(db, input.sellerId, input.jobId);
  if (job.status !== 'succeeded' || !job.resultKey) throw new AppError('JOB_NOT_READY');
  const shopee = deps.shopee;
  if (!shopee) throw new AppError('FEATURE_UNAVAILABLE', 'Shopee is not configured on this server.');

  return db.transaction(async (trx) => {
    // One apply per job at a time; the loser of a race waits here, then finds the recorded change.
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`apply:${job.id}`]);
    const done = await latestChange(trx, job.id);
    if (done) return presentJob(job, input.locale, done);

    const connection = await activeConnection(db, input.sellerId, job.marketplace);
    const result = await deps.storage.get(job.resultKey!);
    if (!result) throw new AppError('NOT_FOUND');
    const shopId = Number(connection.shopId);

    // A marketplace that says the token is bad gets one forced refresh and one more try (marketplaces.md).
    const withToken = async <T>(call: (accessToken: string) => Promise<T>): Promise<T> => {
      try {
        return await call(await accessTokenFor(deps, connection.id));
      } catch (error) {
        if (!isAuthError(error)) throw marketplaceError(error);
        try {
          return await call(await accessTokenFor(deps, connection.id, true));
        } catch (retryError) {
          throw marketplaceError(retryError);
        }
      }
    };

    const [item] = await withToken((accessToken) =>
      shopee.getItemBaseInfo({ accessToken, shopId, itemIds: [job.productId] }),
    );
    if (!item) throw new AppError('NOT_FOUND', 'This product is not in the connected shop.');
    const previous = item.imageIds[job.slot];
    if (previous === undefined || (job.sourceImageId && previous !== job.sourceImageId)) {
      throw new AppError('LISTING_CHANGED');
    }

    let uploaded: { imageId: string; imageUrl: string };
    try {
      uploaded = await shopee.uploadImage({ data: result, filename: `${job.id}.jpg` });
    } catch (error) {
      throw marketplaceError(error);
    }
    const imageIds = item.imageIds.map((id, index) => (index === job.slot ? uploaded.imageId : id));
    await withToken((accessToken) =>
      shopee.updateItemImages({ accessToken, shopId, itemId: job.productId, imageIds }),
    );

    const change = await ListingImageChange.query(trx).insertAndFetch({
      id: randomUUID(),
      sellerId: input.sellerId,
      connectionId: connection.id,
      marketplace: job.marketplace,
      productId: job.productId,
      slot: job.slot,
      jobId: job.id,
      previousImageId: previous,
      newImageId: uploaded.imageId,
      newImageUrl: uploaded.imageUrl,
    });
    return presentJob(job, input.locale, change);
  });
}
