import { defineContentScript } from 'wxt/utils/define-content-script';
import { runEnhanceFeature } from '../content/feature';
import { SHOPEE_CONTENT_MATCHES, shopeeAdapter } from '../marketplaces/shopee';

export default defineContentScript({
  matches: SHOPEE_CONTENT_MATCHES,
  main(ctx) {
    return runEnhanceFeature(ctx, shopeeAdapter);
  },
});
