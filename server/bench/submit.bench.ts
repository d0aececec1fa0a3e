/**
 * Job-submission load (SPEC §6: "Job submission API: p99 ≤ 50 ms at 200 concurrent connections, zero
 * errors"). The API runs as its own process (server/bin/web.ts, as in production) against a throwaway
 * database and a fresh queue prefix on the real PostgreSQL and Redis; no worker runs, since only
 * submission is measured. autocannon drives `POST /v1/jobs` the way the extension sends it: multipart with
 * the listing photo (a 1200² JPEG of about 140 KB), a preset, and a fresh Idempotency-Key per request.
 * A 2 s warm-up at full load comes first and is not counted.
 *
 * Sellers: BENCH_SUBMIT_SELLERS (default connections / 4) sellers share the connections, each holding a
 * few of them like a browser does; every hold locks its seller's row, so one seller at 200 connections
 * measures that lock rather than the API (set BENCH_SUBMIT_SELLERS=1 to see it).
 *
 * Standalone: node --import tsx server/bench/submit.bench.ts [--json] [--quick]; `npm run bench` runs it
 * as its part 4. Env: BENCH_SUBMIT_CONNECTIONS (200), BENCH_SUBMIT_SECONDS (10; --quick 3),
 * BENCH_SUBMIT_SELLERS, BENCH_SUBMIT_RATE (the paced run's req/s; 0 skips it), BENCH_API_DB_POOL (the
 * API's DB_POOL_MAX), BENCH_API_PROFILE (a folder for a V8 CPU profile of the API process).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import type { Db } from '../db/knex.js';
import { makeProductPhoto } from '../pipeline/testing/synthetic.js';
import { signUp } from '../services/accounts.js';
import {
  createTestDatabase,
  dropTemplate,
  freshQueuePrefix,
  prepareTemplate,
  testRedisUrl,
} from '../testing/db.js';

export interface SubmitBenchOptions {
  /** @defaultValue 200 */
  connections?: number;
  /** @defaultValue 10 */
  durationS?: number;
  /** @defaultValue connections / 4 */
  sellers?: number;
  /** Overall req/s of the paced run; 0 skips it. @defaultValue half the saturated throughput */
  pacedRate?: number;
  /** Progress lines (stderr). */
  note?: (line: string) => void;
}

export interface LoadFigures {
  requests: number;
  requestsPerS: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

function figures(result: autocannon.Result): LoadFigures {
  return {
    requests: result.requests.total,
    requestsPerS: Math.round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: Number(result.latency.mean.toFixed(1)),
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s?.count ?? 0]),
    ),
  };
}

export interface SubmitResult extends LoadFigures {
  connections: number;
  durationS: number;
  sellers: number;
  bodyBytes: number;
  imageBytes: number;
  apiDbPool: number | 'default';
  /** Rows in `jobs` after the run: must equal the 2xx count (one job per accepted request). */
  jobsCreated: number;
  /**
   * CPU the API process spent per job it created during the saturated run (Linux only): what one core
   * can sustain is 1000 ÷ this, in req/s, before PostgreSQL, Redis and the load generator take theirs.
   */
  apiCpuMsPerRequest: number | null;
  /** The machine's 1-minute load average before the run: other work on a shared box skews the numbers. */
  loadAvg1m: number;
  cpus: number;
  /**
   * The same connections paced to a fixed overall rate (BENCH_SUBMIT_RATE, default half the saturated
   * throughput): latency when the API is busy but not overrun. The saturated run above is closed-loop, so
   * its latency is connections ÷ throughput (Little's law) whatever the API does per request.
   */
  paced: (LoadFigures & { rate: number }) | null;
}

const BOUNDARY = `----lumikubench${randomBytes(8).toString('hex')}`;

/** The extension's multipart body (extension/lib/handlers.ts "job.create"): fields, then the photo. */
function multipartBody(fields: Record<string, string>, image: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  parts.push(
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    ),
    image,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  );
  return Buffer.concat(parts);
}

