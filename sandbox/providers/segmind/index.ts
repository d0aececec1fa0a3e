/**
 * Segmind sandbox: `POST /v1/bg-removal-v2`, `x-api-key`, JSON `{image, type}`; answers image bytes
 * (providers.md "Segmind"). The image arrives base64-encoded; `type: mask` answers a greyscale mask.
 * Errors as `{error}`; 406 is Segmind's "out of credits".
 */
import { type ProviderSandbox, startProviderSandbox } from '../common.js';

export function startSegmindSandbox(options: { apiKey: string; port?: number }): Promise<ProviderSandbox> {
  return startProviderSandbox(
    {
      name: 'segmind',
      path: '/v1/bg-removal-v2',
      keyHeader: 'x-api-key',
      input: { kind: 'json', field: 'image' },
      errorBody: (e) => ({ error: e.message }),
      wantsMask: (fields) => fields.type === 'mask',
    },
    options,
  );
}
