import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertResolvesPublic, checkImageUrl, type SafeFetchPolicy, safeFetchImage } from './safe-fetch.js';

let server: http.Server;
let origin: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/ok') return res.end(Buffer.alloc(1000, 7));
    if (req.url === '/big') return res.end(Buffer.alloc(300_000, 7));
    if (req.url === '/to-internal') {
      res.writeHead(302, { location: 'https://127.0.0.1/secret' });
      return res.end();
    }
    if (req.url === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
      return res.end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const production: SafeFetchPolicy = {
  allowedHosts: ['down-id.img.susercontent.com', 'localhost'],
  sandboxOrigins: [],
  maxBytes: 100_000,
  timeoutMs: 3000,
};

describe('checkImageUrl', () => {
  it.each([
    'https://127.0.0.1/file/a',
    'https://127.1/file/a',
    'https://0x7f000001/file/a',
    'https://[::1]/file/a',
    'https://[::ffff:7f00:1]/file/a',
    'https://169.254.169.254/latest/meta-data',
    'https://10.0.0.1/file/a',
    'http://down-id.img.susercontent.com/file/a',
    'https://down-id.img.susercontent.com:444/file/a',
    'https://user:pw@down-id.img.susercontent.com/file/a',
    'https://evil.example/file/a',
    'file:///etc/passwd',
    'not a url',
  ])('refuses %s', (url) => {
    expect(() => checkImageUrl(url, production)).toThrow(
      expect.objectContaining({ code: 'IMAGE_URL_NOT_ALLOWED' }),
    );
  });

  it('accepts the marketplace CDN over https', () => {
    expect(checkImageUrl('https://down-id.img.susercontent.com/file/abc', production).sandbox).toBe(false);
  });
});

describe('safeFetchImage', () => {
  it('refuses an allowlisted name that resolves to a private address, before and at connect time', async () => {
    const checked = checkImageUrl('https://localhost/file/a', production);
    await expect(assertResolvesPublic(checked)).rejects.toMatchObject({ code: 'IMAGE_URL_NOT_ALLOWED' });
    await expect(safeFetchImage('https://localhost/file/a', production)).rejects.toMatchObject({
      code: 'IMAGE_URL_NOT_ALLOWED',
    });
  });

  it('fetches from a sandbox origin only when it is configured', async () => {
    const sandbox = { ...production, sandboxOrigins: [origin] };
    expect((await safeFetchImage(`${origin}/ok`, sandbox)).length).toBe(1000);
    await expect(safeFetchImage(`${origin}/ok`, production)).rejects.toMatchObject({
      code: 'IMAGE_URL_NOT_ALLOWED',
    });
  });

  it('re-checks every redirect hop and caps the bytes while streaming', async () => {
    const sandbox = { ...production, sandboxOrigins: [origin] };
    await expect(safeFetchImage(`${origin}/to-internal`, sandbox)).rejects.toMatchObject({
      code: 'IMAGE_URL_NOT_ALLOWED',
    });
    await expect(safeFetchImage(`${origin}/to-metadata`, sandbox)).rejects.toMatchObject({
      code: 'IMAGE_URL_NOT_ALLOWED',
    });
    await expect(safeFetchImage(`${origin}/big`, sandbox)).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    await expect(safeFetchImage(`${origin}/missing`, sandbox)).rejects.toMatchObject({
      code: 'IMAGE_FETCH_FAILED',
    });
  });
});
