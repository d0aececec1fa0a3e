/**
 * AI scene jobs end to end through the real server (Postgres, Redis, API, worker) with the fal sandbox as
 * the provider: a job succeeds and is charged its price; the provider down → the job fails with the AI
 * error and the hold is released; a server without a provider refuses at submission and charges nothing.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FalSandbox, startFalSandbox } from '../../sandbox/providers/fal/index.js';
import { priceOfSteps } from '../../shared/pricing.js';
import { findTemplate } from '../../shared/templates.js';
import { Job } from '../db/models.js';
import { ANSWER_STEPS } from '../pipeline/index.js';
import { type ConfiguredPipeline, createPipeline } from '../runtime.js';
import { answerKey } from '../services/jobs.js';
import { call, type Harness, startHarness, waitFor } from '../testing/harness.js';
import { jobForm, productJpeg } from '../testing/images.js';

const KEY = 'fal-job-test-key-0123456789';
const TEMPLATE = 'ai-scene-marble-kitchen';
const PRICE = priceOfSteps(findTemplate(TEMPLATE)!.steps);
const FAST = {
  lockDuration: 2000,
  stalledInterval: 1000,
  maxStalledCount: 2,
  relayEveryMs: 200,
  reconcileEveryMs: 60_000,
};

let fal: FalSandbox;
let image: Buffer;
beforeAll(async () => {
  fal = await startFalSandbox({ apiKey: KEY });
  image = await productJpeg();
});
afterAll(() => fal?.close());

/** A harness whose worker runs the configured pipeline against the fal sandbox (plus `env`). */
async function aiHarness(env: Record<string, string>) {
  const h = await startHarness({
    FAL_KEY: KEY,
    FAL_BASE_URL: fal.baseUrl,
    // The sandbox serves result files from its own loopback origin: listed, as an operator would.
    SANDBOX_MODE: 'true',
    SANDBOX_IMAGE_ORIGINS: fal.baseUrl,
    AI_POLL_INTERVAL_MS: '20',
    ...env,
  });
  const pipeline = createPipeline(h.config, h.runtime.logger);
  h.startWorker({ pipeline, tuning: FAST });
  return { h, pipeline };
}

async function seller(h: Harness, locale: 'en' | 'id' = 'en') {
  const signup = await call(h.baseUrl, 'POST', '/v1/auth/signup', {
    body: { email: `ai-${randomUUID()}@example.com`, password: 'password123', locale },
  });
  const sellerId = signup.body.seller.id as string;
  // The AI templates are premium (Professional or Premium plans); the plan check has its own tests.
  await h.database.db('sellers').where({ id: sellerId }).update({ tier: 'professional' });
  return { token: signup.body.token as string, sellerId };
}

function submit(h: Harness, token: string) {
  return call(h.baseUrl, 'POST', '/v1/jobs', {
    token,
    form: jobForm(
      { kind: 'enhance', marketplace: 'shopee', productId: '100001', slot: '0', templateId: TEMPLATE },
      image,
    ),
    headers: { 'idempotency-key': randomUUID() },
  });
}

const ledger = async (h: Harness, sellerId: string) =>
  (await h.database.db('credit_ledger').where({ sellerId }).orderBy('seq')).map(
    (e) => `${e.kind}:${e.amount}`,
  );

describe('AI scene jobs with a provider', () => {
  let h: Harness;
  let pipeline: ConfiguredPipeline | undefined;
  beforeAll(async () => {
    ({ h, pipeline } = await aiHarness({
      JOB_ATTEMPTS: '2',
      AI_SCENE_PROVIDER: 'fal',
      AI_TIMEOUT_MS: '2000',
    }));
  });
  afterAll(async () => {
    await h?.close();
    await pipeline?.close();
  });

  it('generates the scene, succeeds and captures the template’s price', async () => {
    const { token, sellerId } = await seller(h);
    const created = await submit(h, token);
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ templateId: TEMPLATE, price: PRICE });
    const job = await waitFor(async () => {
      const row = await Job.query(h.database.db).findById(created.body.id);
      return row?.status === 'succeeded' || row?.status === 'failed' ? row : undefined;
    });
    expect(job).toMatchObject({ status: 'succeeded', errorCode: null });
    expect(await ledger(h, sellerId)).toEqual(['grant:50', `hold:-${PRICE}`, 'capture:0']);
    expect((await call(h.baseUrl, 'GET', '/v1/me', { token })).body.balance).toBe(50 - PRICE);
    expect(fal.requestLog.some((e) => e.path === '/fal-ai/fast-sdxl' && e.status === 200)).toBe(true);
    const result = await fetch(`${h.baseUrl}/v1/jobs/${created.body.id}/result`, {
      headers: { authorization: `Bearer ${token}` },
    });
    // A Professional seller gets the full Shopee size (no free-tier cap).
    expect(await sharp(Buffer.from(await result.arrayBuffer())).metadata()).toMatchObject({
      width: 1200,
      height: 1200,
    });
  });

  it('provider down: the job fails AI_PROVIDER_UNAVAILABLE after its attempts and the hold is released', async () => {
    // Every call of both attempts (a first try and two client retries each) answers 503.
    fal.injectFault({ path: '/fal-ai/fast-sdxl', httpStatus: 503, times: 6, bare: true });
    const { token, sellerId } = await seller(h, 'id');
    const created = await submit(h, token);
    expect(created.status).toBe(202);
    await waitFor(async () => ((await ledger(h, sellerId)).includes(`release:${PRICE}`) ? true : undefined));
    const job = await Job.query(h.database.db).findById(created.body.id);
    expect(job).toMatchObject({ status: 'failed', errorCode: 'AI_PROVIDER_UNAVAILABLE', attempts: 2 });
    expect(await ledger(h, sellerId)).toEqual(['grant:50', `hold:-${PRICE}`, `release:${PRICE}`]);
    const view = await call(h.baseUrl, 'GET', `/v1/jobs/${created.body.id}`, { token });
    expect(view.body.error).toEqual({
      code: 'AI_PROVIDER_UNAVAILABLE',
      message: 'Layanan AI sedang sibuk atau tidak merespons. Kredit Anda dikembalikan; coba lagi nanti.',
    });
    expect((await call(h.baseUrl, 'GET', '/v1/me', { token })).body.balance).toBe(50);
  });
});

