/**
 * Starts every AI-provider sandbox (background removal: remove.bg, Photoroom, Segmind, fal BiRefNet;
 * generation: fal SDXL / IC-Light, Replicate, ComfyUI) and says how to point the server at them: the
 * product reaches each through its production client, only the base URL (and a sandbox key) differ.
 */
import { type ComfyUiSandbox, startComfyUiSandbox } from './comfyui/index.js';
import type { ProviderSandbox } from './common.js';
import { type FalSandbox, startFalSandbox } from './fal/index.js';
import { startPhotoroomSandbox } from './photoroom/index.js';
import { startRemoveBgSandbox } from './removebg/index.js';
import { type ReplicateSandbox, startReplicateSandbox } from './replicate/index.js';
import { startSegmindSandbox } from './segmind/index.js';

export type { ComfyUiSandbox } from './comfyui/index.js';
export type { ProviderSandbox } from './common.js';
export type { FalSandbox } from './fal/index.js';
export type { ReplicateSandbox } from './replicate/index.js';

/** A key no provider issues: the sandboxes accept it, the real APIs never will. */
export const SANDBOX_PROVIDER_KEY = 'sandbox-only-provider-key-not-a-real-secret';

export interface ProviderSandboxesOptions {
  /** Every sandbox accepts this key. @defaultValue {@link SANDBOX_PROVIDER_KEY} */
  apiKey?: string;
  /** Ports from here up, one per sandbox in the order of {@link ProviderSandboxes}; 0 = random ports. */
  basePort?: number;
  host?: string;
}

export interface ProviderSandboxes {
  removebg: ProviderSandbox;
  photoroom: ProviderSandbox;
  segmind: ProviderSandbox;
  fal: FalSandbox;
  replicate: ReplicateSandbox;
  comfyui: ComfyUiSandbox;
  /**
   * Server settings pointing at the sandboxes (keys included: they are sandbox keys). Choose a provider
   * with BG_REMOVAL_PROVIDER / AI_SCENE_PROVIDER / RELIGHT_PROVIDER.
   */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startProviderSandboxes(
  options: ProviderSandboxesOptions = {},
): Promise<ProviderSandboxes> {
  const apiKey = options.apiKey ?? SANDBOX_PROVIDER_KEY;
  const port = (i: number) => (options.basePort ? { port: options.basePort + i } : {});
  const started = await Promise.allSettled([
    startRemoveBgSandbox({ apiKey, ...port(0) }),
    startPhotoroomSandbox({ apiKey, ...port(1) }),
    startSegmindSandbox({ apiKey, ...port(2) }),
    startFalSandbox({ apiKey, ...port(3) }),
    startReplicateSandbox({ apiKey, ...port(4) }),
    startComfyUiSandbox({ ...port(5) }),
  ] as const);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    // Don't leave the ones that started listening behind.
    await Promise.allSettled(started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.close()] : [])));
    throw (failed as PromiseRejectedResult).reason;
  }
  const [removebg, photoroom, segmind, fal, replicate, comfyui] = started.map(
    (s) => (s as PromiseFulfilledResult<ProviderSandbox>).value,
  ) as [ProviderSandbox, ProviderSandbox, ProviderSandbox, FalSandbox, ReplicateSandbox, ComfyUiSandbox];
  return {
    removebg,
    photoroom,
    segmind,
    fal,
    replicate,
    comfyui,
    env: {
      REMOVEBG_BASE_URL: removebg.baseUrl,
      REMOVEBG_API_KEY: apiKey,
      PHOTOROOM_BASE_URL: photoroom.baseUrl,
      PHOTOROOM_API_KEY: apiKey,
      SEGMIND_BASE_URL: segmind.baseUrl,
      SEGMIND_API_KEY: apiKey,
      FAL_BASE_URL: fal.baseUrl,
      FAL_KEY: apiKey,
      REPLICATE_BASE_URL: replicate.baseUrl,
      REPLICATE_API_TOKEN: apiKey,
      COMFYUI_URL: comfyui.baseUrl,
    },
    close: async () => {
      await Promise.all([removebg, photoroom, segmind, fal, replicate, comfyui].map((s) => s.close()));
    },
  };
}
