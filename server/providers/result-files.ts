/**
 * Downloading a file a provider's answer points at (fal's File.url, Replicate's `output`). The URL comes
 * from an answer, so it is fetched like a seller's image URL (security.md "Fetching image URLs"): through
 * the SSRF-safe fetch, https on an allowlisted result host only, every resolved address checked at
 * connect time, a byte cap and a deadline. The provider's key is never sent there (it is not the API).
 * A provider sandbox on this machine serves its files from loopback: only origins the operator lists
 * (`sandboxOrigins`, from SANDBOX_IMAGE_ORIGINS with SANDBOX_MODE) may.
 */
import { isAppError } from '../errors.js';
import { safeFetchImage } from '../net/safe-fetch.js';
import type { ProviderErrorFactory, TransportError } from './transport.js';

export interface ResultFileOptions {
  /**
   * Hosts the provider serves results from: exact names, or `*.example.com` for any subdomain.
   * @defaultValue none
   */
  resultHosts?: readonly string[];
  /** Exact local origins (a provider sandbox) allowed to serve results over http and resolve to loopback. */
  sandboxOrigins?: readonly string[];
  /** @defaultValue 50 MB */
  maxBytes?: number;
  /** @defaultValue 30000 */
  timeoutMs?: number;
}

export function hostAllowed(hostname: string, patterns: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  return patterns.some((pattern) => {
    const p = pattern.trim().toLowerCase();
    return p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p;
  });
}

export class ResultFiles<E extends TransportError> {
  constructor(
    readonly options: ResultFileOptions,
    readonly error: ProviderErrorFactory<E>,
  ) {}

  async download(raw: string): Promise<Buffer> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw this.error('malformed', 'result file URL is invalid');
    }
    const allowed = hostAllowed(url.hostname, this.options.resultHosts ?? [])
      ? [url.hostname.toLowerCase()]
      : [];
    try {
      return await safeFetchImage(url.toString(), {
        allowedHosts: allowed,
        sandboxOrigins: this.options.sandboxOrigins ?? [],
        maxBytes: this.options.maxBytes ?? 50 * 1024 * 1024,
        timeoutMs: this.options.timeoutMs ?? 30_000,
        maxRedirects: 3,
      });
    } catch (err) {
      if (!isAppError(err)) throw this.error('network', 'result file download failed');
      // Never the URL in the message: signed result URLs are credentials of a sort.
      if (err.code === 'IMAGE_URL_NOT_ALLOWED')
        throw this.error('malformed', 'result file is not on an allowed host');
      if (err.code === 'PAYLOAD_TOO_LARGE') throw this.error('malformed', 'result file is too large');
      throw this.error('unavailable', 'result file download failed');
    }
  }
}
