import { describe, expect, it, vi } from 'vitest';
import { Quote } from '../../shared/api';
import { createApiClient, errorFromResponse, type FetchFn } from './api-client';
import { CodedError, errorText } from './errors';
import { jsonResponse, QUOTE } from './test-fixtures';

function clientWith(fetch: FetchFn, locale: 'en' | 'id' = 'en') {
  return createApiClient({ baseUrl: 'http://api.test', fetch, locale });
}

async function failureOf(promise: Promise<unknown>): Promise<CodedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CodedError);
  return error as CodedError;
}

describe('api client', () => {
  it('sends the bearer token, Idempotency-Key and language, and parses the body', async () => {
    const fetch = vi.fn<FetchFn>(async () => jsonResponse(200, QUOTE));
    const quote = await clientWith(fetch, 'id').request({
      method: 'POST',
      path: '/v1/x',
      token: 'tok',
      idempotencyKey: 'key-1',
      json: { a: 1 },
      schema: Quote,
    });
    expect(quote).toEqual(QUOTE);
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('http://api.test/v1/x');
    expect(init?.headers).toMatchObject({
      Authorization: 'Bearer tok',
      'Idempotency-Key': 'key-1',
      'Accept-Language': 'id',
      'Content-Type': 'application/json',
    });
    expect(init?.body).toBe('{"a":1}');
    expect(init?.credentials).toBe('omit');
  });

  it('passes the server error code and message through', async () => {
    const body = { error: { code: 'INSUFFICIENT_CREDITS', message: 'Kredit tidak cukup.' } };
    const error = await failureOf(
      clientWith(async () => jsonResponse(402, body)).request({
        method: 'POST',
        path: '/v1/jobs',
        schema: Quote,
      }),
    );
    expect(error).toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
      message: 'Kredit tidak cukup.',
      status: 402,
    });
  });

  it('maps a network failure to NETWORK, in the requested language', async () => {
    const down: FetchFn = async () => {
      throw new TypeError('Failed to fetch');
    };
    const en = await failureOf(
      clientWith(down, 'en').request({ method: 'GET', path: '/v1/me', schema: Quote }),
    );
    expect(en.code).toBe('NETWORK');
    expect(en.message).toMatch(/^Cannot reach Lumiku server/);
    const id = await failureOf(
      clientWith(down, 'id').request({ method: 'GET', path: '/v1/me', schema: Quote }),
    );
    expect(id.message).toMatch(/^Tidak dapat terhubung ke server Lumiku/);
  });

  it('maps a timeout to NETWORK', async () => {
    const slow: FetchFn = (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      );
    const client = createApiClient({ baseUrl: 'http://api.test', fetch: slow, locale: 'en', timeoutMs: 20 });
    const error = await failureOf(client.request({ method: 'GET', path: '/v1/me', schema: Quote }));
    expect(error.code).toBe('NETWORK');
  });

  it('rejects a 2xx body that does not match the contract', async () => {
    const error = await failureOf(
      clientWith(async () => jsonResponse(200, { price: 'free' })).request({
        method: 'GET',
        path: '/',
        schema: Quote,
      }),
    );
    expect(error.code).toBe('BAD_RESPONSE');
  });

  it('maps bodiless errors by status', () => {
    expect(errorFromResponse(401, undefined, 'en').code).toBe('UNAUTHENTICATED');
    expect(errorFromResponse(402, undefined, 'en').code).toBe('INSUFFICIENT_CREDITS');
    expect(errorFromResponse(413, undefined, 'en').code).toBe('PAYLOAD_TOO_LARGE');
    expect(errorFromResponse(429, 'slow down', 'en').code).toBe('RATE_LIMITED');
    expect(errorFromResponse(502, undefined, 'en').code).toBe('NETWORK');
    expect(errorFromResponse(503, undefined, 'en').code).toBe('NETWORK');
    expect(errorFromResponse(500, undefined, 'en').code).toBe('INTERNAL');
    expect(errorFromResponse(507, undefined, 'en').code).toBe('INTERNAL');
    expect(errorFromResponse(418, undefined, 'en').code).toBe('BAD_RESPONSE');
  });

  it('returns nothing for 204 and reads image bytes with a cap', async () => {
    const client = clientWith(async (url) =>
      url.endsWith('/result')
        ? new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'image/jpeg' } })
        : new Response(null, { status: 204 }),
    );
    await expect(client.request({ method: 'DELETE', path: '/v1/connections/x' })).resolves.toBeUndefined();
    await expect(client.requestBytes('/v1/jobs/x/result', 'tok', 10)).resolves.toEqual({
      bytes: new Uint8Array([1, 2, 3]),
      contentType: 'image/jpeg',
    });
    const tooBig = await failureOf(client.requestBytes('/v1/jobs/x/result', 'tok', 2));
    expect(tooBig.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('errorText', () => {
  it('translates known codes by the UI language, including the extension-only ones', () => {
    expect(errorText({ code: 'INSUFFICIENT_CREDITS', message: 'x' }, 'en')).toMatch(/^Not enough credits/);
    expect(errorText({ code: 'INSUFFICIENT_CREDITS', message: 'x' }, 'id')).toMatch(/^Kredit tidak cukup/);
    expect(errorText({ code: 'CONNECTION_REQUIRED', message: 'x' }, 'en')).toMatch(/^Connect this shop/);
    expect(errorText({ code: 'NETWORK', message: 'x' }, 'id')).toMatch(/^Tidak dapat terhubung/);
  });

  it("falls back to the server's message for codes it does not know", () => {
    expect(errorText({ code: 'SOMETHING_NEW', message: 'Pesan dari server' }, 'id')).toBe(
      'Pesan dari server',
    );
  });
});
