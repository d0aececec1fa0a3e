import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceOfSteps } from '../../shared/pricing.js';
import { findTemplate, TEMPLATES } from '../../shared/templates.js';
import { Job } from '../db/models.js';
import { pipeline as realPipeline } from '../runtime.js';
import { completeJob } from '../services/jobs.js';
import { previewKey } from '../services/templates.js';
import { call, type Harness, startHarness, waitFor } from '../testing/harness.js';
import { jobForm, productJpeg } from '../testing/images.js';
import type { Pipeline } from '../worker/enhance.js';

let h: Harness;
let image: Buffer;

beforeAll(async () => {
  h = await startHarness();
  image = await productJpeg();
});
afterAll(() => h?.close());

async function signUp() {
  const res = await call(h.baseUrl, 'POST', '/v1/auth/signup', {
    body: { email: `t-${randomUUID()}@example.com`, password: 'correct horse', locale: 'en' },
  });
  expect(res.status).toBe(201);
  return res.body as { token: string; seller: { id: string } };
}

const jobFields = (extra: Record<string, string>) => ({
  kind: 'enhance',
  marketplace: 'tokopedia',
  productId: '200002',
  slot: '0',
  ...extra,
});

describe('GET /v1/templates', () => {
  it('lists every template with price, usage and preview URL', async () => {
    const res = await call(h.baseUrl, 'GET', '/v1/templates');
    expect(res.status).toBe(200);
    expect(res.body.templates).toHaveLength(TEMPLATES.length);
    const white = res.body.templates.find((t: { id: string }) => t.id === 'studio-white');
    expect(white).toMatchObject({
      name: { en: 'White studio', id: 'Studio putih' },
      category: 'studio',
      occasion: null,
      price: priceOfSteps(findTemplate('studio-white')!.steps),
      usageCount: 0,
      previewUrl: '/v1/templates/studio-white/preview',
    });
  });

  it('filters by category, platform, aspect, premium and text', async () => {
    const get = async (qs: string) =>
      (await call(h.baseUrl, 'GET', `/v1/templates?${qs}`)).body.templates as {
        id: string;
        category: string;
        platform: string;
        aspect: string;
        premium: boolean;
        occasion: string | null;
      }[];
    const seasonal = await get('category=seasonal');
    expect(seasonal.length).toBeGreaterThanOrEqual(10);
    expect(seasonal.every((t) => t.category === 'seasonal')).toBe(true);
    const vertical = await get('platform=tiktok&aspect=9:16');
    expect(vertical.length).toBeGreaterThan(0);
    expect(vertical.every((t) => t.platform === 'tiktok' && t.aspect === '9:16')).toBe(true);
    const premium = await get('premium=true');
    expect(premium.every((t) => t.premium)).toBe(true);
    expect((await get('premium=false')).length + premium.length).toBe(TEMPLATES.length);
    const imlek = await get('q=IMLEK');
    expect(imlek.length).toBeGreaterThan(0);
    expect(imlek.every((t) => t.occasion === 'lunar_new_year')).toBe(true);
    expect((await call(h.baseUrl, 'GET', '/v1/templates?category=nope')).status).toBe(400);
    expect((await call(h.baseUrl, 'GET', '/v1/templates?premium=yes')).status).toBe(400);
  });

  it('shows one template, 404 for an unknown one', async () => {
    const one = await call(h.baseUrl, 'GET', '/v1/templates/christmas-red-green');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: 'christmas-red-green', occasion: 'christmas' });
    expect((await call(h.baseUrl, 'GET', '/v1/templates/no-such-template')).status).toBe(404);
  });
});

describe('GET /v1/quote with a template', () => {
  it('quotes a template at the price jobs are charged, with the balance; exactly one id', async () => {
    const { token } = await signUp();
    const quote = await call(h.baseUrl, 'GET', '/v1/quote?templateId=studio-black', { token });
    expect(quote.status).toBe(200);
    expect(quote.body).toEqual({
      presetId: null,
      templateId: 'studio-black',
      name: findTemplate('studio-black')!.name,
      price: priceOfSteps(findTemplate('studio-black')!.steps),
      balance: 50,
    });
    const preset = await call(h.baseUrl, 'GET', '/v1/quote?presetId=shopee-white-studio', { token });
    expect(preset.body).toMatchObject({ presetId: 'shopee-white-studio', templateId: null });
    expect((await call(h.baseUrl, 'GET', '/v1/quote?templateId=no-such-template', { token })).status).toBe(
      404,
    );
    const both = '/v1/quote?presetId=shopee-white-studio&templateId=studio-black';
    expect((await call(h.baseUrl, 'GET', both, { token })).status).toBe(400);
    expect((await call(h.baseUrl, 'GET', '/v1/quote', { token })).status).toBe(400);
  });
});

