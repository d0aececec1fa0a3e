/**
 * Hosted image generation, chosen by configuration (`AI_SCENE_PROVIDER`, `RELIGHT_PROVIDER`); `none` means
 * the feature is off and jobs asking for it are refused at submission (services/jobs.ts).
 */
import type { Config } from '../../config.js';
import { sandboxOriginsOf } from '../../net/safe-fetch.js';
import { ComfyUiClient } from './comfyui.js';
import { FalGenerative } from './fal.js';
import { ReplicateClient } from './replicate.js';
import type { Relighter, SceneGenerator } from './types.js';

export { type ComfyGraph, ComfyUiClient, sceneGraph } from './comfyui.js';
export { FAL_RELIGHT_MODEL, FAL_SCENE_MODEL, FalGenerative } from './fal.js';
export { REPLICATE_BASE_URL, ReplicateClient } from './replicate.js';
export * from './types.js';

type GenerativeConfig = Pick<
  Config,
  | 'AI_SCENE_PROVIDER'
  | 'RELIGHT_PROVIDER'
  | 'FAL_KEY'
  | 'FAL_BASE_URL'
  | 'FAL_SCENE_MODEL'
  | 'FAL_RELIGHT_MODEL'
  | 'FAL_RESULT_HOSTS'
  | 'REPLICATE_API_TOKEN'
  | 'REPLICATE_BASE_URL'
  | 'REPLICATE_SCENE_MODEL'
  | 'REPLICATE_RELIGHT_MODEL'
  | 'REPLICATE_RESULT_HOSTS'
  | 'COMFYUI_URL'
  | 'COMFYUI_CHECKPOINT'
  | 'AI_TIMEOUT_MS'
  | 'AI_DEADLINE_MS'
  | 'AI_POLL_INTERVAL_MS'
  | 'SANDBOX_MODE'
  | 'SANDBOX_IMAGE_ORIGINS'
>;

/** Which AI steps this server can run: what job submission checks before it charges anything. */
export function aiCapabilities(config: Pick<Config, 'AI_SCENE_PROVIDER' | 'RELIGHT_PROVIDER'>) {
  return { ai_scene: config.AI_SCENE_PROVIDER !== 'none', relight: config.RELIGHT_PROVIDER !== 'none' };
}

function common(config: GenerativeConfig) {
  return {
    timeoutMs: config.AI_TIMEOUT_MS,
    deadlineMs: config.AI_DEADLINE_MS,
    pollIntervalMs: config.AI_POLL_INTERVAL_MS,
    // A provider sandbox serves its result files from loopback: only the origins the operator lists.
    sandboxOrigins: sandboxOriginsOf(config),
  };
}

function fal(config: GenerativeConfig): FalGenerative {
  return new FalGenerative({
    ...common(config),
    apiKey: config.FAL_KEY ?? '',
    baseUrl: config.FAL_BASE_URL,
    sceneModel: config.FAL_SCENE_MODEL,
    relightModel: config.FAL_RELIGHT_MODEL,
    resultHosts: config.FAL_RESULT_HOSTS,
  });
}

function replicate(config: GenerativeConfig): ReplicateClient {
  return new ReplicateClient({
    ...common(config),
    apiKey: config.REPLICATE_API_TOKEN ?? '',
    baseUrl: config.REPLICATE_BASE_URL,
    sceneModel: config.REPLICATE_SCENE_MODEL,
    relightModel: config.REPLICATE_RELIGHT_MODEL,
    resultHosts: config.REPLICATE_RESULT_HOSTS,
  });
}

/** The configured providers; config has already checked each chosen one has its key or URL. */
export function createGenerators(config: GenerativeConfig): {
  sceneGenerator?: SceneGenerator;
  relighter?: Relighter;
} {
  const scene: SceneGenerator | undefined =
    config.AI_SCENE_PROVIDER === 'fal'
      ? fal(config)
      : config.AI_SCENE_PROVIDER === 'replicate'
        ? replicate(config)
        : config.AI_SCENE_PROVIDER === 'comfyui'
          ? new ComfyUiClient({
              ...common(config),
              baseUrl: config.COMFYUI_URL ?? '',
              checkpoint: config.COMFYUI_CHECKPOINT,
            })
          : undefined;
  const relighter: Relighter | undefined =
    config.RELIGHT_PROVIDER === 'fal'
      ? fal(config)
      : config.RELIGHT_PROVIDER === 'replicate'
        ? replicate(config)
        : undefined;
  return { ...(scene ? { sceneGenerator: scene } : {}), ...(relighter ? { relighter } : {}) };
}
