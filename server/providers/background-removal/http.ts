/**
 * The transport the background-removal clients share: one fetch per attempt under a timeout, redirects
 * refused, bounded retries on 429/5xx/no answer honouring Retry-After, and the key scrubbed from every
 * error. Mirrors server/marketplaces/http.ts; removal calls are idempotent, so any transient failure may be
 * retried (unlike the marketplaces' single-use token calls).
 */
import { redact, sniffImageType } from '../../marketplaces/http.js';
import {
  BackgroundRemovalError,
  type BackgroundRemovalErrorKind,
  type BackgroundRemovalProvider,
} from './types.js';

export interface RemoverClientOptions {
  apiKey: string;
  /** An origin; http only for a loopback sandbox. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Per attempt, including reading the answer. @defaultValue 20000 */
  timeoutMs?: number;
  /** Retries after the first attempt, for transient failures. @defaultValue 2 */
  retries?: number;
  /** First backoff delay; doubles per retry. @defaultValue 500 */
  retryMinTimeoutMs?: number;
  /** Longest wait for a Retry-After (a longer one fails now: the pipeline falls back). @defaultValue 10000 */
  maxRetryAfterMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** An answer the provider gave; the body is kept as bytes (images) and read as text for errors. */
export interface ProviderAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export class RemoverTransport {
  readonly #options: RemoverClientOptions;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    readonly provider: BackgroundRemovalProvider,
    options: RemoverClientOptions,
  ) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  /**
   * Sends the request made by `init` (rebuilt per attempt: a FormData body is consumed by a send) until a
   * 2xx, a non-transient error, or the retry budget is spent. Non-2xx answers become errors via `classify`.
   */
  async send(
    path: string,
    init: () => { method: string; headers: Record<string, string>; body?: FormData | string },
    classify: (answer: ProviderAnswer, text: string) => BackgroundRemovalErrorKind,
  ): Promise<ProviderAnswer> {
    const retries = this.#options.retries ?? 2;
    const url = new URL(path, this.#options.baseUrl);
    for (let attempt = 0; ; attempt++) {
      let waitMs = (this.#options.retryMinTimeoutMs ?? 500) * 2 ** attempt;
      let error: BackgroundRemovalError;
      try {
        const answer = await this.#attempt(url, init());
        if (answer.status >= 200 && answer.status < 300) return answer;
        const text = this.redact(answer.body.toString('utf8'));
        error = new BackgroundRemovalError(
          this.provider,
          classify(answer, text),
          `HTTP ${answer.status}: ${text.slice(0, 200)}`,
          answer.status,
        );
        const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'));
        if (retryAfterMs !== undefined) {
          // A provider asking for longer than we would wait: fail now so the pipeline can fall back.
          if (retryAfterMs > (this.#options.maxRetryAfterMs ?? 10_000)) throw error;
          waitMs = Math.max(waitMs, retryAfterMs);
        }
      } catch (err) {
        if (err instanceof BackgroundRemovalError) throw err;
        error = this.#networkError(err);
      }
      if (!error.transient || attempt >= retries) throw error;
      await this.#sleep(waitMs);
    }
  }

  async #attempt(
    url: URL,
    init: { method: string; headers: Record<string, string>; body?: FormData | string },
  ): Promise<ProviderAnswer> {
    const response = await this.#fetch(url, {
      ...init,
      redirect: 'error',
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 20_000),
    });
    const body = Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body };
  }

  /** Our own error: never the fetch error's text, which could carry the URL or headers. */
  #networkError(err: unknown): BackgroundRemovalError {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return new BackgroundRemovalError(
      this.provider,
      timedOut ? 'timeout' : 'network',
      timedOut ? 'no answer in time' : 'request failed',
    );
  }

  redact(text: string): string {
    return redact(text, [this.#options.apiKey]);
  }
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The 2xx body as an image, or a `malformed` error (e.g. a JSON answer where PNG bytes were expected). */
export function imageBody(provider: BackgroundRemovalProvider, answer: ProviderAnswer): Buffer {
  const { type } = sniffImageType(answer.body, ['png', 'jpeg', 'webp']);
  if (type === 'application/octet-stream') {
    throw new BackgroundRemovalError(provider, 'malformed', 'the answer is not an image', answer.status);
  }
  return answer.body;
}

/** The photo as a multipart file part, typed from its bytes. */
export function imagePart(image: Buffer): { blob: Blob; filename: string } {
  const { type, ext } = sniffImageType(image, ['jpeg', 'png']);
  return { blob: new Blob([new Uint8Array(image)], { type }), filename: `photo.${ext}` };
}

/** The kinds most providers share by status; each client overrides what its API says otherwise. */
export function kindByStatus(status: number): BackgroundRemovalErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 429) return 'rate_limited';
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'bad_image';
  return 'unavailable';
}