describe('GET /v1/templates/:id/preview', () => {
  it('renders a 240 px WebP at the template’s aspect once, then serves the stored one', async () => {
    const id = 'lifestyle-boho-linen'; // 9:16
    const first = await fetch(`${h.baseUrl}/v1/templates/${id}/preview`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/webp');
    expect(first.headers.get('cache-control')).toMatch(/public/);
    const meta = await sharp(Buffer.from(await first.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 240 });
    expect(meta.height).toBe(Math.round((240 * 16) / 9));

    // Swap the stored thumbnail for a marker: if the second request re-rendered, it would not return it.
    const marker = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#ff0000' } })
      .webp()
      .toBuffer();
    expect(await h.runtime.storage.get(previewKey(id))).toBeDefined();
    await h.runtime.storage.put(previewKey(id), marker);
    const second = await fetch(`${h.baseUrl}/v1/templates/${id}/preview`);
    expect(Buffer.from(await second.arrayBuffer()).equals(marker)).toBe(true);
    expect((await fetch(`${h.baseUrl}/v1/templates/nope/preview`)).status).toBe(404);
  });
});

describe('jobs with a template', () => {
  it('needs exactly one of presetId and templateId', async () => {
    const { token } = await signUp();
    const post = (extra: Record<string, string>) =>
      call(h.baseUrl, 'POST', '/v1/jobs', {
        token,
        form: jobForm(jobFields(extra), image),
        headers: { 'idempotency-key': randomUUID() },
      });
    expect((await post({})).status).toBe(400);
    expect((await post({ presetId: 'tokopedia-white-studio', templateId: 'studio-white' })).status).toBe(400);
    expect((await post({ templateId: 'no-such-template' })).status).toBe(400);
  });

  it("runs the template's workflow at its price and counts one use per success", async () => {
    const template = findTemplate('tokopedia-green-accent')!;
    const price = priceOfSteps(template.steps);
    const seen: unknown[] = [];
    const spy: Pipeline = {
      inspectImage: realPipeline.inspectImage,
      enhance: (input, options) => {
        seen.push(options);
        return realPipeline.enhance(input, options);
      },
    };
    const worker = h.startWorker({ pipeline: spy });
    const { token, seller } = await signUp();
    const created = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token,
      form: jobForm(jobFields({ templateId: template.id }), image),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ presetId: null, templateId: template.id, price });
    const jobId = created.body.id as string;
    const job = await waitFor(async () => {
      const j = await Job.query(h.database.db).findById(jobId);
      return j?.status === 'succeeded' || j?.status === 'failed' ? j : undefined;
    });
    expect(job.status).toBe('succeeded');
    expect(seen[0]).toMatchObject({ workflow: template.steps });
    const ledger = await h.database.db('credit_ledger').where({ sellerId: seller.id }).orderBy('seq');
    expect(ledger.map((e) => `${e.kind}:${e.amount}`)).toEqual(['grant:50', `hold:-${price}`, 'capture:0']);

    const uses = async () =>
      (await call(h.baseUrl, 'GET', `/v1/templates/${template.id}`)).body.usageCount as number;
    expect(await uses()).toBe(1);
    // A second delivery finishing the same job changes nothing.
    expect(await completeJob(h.database.db, jobId, job.resultMeta!)).toBe(false);
    expect(await uses()).toBe(1);
    const list = await call(h.baseUrl, 'GET', '/v1/templates');
    expect(list.body.templates[0]).toMatchObject({ id: template.id, usageCount: 1 });
    await worker.close();
  });
});

