/**
 * Starts every marketplace sandbox: Shopee, and TikTok Shop (which also serves Tokopedia). Used by the e2e
 * tests and by the local demo; the product reaches each one through its production client with only the
 * base URLs changed.
 */
import type { Logger } from 'pino';
import { type ShopeeSandbox, type ShopeeSandboxOptions, startShopeeSandbox } from './shopee/index.js';
import {
  startTikTokSandbox,
  TIKTOK_SANDBOX_DEFAULTS,
  type TikTokSandbox,
  type TikTokSandboxOptions,
} from './tiktok/index.js';

export type { ShopeeSandbox, ShopeeSandboxFault, ShopeeSandboxOptions } from './shopee/index.js';
export { startShopeeSandbox } from './shopee/index.js';
export type { TikTokSandbox, TikTokSandboxFault, TikTokSandboxOptions } from './tiktok/index.js';
export { startTikTokSandbox, TIKTOK_SANDBOX_DEFAULTS } from './tiktok/index.js';

export interface SandboxesOptions {
  shopee: ShopeeSandboxOptions;
  /**
   * Each sandbox runs its own https server: give the two different `httpsPort`s (or 0).
   * @defaultValue TIKTOK_SANDBOX_DEFAULTS on random ports
   */
  tiktok?: TikTokSandboxOptions;
  /** Passed to every sandbox that has no logger of its own. */
  logger?: Logger;
}

export interface Sandboxes {
  shopee: ShopeeSandbox;
  tiktok: TikTokSandbox;
  /** Chromium --host-resolver-rules covering every sandbox's real hostnames (one flag, all mappings). */
  hostResolverRules: string;
  close(): Promise<void>;
}

export async function startSandboxes(options: SandboxesOptions): Promise<Sandboxes> {
  const [shopee, tiktok] = await Promise.allSettled([
    startShopeeSandbox({ logger: options.logger, ...options.shopee }),
    startTikTokSandbox({ logger: options.logger, ...(options.tiktok ?? TIKTOK_SANDBOX_DEFAULTS) }),
  ]);
  if (shopee.status === 'rejected' || tiktok.status === 'rejected') {
    // Don't leave the one that started listening behind.
    await Promise.allSettled(
      [shopee, tiktok].flatMap((started) => (started.status === 'fulfilled' ? [started.value.close()] : [])),
    );
    throw shopee.status === 'rejected' ? shopee.reason : (tiktok as PromiseRejectedResult).reason;
  }
  return {
    shopee: shopee.value,
    tiktok: tiktok.value,
    hostResolverRules: [shopee.value.hostResolverRules, tiktok.value.hostResolverRules].join(', '),
    close: async () => {
      await Promise.all([shopee.value.close(), tiktok.value.close()]);
    },
  };
}
