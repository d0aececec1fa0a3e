/**
 * Fetching image URLs without SSRF (security.md, "Fetching image URLs"): https on port 443 only, hosts on
 * the marketplace CDN allowlist, every resolved address checked at connect time by request-filtering-agent
 * (loopback, private, link-local, IPv4-mapped IPv6 all refused), at most 3 redirects each re-checked, a
 * connect timeout, a total deadline and a byte cap enforced while streaming.
 *
 * Sandbox mode adds exact sandbox origins (the local CDN stand-in), which may resolve to loopback; they
 * are honoured only when SANDBOX_MODE is on.
 */
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

export interface SafeFetchPolicy {
  allowedHosts: readonly string[];
  /** Exact origins allowed in sandbox mode (may be http and loopback). Empty in production. */
  sandboxOrigins: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
}

/** The local origins allowed to serve images (a CDN or provider sandbox): only with SANDBOX_MODE. */
export function sandboxOriginsOf(
  config: Pick<Config, 'SANDBOX_MODE' | 'SANDBOX_IMAGE_ORIGINS'>,
): readonly string[] {
  return config.SANDBOX_MODE ? config.SANDBOX_IMAGE_ORIGINS : [];
}

/** The policy for seller image URLs, from the validated config (API at submission, worker at fetch). */
export function imageFetchPolicy(
  config: Pick<Config, 'SANDBOX_MODE' | 'SANDBOX_IMAGE_ORIGINS' | 'MAX_UPLOAD_BYTES'>,
): Omit<SafeFetchPolicy, 'allowedHosts'> {
  return {
    sandboxOrigins: sandboxOriginsOf(config),
    maxBytes: config.MAX_UPLOAD_BYTES,
    timeoutMs: 15_000,
  };
}

const strictHttps = new RequestFilteringHttpsAgent({ keepAlive: false });
const sandboxAgents = {
  'https:': new https.Agent({ keepAlive: false, rejectUnauthorized: false }),
  'http:': new http.Agent({ keepAlive: false }),
};
// Kept for symmetry so a future http CDN is refused by the same checks rather than by omission.
void RequestFilteringHttpAgent;

type Checked = { url: URL; sandbox: boolean };

/** Decides whether a URL may be fetched at all, before any network traffic. Throws IMAGE_URL_NOT_ALLOWED. */
export function checkImageUrl(raw: string, policy: SafeFetchPolicy): Checked {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('IMAGE_URL_NOT_ALLOWED');
  }
  if (policy.sandboxOrigins.includes(url.origin)) return { url, sandbox: true };
  if (url.protocol !== 'https:' || (url.port !== '' && url.port !== '443') || url.username || url.password) {
    throw new AppError('IMAGE_URL_NOT_ALLOWED');
  }
  // IP literals are never CDN hosts (also covers 127.1, 0x7f000001 which URL normalises to dotted form).
  if (ipaddr.isValid(url.hostname.replace(/^\[|\]$/g, ''))) throw new AppError('IMAGE_URL_NOT_ALLOWED');
  if (!policy.allowedHosts.includes(url.hostname.toLowerCase())) throw new AppError('IMAGE_URL_NOT_ALLOWED');
  return { url, sandbox: false };
}

/**
 * Cheap early refusal (at job submission) of allowlisted names that resolve to non-public addresses.
 * Not the real defence — the connect-time check is — but it turns a sure failure into a 4xx up front.
 */
export async function assertResolvesPublic(checked: Checked): Promise<void> {
  if (checked.sandbox) return;
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(checked.url.hostname, { all: true });
  } catch {
    throw new AppError('IMAGE_FETCH_FAILED');
  }
  for (const { address } of addresses) {
    const parsed = ipaddr.process(address); // unwraps IPv4-mapped IPv6
    if (parsed.range() !== 'unicast') throw new AppError('IMAGE_URL_NOT_ALLOWED');
  }
}

function requestOnce(checked: Checked, policy: SafeFetchPolicy, deadline: number) {
  return new Promise<{ status: number; location?: string; body?: Buffer; contentType?: string }>(
    (resolve, reject) => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return reject(new AppError('IMAGE_FETCH_FAILED'));
      const { url, sandbox } = checked;
      const lib = url.protocol === 'http:' ? http : https;
      const agent = sandbox ? sandboxAgents[url.protocol as 'http:' | 'https:'] : strictHttps;
      const req = lib.get(url, { agent, timeout: Math.min(remaining, policy.timeoutMs) }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          return resolve({ status, location: res.headers.location });
        }
        if (status !== 200) {
          res.resume();
          return reject(new AppError('IMAGE_FETCH_FAILED'));
        }
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > policy.maxBytes) {
          res.destroy();
          return reject(new AppError('PAYLOAD_TOO_LARGE'));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > policy.maxBytes) {
            res.destroy();
            reject(new AppError('PAYLOAD_TOO_LARGE'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status, body: Buffer.concat(chunks), contentType: res.headers['content-type'] }),
        );
        res.on('error', () => reject(new AppError('IMAGE_FETCH_FAILED')));
      });
      const timer = setTimeout(() => req.destroy(new Error('deadline')), remaining);
      req.on('close', () => clearTimeout(timer));
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) => {
        // request-filtering-agent refuses private addresses with an error naming the address.
        const refused = /not allowed/i.test(error.message);
        reject(
          new AppError(refused ? 'IMAGE_URL_NOT_ALLOWED' : 'IMAGE_FETCH_FAILED', undefined, { cause: error }),
        );
      });
    },
  );
}

export async function safeFetchImage(raw: string, policy: SafeFetchPolicy): Promise<Buffer> {
  const deadline = Date.now() + policy.timeoutMs;
  let checked = checkImageUrl(raw, policy);
  for (let hop = 0; hop <= (policy.maxRedirects ?? 3); hop++) {
    const res = await requestOnce(checked, policy, deadline);
    if (res.body) return res.body;
    if (!res.location) throw new AppError('IMAGE_FETCH_FAILED');
    checked = checkImageUrl(new URL(res.location, checked.url).toString(), policy);
  }
  throw new AppError('IMAGE_FETCH_FAILED');
}
