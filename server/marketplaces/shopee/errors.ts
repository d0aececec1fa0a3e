/**
 * Errors of the Shopee client and what callers should do about them. Shopee answers
 * `{request_id, error, message, …}` and a non-empty `error` is a failure whatever the HTTP status
 * (marketplaces.md, "Envelope and errors"). Messages never contain tokens or the partner key: the client
 * redacts them from Shopee's text and never puts request URLs (which carry access_token) in errors.
 */
import {
  type AnswerFields,
  MarketplaceApiError,
  MarketplaceNetworkError,
  type NetworkFailure,
} from '../errors.js';

/**
 * - `auth`: the access token is invalid or expired → refresh once and retry (marketplaces.md). Shopee
 *   overloads `error_auth` (also "no permission", shop-status problems), so a second `auth` after a fresh
 *   token means the connection needs attention, not another refresh.
 * - `refresh_expired`: the grant itself is gone (expired/used/revoked refresh token, invalid or reused
 *   authorization code) → mark the connection `needs_reauth`; only the seller can fix it.
 * - `rate_limit`: `error_rate_limit` (retried with backoff) or `error_limit` (daily quota, not retried).
 * - `promotion_locked`: images can't change while the item is in a promotion → tell the seller, don't retry.
 * - `sign`: wrong partner key or signing bug → configuration problem, never retried.
 * - `param`: Shopee rejected a parameter (including "Timestamp is expired." from clock skew) → our bug or
 *   bad input, not retried.
 * - `server`: 5xx, Shopee's inner errors, unknown codes or an unreadable answer.
 * - `network`: no answer at all (connection refused, reset, timeout).
 */
export type ShopeeErrorKind =
  | 'auth'
  | 'refresh_expired'
  | 'rate_limit'
  | 'promotion_locked'
  | 'sign'
  | 'param'
  | 'server'
  | 'network';

/** Endpoints that spend a single-use credential (authorization code or refresh token). */
export const TOKEN_PATHS: ReadonlySet<string> = new Set([
  '/api/v2/auth/token/get',
  '/api/v2/auth/access_token/get',
]);

// `invalid_acceess_token` is Shopee's own spelling (sic); the corrected spelling is accepted too.
const AUTH_CODES = new Set([
  'error_auth',
  'invalid_acceess_token',
  'invalid_access_token',
  'access_token_error',
]);
const GRANT_CODES = new Set([
  'refresh_token_expired',
  'invalid_refresh_token',
  'error_refresh_token',
  'invalid_code',
  'error_code',
]);
const RATE_LIMIT_CODES = new Set(['error_rate_limit', 'error_limit']);
const PROMOTION_IMAGE_CODES = new Set([
  'error_cannt_edit_image_in_promotion',
  'error_in_item_promotion_image_item_lock',
]);
/** Shopee's "try again later" family. */
const TRANSIENT_CODES = new Set([
  'error_rate_limit',
  'error_server',
  'error_inner',
  'error_busy',
  'error_network',
]);
const PARAM_CODES = new Set([
  'error_item_not_found',
  'error_item_not_belong_shop',
  'error_invalid_item_list',
  'error_not_found',
  'error_image_unavailable',
  'error_item_name_empty',
]);

/** Shopee sometimes prefixes codes with their module (`product.error_param`): classify on the bare code. */
function bareCode(error: string): string {
  const dot = error.lastIndexOf('.');
  return dot === -1 ? error : error.slice(dot + 1);
}

export function classifyShopeeError(error: string, httpStatus: number, path: string): ShopeeErrorKind {
  const code = bareCode(error);
  // At the token endpoints no access token is involved: an auth-type answer rejects the code or refresh
  // token itself. Calling that `auth` would make callers refresh again with the same dead credential.
  if (GRANT_CODES.has(code) || (TOKEN_PATHS.has(path) && AUTH_CODES.has(code))) return 'refresh_expired';
  if (AUTH_CODES.has(code)) return 'auth';
  if (code === 'error_sign') return 'sign';
  if (RATE_LIMIT_CODES.has(code) || (code === '' && httpStatus === 429)) return 'rate_limit';
  if (PROMOTION_IMAGE_CODES.has(code)) return 'promotion_locked';
  if (code.startsWith('error_param') || PARAM_CODES.has(code)) return 'param';
  return 'server';
}

export function isTransientShopeeError(error: string, httpStatus: number): boolean {
  const code = bareCode(error);
  if (code === 'error_limit') return false; // the daily quota does not come back in seconds
  return TRANSIENT_CODES.has(code) || httpStatus >= 500 || (code === '' && httpStatus === 429);
}

/** Shopee answered (or a gateway in front of it did) and the answer is a failure. */
export class ShopeeApiError extends MarketplaceApiError<ShopeeErrorKind> {
  override readonly name = 'ShopeeApiError';
  /** Shopee's error code, verbatim; '' when the answer had none (e.g. a gateway's HTTP 502 page). */
  readonly error: string;
  /** Shopee's message (tokens redacted). */
  readonly shopeeMessage: string;

  constructor(input: AnswerFields & { error: string }) {
    super('Shopee', input.error || `HTTP ${input.httpStatus}`, input, {
      kind: classifyShopeeError(input.error, input.httpStatus, input.path),
      transient: isTransientShopeeError(input.error, input.httpStatus),
    });
    this.error = input.error;
    this.shopeeMessage = input.message;
  }
}

/** No usable answer arrived: the connection failed or the request timed out. */
export class ShopeeNetworkError extends MarketplaceNetworkError {
  override readonly name = 'ShopeeNetworkError';
  /** `ECONNREFUSED`, `UND_ERR_SOCKET`, `TimeoutError`, … */
  readonly code: string;

  constructor(input: { path: string } & NetworkFailure) {
    super('Shopee', input.path, input);
    this.code = input.code;
  }
}

export type ShopeeError = ShopeeApiError | ShopeeNetworkError;

export function isShopeeError(error: unknown): error is ShopeeError {
  return error instanceof ShopeeApiError || error instanceof ShopeeNetworkError;
}
