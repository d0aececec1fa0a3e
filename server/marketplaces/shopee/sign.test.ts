import { describe, expect, it } from 'vitest';
import { publicBaseString, shopBaseString, shopeeSign } from './sign.js';

// The two worked examples of Shopee's signing doc (marketplaces.md, "Signing").
const KEY = '57615053704d6470644f554a78656d50484143644964436a5568777544524579';

describe('shopeeSign', () => {
  it('matches the published shop-API vector', () => {
    const base = shopBaseString(
      2001887,
      '/api/v2/shop/get_shop_info',
      1655714431,
      '59777174636562737266615546704c6d',
      14701711,
    );
    expect(base).toBe('2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711');
    expect(shopeeSign(KEY, base)).toBe('b914bea03c13799deb036bb9d10e689f5a6bade160c44af568646f1ef7d796c1');
  });

  it('matches the published public-API vector', () => {
    const base = publicBaseString(2001887, '/api/v2/public/get_shops_by_partner', 1655714431);
    expect(base).toBe('2001887/api/v2/public/get_shops_by_partner1655714431');
    expect(shopeeSign(KEY, base)).toBe('60ab8c4a535009ab33b8a0029ee18a667ef6eaeb16481ed3d573a5059122d4df');
  });
});