describe('AI scene jobs with a provider that refuses', () => {
  let h: Harness;
  let pipeline: ConfiguredPipeline | undefined;
  beforeAll(async () => {
    ({ h, pipeline } = await aiHarness({
      JOB_ATTEMPTS: '3',
      AI_SCENE_PROVIDER: 'fal',
    }));
  });
  afterAll(async () => {
    await h?.close();
    await pipeline?.close();
  });

  it('out of provider credit (402): fails AI_PROVIDER_FAILED on the first attempt, hold released', async () => {
    fal.injectFault({ path: '/fal-ai/fast-sdxl', httpStatus: 402 });
    const { token, sellerId } = await seller(h);
    const created = await submit(h, token);
    await waitFor(async () => ((await ledger(h, sellerId)).includes(`release:${PRICE}`) ? true : undefined));
    const job = await Job.query(h.database.db).findById(created.body.id);
    // Retrying cannot buy the operator's fal account more credit: one attempt, not JOB_ATTEMPTS.
    expect(job).toMatchObject({ status: 'failed', errorCode: 'AI_PROVIDER_FAILED', attempts: 1 });
    const view = await call(h.baseUrl, 'GET', `/v1/jobs/${created.body.id}`, { token });
    expect(view.body.error).toEqual({
      code: 'AI_PROVIDER_FAILED',
      message: 'The AI service could not create this image. Your credits were returned.',
    });
    expect((await call(h.baseUrl, 'GET', '/v1/me', { token })).body.balance).toBe(50);
  });
});

describe('AI scene jobs without a provider', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it('refuses at submission with AI_NOT_ENABLED (EN and ID), holds nothing and creates no job', async () => {
    for (const locale of ['en', 'id'] as const) {
      const { token, sellerId } = await seller(h, locale);
      const refused = await submit(h, token);
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatchObject({
        code: 'AI_NOT_ENABLED',
        message:
          locale === 'en'
            ? 'AI scenes and AI relighting are not enabled on this server. Nothing was charged.'
            : 'Latar AI dan pencahayaan AI belum diaktifkan di server ini. Tidak ada kredit terpakai.',
      });
      expect(await ledger(h, sellerId)).toEqual(['grant:50']);
      expect(await Job.query(h.database.db).where({ sellerId })).toEqual([]);
      expect((await call(h.baseUrl, 'GET', '/v1/me', { token })).body.balance).toBe(50);
    }
    // The rest of the library still works here.
    const { token } = await seller(h);
    const ok = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token,
      form: jobForm(
        {
          kind: 'enhance',
          marketplace: 'shopee',
          productId: '100001',
          slot: '0',
          templateId: 'studio-white',
        },
        image,
      ),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(ok.status).toBe(202);
  });
});

describe('AI jobs retried after a later step failed', () => {
  const RELIT = 'ai-scene-golden-hour-relit';
  let h: Harness;
  let pipeline: ConfiguredPipeline | undefined;
  beforeAll(async () => {
    ({ h, pipeline } = await aiHarness({
      JOB_ATTEMPTS: '2',
      AI_SCENE_PROVIDER: 'fal',
      RELIGHT_PROVIDER: 'fal',
      AI_TIMEOUT_MS: '2000',
    }));
  });
  afterAll(async () => {
    await h?.close();
    await pipeline?.close();
  });

  it('reuse the scene they already paid for, and keep no answers once done', async () => {
    // IC-Light is down for the whole first attempt (a try and two client retries), then back.
    fal.injectFault({ path: '/fal-ai/iclight-v2', httpStatus: 503, times: 3, bare: true });
    const { token } = await seller(h);
    const before = fal.requestLog.length;
    const created = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token,
      form: jobForm(
        { kind: 'enhance', marketplace: 'shopee', productId: '100001', slot: '0', templateId: RELIT },
        image,
      ),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(created.status).toBe(202);
    const job = await waitFor(async () => {
      const row = await Job.query(h.database.db).findById(created.body.id);
      return row?.status === 'succeeded' || row?.status === 'failed' ? row : undefined;
    });
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2 });
    const calls = fal.requestLog.slice(before).filter((e) => e.method === 'POST');
    // One scene for two attempts; IC-Light asked four times (three refused, then answered).
    expect(calls.filter((e) => e.path === '/fal-ai/fast-sdxl')).toHaveLength(1);
    expect(calls.filter((e) => e.path === '/fal-ai/iclight-v2')).toHaveLength(4);
    for (const step of ANSWER_STEPS) {
      expect(await h.runtime.storage.get(answerKey(created.body.id, step))).toBeUndefined();
    }
  });
});
