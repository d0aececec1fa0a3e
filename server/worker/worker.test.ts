import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceOfPreset } from '../../shared/pricing.js';
import { Job } from '../db/models.js';
import { AppError } from '../errors.js';
import { answerKey } from '../services/jobs.js';
import { reconcile, relayOutbox } from '../services/recovery.js';
import { call, type Harness, startHarness, waitFor } from '../testing/harness.js';
import { jobForm, productJpeg } from '../testing/images.js';
import { forgetAnswers, type Pipeline } from './enhance.js';

const PRICE = priceOfPreset('shopee-white-studio');
const FAST = {
  lockDuration: 1000,
  stalledInterval: 500,
  maxStalledCount: 2,
  relayEveryMs: 200,
  reconcileEveryMs: 60_000,
};

/** A stand-in pipeline with the real contract: resizes to 1200² JPEG. Lets us control timing and failures. */
function fakePipeline(
  behaviour: { fail?: () => Error; gate?: Promise<void> } = {},
): Pipeline & { calls: number } {
  const pipeline = {
    calls: 0,
    inspectImage: async () => ({}),
    async enhance(input: Buffer, options: { onProgress?: (p: number, s: string) => void | Promise<void> }) {
      pipeline.calls += 1;
      await options.onProgress?.(50, 'segment');
      if (behaviour.gate) await behaviour.gate;
      if (behaviour.fail) throw behaviour.fail();
      const data = await sharp(input)
        .resize(1200, 1200, { fit: 'contain', background: '#fff' })
        .jpeg()
        .toBuffer();
      return {
        data,
        format: 'jpeg',
        width: 1200,
        height: 1200,
        bytes: data.length,
        confidence: 0.437,
        timingsMs: {},
      };
    },
  };
  return pipeline;
}

let h: Harness;
let image: Buffer;
beforeAll(async () => {
  h = await startHarness({ JOB_ATTEMPTS: '2' });
  image = await productJpeg();
});
afterAll(() => h?.close());

