import { describe, expect, it } from 'vitest';
import { tiktokSign, tiktokSignBase } from './sign.js';

// The two published vectors (marketplaces.md, "Signing").
describe('tiktokSign', () => {
  it("matches TikTok's sign-guide vector (get authorized shops)", () => {
    const input = {
      path: '/authorization/202309/shops',
      query: { timestamp: '1623812664', app_key: '29a39d' },
    };
    expect(tiktokSignBase(input).toString()).toBe(
      '/authorization/202309/shopsapp_key29a39dtimestamp1623812664',
    );
    expect(tiktokSign({ appSecret: 'e59af819cc', ...input })).toBe(
      'b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8',
    );
  });

  it("matches EcomPHP/tiktokshop-php's vector", () => {
    expect(tiktokSign({ appSecret: 'app_secret', path: '/test-api', query: { foo: 'bar' } })).toBe(
      'd3cb7fe11ecae942802ceeca67e7cf10120cc12f1517d45fbc1c8cfe5413c80f',
    );
  });

  it('leaves out sign and access_token, sorts keys, and appends the body unless multipart', () => {
    const query = { timestamp: '1', sign: 'x', access_token: 't', app_key: 'k', shop_cipher: 'ROW_a' };
    expect(tiktokSignBase({ path: '/p', query }).toString()).toBe('/papp_keykshop_cipherROW_atimestamp1');
    const body = '{"main_images":[{"uri":"a/b"}]}';
    expect(tiktokSignBase({ path: '/p', query: { a: '1' }, body }).toString()).toBe(`/pa1${body}`);
    expect(tiktokSignBase({ path: '/p', query: { a: '1' }, body, multipart: true }).toString()).toBe('/pa1');
    // The same body as bytes signs the same, including non-ASCII text.
    const text = '{"title":"Kopi – Größe ✓"}';
    expect(tiktokSign({ appSecret: 's', path: '/p', query: {}, body: Buffer.from(text) })).toBe(
      tiktokSign({ appSecret: 's', path: '/p', query: {}, body: text }),
    );
  });
});
