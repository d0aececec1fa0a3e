/**
 * Errors of the TikTok Shop client and what callers should do about them. TikTok answers
 * `{code, message, request_id, data}`; a non-zero `code` is a failure whatever the HTTP status, which TikTok
 * sets independently (marketplaces.md, "Envelope and errors"). Messages never contain tokens or the app
 * secret: the client redacts them from TikTok's text and never puts request URLs (the token endpoints carry
 * app_secret and the refresh token in the query) in errors.
 */
import { type AnswerFields, MarketplaceApiError, MarketplaceNetworkError } from '../errors.js';

/**
 * - `auth`: the access token was refused (105002 expired, 101000 / 36009004 "x-tts-access-token is invalid")
 *   → refresh once and retry; a second `auth` after a fresh token means the connection needs attention.
 * - `refresh_expired`: the grant itself is gone (refresh token expired, unknown, used or revoked; the
 *   authorization code invalid or reused) → mark the connection `needs_reauth`; only the seller can fix it.
 * - `rate_limit`: 36009002 / HTTP 429 → retried with backoff, honouring `Retry-After`.
 * - `sign`: 106001 — wrong app secret or a signing bug → configuration problem, never retried.
 * - `param`: TikTok rejected the request (36009004 bad app_key/timestamp/unexpected shop_cipher, 106013 missing
 *   shop_cipher, unknown product, …) → our bug or bad input, not retried.
 * - `not_found`: the product does not exist or is not in this shop (12019150, 12052032, 12052034) → treat
 *   like a 404: the listing is gone or the id belongs to another shop; nothing to retry.
 * - `scope`: 105005 — the grant lacks the endpoint's scope (or the app is not allowed) → seller re-authorizes.
 * - `image`: the uploaded file breaks the image rules (size, dimensions, format) → tell the seller.
 * - `server`: 36009003, 5xx, unknown codes or an unreadable answer.
 * - `network`: no answer at all (connection refused, reset, timeout).
 */
export type TikTokErrorKind =
  | 'auth'
  | 'refresh_expired'
  | 'rate_limit'
  | 'sign'
  | 'param'
  | 'not_found'
  | 'scope'
  | 'image'
  | 'server'
  | 'network';

/** Codes callers may branch on (marketplaces.md, "Envelope and errors"; TikTok's common-errors page). */
export const TIKTOK_CODES = {
  ok: 0,
  accessTokenExpired: 105002,
  invalidAccessTokenHeader: 101000,
  missingScope: 105005,
  invalidSign: 106001,
  missingShopCipher: 106013,
  rateLimited: 36009002,
  internalError: 36009003,
  invalidParams: 36009004,
  gatewayTimeout: 36009007,
  /** Token endpoint: invalid or reused authorization code. */
  invalidAuthCode: 36004004,
  /** Token endpoint: "rt has expired" (EcomPHP/tiktokshop-php PR #15, observed live). */
  refreshTokenExpired: 36004001,
  /** Token endpoint: "can not find related auth record" — unknown, used or revoked refresh token (same source). */
  authRecordNotFound: 36004005,
  productNotFound: 12019150,
  imageTooLarge: 12038005,
  imageBadDimensions: 12038014,
} as const;

/** Endpoints that spend a single-use credential (authorization code or refresh token). */
export const TOKEN_PATHS: ReadonlySet<string> = new Set(['/api/v2/token/get', '/api/v2/token/refresh']);

const AUTH_CODES = new Set([105002, 101000]);
/** Token-endpoint answers that say the code or refresh token is dead (not documented in TikTok's tables). */
const GRANT_CODES = new Set([36004001, 36004004, 36004005]);
const SCOPE_CODES = new Set([105005, 36009033]);
const IMAGE_CODES = new Set([
  12038002, // invalid upload file
  12038004, // format or content not supported
  12038005, // file too large
  12038014, // dimensions out of range
  12038015, // format not supported
  12019116, // dimensions exceed the limits
  36009021, // file size exceeds the gateway's limit
]);
/** TikTok's "internal error, try again" family (common-errors and the endpoint tables). */
const TRANSIENT_CODES = new Set([36009002, 36009003, 36009007, 12001000, 10006402, 33001002]);
const PARAM_CODES = new Set([
  36009004, 36009009, 36009010, 36009014, 36009022, 36009023, 106013, 11050001, 98001004,
  // invalid product id(s) / invalid image list
  12019008, 12019009, 12052031,
]);
/** The product does not exist / doesn't belong to this shop (get-product and deactivate/create tables). */
const NOT_FOUND_CODES = new Set([12019150, 12052032, 12052034]);

