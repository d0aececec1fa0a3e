import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { normalizeApiUrl } from '../lib/api-url';
import { createMessageRouter } from '../lib/message-router';

export default defineBackground(() => {
  const route = createMessageRouter({
    runtimeId: browser.runtime.id,
    extensionOrigin: new URL(browser.runtime.getURL('/')).origin,
    apiUrl: normalizeApiUrl(import.meta.env.WXT_API_URL),
    fetch: (input, init) => fetch(input, init),
    languages: navigator.languages,
    openOptionsPage: () => browser.runtime.openOptionsPage(),
    download: (options) => browser.downloads.download(options),
  });

  // Registered synchronously at start-up so a message that wakes the worker is not missed.
  browser.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    void route(message, sender).then(sendResponse);
    // Answer asynchronously through sendResponse (works on every Chrome MV3 version).
    return true;
  });
});
