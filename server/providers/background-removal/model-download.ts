/**
 * Downloads a model file for the ONNX provider (`npm run models:fetch`): streamed to a temporary file
 * next to the destination, hashed on the way, and renamed into place only when complete (and matching
 * the expected SHA-256, when one is given). A worker never sees a half-written model.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export interface DownloadOptions {
  url: string;
  /** Destination file; its folder is created. An existing file is replaced only by a complete download. */
  out: string;
  /** Lower-case or upper-case hex; a mismatch deletes the download and fails. */
  sha256?: string;
  /** Called per received chunk; `total` from Content-Length when the server sent one. */
  onProgress?: (received: number, total: number | undefined) => void;
  fetch?: typeof fetch;
}

export interface Downloaded {
  path: string;
  bytes: number;
  sha256: string;
}

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
}

export async function downloadModel(options: DownloadOptions): Promise<Downloaded> {
  const url = new URL(options.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DownloadError(`only http(s) URLs can be downloaded, not ${url.protocol}`);
  }
  const expected = options.sha256?.toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) {
    throw new DownloadError('--sha256 must be 64 hex digits');
  }
  // GitHub release assets answer with a redirect to their storage host: follow it.
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { redirect: 'follow' });
  } catch (error) {
    // fetch's own message is just "fetch failed"; the cause says why (ENOTFOUND, ECONNREFUSED, …).
    const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
    throw new DownloadError(`${url.href}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, {
      cause: error,
    });
  }
  if (!response.ok || !response.body) {
    throw new DownloadError(`${url.href} answered HTTP ${response.status}`);
  }
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;

  await mkdir(dirname(options.out), { recursive: true });
  // Same folder as the destination, so the final rename is atomic (same file system).
  const temp = join(dirname(options.out), `.${basename(options.out)}.${randomBytes(4).toString('hex')}.part`);
  const hash = createHash('sha256');
  let received = 0;
  // Opened before streaming: a lazily opened write stream could create the file after a failed
  // download's cleanup had already run, leaving a stray `.part` behind.
  const file = await open(temp, 'wx', 0o644);
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          received += chunk.length;
          options.onProgress?.(received, total);
          done(null, chunk);
        },
      }),
      file.createWriteStream(),
    );
    if (total !== undefined && received !== total) {
      throw new DownloadError(`the download stopped after ${received} of ${total} bytes`);
    }
    const sha256 = hash.digest('hex');
    if (expected !== undefined && sha256 !== expected) {
      throw new DownloadError(`SHA-256 mismatch: expected ${expected}, got ${sha256}`);
    }
    await rename(temp, options.out);
    return { path: options.out, bytes: received, sha256 };
  } catch (error) {
    await file.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    if (error instanceof DownloadError) throw error;
    throw new DownloadError(`download failed: ${(error as Error).message}`, { cause: error });
  }
}
