/** ZIP exports end to end: API → queue → worker (real pipeline) → storage → download, read back with yauzl. */
import { createHash, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { Job } from '../db/models.js';
import type { RunningWorker } from '../queue/index.js';
import { expireExports, zipKey } from '../services/exports.js';
import { failJob } from '../services/jobs.js';
import { relayOutbox } from '../services/recovery.js';
import { ADMIN_TOKEN, call, type Harness, startHarness, waitFor } from '../testing/harness.js';
import { jobForm, productJpeg } from '../testing/images.js';
import type { ExportMetadata } from '../worker/export.js';

let h: Harness;
let image: Buffer;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  h = await startHarness({ JOB_ATTEMPTS: '2' });
  image = await productJpeg();
});
afterAll(async () => {
  await worker?.close();
  await h?.close();
});

const startWorker = () => {
  worker = h.startWorker({ tuning: { relayEveryMs: 200 } });
  return worker;
};
const stopWorker = async () => {
  await worker?.close();
  worker = undefined;
};

type Tier = 'free' | 'payg' | 'professional' | 'premium';
async function seller(tier: Tier, credits = 500) {
  const email = `x-${randomUUID()}@example.com`;
  const signup = await call(h.baseUrl, 'POST', '/v1/auth/signup', {
    body: { email, password: 'password123', locale: 'en' },
  });
  expect(signup.status).toBe(201);
  const id = signup.body.seller.id as string;
  await h.database.db('sellers').where({ id }).update({ tier });
  const topup = await call(h.baseUrl, 'POST', '/v1/admin/credits', {
    token: ADMIN_TOKEN,
    body: { email, amount: credits },
  });
  expect(topup.status).toBe(201);
  return { token: signup.body.token as string, id };
}

