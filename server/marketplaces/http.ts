/**
 * The HTTP transport the marketplace clients share: one fetch per attempt under a timeout, requests without
 * an answer classified by whether they may have reached the marketplace, retries with backoff under a
 * per-call policy, secrets scrubbed from the marketplace's text, plus the base-URL check and upload typing
 * both apply. What a marketplace says (signing, envelopes, error codes) stays in its own client.
 */
import pRetry from 'p-retry';
import type { z } from 'zod';
import { type MarketplaceApiError, MarketplaceNetworkError, type NetworkFailure } from './errors.js';

/** The options every marketplace client takes besides its credentials and base URLs. */
export interface MarketplaceClientOptions {
  fetch?: typeof fetch;
  /** Clock in epoch milliseconds. @defaultValue Date.now */
  now?: () => number;
  /** Per attempt, including reading the answer. @defaultValue 30000 */
  timeoutMs?: number;
  /** Retries after the first attempt, for failures that are safe and worth retrying. @defaultValue 3 */
  retries?: number;
  /** First backoff delay; doubles per retry, randomised ×1–2, capped at 10 s. @defaultValue 500 */
  retryMinTimeoutMs?: number;
}

/**
 * `safe`: retry on any transient failure. `single-use`: the call spends a code or refresh token, so it is
 * retried only when the server provably did not process it (see `shouldRetry`).
 */
export type RetryMode = 'safe' | 'single-use';

/** What every client call describes besides its signing and body. */
export interface BaseCall {
  method: 'GET' | 'POST';
  path: string;
  /** Query parameters besides the ones signing adds. */
  query?: Record<string, string>;
  json?: unknown;
  retry: RetryMode;
  /** Strings to scrub from the marketplace's messages before they reach an error. */
  secrets: string[];
}

/** Connection errors that prove the request never left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Sends one client's requests: a timeout per attempt, redirects refused, retries with backoff. */
export class Transport {
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryMinTimeoutMs: number;

  constructor(options: MarketplaceClientOptions) {
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = options.retries ?? 3;
    this.#retryMinTimeoutMs = options.retryMinTimeoutMs ?? 500;
  }

  /** Runs `attempt` until it succeeds, `shouldRetry` refuses, or the retry budget is spent. */
  retrying<T>(
    attempt: () => Promise<T>,
    shouldRetry: (error: Error) => boolean | Promise<boolean>,
  ): Promise<T> {
    return pRetry(attempt, {
      retries: this.#retries,
      factor: 2,
      minTimeout: this.#retryMinTimeoutMs,
      maxTimeout: 10_000,
      randomize: true,
      shouldRetry: ({ error }) => shouldRetry(error),
    });
  }

  /**
   * One request, its answer read with the marketplace's `envelope` schema (undefined when the answer is not
   * JSON or not an envelope, e.g. a gateway's error page). Redirects are refused: a signed request must reach
   * the path it was signed for. When no answer arrives, throws `networkError(failure)`.
   */
  async send<T>(
    url: URL,
    init: { method: string; headers: Record<string, string>; body: string | FormData | undefined },
    envelope: z.ZodType<T>,
    networkError: (failure: NetworkFailure) => Error,
  ): Promise<{ response: Response; envelope: T | undefined }> {
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        ...init,
        redirect: 'error',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      // Build our own error: never chain the fetch error, whose text could carry the URL (and its secrets).
      throw networkError(networkFailure(err));
    }
    return { response, envelope: parseEnvelope(envelope, text) };
  }
}

/** Classifies a fetch failure; a timeout may have reached the server, a refused connection did not. */
function networkFailure(err: unknown): NetworkFailure {
  const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
  const code = timedOut ? 'TimeoutError' : (errorCode(err instanceof Error ? err.cause : err) ?? 'UNKNOWN');
  return { code, timedOut, mayHaveReachedServer: timedOut || !NOT_SENT_CODES.has(code) };
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  if ('code' in err && typeof err.code === 'string') return err.code;
  // Happy-eyeballs connects fail with an AggregateError of per-address errors.
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const code = errorCode(inner);
      if (code) return code;
    }
  }
  return undefined;
}

