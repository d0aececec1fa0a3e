/**
 * A real server for integration tests: own database, own queue prefix, own storage folder, real Redis,
 * the API listening on a random port, and optionally a worker — the same wiring as production.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createApp } from '../app.js';
import { type Config, parseConfig } from '../config.js';
import { createLogger } from '../logger.js';
import type { RunningWorker } from '../queue/index.js';
import { createRuntime, type Runtime, pipeline as realPipeline } from '../runtime.js';
import type { Pipeline } from '../worker/enhance.js';
import { startWorkerProcess, type WorkerTuning } from '../worker/index.js';
import { createTestDatabase, freshQueuePrefix, type TestDatabase, testRedisUrl } from './db.js';

export interface Harness {
  baseUrl: string;
  config: Config;
  runtime: Runtime;
  database: TestDatabase;
  startWorker(options?: { pipeline?: Pipeline; tuning?: WorkerTuning }): RunningWorker;
  close(): Promise<void>;
}

export const ADMIN_TOKEN = `admin_${randomBytes(18).toString('hex')}`;

export async function startHarness(
  env: Record<string, string> = {},
  options: { port?: number } = {},
): Promise<Harness> {
  // Bind first so PUBLIC_URL (OAuth callbacks) can name the real port.
  const server: Server = http.createServer();
  server.listen(options.port ?? 0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const database = await createTestDatabase();
  const storageDir = resolve('.tmp', `storage-${randomBytes(4).toString('hex')}`);
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: freshQueuePrefix(),
    STORAGE_DIR: storageDir,
    TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    ADMIN_TOKEN,
    PORT: '0',
    PUBLIC_URL: baseUrl,
    ...env,
  });
  const logger = createLogger(config.LOG_LEVEL, 'test');
  const runtime = createRuntime(config, logger, { db: database.db });
  server.on('request', createApp(runtime).callback());
  const workers: RunningWorker[] = [];
  return {
    baseUrl,
    config,
    runtime,
    database,
    startWorker(options = {}) {
      const worker = startWorkerProcess(runtime, options.pipeline ?? realPipeline, options.tuning);
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close(true).catch(() => {})));
      await new Promise((r) => server.close(r));
      await runtime.close();
      await database.drop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

/** Small fetch helper for tests: JSON in, JSON (or nothing) out. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; form?: FormData } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies ad hoc
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(baseUrl + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (an image or an HTML page)
  }
  return { status: res.status, body: parsed };
}

/** Polls `probe` every 100 ms until it returns something other than undefined. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