/** A 1200² listing photo re-encoded to about `targetBytes` (a typical seller-center image). */
async function listingJpeg(targetBytes: number): Promise<Buffer> {
  const { image } = await makeProductPhoto({ width: 1200, height: 1200, seed: 3, background: 'wood' });
  let best = image;
  for (let quality = 100; quality >= 40; quality -= 2) {
    best = await sharp(image).jpeg({ quality }).toBuffer();
    if (best.length <= targetBytes) break;
  }
  return best;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitReady(baseUrl: string, api: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (api.exitCode !== null) throw new Error(`the API exited with ${api.exitCode}`);
    const ok = await fetch(`${baseUrl}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error('the API did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * CPU time (user + system) a process has used, from /proc/<pid>/stat (Linux; clock ticks of 10 ms, the
 * kernel's USER_HZ). Unlike latency this barely moves when other work shares the machine.
 */
async function cpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** The number of jobs once it has stopped growing for a moment (the API has drained its requests). */
async function settledJobCount(db: Db): Promise<number> {
  const count = async () => Number((await db('jobs').count({ n: '*' }))[0]?.n ?? 0);
  let last = await count();
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await count();
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function dropQueueKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function drive(
  url: string,
  body: Buffer,
  tokens: string[],
  connections: number,
  durationS: number,
  overallRate?: number,
): Promise<autocannon.Result> {
  let nextSeller = 0;
  return new Promise((done, fail) => {
    autocannon(
      {
        url,
        connections,
        duration: durationS,
        timeout: 10,
        ...(overallRate ? { overallRate } : {}),
        requests: [
          {
            method: 'POST',
            path: '/v1/jobs',
            body,
            setupRequest: (request, context) => {
              // One seller per connection for its whole life, round-robin over the sellers.
              const state = context as { token?: string };
              state.token ??= tokens[nextSeller++ % tokens.length];
              return {
                ...request,
                headers: {
                  ...request.headers,
                  'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
                  authorization: `Bearer ${state.token}`,
                  'idempotency-key': randomUUID(),
                },
              };
            },
          },
        ],
      },
      (error, result) => (error ? fail(error) : done(result)),
    );
  });
}

export async function runSubmitBench(options: SubmitBenchOptions = {}): Promise<SubmitResult> {
  const note = options.note ?? (() => undefined);
  const connections = options.connections ?? 200;
  const durationS = options.durationS ?? 10;
  const sellerCount = options.sellers ?? Math.max(1, Math.round(connections / 4));
  const pool = process.env.BENCH_API_DB_POOL;
  const database = await createTestDatabase();
  const storageDir = resolve('.tmp', `bench-storage-${randomBytes(4).toString('hex')}`);
  const prefix = freshQueuePrefix();
  let api: ChildProcess | undefined;
  try {
    note(`submit: seeding ${sellerCount} sellers…`);
    const sellers = await Promise.all(
      Array.from({ length: sellerCount }, () =>
        signUp(database.db, {
          email: `bench-${randomUUID()}@example.com`,
          password: 'password123',
          locale: 'en',
          // Enough for every request the run can make: a refused hold would be a 402, not a measurement.
          signupCredits: 10_000_000,
          sessionTtlDays: 1,
        }),
      ),
    );
    await database.db('sellers').update({ tier: 'professional' });
    const tokens = sellers.map((s) => s.token);

    const image = await listingJpeg(150 * 1024);
    const body = multipartBody(
      {
        kind: 'enhance',
        marketplace: 'shopee',
        productId: '1234567890',
        slot: '1',
        presetId: 'shopee-white-studio',
        sourceImageId: 'id-11134207-7r98o-bench',
      },
      image,
    );

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    note(`submit: API process on ${baseUrl}…`);
    api = spawn(
      process.execPath,
      [
        // BENCH_API_PROFILE=dir: a V8 CPU profile of the API process, written there when it exits.
        ...(process.env.BENCH_API_PROFILE
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_API_PROFILE}`]
          : []),
        '--import',
        'tsx',
        fileURLToPath(new URL('../bin/web.ts', import.meta.url)),
      ],
      {
        env: {
          ...process.env,
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
          HOST: '127.0.0.1',
          PORT: String(port),
          PUBLIC_URL: baseUrl,
          DATABASE_URL: database.url,
          REDIS_URL: testRedisUrl(),
          QUEUE_PREFIX: prefix,
          STORAGE_DIR: storageDir,
          TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
          ADMIN_TOKEN: `admin_${randomBytes(18).toString('hex')}`,
          ...(pool ? { DB_POOL_MAX: pool } : {}),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    await waitReady(baseUrl, api);

    // Warm-up: JIT, the database pool and Redis connections, libvips; not counted.
    note(`submit: warm-up (2 s)…`);
    await drive(baseUrl, body, tokens, connections, 2);
    // autocannon stops waiting at the end of a run, but the API still finishes what was in flight: let it
    // drain, or the measured run starts behind a backlog of abandoned requests.
    const warmJobs = await settledJobCount(database.db);

    note(`submit: ${connections} connections for ${durationS} s…`);
    const loadAvg1m = Number(os.loadavg()[0]?.toFixed(2));
    const cpuBefore = await cpuMs(api.pid);
    const result = await drive(baseUrl, body, tokens, connections, durationS);
    // Requests still in flight at the end also commit, hence ≥ 2xx; drained before the paced run.
    const jobs = (await settledJobCount(database.db)) - warmJobs;
    const cpuAfter = await cpuMs(api.pid);
    const saturated = figures(result);
    const rate = options.pacedRate ?? Math.floor(saturated.requestsPerS / 2);
    let paced: SubmitResult['paced'] = null;
    if (rate > 0) {
      note(`submit: ${connections} connections paced to ${rate} req/s for ${durationS} s…`);
      paced = { rate, ...figures(await drive(baseUrl, body, tokens, connections, durationS, rate)) };
    }
    return {
      connections,
      durationS,
      sellers: sellerCount,
      bodyBytes: body.length,
      imageBytes: image.length,
      apiDbPool: pool ? Number(pool) : 'default',
      ...saturated,
      jobsCreated: jobs,
      apiCpuMsPerRequest:
        cpuBefore === undefined || cpuAfter === undefined || jobs === 0
          ? null
          : Number(((cpuAfter - cpuBefore) / jobs).toFixed(2)),
      loadAvg1m,
      cpus: os.cpus().length,
      paced,
    };
  } finally {
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api?.once('exit', r));
      api.kill('SIGTERM');
      const timer = setTimeout(() => api?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await database.drop();
    await rm(storageDir, { recursive: true, force: true });
    await dropQueueKeys(testRedisUrl(), prefix);
  }
}

