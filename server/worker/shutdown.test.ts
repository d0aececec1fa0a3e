/** SIGTERM on the worker process lets the in-flight job finish (security.md, Queue) and exits cleanly. */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProductPhoto } from '../pipeline/testing/synthetic.js';
import { call, type Harness, startHarness } from '../testing/harness.js';
import { jobForm } from '../testing/images.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe('worker process', () => {
  it('finishes the job it is running when told to stop, then exits 0', async () => {
    // A large photo keeps the job busy for a few hundred milliseconds. Rendered before the first request:
    // rendering blocks this process (and the in-process API) for seconds, and a keep-alive socket left
    // idle that long can be closed by the server just as fetch reuses it (ECONNRESET).
    const { image } = await makeProductPhoto({ width: 4000, height: 3000, seed: 5, background: 'wood' });
    const c = h.config;
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: h.database.url,
      REDIS_URL: c.REDIS_URL,
      QUEUE_PREFIX: c.QUEUE_PREFIX,
      STORAGE_DIR: c.STORAGE_DIR,
      TOKEN_ENCRYPTION_KEYS: c.TOKEN_ENCRYPTION_KEYS.map((k) => `${k.id}:${k.key.toString('base64')}`).join(
        ',',
      ),
    };
    const worker = spawn(process.execPath, ['--import', 'tsx', 'server/bin/worker.ts'], {
      env,
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));

    const signup = await call(h.baseUrl, 'POST', '/v1/auth/signup', {
      body: { email: `sig-${randomUUID()}@example.com`, password: 'password123' },
    });
    const job = await call(h.baseUrl, 'POST', '/v1/jobs', {
      token: signup.body.token,
      form: jobForm(
        {
          kind: 'enhance',
          marketplace: 'shopee',
          productId: '1',
          slot: '0',
          presetId: 'shopee-white-studio',
        },
        image,
      ),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(job.status).toBe(202);

    const db = h.database.db;
    for (let i = 0; i < 600; i++) {
      const row = await db('jobs').where({ id: job.body.id }).first();
      if (row.status !== 'queued') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    const row = await db('jobs').where({ id: job.body.id }).first();
    expect(row.status).toBe('succeeded');
    expect(await db('credit_ledger').where({ jobId: job.body.id, kind: 'capture' })).toHaveLength(1);
  }, 60_000);
});