describe('premium templates by plan', () => {
  const premium = TEMPLATES.find((t) => t.premium)!;
  const basic = TEMPLATES.find((t) => !t.premium)!;
  const setTier = (sellerId: string, tier: string) =>
    h.database.db('sellers').where({ id: sellerId }).update({ tier });

  it('refuses a premium template to Free and Pay-as-you-go sellers: 403, nothing charged or created', async () => {
    for (const tier of ['free', 'payg']) {
      const { token, seller } = await signUp();
      await setTier(seller.id, tier);
      for (const locale of ['en', 'id'] as const) {
        await h.database.db('sellers').where({ id: seller.id }).update({ locale });
        const res = await call(h.baseUrl, 'POST', '/v1/jobs', {
          token,
          form: jobForm(jobFields({ templateId: premium.id }), image),
          headers: { 'idempotency-key': randomUUID() },
        });
        expect(res.status, tier).toBe(403);
        expect(res.body.error).toEqual({
          code: 'TEMPLATE_NOT_IN_PLAN',
          message:
            locale === 'en'
              ? 'This template needs a Professional or Premium plan.'
              : 'Template ini membutuhkan paket Professional atau Premium.',
        });
      }
      expect(await h.database.db('jobs').where({ sellerId: seller.id })).toEqual([]);
      const ledger = await h.database.db('credit_ledger').where({ sellerId: seller.id });
      expect(ledger.map((e) => e.kind)).toEqual(['grant']);
      // A non-premium template is fine on the same plan.
      const ok = await call(h.baseUrl, 'POST', '/v1/jobs', {
        token,
        form: jobForm(jobFields({ templateId: basic.id }), image),
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(ok.status).toBe(202);
    }
  });

  it('quotes with the same refusals as POST /v1/jobs: plan first, then AI availability', async () => {
    const { token, seller } = await signUp();
    const quoteOf = (id: string) => call(h.baseUrl, 'GET', `/v1/quote?templateId=${id}`, { token });
    const refused = await quoteOf(premium.id);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('TEMPLATE_NOT_IN_PLAN');
    await setTier(seller.id, 'professional');
    const allowed = await quoteOf(premium.id);
    expect(allowed.status).toBe(200);
    expect(allowed.body.price).toBe(priceOfSteps(premium.steps));
    // This harness configures no AI provider, so an AI template cannot run here.
    const ai = TEMPLATES.find((t) => t.steps.some((s) => s.type === 'background' && s.kind === 'ai_scene'))!;
    const noProvider = await quoteOf(ai.id);
    expect(noProvider.status).toBe(422);
    expect(noProvider.body.error.code).toBe('AI_NOT_ENABLED');
  });

  it('runs a premium template for Professional and Premium sellers', async () => {
    for (const tier of ['professional', 'premium']) {
      const { token, seller } = await signUp();
      await setTier(seller.id, tier);
      const res = await call(h.baseUrl, 'POST', '/v1/jobs', {
        token,
        form: jobForm(jobFields({ templateId: premium.id }), image),
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status, tier).toBe(202);
      expect(res.body).toMatchObject({ templateId: premium.id, price: priceOfSteps(premium.steps) });
    }
  });

  it('GET /v1/templates says which templates the caller can use', async () => {
    const lockedIds = async (token?: string) => {
      const res = await call(h.baseUrl, 'GET', '/v1/templates', { token });
      expect(res.status).toBe(200);
      return (res.body.templates as { id: string; locked: boolean }[])
        .filter((t) => t.locked)
        .map((t) => t.id);
    };
    const premiumIds = TEMPLATES.filter((t) => t.premium).map((t) => t.id);
    expect((await lockedIds()).sort()).toEqual([...premiumIds].sort());
    const { token, seller } = await signUp();
    expect((await lockedIds(token)).sort()).toEqual([...premiumIds].sort());
    await setTier(seller.id, 'payg');
    expect((await lockedIds(token)).length).toBe(premiumIds.length);
    await setTier(seller.id, 'professional');
    expect(await lockedIds(token)).toEqual([]);
    const one = await call(h.baseUrl, 'GET', `/v1/templates/${premium.id}`, { token });
    expect(one.body).toMatchObject({ id: premium.id, premium: true, locked: false });
    expect((await call(h.baseUrl, 'GET', `/v1/templates/${premium.id}`)).body.locked).toBe(true);
    // A token that is sent must be valid: a forged one is not silently treated as anonymous.
    expect((await call(h.baseUrl, 'GET', '/v1/templates', { token: 'lmk_forged' })).status).toBe(401);
  });
});