/**
 * 36009004 is TikTok's catch-all (bad app_key, timestamp, missing sign, unexpected shop_cipher … and an
 * invalid `x-tts-access-token`): TikTok says not to branch on the number alone, so the message decides
 * (rymndcs/tiktok_shop_rb_api `error_table.rb`, built from the common-errors page).
 */
const TOKEN_MESSAGE = /access_token|x-tts-access-token/i;

export function classifyTikTokError(
  code: number,
  message: string,
  httpStatus: number,
  path: string,
): TikTokErrorKind {
  const tokenRefused = AUTH_CODES.has(code) || (code === 36009004 && TOKEN_MESSAGE.test(message));
  // At the token endpoints no access token is involved: an auth-type answer rejects the code or refresh token
  // itself. Calling that `auth` would make callers refresh again with the same dead credential.
  if (GRANT_CODES.has(code) || (TOKEN_PATHS.has(path) && tokenRefused)) return 'refresh_expired';
  if (tokenRefused) return 'auth';
  if (code === 106001) return 'sign';
  if (code === 36009002 || (code === 0 && httpStatus === 429)) return 'rate_limit';
  if (SCOPE_CODES.has(code)) return 'scope';
  if (IMAGE_CODES.has(code)) return 'image';
  if (NOT_FOUND_CODES.has(code)) return 'not_found';
  if (PARAM_CODES.has(code)) return 'param';
  return 'server';
}

export function isTransientTikTokError(code: number, httpStatus: number): boolean {
  return TRANSIENT_CODES.has(code) || httpStatus >= 500 || (code === 0 && httpStatus === 429);
}

/**
 * `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds; undefined when absent
 * or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** TikTok answered (or a gateway in front of it did) and the answer is a failure. */
export class TikTokApiError extends MarketplaceApiError<TikTokErrorKind> {
  override readonly name = 'TikTokApiError';
  /** TikTok's code; 0 when the answer had none (e.g. a gateway's HTTP 502 page) — 0 never means failure otherwise. */
  readonly code: number;
  /** TikTok's message (tokens and secret redacted). */
  readonly tiktokMessage: string;
  /** From the `Retry-After` header, when TikTok sent one. */
  readonly retryAfterMs?: number;

  constructor(input: AnswerFields & { code: number; retryAfterMs?: number }) {
    super('TikTok Shop', input.code !== 0 ? `code ${input.code}` : `HTTP ${input.httpStatus}`, input, {
      kind: classifyTikTokError(input.code, input.message, input.httpStatus, input.path),
      transient: isTransientTikTokError(input.code, input.httpStatus),
    });
    this.code = input.code;
    this.tiktokMessage = input.message;
    if (input.retryAfterMs !== undefined) this.retryAfterMs = input.retryAfterMs;
  }
}

/** No usable answer arrived: the connection failed or the request timed out. */
export class TikTokNetworkError extends MarketplaceNetworkError {
  override readonly name = 'TikTokNetworkError';
  /** `ECONNREFUSED`, `UND_ERR_SOCKET`, `TimeoutError`, … (not `code`, which is TikTok's answer code). */
  readonly errorCode: string;

  constructor(input: { path: string; errorCode: string; timedOut: boolean; mayHaveReachedServer: boolean }) {
    super('TikTok Shop', input.path, { ...input, code: input.errorCode });
    this.errorCode = input.errorCode;
  }
}

export type TikTokError = TikTokApiError | TikTokNetworkError;

export function isTikTokError(error: unknown): error is TikTokError {
  return error instanceof TikTokApiError || error instanceof TikTokNetworkError;
}
