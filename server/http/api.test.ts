import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../shared/api.js';
import { WORKFLOW_PRESET_IDS } from '../../shared/presets.js';
import { priceOfPreset } from '../../shared/pricing.js';
import { ADMIN_TOKEN, call, type Harness, startHarness } from '../testing/harness.js';
import { jobForm, productJpeg } from '../testing/images.js';

const PRICE = priceOfPreset('shopee-white-studio');
const fields = (slot = 1) => ({
  kind: 'enhance',
  marketplace: 'shopee',
  productId: '100001',
  slot: String(slot),
  presetId: 'shopee-white-studio',
});

let h: Harness;
let image: Buffer;

beforeAll(async () => {
  h = await startHarness({ MAX_UPLOAD_BYTES: String(200 * 1024) });
  image = await productJpeg();
});
afterAll(() => h?.close());

async function signUp(locale: 'en' | 'id' = 'en') {
  const res = await call(h.baseUrl, 'POST', '/v1/auth/signup', {
    body: { email: `s-${randomUUID()}@example.com`, password: 'correct horse', locale },
  });
  expect(res.status).toBe(201);
  return res.body as { token: string; seller: { id: string; email: string } };
}

const countRows = async (table: string, where: Record<string, unknown>) =>
  Number((await h.database.db(table).where(where).count({ n: '*' }).first())!.n);