export function printSubmit(s: SubmitResult, log: (line: string) => void = console.log): void {
  log(
    `Job submission: POST /v1/jobs multipart (${(s.imageBytes / 1024).toFixed(0)} KB JPEG), API process alone, ${s.connections} connections, ${s.sellers} sellers, ${s.durationS} s`,
  );
  log(
    `  p50 ${s.latencyMs.p50} ms   p90 ${s.latencyMs.p90} ms   p99 ${s.latencyMs.p99} ms   max ${s.latencyMs.max} ms   ${s.requestsPerS} req/s`,
  );
  log(
    `  ${s.requests} requests, ${s.jobsCreated} jobs created, non-2xx ${s.non2xx}, errors ${s.errors} (timeouts ${s.timeouts}), status ${JSON.stringify(s.statusCodes)}`,
  );
  if (s.paced) {
    const p = s.paced;
    log(
      `  paced to ${p.rate} req/s: p50 ${p.latencyMs.p50} ms   p90 ${p.latencyMs.p90} ms   p99 ${p.latencyMs.p99} ms   max ${p.latencyMs.max} ms, non-2xx ${p.non2xx}, errors ${p.errors}`,
    );
  }
  log(
    `  API process CPU ${s.apiCpuMsPerRequest ?? '?'} ms per job; ${s.cpus} CPUs, load average ${s.loadAvg1m} before the run`,
  );
}

// Standalone run.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const note = (line: string) => process.stderr.write(`${line}\n`);
  await prepareTemplate();
  try {
    const result = await runSubmitBench({
      connections: Number(process.env.BENCH_SUBMIT_CONNECTIONS ?? 200),
      durationS: Number(process.env.BENCH_SUBMIT_SECONDS ?? (quick ? 3 : 10)),
      sellers: process.env.BENCH_SUBMIT_SELLERS ? Number(process.env.BENCH_SUBMIT_SELLERS) : undefined,
      pacedRate: process.env.BENCH_SUBMIT_RATE ? Number(process.env.BENCH_SUBMIT_RATE) : undefined,
      note,
    });
    if (argv.includes('--json')) console.log(JSON.stringify(result));
    else printSubmit(result);
  } finally {
    await dropTemplate();
  }
  process.exit(0);
}
