/**
 * The transport every hosted-provider client shares (background removal, scene generation, relighting):
 * one fetch per attempt under a timeout, redirects refused, bounded retries on 429/5xx/no answer honouring
 * Retry-After, and the key scrubbed from every error. Mirrors server/marketplaces/http.ts. Each provider
 * family brings its own error class through an {@link ProviderErrorFactory}, so callers keep catching the
 * error type they know.
 */
import { redact } from '../marketplaces/http.js';

/**
 * Why a provider call failed. `auth`: bad or missing key; `quota`: out of credits (402, Segmind 406);
 * `rate_limited`: 429 after the retries; `bad_image`: the provider refused the input (400/422);
 * `unavailable`: 5xx after the retries or another unexpected status; `timeout`/`network`: no answer;
 * `malformed`: a 2xx that is not what was asked for (wrong shape, not an image, a file on a host we do
 * not fetch from).
 */
export type ProviderErrorKind =
  | 'auth'
  | 'quota'
  | 'rate_limited'
  | 'bad_image'
  | 'unavailable'
  | 'timeout'
  | 'network'
  | 'malformed';

/** Kinds worth another attempt: the provider was busy, failing or unreachable, not refusing the request. */
export const TRANSIENT_KINDS: ReadonlySet<string> = new Set([
  'rate_limited',
  'unavailable',
  'timeout',
  'network',
]);

export interface TransportError extends Error {
  readonly transient: boolean;
}

/** Builds the family's error; `message` is already redacted. */
export type ProviderErrorFactory<E extends TransportError> = (
  kind: ProviderErrorKind,
  message: string,
  httpStatus?: number,
) => E;

export interface ProviderClientOptions {
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
  /** Longest wait for a Retry-After (a longer one fails now). @defaultValue 10000 */
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

export type RequestInit = { method: string; headers: Record<string, string>; body?: FormData | string };

export const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export class ProviderTransport<E extends TransportError> {
  readonly #options: ProviderClientOptions;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    options: ProviderClientOptions,
    readonly error: ProviderErrorFactory<E>,
  ) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  get sleep(): (ms: number) => Promise<void> {
    return this.#sleep;
  }

  /**
   * Sends the request made by `init` (rebuilt per attempt: a FormData body is consumed by a send) until a
   * 2xx, a non-transient error, or the retry budget is spent. Non-2xx answers become errors via `classify`.
   */
  async send(
    path: string,
    init: () => RequestInit,
    classify: (answer: ProviderAnswer, text: string) => ProviderErrorKind = (answer) =>
      kindByStatus(answer.status),
    options: { retries?: number } = {},
  ): Promise<ProviderAnswer> {
    const retries = options.retries ?? this.#options.retries ?? 2;
    const url = new URL(path, this.#options.baseUrl);
    for (let attempt = 0; ; attempt++) {
      let waitMs = (this.#options.retryMinTimeoutMs ?? 500) * 2 ** attempt;
      let error: E;
      try {
        const answer = await this.#attempt(url, init());
        if (answer.status >= 200 && answer.status < 300) return answer;
        const text = this.redact(answer.body.toString('utf8'));
        error = this.error(
          classify(answer, text),
          `HTTP ${answer.status}: ${text.slice(0, 200)}`,
          answer.status,
        );
        const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'));
        if (retryAfterMs !== undefined) {
          // A provider asking for longer than we would wait: fail now (the caller falls back or fails).
          if (retryAfterMs > (this.#options.maxRetryAfterMs ?? 10_000)) throw new Final(error);
          waitMs = Math.max(waitMs, retryAfterMs);
        }
      } catch (err) {
        if (err instanceof Final) throw err.error;
        error = this.#networkError(err);
      }
      if (!error.transient || attempt >= retries) throw error;
      await this.#sleep(waitMs);
    }
  }

  async #attempt(url: URL, init: RequestInit): Promise<ProviderAnswer> {
    const response = await this.#fetch(url, {
      ...init,
      redirect: 'error',
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 20_000),
    });
    const body = Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body };
  }

  /** Our own error: never the fetch error's text, which could carry the URL or headers. */
  #networkError(err: unknown): E {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return this.error(timedOut ? 'timeout' : 'network', timedOut ? 'no answer in time' : 'request failed');
  }

  redact(text: string): string {
    return redact(text, [this.#options.apiKey]);
  }

  /** A 2xx JSON body checked against `schema`, or a `malformed` error. */
  json<T>(
    schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
    answer: ProviderAnswer,
  ): T {
    let value: unknown;
    try {
      value = JSON.parse(answer.body.toString('utf8'));
    } catch {
      value = undefined;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw this.error('malformed', 'unexpected answer shape', answer.status);
    return parsed.data;
  }
}

/** Carries an error out of the retry loop's catch without being mistaken for a network failure. */
class Final<E> {
  constructor(readonly error: E) {}
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The kinds most providers share by status; each client overrides what its API says otherwise. */
export function kindByStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 429) return 'rate_limited';
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'bad_image';
  return 'unavailable';
}
