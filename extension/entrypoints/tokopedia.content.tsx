import { defineContentScript } from 'wxt/utils/define-content-script';
import { runEnhanceFeature } from '../content/feature';
import { TOKOPEDIA_CONTENT_MATCHES, tokopediaAdapter } from '../marketplaces/tokopedia';

export default defineContentScript({
  matches: TOKOPEDIA_CONTENT_MATCHES,
  main(ctx) {
    return runEnhanceFeature(ctx, tokopediaAdapter);
  },
});
