/**
 * Starts every marketplace sandbox (only Shopee for now). Used by the e2e tests and by the local demo;
 * the product reaches each one through its production client with only the base URL changed.
 */
import type { Logger } from 'pino';
import { type ShopeeSandbox, type ShopeeSandboxOptions, startShopeeSandbox } from './shopee/index.js';

export type { ShopeeSandbox, ShopeeSandboxFault, ShopeeSandboxOptions } from './shopee/index.js';
export { startShopeeSandbox } from './shopee/index.js';

export interface SandboxesOptions {
  shopee: ShopeeSandboxOptions;
  /** Passed to every sandbox that has no logger of its own. */
  logger?: Logger;
}

export interface Sandboxes {
  shopee: ShopeeSandbox;
  /** Chromium --host-resolver-rules covering every sandbox's real hostnames. */
  hostResolverRules: string;
  close(): Promise<void>;
}

export async function startSandboxes(options: SandboxesOptions): Promise<Sandboxes> {
  const shopee = await startShopeeSandbox({ logger: options.logger, ...options.shopee });
  return {
    shopee,
    hostResolverRules: [shopee.hostResolverRules].join(', '),
    close: async () => {
      await shopee.close();
    },
  };
}