async function newSellerWithJob() {
  const signup = await call(h.baseUrl, 'POST', '/v1/auth/signup', {
    body: { email: `w-${randomUUID()}@example.com`, password: 'password123', locale: 'en' },
  });
  const token = signup.body.token as string;
  const job = await call(h.baseUrl, 'POST', '/v1/jobs', {
    token,
    form: jobForm(
      {
        kind: 'enhance',
        marketplace: 'shopee',
        productId: '100001',
        slot: '0',
        presetId: 'shopee-white-studio',
      },
      image,
    ),
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(job.status).toBe(202);
  return { token, sellerId: signup.body.seller.id as string, jobId: job.body.id as string };
}

const finished = (jobId: string) =>
  waitFor(async () => {
    const job = await Job.query(h.database.db).findById(jobId);
    return job && (job.status === 'succeeded' || job.status === 'failed') ? job : undefined;
  });
const ledgerKinds = async (sellerId: string) =>
  (await h.database.db('credit_ledger').where({ sellerId }).orderBy('seq')).map(
    (e) => `${e.kind}:${e.amount}`,
  );

describe('worker', () => {
  it('processes a job, captures its hold once and serves the result to its owner', async () => {
    const worker = h.startWorker({ pipeline: fakePipeline(), tuning: FAST });
    const { token, sellerId, jobId } = await newSellerWithJob();
    const job = await finished(jobId);
    expect(job.status).toBe('succeeded');
    expect(await ledgerKinds(sellerId)).toEqual(['grant:50', `hold:-${PRICE}`, 'capture:0']);
    const view = await call(h.baseUrl, 'GET', `/v1/jobs/${jobId}`, { token });
    expect(view.body).toMatchObject({
      status: 'succeeded',
      progress: 100,
      // The pipeline's trust in the cut-out reaches the seller (rounded), so the panel can ask for a check.
      result: { width: 1200, height: 1200, format: 'jpeg', confidence: 0.44 },
    });
    const result = await fetch(`${h.baseUrl}/v1/jobs/${jobId}/result`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(result.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await result.arrayBuffer())).metadata()).width).toBe(1200);
    expect((await call(h.baseUrl, 'GET', '/v1/me', { token })).body).toMatchObject({
      balance: 50 - PRICE,
      monthUsage: PRICE,
    });
    await worker.close();
  });

  it('fails a job on bad input without retrying and releases the hold', async () => {
    const pipeline = fakePipeline({ fail: () => new AppError('IMAGE_INVALID') });
    const worker = h.startWorker({ pipeline, tuning: FAST });
    const { token, sellerId, jobId } = await newSellerWithJob();
    const job = await waitFor(async () => {
      const row = await Job.query(h.database.db).findById(jobId);
      return row?.status === 'failed' ? row : undefined;
    });
    expect(job.errorCode).toBe('IMAGE_INVALID');
    expect(pipeline.calls).toBe(1);
    await waitFor(async () => ((await ledgerKinds(sellerId)).length === 3 ? true : undefined));
    expect(await ledgerKinds(sellerId)).toEqual(['grant:50', `hold:-${PRICE}`, `release:${PRICE}`]);
    const view = await call(h.baseUrl, 'GET', `/v1/jobs/${jobId}`, { token });
    expect(view.body.error).toEqual({
      code: 'IMAGE_INVALID',
      message: 'The image is damaged or too large to process.',
    });
    expect((await call(h.baseUrl, 'GET', '/v1/me', { token })).body.balance).toBe(50);
    await worker.close();
  });

  it('retries a transient failure up to JOB_ATTEMPTS, then fails and releases once', async () => {
    const pipeline = fakePipeline({ fail: () => new Error('provider timeout') });
    const worker = h.startWorker({ pipeline, tuning: FAST });
    const { sellerId, jobId } = await newSellerWithJob();
    await waitFor(async () =>
      (await ledgerKinds(sellerId)).includes(`release:${PRICE}`) ? true : undefined,
    );
    const job = await Job.query(h.database.db).findById(jobId);
    expect(job).toMatchObject({ status: 'failed', errorCode: 'PROCESSING_FAILED' });
    expect(pipeline.calls).toBe(2);
    expect(await ledgerKinds(sellerId)).toEqual(['grant:50', `hold:-${PRICE}`, `release:${PRICE}`]);
    await worker.close();
  });

  it('a worker killed mid-job: another picks the job up; the first one finishing late changes nothing', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const stuck = fakePipeline({ gate });
    const first = h.startWorker({ pipeline: stuck, tuning: FAST });
    const { sellerId, jobId } = await newSellerWithJob();
    await waitFor(async () => (stuck.calls === 1 ? true : undefined));
    await first.close(true); // abandon the job mid-flight, as a crash would

    const second = h.startWorker({ pipeline: fakePipeline(), tuning: FAST });
    const job = await finished(jobId);
    expect(job.status).toBe('succeeded');
    open(); // the abandoned run completes after the fact
    await new Promise((r) => setTimeout(r, 300));
    expect(await ledgerKinds(sellerId)).toEqual(['grant:50', `hold:-${PRICE}`, 'capture:0']);
    await second.close();
  });

  it('rebuilds lost queue entries from Postgres (outbox relay and reconcile after a Redis wipe)', async () => {
    const { sellerId, jobId } = await newSellerWithJob();
    const { jobId: secondId } = await newSellerWithJob();
    // As if the process died between commit and enqueue, and as if Redis restarted empty.
    await Job.query(h.database.db).patch({ enqueuedAt: null }).where({ id: jobId });
    await h.runtime.queue.remove(jobId);
    await h.runtime.queue.remove(secondId);
    expect(await h.runtime.queue.state(jobId)).toBe('missing');

    expect(await relayOutbox(h.database.db, h.runtime.queue)).toBeGreaterThanOrEqual(1);
    const repaired = await reconcile(h.database.db, h.runtime.queue, h.runtime.logger, {
      staleMs: 0,
      maxAttempts: 2,
    });
    expect(repaired.requeued).toContain(secondId);

    const worker = h.startWorker({ pipeline: fakePipeline(), tuning: FAST });
    expect((await finished(jobId)).status).toBe('succeeded');
    expect((await finished(secondId)).status).toBe('succeeded');
    expect(await ledgerKinds(sellerId)).toEqual(['grant:50', `hold:-${PRICE}`, 'capture:0']);
    await worker.close();
  });

  it('a hold past its expiry fails the job, releases the hold once and deletes the answers it kept', async () => {
    const { sellerId, jobId } = await newSellerWithJob();
    // No worker runs: as if every worker were down until the hold expired, after one attempt had kept an
    // AI scene for its retries.
    await h.runtime.storage.put(answerKey(jobId, 'scene'), Buffer.from('kept scene'));
    await h.database
      .db('credit_holds')
      .where({ jobId })
      .update({ expiresAt: new Date(Date.now() - 1000) });
    const forgotten: string[] = [];
    const repaired = await reconcile(h.database.db, h.runtime.queue, h.runtime.logger, {
      staleMs: 3_600_000,
      maxAttempts: 2,
      onFailed: async (id) => {
        forgotten.push(id);
        await forgetAnswers(h.runtime.storage, id);
      },
    });
    expect(repaired.failed).toEqual([jobId]);
    expect(forgotten).toEqual([jobId]);
    expect(await h.runtime.storage.get(answerKey(jobId, 'scene'))).toBeUndefined();
    expect((await Job.query(h.database.db).findById(jobId))?.status).toBe('failed');
    expect(await ledgerKinds(sellerId)).toEqual(['grant:50', `hold:-${PRICE}`, `release:${PRICE}`]);
  });

  it('survives PostgreSQL terminating its connections mid-flight: every job ends, every hold resolved once', async () => {
    const jobs = await Promise.all(Array.from({ length: 6 }, () => newSellerWithJob()));
    const worker = h.startWorker({ pipeline: fakePipeline(), tuning: FAST });
    const db = h.database.db;
    const database = (await db.raw('select current_database() as name')).rows[0].name as string;
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 60));
      await db.raw(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()',
        [database],
      );
    }
    // Lost final writes are the reconciler's job; run it as the worker's loop would.
    const ended = await waitFor(async () => {
      await reconcile(db, h.runtime.queue, h.runtime.logger, { staleMs: 500, maxAttempts: 2 }).catch(
        () => undefined,
      );
      const rows = await db('jobs')
        .whereIn(
          'id',
          jobs.map((j) => j.jobId),
        )
        .catch(() => []);
      return rows.length === jobs.length &&
        rows.every((r) => r.status === 'succeeded' || r.status === 'failed')
        ? rows
        : undefined;
    }, 30_000);
    for (const row of ended) {
      const entries = await ledgerKinds(row.sellerId);
      const resolutions = entries.filter((e) => e.startsWith('capture') || e.startsWith('release'));
      expect(resolutions, row.id).toEqual([row.status === 'succeeded' ? 'capture:0' : `release:${PRICE}`]);
      const sum = await db('credit_ledger')
        .where({ sellerId: row.sellerId })
        .sum({ total: 'amount' })
        .first();
      const seller = await db('sellers').where({ id: row.sellerId }).first();
      expect(Number(sum!.total)).toBe(seller.balance);
    }
    await worker.close();
  });
});
