/**
 * The background's HTTP client for the Lumiku API: one place that builds requests, adds the bearer token
 * and Idempotency-Key, parses responses with the shared zod schemas, and turns every failure into a
 * CodedError with a stable code.
 */
import type { z } from 'zod';
import { ErrorBody } from '../../shared/api';
import type { ErrorCode, Locale } from '../../shared/errors';
import { apiError, CodedError, clientError } from './errors';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:8787. */
  baseUrl: string;
  fetch: FetchFn;
  /** Language of the errors the client makes up itself, and the Accept-Language sent to the server. */
  locale: Locale;
  /**
   * Per-request deadline. A slow network must end in a clear NETWORK error, not a spinner forever.
   * @defaultValue 30_000
   */
  timeoutMs?: number;
}

export interface ApiRequest<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  token?: string;
  json?: unknown;
  form?: FormData;
  idempotencyKey?: string;
  /** Schema of the success body; omit for 204 responses. */
  schema?: z.ZodType<T>;
}

export interface ApiBytes {
  bytes: Uint8Array;
  contentType: string;
}

// Fallbacks for error responses without our `{ error: { code, message } }` body (e.g. from a proxy).
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  402: 'INSUFFICIENT_CREDITS',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_IMAGE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL',
};

/** Map a non-2xx response (status plus whatever JSON it carried) to a CodedError. */
export function errorFromResponse(status: number, body: unknown, locale: Locale): CodedError {
  const parsed = ErrorBody.safeParse(body);
  if (parsed.success) return new CodedError(parsed.data.error.code, parsed.data.error.message, status);
  // A gateway answering for a server that is down or restarting: to the seller that is "cannot reach".
  if (status === 502 || status === 503 || status === 504) return clientError('NETWORK', locale);
  const code = CODE_BY_STATUS[status];
  if (code) return apiError(code, locale);
  return status >= 500 ? apiError('INTERNAL', locale) : clientError('BAD_RESPONSE', locale);
}

export function createApiClient(options: ApiClientOptions) {
  const { baseUrl, locale } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function send(request: Omit<ApiRequest<unknown>, 'schema'>, accept: string): Promise<Response> {
    const headers: Record<string, string> = { Accept: accept, 'Accept-Language': locale };
    if (request.token) headers.Authorization = `Bearer ${request.token}`;
    if (request.idempotencyKey) headers['Idempotency-Key'] = request.idempotencyKey;
    let body: BodyInit | undefined;
    if (request.form) {
      // No Content-Type: fetch sets multipart/form-data with its boundary.
      body = request.form;
    } else if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    try {
      return await options.fetch(`${baseUrl}${request.path}`, {
        method: request.method,
        headers,
        body,
        credentials: 'omit',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      // fetch rejects only for network failures, aborts and timeouts: the server was not reached.
      throw clientError('NETWORK', locale);
    }
  }

  async function failure(response: Response): Promise<CodedError> {
    const body: unknown = await response.json().catch(() => undefined);
    return errorFromResponse(response.status, body, locale);
  }

  async function request<T>(req: ApiRequest<T>): Promise<T> {
    const response = await send(req, 'application/json');
    if (!response.ok) throw await failure(response);
    if (!req.schema) return undefined as T;
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw clientError('BAD_RESPONSE', locale);
    }
    const parsed = req.schema.safeParse(body);
    if (!parsed.success) throw clientError('BAD_RESPONSE', locale);
    return parsed.data;
  }

  /** GET an image: a job's original/result with the bearer token, or a public one (no token). */
  async function requestBytes(path: string, token: string | undefined, maxBytes: number): Promise<ApiBytes> {
    const response = await send({ method: 'GET', path, token }, 'image/*');
    if (!response.ok) throw await failure(response);
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > maxBytes) throw apiError('PAYLOAD_TOO_LARGE', locale);
    let buffer: ArrayBuffer;
    try {
      buffer = await response.arrayBuffer();
    } catch {
      throw clientError('NETWORK', locale);
    }
    if (buffer.byteLength > maxBytes) throw apiError('PAYLOAD_TOO_LARGE', locale);
    return { bytes: new Uint8Array(buffer), contentType: response.headers.get('content-type') ?? '' };
  }

  return { request, requestBytes };
}

export type ApiClient = ReturnType<typeof createApiClient>;