/** What the retry policy needs to know of one marketplace's errors. */
export interface RetryRules<A extends MarketplaceApiError<string>> {
  /** The client's own errors; anything else (a bug) is never retried. */
  isOwnError(error: unknown): error is A | MarketplaceNetworkError;
  /** The answer proves the marketplace refused the call before handling it (a rate limit). */
  rejectedUnhandled(error: A): boolean;
}

/**
 * Which failures get another attempt.
 *
 * Authorization codes and refresh tokens are single-use. If a token call reached the marketplace and only
 * its answer was lost (timeout, reset, 5xx from a gateway after processing), the marketplace has already
 * spent the credential and issued a new pair that exists only in the lost answer. Sending the old credential
 * again cannot recover that pair; it gets rejected, which hides the real cause, and under refresh-token reuse
 * detection (RFC 9700 §4.14.2) it may revoke the newly issued tokens too. So token calls are retried only
 * when the marketplace provably did not process them: the connection was refused / the name did not
 * resolve, or the answer says the call was rejected before handling. Everything else goes back to the
 * caller, who holds the connection's refresh lock and knows what it has saved.
 */
export function shouldRetry<A extends MarketplaceApiError<string>>(
  error: Error,
  mode: RetryMode,
  rules: RetryRules<A>,
): boolean {
  if (!rules.isOwnError(error)) return false;
  if (mode === 'safe') return error.transient;
  if (error instanceof MarketplaceNetworkError) return !error.mayHaveReachedServer;
  return rules.rejectedUnhandled(error);
}

function parseEnvelope<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A part of a successful answer, read with `schema`. An unexpected shape becomes `malformed(what)`, where
 * `what` is only our own description: the answer itself might contain tokens.
 */
export function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, malformed: (what: string) => Error): T {
  const result = schema.safeParse(value);
  if (!result.success) throw malformed(result.error.issues[0]?.message ?? 'invalid');
  return result.data;
}

/** The marketplace's text with every secret (of 4+ characters) replaced, capped at 500 characters. */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.replaceAll(secret, '[redacted]');
  return out.slice(0, 500);
}

/**
 * An API base URL reduced to its origin. It must have no path (the signed path must be the one sent) and
 * use https: tokens and secrets travel in the query or headers, so plain http only to a sandbox on this
 * machine. `name` starts the error messages, e.g. `Shopee baseUrl`.
 */
export function apiOrigin(value: string, name: string): string {
  const url = new URL(value);
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new TypeError(`${name} must be an origin without path: the signed path must be the one sent`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new TypeError(`${name} must use https (http only for a loopback sandbox)`);
  }
  return url.origin;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export type ImageFormat = 'jpeg' | 'png' | 'webp';

const IMAGE_SIGNATURES: Record<ImageFormat, { type: string; ext: string; matches(data: Buffer): boolean }> = {
  jpeg: { type: 'image/jpeg', ext: 'jpg', matches: (d) => d[0] === 0xff && d[1] === 0xd8 },
  png: {
    type: 'image/png',
    ext: 'png',
    matches: (d) => d[0] === 0x89 && d[1] === 0x50 && d[2] === 0x4e && d[3] === 0x47,
  },
  webp: {
    type: 'image/webp',
    ext: 'webp',
    matches: (d) =>
      d.subarray(0, 4).toString('latin1') === 'RIFF' && d.subarray(8, 12).toString('latin1') === 'WEBP',
  },
};

/**
 * The upload's content type and file extension, from its first bytes, among the formats the marketplace
 * takes; anything else is sent as `application/octet-stream` for the marketplace to refuse.
 */
export function sniffImageType(data: Buffer, formats: readonly ImageFormat[]): { type: string; ext: string } {
  const format = formats.find((f) => IMAGE_SIGNATURES[f].matches(data));
  return format
    ? { type: IMAGE_SIGNATURES[format].type, ext: IMAGE_SIGNATURES[format].ext }
    : { type: 'application/octet-stream', ext: 'bin' };
}