describe('accounts', () => {
  it('signs up with welcome credits, logs in, rejects wrong passwords and revoked tokens', async () => {
    const email = `a-${randomUUID()}@Example.com`;
    const signup = await call(h.baseUrl, 'POST', '/v1/auth/signup', {
      body: { email, password: 'password123', locale: 'id' },
    });
    expect(signup.status).toBe(201);
    expect(signup.body.seller.email).toBe(email.toLowerCase());
    const me = await call(h.baseUrl, 'GET', '/v1/me', { token: signup.body.token });
    expect(me.body).toMatchObject({ balance: 50, monthUsage: 0, seller: { tier: 'free', locale: 'id' } });

    expect(
      (await call(h.baseUrl, 'POST', '/v1/auth/signup', { body: { email, password: 'password123' } })).status,
    ).toBe(409);
    const wrong = await call(h.baseUrl, 'POST', '/v1/auth/login', { body: { email, password: 'nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const login = await call(h.baseUrl, 'POST', '/v1/auth/login', {
      body: { email, password: 'password123' },
    });
    expect(login.status).toBe(200);

    expect((await call(h.baseUrl, 'POST', '/v1/auth/logout', { token: login.body.token })).status).toBe(204);
    const after = await call(h.baseUrl, 'GET', '/v1/me', { token: login.body.token });
    expect(after.status).toBe(401);
    // The seller's language decides the message; without a session, Accept-Language does.
    expect(after.body.error.message).toMatch(/masuk/i);
    const en = await call(h.baseUrl, 'GET', '/v1/me', { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.body.error).toEqual({ code: 'UNAUTHENTICATED', message: 'Please log in again.' });
  });

  it('rejects malformed bodies with 400 and field details', async () => {
    const res = await call(h.baseUrl, 'POST', '/v1/auth/signup', {
      body: { email: 'not-an-email', password: 'x', extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const broken = await fetch(`${h.baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(broken.status).toBe(400);
  });
});

describe('jobs and credits', () => {
  it('charges a hold once per Idempotency-Key; a replay returns the first response', async () => {
    const { token, seller } = await signUp();
    const key = randomUUID();
    const first = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token,
      form: jobForm(fields(), image),
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'queued', price: PRICE, slot: 1, productId: '100001' });

    const replay = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token,
      form: jobForm(fields(), image),
      headers: { 'idempotency-key': key },
    });
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(first.body.id);

    const different = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token,
      form: jobForm(fields(2), image),
      headers: { 'idempotency-key': key },
    });
    expect(different.status).toBe(422);
    expect(different.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    expect(await countRows('jobs', { sellerId: seller.id })).toBe(1);
    const me = await call(h.baseUrl, 'GET', '/v1/me', { token });
    expect(me.body.balance).toBe(50 - PRICE);
    const ledger = await call(h.baseUrl, 'GET', '/v1/credits/ledger', { token });
    expect(ledger.body.entries.map((e: { kind: string; amount: number }) => [e.kind, e.amount])).toEqual([
      ['hold', -PRICE],
      ['grant', 50],
    ]);
  });

  it('requires an Idempotency-Key', async () => {
    const { token } = await signUp();
    const res = await call(h.baseUrl, 'POST', '/v1/jobs', { token, form: jobForm(fields(), image) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('refuses a job the balance cannot cover, writing nothing', async () => {
    const { token, seller } = await signUp('id');
    await call(h.baseUrl, 'POST', '/v1/admin/credits', {
      token: ADMIN_TOKEN,
      body: { email: seller.email, amount: -40 },
    });
    const res = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token,
      form: jobForm(fields(), image),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(402);
    expect(res.body.error).toEqual({
      code: 'INSUFFICIENT_CREDITS',
      message: 'Kredit tidak cukup. Isi ulang kredit untuk melanjutkan.',
    });
    expect(await countRows('jobs', { sellerId: seller.id })).toBe(0);
    expect(await countRows('credit_ledger', { sellerId: seller.id, kind: 'hold' })).toBe(0);
    expect(await countRows('idempotency_keys', { sellerId: seller.id })).toBe(0);
  });

  it('rejects non-images, disguised files and oversize uploads without a trace', async () => {
    const { token, seller } = await signUp();
    const before = await readdir(`${h.config.STORAGE_DIR}/inputs`).catch(() => []);
    const text = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token,
      form: jobForm(fields(), Buffer.from('hello, not an image')),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(text.status).toBe(415);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const disguised = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token,
      form: jobForm(fields(), svg, 'photo.jpg'),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(disguised.status).toBe(415);
    const huge = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token,
      form: jobForm(fields(), Buffer.alloc(300 * 1024, 0xff)),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await countRows('jobs', { sellerId: seller.id })).toBe(0);
    expect((await call(h.baseUrl, 'GET', '/v1/me', { token })).body.balance).toBe(50);
    expect(await readdir(`${h.config.STORAGE_DIR}/inputs`).catch(() => [])).toEqual(before);
  });

  it('refuses image URLs that are not marketplace CDN https URLs', async () => {
    const { token, seller } = await signUp();
    for (const imageUrl of [
      'http://down-id.img.susercontent.com/file/abc',
      'https://down-id.img.susercontent.com:8443/file/abc',
      'https://127.0.0.1/file/abc',
      'https://[::1]/file/abc',
      'https://169.254.169.254/latest/meta-data',
      'https://evil.example.com/file/abc',
      'https://down-id.img.susercontent.com.evil.example/file/abc',
    ]) {
      const res = await call(h.baseUrl, 'POST', '/v1/jobs', {
        token,
        body: { ...fields(), slot: 1, imageUrl },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status, imageUrl).toBe(400);
      expect(res.body.error.code).toBe('IMAGE_URL_NOT_ALLOWED');
    }
    expect(await countRows('jobs', { sellerId: seller.id })).toBe(0);
  });

  it("hides other sellers' jobs (404, no side effect)", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const job = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token: alice.token,
      form: jobForm(fields(), image),
      headers: { 'idempotency-key': randomUUID() },
    });
    for (const [method, path] of [
      ['GET', `/v1/jobs/${job.body.id}`],
      ['GET', `/v1/jobs/${job.body.id}/original`],
      ['GET', `/v1/jobs/${job.body.id}/result`],
      ['POST', `/v1/jobs/${job.body.id}/apply`],
    ] as const) {
      const res = await call(h.baseUrl, method, path, { token: bob.token });
      expect(res.status, path).toBe(404);
    }
    expect((await call(h.baseUrl, 'GET', `/v1/jobs/${job.body.id}`, { token: alice.token })).status).toBe(
      200,
    );
    expect((await call(h.baseUrl, 'GET', '/v1/jobs/not-a-uuid', { token: alice.token })).status).toBe(400);
  });

  it('lets only the admin credential top up', async () => {
    const { token, seller } = await signUp();
    const denied = await call(h.baseUrl, 'POST', '/v1/admin/credits', {
      token,
      body: { email: seller.email, amount: 100 },
    });
    expect(denied.status).toBe(403);
    const ok = await call(h.baseUrl, 'POST', '/v1/admin/credits', {
      token: ADMIN_TOKEN,
      body: { email: seller.email, amount: 100, note: 'transfer' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'topup', amount: 100, balanceAfter: 150 });
  });

  it('50 concurrent charges against a balance covering 10 → exactly 10 succeed', async () => {
    const { token, seller } = await signUp();
    await call(h.baseUrl, 'POST', '/v1/admin/credits', {
      token: ADMIN_TOKEN,
      body: { email: seller.email, amount: PRICE * 10 - 50 },
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(h.baseUrl, 'POST', '/v1/jobs', {
          token,
          form: jobForm(fields(i % 9), image),
          headers: { 'idempotency-key': randomUUID() },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(40);
    const me = await call(h.baseUrl, 'GET', '/v1/me', { token });
    expect(me.body.balance).toBe(0);
    const sum = await h.database
      .db('credit_ledger')
      .where({ sellerId: seller.id })
      .sum({ total: 'amount' })
      .first();
    expect(Number(sum!.total)).toBe(0);
  });
});

describe('service endpoints', () => {
  it('serves health, readiness and an OpenAPI document generated from the schemas', async () => {
    expect((await call(h.baseUrl, 'GET', '/healthz')).status).toBe(200);
    expect((await call(h.baseUrl, 'GET', '/readyz')).body).toEqual({ ok: true });
    const doc = await call(h.baseUrl, 'GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/v1/jobs'].post.requestBody.content['multipart/form-data']).toBeDefined();
    expect(doc.body.paths['/v1/jobs/{id}'].get.parameters[0].name).toBe('id');
    expect(
      doc.body.paths['/v1/presets'].get.responses['200'].content['application/json'].schema,
    ).toBeDefined();
  });

  it('lists the presets publicly, at the prices jobs are charged and quotes give', async () => {
    const list = await call(h.baseUrl, 'GET', '/v1/presets');
    expect(list.status).toBe(200);
    expect(api.PresetList.parse(list.body).presets.map((p) => p.id)).toEqual(WORKFLOW_PRESET_IDS);
    expect(list.body.presets[0]).toEqual({
      id: 'shopee-white-studio',
      name: { en: 'Shopee white studio', id: 'Shopee putih studio' },
      marketplace: 'shopee',
      price: 28,
      output: { width: 1200, height: 1200, format: 'jpeg' },
    });
    expect(list.body.presets.find((p: { id: string }) => p.id === 'tiktok-vertical-studio')).toMatchObject({
      marketplace: 'tiktok',
      output: { width: 1080, height: 1920 },
    });
    const { token } = await signUp();
    for (const preset of list.body.presets as Array<{ id: string; price: number }>) {
      const quote = await call(h.baseUrl, 'GET', `/v1/quote?presetId=${preset.id}`, { token });
      expect(quote.body.price).toBe(preset.price);
    }
  });
});
