import { defineContentScript } from 'wxt/utils/define-content-script';
import { runEnhanceFeature } from '../content/feature';
import { TIKTOK_CONTENT_MATCHES, tiktokAdapter } from '../marketplaces/tiktok';

export default defineContentScript({
  matches: TIKTOK_CONTENT_MATCHES,
  main(ctx) {
    return runEnhanceFeature(ctx, tiktokAdapter);
  },
});