async function submitEnhance(token: string, slot: number, presetId = 'shopee-white-studio') {
  const res = await call(h.baseUrl, 'POST', '/v1/jobs', {
    token,
    form: jobForm(
      { kind: 'enhance', marketplace: 'shopee', productId: '700007', slot: String(slot), presetId },
      image,
    ),
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

const ended = (id: string) =>
  waitFor(async () => {
    const job = await Job.query(h.database.db).findById(id);
    return job && (job.status === 'succeeded' || job.status === 'failed') ? job : undefined;
  });

/** `n` finished photos of one seller (the worker must be running). */
async function finishedJobs(token: string, n: number): Promise<string[]> {
  const ids = [];
  for (let slot = 0; slot < n; slot++) ids.push(await submitEnhance(token, slot));
  for (const id of ids) expect((await ended(id)).status).toBe('succeeded');
  return ids;
}

const postExport = (token: string, body: unknown, key: string = randomUUID()) =>
  call(h.baseUrl, 'POST', '/v1/exports', { token, body, headers: { 'idempotency-key': key } });

const exportEnded = (token: string, id: string) =>
  waitFor(async () => {
    const view = await call(h.baseUrl, 'GET', `/v1/exports/${id}`, { token });
    return ['succeeded', 'failed'].includes(view.body.status) ? view.body : undefined;
  });

async function download(token: string, id: string) {
  const res = await fetch(`${h.baseUrl}/v1/exports/${id}/download`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

function readZip(data: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (error, stream) => {
          if (error || !stream) return reject(error);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const ledgerOf = async (sellerId: string, jobId: string) =>
  (await h.database.db('credit_ledger').where({ sellerId, jobId }).orderBy('seq')).map(
    (e) => `${e.kind}:${e.amount}`,
  );
const exportRows = async (sellerId: string) => h.database.db('jobs').where({ sellerId, kind: 'export' });

/** Every image entry is described in metadata.json by exactly its bytes, hash and decoded size. */
async function checkAgainstMetadata(files: Map<string, Buffer>): Promise<ExportMetadata> {
  const metadata = JSON.parse(files.get('metadata.json')!.toString('utf8')) as ExportMetadata;
  const described = metadata.items.flatMap((item) => item.files);
  expect(described.map((f) => f.path).sort()).toEqual(
    [...files.keys()].filter((p) => p !== 'metadata.json').sort(),
  );
  for (const file of described) {
    const data = files.get(file.path)!;
    expect(file.bytes, file.path).toBe(data.length);
    expect(file.sha256, file.path).toBe(createHash('sha256').update(data).digest('hex'));
    const decoded = await sharp(data).metadata();
    expect({ format: decoded.format, width: decoded.width, height: decoded.height }, file.path).toEqual({
      format: file.format,
      width: file.width,
      height: file.height,
    });
  }
  return metadata;
}

describe('ZIP export, single format', () => {
  it('exports three results as they are, with metadata.json; charged once, replay-safe', async () => {
    startWorker();
    const { token, id: sellerId } = await seller('payg');
    const jobIds = await finishedJobs(token, 3);
    const key = randomUUID();
    const created = await postExport(token, { jobIds }, key);
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({
      status: 'queued',
      kind: 'single_format',
      price: 5,
      itemCount: 3,
      formats: [],
      platforms: [],
      downloadUrl: null,
    });
    const exportId = created.body.id as string;
    const replayed = await postExport(token, { jobIds }, key);
    expect(replayed).toEqual(created);
    expect((await postExport(token, { jobIds: jobIds.slice(0, 2) }, key)).status).toBe(422);

    const done = await exportEnded(token, exportId);
    expect(done).toMatchObject({ status: 'succeeded', progress: 100, fileCount: 3, error: null });
    expect(done.downloadUrl).toBe(`/v1/exports/${exportId}/download`);
    const ttl = Date.parse(done.expiresAt) - Date.parse(done.finishedAt);
    expect(Math.abs(ttl - 7 * 24 * 3600_000)).toBeLessThan(60_000);
    expect(await ledgerOf(sellerId, exportId)).toEqual(['hold:-5', 'capture:0']);
    expect(await exportRows(sellerId)).toHaveLength(1);

    const { res, body } = await download(token, exportId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const date = new Date(created.body.createdAt).toISOString().slice(0, 10);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="lumiku-export-${date}.zip"`);
    expect(body.length).toBe(done.bytes);

    const files = await readZip(body);
    expect([...files.keys()]).toHaveLength(4);
    const metadata = await checkAgainstMetadata(files);
    expect(metadata).toMatchObject({ exportId, formats: 'as-made', platforms: [] });
    expect(metadata.items.map((i) => i.jobId)).toEqual(jobIds);
    for (const [index, item] of metadata.items.entries()) {
      expect(item).toMatchObject({
        presetId: 'shopee-white-studio',
        templateId: null,
        marketplace: 'shopee',
        productId: '700007',
        slot: index,
        matte: { method: 'local' },
      });
      expect(item.matte.confidence).toBeGreaterThan(0);
      expect(item.files).toHaveLength(1);
      const [file] = item.files;
      expect(file).toMatchObject({ format: 'jpeg', width: 1200, height: 1200, platform: null });
      expect(file!.path).toBe(`jpg/shopee-700007-slot${index}-${item.jobId.slice(0, 8)}.jpg`);
      // Single format: the stored result itself, byte for byte.
      const result = await fetch(`${h.baseUrl}/v1/jobs/${item.jobId}/result`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(Buffer.from(await result.arrayBuffer()).equals(files.get(file!.path)!)).toBe(true);
    }
    // Exports are not photos: they stay out of the jobs list and its routes.
    const list = await call(h.baseUrl, 'GET', '/v1/jobs', { token });
    expect(list.body.jobs.map((j: { id: string }) => j.id)).not.toContain(exportId);
    expect((await call(h.baseUrl, 'GET', `/v1/jobs/${exportId}`, { token })).status).toBe(404);
    await stopWorker();
  });

  it("refuses other sellers' ids like missing ones, unfinished photos and bad bodies, and changes nothing", async () => {
    startWorker();
    const owner = await seller('payg');
    const other = await seller('payg');
    const [mine] = await finishedJobs(owner.token, 1);
    const [theirs] = await finishedJobs(other.token, 1);
    await stopWorker();
    const pending = await submitEnhance(owner.token, 5); // no worker: stays queued
    const failed = await submitEnhance(owner.token, 6);
    await h.database
      .db('jobs')
      .where({ id: failed })
      .update({ status: 'failed', errorCode: 'IMAGE_INVALID' });
    const balance = async () => (await call(h.baseUrl, 'GET', '/v1/me', { token: owner.token })).body.balance;
    const before = await balance();

    const foreign = await postExport(owner.token, { jobIds: [mine, theirs] });
    const unknown = await postExport(owner.token, { jobIds: [mine, randomUUID()] });
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    expect(foreign.body.error.message).toBe(unknown.body.error.message);
    expect(foreign.body.error.details).toEqual({ jobIds: [theirs] });

    for (const id of [pending, failed]) {
      const res = await postExport(owner.token, { jobIds: [mine, id] });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'EXPORT_ITEMS_NOT_READY', details: { jobIds: [id] } });
    }
    expect((await postExport(owner.token, { jobIds: [mine, mine] })).status).toBe(400);
    expect((await postExport(owner.token, { jobIds: [] })).status).toBe(400);
    const tooMany = Array.from({ length: 101 }, () => randomUUID());
    expect((await postExport(owner.token, { jobIds: tooMany })).status).toBe(400);
    expect((await postExport(owner.token, { jobIds: [mine], formats: ['webp'] })).status).toBe(400);
    expect((await postExport(owner.token, { jobIds: [mine], platforms: ['nowhere'] })).status).toBe(400);
    const noKey = await call(h.baseUrl, 'POST', '/v1/exports', {
      token: owner.token,
      body: { jobIds: [mine] },
    });
    expect(noKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');

    expect(await exportRows(owner.id)).toEqual([]);
    expect(await balance()).toBe(before);
    // Not left queued for the next test's worker.
    await failJob(h.database.db, pending, 'PROCESSING_FAILED');
  });

  it('gates by plan: Free none, Pay-as-you-go one format, Professional no platforms', async () => {
    startWorker();
    const sellers = {
      free: await seller('free'),
      payg: await seller('payg'),
      professional: await seller('professional'),
    };
    const jobs = {
      free: (await finishedJobs(sellers.free.token, 1))[0]!,
      payg: (await finishedJobs(sellers.payg.token, 1))[0]!,
      professional: (await finishedJobs(sellers.professional.token, 1))[0]!,
    };
    await stopWorker();
    const free = await postExport(sellers.free.token, { jobIds: [jobs.free] });
    expect(free.status).toBe(403);
    expect(free.body.error).toEqual({
      code: 'EXPORT_NOT_IN_PLAN',
      message:
        'ZIP export is not part of the Free plan. Upgrade to Pay-as-you-go, Professional or Premium to export.',
    });
    await h.database.db('sellers').where({ id: sellers.free.id }).update({ locale: 'id' });
    expect((await postExport(sellers.free.token, { jobIds: [jobs.free] })).body.error.message).toMatch(
      /tidak termasuk paket Gratis/,
    );
    const paygMulti = await postExport(sellers.payg.token, { jobIds: [jobs.payg], formats: ['jpeg', 'png'] });
    expect(paygMulti.status).toBe(403);
    expect(paygMulti.body.error.code).toBe('EXPORT_MULTI_FORMAT_NOT_IN_PLAN');
    const paygPng = await postExport(sellers.payg.token, { jobIds: [jobs.payg], formats: ['png'] });
    expect(paygPng.body).toMatchObject({ kind: 'single_format', price: 5 });
    const proPlatforms = await postExport(sellers.professional.token, {
      jobIds: [jobs.professional],
      platforms: ['tiktok-vertical'],
    });
    expect(proPlatforms.status).toBe(403);
    expect(proPlatforms.body.error.code).toBe('EXPORT_MULTI_PLATFORM_NOT_IN_PLAN');
    for (const s of Object.values(sellers)) {
      const rows = await exportRows(s.id);
      expect(rows.length).toBe(s === sellers.payg ? 1 : 0);
    }
    await h.database
      .db('jobs')
      .where({ sellerId: sellers.payg.id, kind: 'export' })
      .update({ status: 'failed' });
  });
});

describe('ZIP export, several formats and platforms', () => {
  it('Professional: both formats in jpg/ and png/ folders, 10 credits', async () => {
    startWorker();
    const { token, id: sellerId } = await seller('professional');
    const jobIds = await finishedJobs(token, 2);
    const created = await postExport(token, { jobIds, formats: ['jpeg', 'png'] });
    expect(created.body).toMatchObject({ kind: 'multi_format', price: 10, formats: ['jpeg', 'png'] });
    const done = await exportEnded(token, created.body.id);
    expect(done).toMatchObject({ status: 'succeeded', fileCount: 4 });
    const files = await readZip((await download(token, created.body.id)).body);
    const metadata = await checkAgainstMetadata(files);
    const paths = [...files.keys()].sort();
    expect(paths.filter((p) => p.startsWith('jpg/'))).toHaveLength(2);
    expect(paths.filter((p) => p.startsWith('png/') && p.endsWith('.png'))).toHaveLength(2);
    for (const file of metadata.items.flatMap((i) => i.files)) {
      expect({ width: file.width, height: file.height }).toEqual({ width: 1200, height: 1200 });
    }
    expect(metadata.formats).toEqual(['jpeg', 'png']);
    expect(await ledgerOf(sellerId, created.body.id)).toEqual(['hold:-10', 'capture:0']);
    await stopWorker();
  });

  it('Premium: every photo re-rendered for each platform at its preset size, 15 credits', async () => {
    startWorker();
    const { token, id: sellerId } = await seller('premium');
    const jobIds = await finishedJobs(token, 2);
    const created = await postExport(token, { jobIds, platforms: ['tiktok-vertical', 'instagram-square'] });
    expect(created.body).toMatchObject({ kind: 'multi_platform', price: 15 });
    const done = await exportEnded(token, created.body.id);
    expect(done).toMatchObject({ status: 'succeeded', fileCount: 6 });
    const files = await readZip((await download(token, created.body.id)).body);
    const metadata = await checkAgainstMetadata(files);
    const size = { 'tiktok-vertical': [1080, 1920], 'instagram-square': [1080, 1080] } as const;
    for (const item of metadata.items) {
      expect(item.files.map((f) => f.platform)).toEqual([null, 'tiktok-vertical', 'instagram-square']);
      for (const file of item.files.filter((f) => f.platform)) {
        expect(file.path.startsWith(`${file.platform}/`)).toBe(true);
        expect([file.width, file.height]).toEqual(size[file.platform as keyof typeof size]);
        expect(file.format).toBe('jpeg');
      }
    }
    expect(await ledgerOf(sellerId, created.body.id)).toEqual(['hold:-15', 'capture:0']);
    await stopWorker();
  }, 60_000);
});

describe('ZIP export lifecycle', () => {
  it('a failing export releases its hold, and its download says it failed', async () => {
    startWorker();
    const { token, id: sellerId } = await seller('payg');
    const jobIds = await finishedJobs(token, 2);
    await stopWorker();
    const created = await postExport(token, { jobIds });
    const exportId = created.body.id as string;
    const early = await download(token, exportId);
    expect(early.res.status).toBe(409);
    expect(JSON.parse(early.body.toString()).error.code).toBe('EXPORT_NOT_READY');
    // One result file is gone from storage: the export cannot be built.
    const source = await Job.query(h.database.db).findById(jobIds[1]!);
    await h.runtime.storage.delete(source!.resultKey!);
    startWorker();
    const done = await exportEnded(token, exportId);
    expect(done).toMatchObject({
      status: 'failed',
      downloadUrl: null,
      bytes: null,
      error: {
        code: 'EXPORT_FAILED',
        message: 'This export failed and your credits were returned. Start a new export.',
      },
    });
    await waitFor(async () => ((await ledgerOf(sellerId, exportId)).length === 2 ? true : undefined));
    expect(await ledgerOf(sellerId, exportId)).toEqual(['hold:-5', 'release:5']);
    expect(await h.runtime.storage.get(zipKey(exportId))).toBeUndefined();
    const after = await download(token, exportId);
    expect(after.res.status).toBe(409);
    expect(JSON.parse(after.body.toString()).error.code).toBe('EXPORT_FAILED');
    await stopWorker();
  });

  it('only the owner sees or downloads an export; after expiry the sweeper deletes it and download says 410', async () => {
    startWorker();
    const owner = await seller('payg');
    const stranger = await seller('payg');
    const jobIds = await finishedJobs(owner.token, 1);
    const created = await postExport(owner.token, { jobIds });
    const exportId = created.body.id as string;
    const done = await exportEnded(owner.token, exportId);
    await stopWorker();
    expect(done.status).toBe('succeeded');
    expect((await call(h.baseUrl, 'GET', `/v1/exports/${exportId}`, { token: stranger.token })).status).toBe(
      404,
    );
    expect((await download(stranger.token, exportId)).res.status).toBe(404);
    expect((await download(owner.token, exportId)).res.status).toBe(200);

    const deps = { db: h.database.db, storage: h.runtime.storage, logger: h.runtime.logger };
    expect(await expireExports(deps)).not.toContain(exportId);
    const later = new Date(Date.parse(done.expiresAt) + 1000);
    // (Other tests' exports in this database expire too.)
    expect(await expireExports(deps, later)).toContain(exportId);
    expect(await h.runtime.storage.get(zipKey(exportId))).toBeUndefined();
    expect(await expireExports(deps, later)).toEqual([]);
    const view = await call(h.baseUrl, 'GET', `/v1/exports/${exportId}`, { token: owner.token });
    expect(view.body).toMatchObject({ status: 'expired', downloadUrl: null });
    const gone = await download(owner.token, exportId);
    expect(gone.res.status).toBe(410);
    expect(JSON.parse(gone.body.toString()).error).toEqual({
      code: 'EXPORT_EXPIRED',
      message: 'This export has expired and its ZIP file was deleted. Start a new export.',
    });
    // The credits stay spent: the export was delivered.
    expect(await ledgerOf(owner.id, exportId)).toEqual(['hold:-5', 'capture:0']);
  });

  it('concurrent submissions with one key create one export and one hold; a lost enqueue is relayed from the outbox', async () => {
    startWorker();
    const { token, id: sellerId } = await seller('payg');
    const jobIds = await finishedJobs(token, 1);
    await stopWorker();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => postExport(token, { jobIds }, key)));
    for (const answer of answers) expect([202, 409]).toContain(answer.status);
    const ids = new Set(answers.filter((a) => a.status === 202).map((a) => a.body.id));
    expect(ids.size).toBe(1);
    const rows = await exportRows(sellerId);
    expect(rows).toHaveLength(1);
    const exportId = rows[0].id as string;
    expect(await ledgerOf(sellerId, exportId)).toEqual(['hold:-5']);

    // As if the API died between commit and enqueue and Redis forgot the job: only the outbox knows it.
    await h.database.db('jobs').where({ id: exportId }).update({ enqueuedAt: null });
    await h.runtime.queue.remove(exportId);
    expect(await relayOutbox(h.database.db, h.runtime.queue)).toBeGreaterThanOrEqual(1);
    expect(await h.runtime.queue.state(exportId)).not.toBe('missing');
    startWorker();
    expect((await exportEnded(token, exportId)).status).toBe('succeeded');
    expect(await ledgerOf(sellerId, exportId)).toEqual(['hold:-5', 'capture:0']);
    await stopWorker();
  });
});
