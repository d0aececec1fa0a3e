/** startSandboxes (sandbox/index.ts) starts the TikTok Shop sandbox next to Shopee's and maps every host. */
import { describe, expect, it } from 'vitest';
import { startSandboxes, TIKTOK_SANDBOX_DEFAULTS } from '../index.js';
import { approveAuthorization } from './testing.js';

describe('startSandboxes', () => {
  it('starts both sandboxes (TikTok with its defaults) and one --host-resolver-rules covers all hosts', async () => {
    const sandboxes = await startSandboxes({ shopee: { partnerId: 1000001, partnerKey: 'k'.repeat(32) } });
    try {
      const { shopee, tiktok } = sandboxes;
      expect(tiktok.httpsPort).not.toBe(shopee.httpsPort);
      const rules = sandboxes.hostResolverRules.split(', ');
      expect(rules).toEqual([
        `MAP seller.shopee.co.id 127.0.0.1:${shopee.httpsPort}`,
        `MAP down-id.img.susercontent.com 127.0.0.1:${shopee.httpsPort}`,
        ...[
          'seller-id.tokopedia.com',
          'seller-id.tiktok.com',
          'seller.tiktokglobalshop.com',
          'p16-oec-sg.ibyteimg.com',
          'p19-oec-sg.ibyteimg.com',
        ].map((host) => `MAP ${host} 127.0.0.1:${tiktok.httpsPort}`),
      ]);
      const callback = await approveAuthorization(
        `${tiktok.baseUrl}/open/authorize?service_id=${TIKTOK_SANDBOX_DEFAULTS.serviceId}&state=demo`,
      );
      expect(callback.origin + callback.pathname).toBe(TIKTOK_SANDBOX_DEFAULTS.redirectUrl);
      expect(callback.searchParams.get('state')).toBe('demo');
    } finally {
      await sandboxes.close();
    }
  });
});
