/**
 * Test helper: what a seller does on the sandbox authorization page, over HTTP (load the page, press
 * "Authorize / Otorisasi"). Returns the callback URL TikTok redirects to (Partner Center's fixed redirect URL
 * with `code` and `state`). Browser tests click the real button instead.
 */
import { decodeEntities, submitAuthorizationForm } from '../common/testing.js';

export function approveAuthorization(authorizeUrl: string): Promise<URL> {
  return submitAuthorizationForm(authorizeUrl, (html) => {
    // The form's hidden fields (service_id, state) are all it sends.
    const fields = new URLSearchParams();
    for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      fields.append(decodeEntities(match[1] ?? ''), decodeEntities(match[2] ?? ''));
    }
    return fields;
  });
}
